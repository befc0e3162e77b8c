package vtoe.model.net;

import java.nio.ByteBuffer;
import vtoe.model.txn.Bytes;

/**
 * An Ethernet II + IPv4 + TCP frame as the adapter sends it, with no IP or TCP options and no FCS.
 *
 * <p>{@link #encode()} is the reference for the RTL framer, which is compared with it byte for byte:
 * IPv4 TOS 0, flags/fragment 0x4000 or 0, protocol 6; TCP data offset 5, urgent pointer 0; zero
 * padding to 60 bytes that neither length field nor checksum counts. {@link #parse} accepts more
 * than {@code encode} writes (options, padding, any TOS, the reserved bits) because peers send it,
 * so {@code parse(x).frame().encode()} equals {@code x} only for frames {@code encode} could have
 * written.
 *
 * @param dstMac 48 bits, MAC byte 0 (first on the wire) in bits 47..40
 * @param srcMac as {@code dstMac}
 * @param srcIp big-endian on the wire: 10.0.0.1 is 0x0a000001
 * @param dstIp as {@code srcIp}
 * @param ipId IPv4 identification, 16 bits
 * @param ttl 8 bits
 * @param df IPv4 don't-fragment flag
 * @param srcPort 16 bits
 * @param dstPort 16 bits
 * @param seq sequence number, all 32 bits (unsigned on the wire)
 * @param ack acknowledgment number, all 32 bits
 * @param flags TCP flags byte (CWR..FIN); see {@link #FIN} etc.
 * @param window 16 bits, unscaled
 * @param payload TCP payload, at most {@link #MAX_PAYLOAD} bytes
 */
public record TcpFrame(
        long dstMac,
        long srcMac,
        int srcIp,
        int dstIp,
        int ipId,
        int ttl,
        boolean df,
        int srcPort,
        int dstPort,
        int seq,
        int ack,
        int flags,
        int window,
        Bytes payload) {
    public static final int FIN = 1;
    public static final int SYN = 2;
    public static final int RST = 4;
    public static final int PSH = 8;
    public static final int ACK = 16;

    public static final int ETH_HEADER = 14;
    public static final int IP_HEADER = 20;
    public static final int TCP_HEADER = 20;
    /** Ethernet minimum without FCS; shorter frames are padded. */
    public static final int MIN_FRAME = 60;
    /** The IPv4 total length field is 16 bits. */
    public static final int MAX_PAYLOAD = 0xffff - IP_HEADER - TCP_HEADER;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int PROTO_TCP = 6;
    private static final int IP_DF = 0x4000;
    private static final int IP_MF = 0x2000;
    private static final int IP_FRAG_OFFSET = 0x1fff;

    public TcpFrame {
        // The messages are built only when a check fails: a frame is made for every segment and every ACK.
        require(dstMac >>> 48 == 0, () -> "dstMac must fit in 48 bits, not 0x" + Long.toHexString(dstMac));
        require(srcMac >>> 48 == 0, () -> "srcMac must fit in 48 bits, not 0x" + Long.toHexString(srcMac));
        require(ipId >>> 16 == 0, () -> "ipId must be in 0..65535, not " + ipId);
        require(ttl >>> 8 == 0, () -> "ttl must be in 0..255, not " + ttl);
        require(srcPort >>> 16 == 0, () -> "srcPort must be in 0..65535, not " + srcPort);
        require(dstPort >>> 16 == 0, () -> "dstPort must be in 0..65535, not " + dstPort);
        require(flags >>> 8 == 0, () -> "flags must fit in one byte, not 0x" + Integer.toHexString(flags));
        require(window >>> 16 == 0, () -> "window must be in 0..65535, not " + window);
        require(payload != null, () -> "payload must not be null (use an empty Bytes)");
        require(payload.length() <= MAX_PAYLOAD, () -> "payload must be at most " + MAX_PAYLOAD + " bytes, not " + payload.length());
    }

    /** The frame's bytes as the RTL framer sends them (see the class comment). */
    public Bytes encode() {
        return encode(Bytes.of());
    }

    /**
     * The frame with TCP options after the 20-byte header (the host's SYN carries MSS): {@code options}
     * is padded with zeros (end of option list) to a multiple of 4 bytes, at most 40.
     */
    public Bytes encode(Bytes options) {
        int opt = (options.length() + 3) & ~3;
        if (opt > 40) {
            throw new IllegalArgumentException("TCP options take at most 40 bytes, not " + options.length());
        }
        int tcpHeader = TCP_HEADER + opt;
        int ipTotal = IP_HEADER + tcpHeader + payload.length();
        int frameLen = Math.max(MIN_FRAME, ETH_HEADER + ipTotal);
        // Zero-filled, which is the padding; a payload-free frame's buffer holds its headers only.
        ByteBuffer b = ByteBuffer.allocate(payload.materialised() ? frameLen : ETH_HEADER + IP_HEADER + tcpHeader);
        putMac(b, dstMac);
        putMac(b, srcMac);
        b.putShort((short) ETHERTYPE_IPV4);

        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipTotal);
        b.putShort((short) ipId).putShort((short) (df ? IP_DF : 0));
        b.put((byte) ttl).put((byte) PROTO_TCP).putShort((short) 0);
        b.putInt(srcIp).putInt(dstIp);
        b.putShort(ip + 10, (short) InternetChecksum.finish(InternetChecksum.add(0, b.array(), ip, ip + IP_HEADER)));

        int tcp = b.position();
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(seq).putInt(ack);
        b.put((byte) (tcpHeader / 4 << 4)).put((byte) flags).putShort((short) window);
        b.putShort((short) 0).putShort((short) 0);
        b.put(options.toArray());
        b.position(tcp + tcpHeader);
        long sum = pseudoHeader(srcIp, dstIp, tcpHeader + payload.length());
        sum = InternetChecksum.add(sum, b.array(), tcp, tcp + tcpHeader);
        sum = InternetChecksum.add(sum, payload); // starts at an even offset: the TCP header is a multiple of 4 bytes
        b.putShort(tcp + 16, (short) InternetChecksum.finish(sum));
        Bytes out;
        if (!payload.materialised()) {
            // Payload-free: the headers and the padding are real, the payload stays content.
            int at = b.position();
            byte[] pad = new byte[frameLen - at - payload.length()];
            if (payload.contentAt() == 0 && payload.content().length() == payload.length()) {
                out = Bytes.payloadFree(b.array(), payload.content(), pad);
            } else {
                out = Bytes.concat(Bytes.wrap(b.array()), payload, Bytes.wrap(pad));
            }
        } else {
            b.put(payload.toArray());
            out = Bytes.wrap(b.array());
        }
        // parse(out) would give exactly this (TcpFrameTest checks it against a fresh parse of a copy).
        return out.decodedAs(ParseResult.of(this, 0, opt, frameLen - ETH_HEADER - ipTotal));
    }

    /** Decodes {@code frame}, or says why not; the checks and their order are those of {@link FrameError}. */
    public static ParseResult parse(Bytes frame) {
        if (frame.decoded() instanceof ParseResult known) {
            return known; // bytes that encode made, which decode to the frame they were made from
        }
        int len = frame.length();
        if (len < ETH_HEADER + IP_HEADER + TCP_HEADER) {
            return ParseResult.of(FrameError.TOO_SHORT);
        }
        if (u16(frame, 12) != ETHERTYPE_IPV4) {
            return ParseResult.of(FrameError.NOT_IPV4);
        }
        int ip = ETH_HEADER;
        int version = u8(frame, ip) >>> 4;
        int ipHeader = (u8(frame, ip) & 0xf) * 4;
        if (version != 4 || ipHeader < IP_HEADER) {
            return ParseResult.of(FrameError.BAD_IP_HEADER);
        }
        int ipTotal = u16(frame, ip + 2);
        if (ipTotal < ipHeader + TCP_HEADER || ETH_HEADER + ipTotal > len) {
            return ParseResult.of(FrameError.BAD_IP_LENGTH);
        }
        int fragment = u16(frame, ip + 6);
        if ((fragment & (IP_MF | IP_FRAG_OFFSET)) != 0) {
            return ParseResult.of(FrameError.FRAGMENTED);
        }
        if (InternetChecksum.fold(InternetChecksum.add(0, frame, ip, ip + ipHeader, 0)) != 0xffff) {
            return ParseResult.of(FrameError.BAD_IP_CHECKSUM);
        }
        if (u8(frame, ip + 9) != PROTO_TCP) {
            return ParseResult.of(FrameError.NOT_TCP);
        }
        int tcp = ip + ipHeader;
        int segmentLen = ipTotal - ipHeader;
        int tcpHeader = (u8(frame, tcp + 12) >>> 4) * 4;
        if (tcpHeader < TCP_HEADER || tcpHeader > segmentLen) {
            return ParseResult.of(FrameError.BAD_TCP_HEADER);
        }
        int srcIp = s32(frame, ip + 12);
        int dstIp = s32(frame, ip + 16);
        long sum = InternetChecksum.add(pseudoHeader(srcIp, dstIp, segmentLen), frame, tcp, tcp + segmentLen, 0);
        if (InternetChecksum.fold(sum) != 0xffff) {
            return ParseResult.of(FrameError.BAD_TCP_CHECKSUM);
        }
        TcpFrame f = new TcpFrame(
                u48(frame, 0),
                u48(frame, 6),
                srcIp,
                dstIp,
                u16(frame, ip + 4),
                u8(frame, ip + 8),
                (fragment & IP_DF) != 0,
                u16(frame, tcp),
                u16(frame, tcp + 2),
                s32(frame, tcp + 4),
                s32(frame, tcp + 8),
                u8(frame, tcp + 13),
                u16(frame, tcp + 14),
                frame.slice(tcp + tcpHeader, ETH_HEADER + ipTotal));
        return ParseResult.of(f, ipHeader - IP_HEADER, tcpHeader - TCP_HEADER, len - ETH_HEADER - ipTotal);
    }

    /** Flags as letters in scapy's order (FSRPAUEC), so SYN+ACK is "SA"; "." when none is set. */
    public static String flagLetters(int flags) {
        String letters = "FSRPAUEC";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if ((flags & (1 << i)) != 0) {
                s.append(letters.charAt(i));
            }
        }
        return s.isEmpty() ? "." : s.toString();
    }

    @Override
    public String toString() {
        return "TcpFrame[%s > %s, %s:%d > %s:%d, seq=%d, ack=%d, flags=%s, win=%d, id=0x%04x, ttl=%d%s, payload=%d bytes %s]"
                .formatted(mac(srcMac), mac(dstMac), ip(srcIp), srcPort, ip(dstIp), dstPort,
                        Integer.toUnsignedLong(seq), Integer.toUnsignedLong(ack), flagLetters(flags), window,
                        ipId, ttl, df ? ", DF" : "", payload.length(), payload);
    }

    private static long pseudoHeader(int srcIp, int dstIp, int segmentLen) {
        long sum = InternetChecksum.addInt(0, srcIp);
        sum = InternetChecksum.addInt(sum, dstIp);
        sum = InternetChecksum.addWord(sum, PROTO_TCP);
        return InternetChecksum.addWord(sum, segmentLen);
    }

    private static void putMac(ByteBuffer b, long mac) {
        b.putShort((short) (mac >>> 32)).putInt((int) mac);
    }

    private static String mac(long mac) {
        StringBuilder s = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            s.append("%02x".formatted((mac >>> (8 * i)) & 0xff)).append(i > 0 ? ":" : "");
        }
        return s.toString();
    }

    private static String ip(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
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

    private static void require(boolean ok, java.util.function.Supplier<String> message) {
        if (!ok) {
            throw new IllegalArgumentException(message.get());
        }
    }
}
