package vtoe.model.adapter;

import java.util.function.IntFunction;
import vtoe.model.AdapterParams;
import vtoe.model.txn.Bytes;

/**
 * TLM of {@code vtoe.rtl.AckParser}: classifies a received frame with the same checks in the same
 * order (first failing wins), counts each class, and turns OK frames into ACKs for ConnStateUnit.
 */
public final class AckParserModel {
    private final AdapterParams p;
    private final IntFunction<ConnCfg> cfg;
    private final long[] counts = new long[RxClass.values().length];

    public AckParserModel(AdapterParams p, IntFunction<ConnCfg> cfg) {
        this.p = p;
        this.cfg = cfg;
    }

    /** The verdict on one frame and, when OK, its ACK. */
    public record Verdict(RxClass cls, AckInfo ack) {}

    public Verdict frame(Bytes f) {
        Verdict v = classify(f);
        counts[v.cls.ordinal()]++;
        return v;
    }

    public long count(RxClass c) {
        return counts[c.ordinal()];
    }

    private static int b(Bytes f, int i) {
        return f.get(i) & 0xff;
    }

    private static int w(Bytes f, int i) {
        return f.u16(i);
    }

    private static int l(Bytes f, int i) {
        return w(f, i) << 16 | w(f, i + 2);
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    private Verdict classify(Bytes f) {
        int n = f.length();
        if (n < 54) {
            return new Verdict(RxClass.TOO_SHORT, null);
        }
        if (w(f, 12) != 0x0800) {
            return new Verdict(RxClass.NOT_IPV4, null);
        }
        if (b(f, 14) != 0x45) {
            return new Verdict(RxClass.BAD_IP_HEADER, null);
        }
        int totalLen = w(f, 16);
        if (totalLen < 40 || 14 + totalLen > n) {
            return new Verdict(RxClass.BAD_IP_LENGTH, null);
        }
        if ((b(f, 20) & 0x20) != 0 || (w(f, 20) & 0x1fff) != 0) {
            return new Verdict(RxClass.FRAGMENTED, null);
        }
        long ipSum = 0;
        for (int i = 14; i < 34; i += 2) {
            ipSum += w(f, i);
        }
        if (fold(ipSum) != 0xffff) {
            return new Verdict(RxClass.BAD_IP_CHECKSUM, null);
        }
        if (b(f, 23) != 6) {
            return new Verdict(RxClass.NOT_TCP, null);
        }
        int doff = b(f, 46) >>> 4;
        int tcpLen = totalLen - 20;
        if (doff < 5 || doff * 4 > tcpLen) {
            return new Verdict(RxClass.BAD_TCP_HEADER, null);
        }
        int srcIp = l(f, 26);
        int dstIp = l(f, 30);
        long sum = (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + 6 + tcpLen;
        for (int i = 34; i < 14 + totalLen; i++) {
            sum += (i % 2 == 0) ? b(f, i) << 8 : b(f, i);
        }
        if (fold(sum) != 0xffff) {
            return new Verdict(RxClass.BAD_TCP_CHECKSUM, null);
        }
        int flags = b(f, 47);
        if ((flags & 0x07) != 0 || (flags & 0x10) == 0) {
            return new Verdict(RxClass.NOT_FOR_OFFLOAD, null);
        }
        int srcPort = w(f, 34);
        int dstPort = w(f, 36);
        int conn = (dstPort ^ CsrMap.PORT_BASE) & (p.numConns() - 1);
        ConnCfg c = cfg.apply(conn);
        long dstMac = ((long) w(f, 0) << 32) | Integer.toUnsignedLong(l(f, 2));
        boolean match = c.enabled() && dstMac == c.ourMac() && srcIp == c.peerIp() && dstIp == c.ourIp()
                && dstPort == c.ourPort() && srcPort == c.peerPort();
        if (!match) {
            return new Verdict(RxClass.UNKNOWN_CONN, null);
        }
        return new Verdict(RxClass.OK, new AckInfo(conn, l(f, 42), w(f, 48), tcpLen > doff * 4));
    }
}
