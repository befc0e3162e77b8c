package vtoe.model.net;

import vtoe.model.txn.Bytes;

/**
 * The few TCP header fields that watchers on the wire need, read in place without the checksum
 * checks of {@link TcpFrame#parse} (the receiver does those; a probe that reads every frame of a
 * long run should not do them twice).
 *
 * @param payloadAt offset of the first payload byte in the frame
 */
public record TcpHeaderView(int srcPort, int dstPort, int seq, int ack, int flags, int payloadAt, int payloadLen) {
    /** The header of an Ethernet/IPv4/TCP frame, or null if the frame is too short or not IPv4/TCP. */
    public static TcpHeaderView of(Bytes f) {
        if (f.length() < 54 || u16(f, 12) != 0x0800 || (f.get(23) & 0xff) != 6) {
            return null;
        }
        int ihl = (f.get(14) & 0xf) * 4;
        int tcp = 14 + ihl;
        if (ihl < 20 || f.length() < tcp + 20) {
            return null;
        }
        int doff = ((f.get(tcp + 12) >> 4) & 0xf) * 4;
        int len = u16(f, 16) - ihl - doff;
        if (doff < 20 || len < 0 || tcp + doff + len > f.length()) {
            return null;
        }
        return new TcpHeaderView(u16(f, tcp), u16(f, tcp + 2), i32(f, tcp + 4), i32(f, tcp + 8), f.get(tcp + 13) & 0xff, tcp + doff,
                len);
    }

    public boolean hasAck() {
        return (flags & TcpFrame.ACK) != 0;
    }

    private static int u16(Bytes f, int at) {
        return (f.get(at) & 0xff) << 8 | (f.get(at + 1) & 0xff);
    }

    private static int i32(Bytes f, int at) {
        return u16(f, at) << 16 | u16(f, at + 2);
    }
}
