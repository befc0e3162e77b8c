package vtoe.model.check;

import java.util.ArrayList;
import java.util.List;
import vtoe.model.net.InternetChecksum;
import vtoe.model.txn.Bytes;

/**
 * Every field of one Ethernet II + IPv4 + TCP frame as a sender put it on the wire, read without
 * judging it, plus the structural faults that make the frame unreadable as a TCP segment.
 *
 * <p>Unlike {@link vtoe.model.net.TcpFrame#parse}, which stops at the first fault (what a receiver
 * does), this keeps reading so that {@link TcpSenderRules} can name every wrong field of a segment at
 * once. {@code malformed} lists the faults that leave the segment's boundaries unknown; when it is
 * not empty the sequence rules are not applied to the frame.
 *
 * @param frameLength bytes in the frame as it left the sender (no FCS)
 * @param ipHeader IPv4 header bytes (IHL * 4)
 * @param fragment the IPv4 flags and fragment offset word
 * @param tcpHeader TCP header bytes (data offset * 4)
 * @param reserved the four reserved bits between the data offset and the flags
 * @param payloadAt offset of the first payload byte in the frame
 * @param payload the TCP payload (empty when {@code malformed} is not empty)
 */
record WireSegment(int frameLength, long dstMac, long srcMac, int ethertype, int version, int ipHeader, int totalLength,
        int fragment, int ttl, int protocol, boolean ipChecksumOk, int srcIp, int dstIp, int srcPort, int dstPort, int seq,
        int ack, int tcpHeader, int reserved, int flags, int window, int urgent, boolean tcpChecksumOk, int payloadAt,
        Bytes payload, List<String> malformed) {
    static final int ETH = 14;
    static final int MIN_HEADERS = ETH + 20 + 20;

    /** Reads {@code f}; null when not even the addresses and ports can be read (too short, not IPv4, not TCP). */
    static WireSegment read(Bytes f, List<String> whyNot) {
        if (f.length() < MIN_HEADERS) {
            whyNot.add(f.length() + " bytes is shorter than the Ethernet, IPv4 and TCP headers (" + MIN_HEADERS + ")");
            return null;
        }
        int ethertype = u16(f, 12);
        if (ethertype != 0x0800) {
            whyNot.add("ethertype 0x" + Integer.toHexString(ethertype) + " is not IPv4 (0x0800, RFC 894)");
            return null;
        }
        int version = u8(f, ETH) >>> 4;
        int ihl = (u8(f, ETH) & 0xf) * 4;
        if (version != 4 || ihl < 20 || ETH + ihl + 20 > f.length()) {
            whyNot.add("IP version " + version + " with a " + ihl + "-byte header is not a readable IPv4 header (RFC 791 3.1)");
            return null;
        }
        int protocol = u8(f, ETH + 9);
        if (protocol != 6) {
            whyNot.add("IP protocol " + protocol + " is not TCP (6)");
            return null;
        }
        List<String> bad = new ArrayList<>();
        int total = u16(f, ETH + 2);
        int tcp = ETH + ihl;
        int doff = (u8(f, tcp + 12) >>> 4) * 4;
        if (total < ihl + 20 || ETH + total > f.length()) {
            bad.add("IP total length " + total + " does not fit a " + ihl + "-byte IP header, a TCP header and the "
                    + (f.length() - ETH) + " bytes after the Ethernet header (RFC 791 3.1)");
        } else if (doff < 20 || ihl + doff > total) {
            bad.add("TCP data offset " + doff / 4 + " (" + doff + " bytes) does not fit the " + (total - ihl)
                    + "-byte segment (RFC 9293 3.1: at least 5, within the segment)");
        }
        boolean ipSumOk = InternetChecksum.fold(InternetChecksum.add(0, f, ETH, ETH + ihl, 0)) == 0xffff;
        int srcIp = s32(f, ETH + 12);
        int dstIp = s32(f, ETH + 16);
        boolean tcpSumOk = false;
        Bytes payload = Bytes.of();
        int payloadAt = tcp + Math.max(20, doff);
        if (bad.isEmpty()) {
            int segLen = total - ihl;
            long sum = InternetChecksum.addInt(0, srcIp);
            sum = InternetChecksum.addInt(sum, dstIp);
            sum = InternetChecksum.addWord(sum, 6);
            sum = InternetChecksum.addWord(sum, segLen);
            tcpSumOk = InternetChecksum.fold(InternetChecksum.add(sum, f, tcp, tcp + segLen, 0)) == 0xffff;
            payload = f.slice(payloadAt, ETH + total);
        }
        return new WireSegment(f.length(), u48(f, 0), u48(f, 6), ethertype, version, ihl, total, u16(f, ETH + 6), u8(f, ETH + 8),
                protocol, ipSumOk, srcIp, dstIp, u16(f, tcp), u16(f, tcp + 2), s32(f, tcp + 4), s32(f, tcp + 8), doff,
                u8(f, tcp + 12) & 0xf, u8(f, tcp + 13), u16(f, tcp + 14), u16(f, tcp + 18), tcpSumOk, payloadAt, payload,
                List.copyOf(bad));
    }

    int payloadLength() {
        return payload.length();
    }

    /** The ports and addresses as one line: {@code 10.0.0.1:16385 > 10.0.1.1:5002}. */
    String tuple() {
        return ip(srcIp) + ":" + srcPort + " > " + ip(dstIp) + ":" + dstPort;
    }

    static String ip(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    static String mac(long mac) {
        StringBuilder s = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            s.append("%02x".formatted((mac >>> (8 * i)) & 0xff)).append(i > 0 ? ":" : "");
        }
        return s.toString();
    }

    private static int u8(Bytes b, int at) {
        return b.get(at) & 0xff;
    }

    private static int u16(Bytes b, int at) {
        return b.u16(at);
    }

    private static int s32(Bytes b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    private static long u48(Bytes b, int at) {
        return (long) u16(b, at) << 32 | (s32(b, at + 2) & 0xffffffffL);
    }
}
