package vtoe.model.net;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import vtoe.model.txn.Bytes;

/** Frame generators and byte-level surgery shared by the net tests. */
final class Frames {
    static final long MAC_MAX = (1L << 48) - 1;

    private Frames() {}

    /** Any frame {@link TcpFrame} accepts, payload 0..1500 bytes spread evenly over that range. */
    static Arbitrary<TcpFrame> any() {
        Arbitrary<Long> macs = Arbitraries.longs().between(0, MAC_MAX);
        Arbitrary<Integer> ints = Arbitraries.integers();
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xffff);
        Arbitrary<Integer> u8 = Arbitraries.integers().between(0, 0xff);
        Arbitrary<Bytes> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(1500)
                .withSizeDistribution(RandomDistribution.uniform()).map(Bytes::wrap);
        Arbitrary<TcpFrame> head = Combinators.combine(macs, macs, ints, ints, u16, u8, Arbitraries.of(true, false), u16)
                .as((dm, sm, si, di, id, ttl, df, sp) -> new TcpFrame(dm, sm, si, di, id, ttl, df, sp, 0, 0, 0, 0, 0, Bytes.of()));
        return Combinators.combine(head, u16, ints, ints, u8, u16, payloads)
                .as((h, dp, seq, ack, fl, win, p) -> new TcpFrame(h.dstMac(), h.srcMac(), h.srcIp(), h.dstIp(), h.ipId(),
                        h.ttl(), h.df(), h.srcPort(), dp, seq, ack, fl, win, p));
    }

    static TcpFrame frame(int payloadBytes) {
        byte[] p = new byte[payloadBytes];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 31 + 7);
        }
        return new TcpFrame(0x020000000002L, 0x020000000001L, 0x0a000001, 0x0a000002, 7, 64, true, 40000, 5001,
                1000, 2000, TcpFrame.PSH | TcpFrame.ACK, 65535, Bytes.wrap(p));
    }

    static int ipHeaderBytes(byte[] f) {
        return (f[14] & 0xf) * 4;
    }

    static int ipTotal(byte[] f) {
        return u16(f, 16);
    }

    static int u16(byte[] f, int at) {
        return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
    }

    static void putU16(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 8);
        f[at + 1] = (byte) v;
    }

    /** Recomputes the IPv4 header checksum, so a test's corruption is the only thing wrong. */
    static byte[] fixIp(byte[] f) {
        putU16(f, 24, 0);
        putU16(f, 24, InternetChecksum.of(Bytes.wrap(Arrays.copyOfRange(f, 14, 14 + ipHeaderBytes(f)))));
        return f;
    }

    /** Recomputes the TCP checksum over the segment the IP header declares. */
    static byte[] fixTcp(byte[] f) {
        int tcp = 14 + ipHeaderBytes(f);
        int seg = ipTotal(f) - ipHeaderBytes(f);
        putU16(f, tcp + 16, 0);
        long sum = InternetChecksum.add(0, Bytes.wrap(Arrays.copyOfRange(f, 26, 34))); // src and dst IP
        sum = InternetChecksum.addWord(InternetChecksum.addWord(sum, 6), seg);
        sum = InternetChecksum.add(sum, Bytes.wrap(Arrays.copyOfRange(f, tcp, tcp + seg)));
        putU16(f, tcp + 16, InternetChecksum.finish(sum));
        return f;
    }

    /** {@code frame} with options inserted after the IPv4 and the TCP header, lengths and checksums fixed. */
    static Bytes withOptions(TcpFrame frame, byte[] ipOptions, byte[] tcpOptions) {
        byte[] plain = frame.encode().toArray();
        int payload = frame.payload().length();
        int total = 40 + ipOptions.length + tcpOptions.length + payload;
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + total));
        b.put(plain, 0, 34).put(ipOptions).put(plain, 34, 20).put(tcpOptions).put(plain, 54, payload);
        byte[] f = b.array();
        f[14] = (byte) (0x40 | (5 + ipOptions.length / 4));
        putU16(f, 16, total);
        int tcp = 14 + 20 + ipOptions.length;
        f[tcp + 12] = (byte) ((5 + tcpOptions.length / 4) << 4);
        return Bytes.wrap(fixTcp(fixIp(f)));
    }
}
