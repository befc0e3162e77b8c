package vtoe.cosim;

import vtoe.model.adapter.Op;
import vtoe.model.adapter.TimerKind;
import vtoe.model.net.TcpHeaderView;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.Frame;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;
import vtoe.model.txn.Txn;

/**
 * One short line per transaction for a string track in the waves, in the design's words
 * ({@code hostreq SEND tag=4 conn=2 va=0x.. len=1460}, {@code ACK conn=2 ack=.. DUP#2}). Payload bytes
 * are never printed: a frame shows its TCP header, a data beat its length.
 */
public final class TxnLabel {
    private static final String[] ACK_RESULTS = {"NEW", "DUP", "FAST_RETX", "WINDOW", "OLD", "ABOVE", "IGNORED"};

    private TxnLabel() {}

    public static String of(Txn t) {
        if (t instanceof CsrRequest c) {
            return c.write() ? "csr W 0x%x=0x%x".formatted(c.addr(), c.data()) : "csr R 0x%x".formatted(c.addr());
        }
        if (t instanceof CsrResponse c) {
            return "csr resp 0x%x%s".formatted(c.data(), c.resp() == 0 ? "" : " resp=" + c.resp());
        }
        if (t instanceof Doorbell d) {
            return "doorbell conn=%d head=0x%x".formatted(d.conn(), d.headVa());
        }
        if (t instanceof DmaReadRequest a) {
            return "AR id=%d addr=0x%x len=%d".formatted(a.id(), a.addr(), a.len());
        }
        if (t instanceof DmaReadBeat r) {
            return "R id=%d%s%s".formatted(r.id(), r.last() ? " last" : "", r.resp() == 0 ? "" : " resp=" + r.resp());
        }
        if (t instanceof HostRequest h) {
            return "hostreq %s tag=%d conn=%d va=0x%x len=%d".formatted(h.kind() == 0 ? "SEND" : h.kind() == 1
                            ? "RETRANSMIT" : "kind" + h.kind(), h.tag(), h.conn(), h.va(), h.len());
        }
        if (t instanceof HostResponse h) {
            return h.status() != 0 ? "hostresp tag=%d FAULT".formatted(h.tag())
                            : h.len() != 0 ? "hostresp tag=%d pa=0x%x len=%d%s".formatted(h.tag(), h.pa(), h.len(), h.last() ? " last" : "")
                            : "hostresp tag=%d data%s".formatted(h.tag(), h.last() ? " last" : "");
        }
        if (t instanceof Release r) {
            return "release tag=%d conn=%d va=0x%x len=%d%s".formatted(r.tag(), r.conn(), r.va(), r.len(),
                            r.prepinned() ? " prepinned" : "");
        }
        if (t instanceof Completion c) {
            return "completion conn=%d acked=%d desc=0x%x".formatted(c.conn(), Integer.toUnsignedLong(c.ackedSeq()),
                            c.descVa());
        }
        if (t instanceof AdapterEvent e) {
            return "event %s conn=%d detail=0x%x".formatted(eventName(e.code()), e.conn(), e.detail());
        }
        if (t instanceof Frame f) {
            return frame(f.bytes());
        }
        if (t instanceof TraceRecord r) {
            return trace(r);
        }
        return t.toString();
    }

    static String eventName(int code) {
        return EventCode.known(code) ? EventCode.of(code).name() : "code" + code;
    }

    static String frame(Bytes b) {
        try {
            TcpHeaderView h = TcpHeaderView.of(b);
            return "frame %d->%d seq=%d len=%d ack=%d".formatted(h.srcPort(), h.dstPort(), Integer.toUnsignedLong(h.seq()),
                    h.payloadLen(), Integer.toUnsignedLong(h.ack()));
        } catch (RuntimeException notTcp) {
            return "frame " + b.length() + " bytes (not TCP/IPv4)";
        }
    }

    /** A ConnStateUnit trace record, its aux field decoded per op (RTL {@code vtoe.rtl.Op}). */
    static String trace(TraceRecord r) {
        String op;
        try {
            op = Op.of(r.op()).name();
        } catch (IllegalArgumentException e) {
            op = "op" + r.op();
        }
        long seq = Integer.toUnsignedLong(r.seq());
        long len = Integer.toUnsignedLong(r.len());
        long aux = r.aux();
        String head = op + " conn=" + r.conn();
        return switch (op) {
            case "ACK" -> {
                int res = (int) (aux & 0xf);
                String name = res < ACK_RESULTS.length ? ACK_RESULTS[res] : "result" + res;
                yield head + " ack=" + seq + " wnd=" + len + " " + name + (res == 1 || res == 2 ? "#" + ((aux >> 4) & 0xf) : "");
            }
            case "TIMER" -> {
                int k = (int) (aux & 0xf);
                String name = k < TimerKind.values().length ? TimerKind.values()[k].name() : "kind" + k;
                yield head + " " + name + " backoff=" + ((aux >> 4) & 0xf) + " retries=" + ((aux >> 8) & 0xff);
            }
            case "SEG" -> head + " tag=" + r.tag() + " seq=" + seq + " len=" + len + ((aux & 3) == 1 ? " RETX" : " SEND");
            case "DESC", "RETIRE" -> head + " seq=" + seq + " len=" + len + " desc=0x" + Long.toHexString(aux);
            case "FAULT", "STOP" -> head + " tag=" + r.tag() + " cause=" + (aux == 0 ? "CTRL" : eventName((int) aux));
            case "OPEN" -> head + " seq=" + seq + " wnd=" + len + " mss=" + (aux & 0xffff) + " rto=" + (aux >> 16);
            default -> head + " tag=" + r.tag() + " seq=" + seq + " len=" + len + " aux=0x" + Long.toHexString(aux);
        };
    }
}
