package vtoe.tb.regress;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.net.InternetChecksum;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.world.ConnSetup;

/**
 * Frames an ordinary run's receive side may also carry, which the adapter must count and drop with no
 * other effect: runts shorter than the headers, IPv4 that is not TCP (a UDP datagram), and TCP
 * segments for a connection that are not plain ACKs (SYN, FIN or RST set, or ACK clear), which the
 * host's stack handles, and plain ACKs from a connection's peer to another of our ports that shares the
 * connection's low port bits. Link corruption makes the other drop classes; these it never makes.
 */
final class StrayFrames {
    private StrayFrames() {}

    /** One frame and when, in cycles after the traffic starts, it arrives. */
    record Stray(long after, String kind, Bytes frame) {}

    /** Up to four stray frames for the run's connections, from {@code rng}. */
    static List<Stray> draw(List<ConnSetup> conns, UniformRandomProvider rng) {
        List<Stray> l = new ArrayList<>();
        int n = 1 + rng.nextInt(4);
        for (int i = 0; i < n; i++) {
            ConnSetup s = conns.get(rng.nextInt(conns.size()));
            long after = 200 + rng.nextInt(20_000);
            switch (rng.nextInt(3)) {
                case 0 -> {
                    byte[] b = new byte[14 + rng.nextInt(40)]; // shorter than Ethernet + IPv4 + TCP headers (54)
                    rng.nextBytes(b);
                    l.add(new Stray(after, "runt", Bytes.wrap(b)));
                }
                case 1 -> {
                    byte[] b = segment(s, TcpFrame.ACK).encode().toArray();
                    b[23] = 17; // UDP
                    ipChecksum(b);
                    l.add(new Stray(after, "udp", Bytes.wrap(b)));
                }
                default -> {
                    int[] flags = {TcpFrame.SYN | TcpFrame.ACK, TcpFrame.FIN | TcpFrame.ACK, TcpFrame.RST | TcpFrame.ACK, TcpFrame.PSH};
                    l.add(new Stray(after, "not-an-ack", segment(s, flags[rng.nextInt(flags.length)]).encode()));
                }
            }
        }
        // Drawn after the others, so that they stay what they were: one run in two also gets a plain ACK from a
        // connection's peer to another port of ours whose low bits name the same connection (the adapter finds a
        // connection by those bits, then must check the whole port: mutant M39 takes it).
        if (rng.nextBoolean()) {
            ConnSetup s = conns.get(rng.nextInt(conns.size()));
            TcpFrame f = segment(s, TcpFrame.ACK, s.ourPort() ^ 0x8000, s.iss() + rng.nextInt(4096));
            l.add(new Stray(200 + rng.nextInt(20_000), "other-port", f.encode()));
        }
        return l;
    }

    /** A well-formed segment from the connection's peer with these flags. */
    private static TcpFrame segment(ConnSetup s, int flags) {
        return segment(s, flags, s.ourPort(), s.iss());
    }

    /** The same, to port {@code dstPort} of ours, acknowledging {@code ack}. */
    private static TcpFrame segment(ConnSetup s, int flags, int dstPort, int ack) {
        return new TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true, s.peerPort(), dstPort, s.peerSeq(), ack,
                flags, 1000, Bytes.wrap(new byte[0]));
    }

    /** Rewrites the IPv4 header checksum of an Ethernet frame after a header edit. */
    static void ipChecksum(byte[] f) {
        f[24] = 0;
        f[25] = 0;
        int c = InternetChecksum.of(Bytes.wrap(f).slice(14, 34));
        f[24] = (byte) (c >>> 8);
        f[25] = (byte) c;
    }
}
