package vtoe.tb.regress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import vtoe.cosim.PausePattern;
import vtoe.model.adapter.AckResult;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Op;
import vtoe.model.adapter.TimerKind;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.TraceRecord;
import vtoe.tb.adapter.AdapterTb;

/**
 * Functional coverage of what matters for this adapter, collected from the RTL's trace, its events
 * and the run's bus timing: each mode against each retransmit cause, window state and stop cause;
 * backpressure on each port; how many tags were in flight at once; each ACK class; several
 * connections; sequence numbers wrapping. The bins are fixed up front, so a report says hit/total and
 * names what was never hit.
 *
 * <p>Written here rather than taken from a library: the candidates (SystemVerilog covergroups, cocotb's
 * coverage, SpinalSim's) belong to other simulators or languages; what is needed is a fixed set of
 * named bins and a union over runs.
 */
public final class FunctionalCoverage {
    static final String[] MODES = {"PUSH", "TRANSLATE", "PREPINNED"};
    static final String[] PORTS = {"s_dma_r", "m_dma_ar", "m_axis_tx", "s_hostresp", "s_axis_rx", "m_hostreq", "m_release",
        "m_completion", "m_event", "m_csr_resp"};

    /** The descriptor errors the full adapter reports for a driver's bad descriptor (the fetch alone has its own test). */
    static final List<EventCode> DESCRIPTOR_ERRORS = List.of(EventCode.DESC_OUT_OF_REGION, EventCode.DESC_MISALIGNED,
            EventCode.DESC_LOOP, EventCode.DESC_BAD_SEQ, EventCode.DESC_BAD_SIZE, EventCode.DESC_BAD_PA);

    /** Every bin, in report order. */
    public static final List<String> BINS = bins();

    private final Set<String> hit = new TreeSet<>();
    private final Map<Integer, Integer> modes = new TreeMap<>();
    private final Map<Integer, Integer> mss = new TreeMap<>();
    private final Map<Integer, Long> lastSeq = new TreeMap<>();
    private int tagsInFlight;

    private static List<String> bins() {
        List<String> b = new ArrayList<>();
        for (String m : MODES) {
            for (String c : new String[] {"RTO", "FAST_RETX", "ZERO_WINDOW", "PERSIST"}) {
                b.add("retransmit-cause:" + m + ":" + c);
            }
            for (String w : new String[] {"closed", "reopened", "below-mss"}) {
                b.add("window:" + m + ":" + w);
            }
            for (String f : new String[] {"HOST_FAULT", "HOST_BAD_RESPONSE", "DMA_READ_ERROR", "RETRY_LIMIT"}) {
                if (!(m.equals("PUSH") && f.equals("DMA_READ_ERROR"))) { // PUSH never reads payload: no such bin
                    b.add("stop:" + m + ":" + f);
                }
            }
        }
        for (String p : PORTS) {
            b.add("backpressure:" + p);
        }
        for (String t : new String[] {"1", "2-4", "5-8", "9-15", "16"}) {
            b.add("tags-in-flight:" + t);
        }
        for (AckResult r : new AckResult[] {AckResult.NEW, AckResult.DUP, AckResult.WINDOW, AckResult.OLD, AckResult.ABOVE}) {
            b.add("ack:" + r);
        }
        for (int n = 1; n <= 4; n++) {
            b.add("connections:" + n);
        }
        b.add("connections:8-16"); // a crowd run: many connections' segments compete for the framer and the timer wheel
        b.add("dma-stray"); // the host sent stray read data, and the adapter dropped it with its events
        b.add("seq-wrap");
        b.add("prepinned-drain");
        for (EventCode c : DESCRIPTOR_ERRORS) {
            b.add("descriptor-error:" + c.name());
        }
        return List.copyOf(b);
    }

    /** A connection opened in {@code mode} with segments of at most {@code mss} bytes. */
    public void connection(int conn, int mode, int maxSegment) {
        modes.put(conn, mode);
        mss.put(conn, maxSegment);
        hit("connections:" + Math.min(4, modes.size()));
        if (modes.size() >= 8) {
            hit("connections:8-16");
        }
    }

    /** The adapter raised {@code n} DMA_STRAY_RESPONSE events for stray read data the host sent (each checked against a burst). */
    public void strays(long n) {
        if (n > 0) {
            hit("dma-stray");
        }
    }

    /** Backpressure (or input pauses) was applied on this port in this run. */
    public void pauses(String port, PausePattern p) {
        if (p != null && p != PausePattern.NONE) {
            hit("backpressure:" + port);
        }
    }

    /** The pause patterns of an adapter run's bus timing. */
    public void timing(AdapterTb.Timing t) {
        pauses("s_dma_r", t.dma().rPause());
        pauses("m_dma_ar", t.dma().arPause());
        pauses("m_axis_tx", t.txReady());
        pauses("s_hostresp", t.hostRespValid());
        pauses("s_axis_rx", t.rxValid());
        pauses("m_hostreq", t.hostReqReady());
        pauses("m_release", t.releaseReady());
        pauses("m_completion", t.completionReady());
        pauses("m_event", t.eventReady());
        pauses("m_csr_resp", t.csrRespReady());
    }

    public void trace(TraceRecord r) {
        String m = mode(r.conn());
        switch (Op.of(r.op())) {
            case SEG -> {
                tagsInFlight++;
                hit("tags-in-flight:" + (tagsInFlight == 1 ? "1" : tagsInFlight <= 4 ? "2-4" : tagsInFlight <= 8 ? "5-8"
                        : tagsInFlight <= 15 ? "9-15" : "16"));
                long seq = Integer.toUnsignedLong(r.seq());
                Long before = lastSeq.put(r.conn(), seq);
                if (before != null && seq < before && before - seq > (1L << 31)) {
                    hit("seq-wrap");
                }
                if (before != null && seq + r.len() > 0xffffffffL) {
                    hit("seq-wrap");
                }
            }
            case TAG_DONE -> tagsInFlight = Math.max(0, tagsInFlight - 1);
            case TIMER -> {
                TimerKind k = TimerKind.values()[(int) (r.aux() & 15)];
                hit("retransmit-cause:" + m + ":" + k);
            }
            case ACK -> {
                AckResult a = AckResult.values()[(int) (r.aux() & 15)];
                if (a == AckResult.FAST_RETX) {
                    hit("retransmit-cause:" + m + ":FAST_RETX");
                } else if (a != AckResult.IGNORED) {
                    hit("ack:" + a);
                }
                if (a == AckResult.WINDOW || a == AckResult.NEW) {
                    int wnd = r.len();
                    if (wnd == 0) {
                        hit("window:" + m + ":closed");
                    } else if (a == AckResult.WINDOW) {
                        hit("window:" + m + ":reopened");
                    }
                    if (wnd > 0 && wnd < mss.getOrDefault(r.conn(), 0)) {
                        hit("window:" + m + ":below-mss");
                    }
                }
            }
            case DRAIN -> hit("prepinned-drain");
            default -> {
            }
        }
    }

    public void event(AdapterEvent e) {
        for (EventCode c : DESCRIPTOR_ERRORS) {
            if (e.code() == c.code()) {
                hit("descriptor-error:" + c.name());
            }
        }
        String m = mode(e.conn());
        for (EventCode c : new EventCode[] {EventCode.HOST_FAULT, EventCode.HOST_BAD_RESPONSE, EventCode.DMA_READ_ERROR,
            EventCode.RETRY_LIMIT}) {
            if (e.code() == c.code()) {
                hit("stop:" + m + ":" + c.name());
            }
        }
    }

    private String mode(int conn) {
        Integer mode = modes.get(conn);
        return mode == null ? "?" : MODES[mode == CsrMap.MODE_PREPINNED ? 2 : mode == CsrMap.MODE_TRANSLATE ? 1 : 0];
    }

    private void hit(String bin) {
        if (BINS.contains(bin)) {
            hit.add(bin);
        }
    }

    public Set<String> hits() {
        return hit;
    }

    /** The union of several runs' hits against the fixed bins: "hit/total" and what was missed. */
    public record Report(int hit, int total, List<String> missed) {
        public static Report of(Collection<? extends Collection<String>> runs) {
            Set<String> all = new LinkedHashSet<>();
            runs.forEach(all::addAll);
            List<String> missed = BINS.stream().filter(b -> !all.contains(b)).toList();
            return new Report(BINS.size() - missed.size(), BINS.size(), missed);
        }

        @Override
        public String toString() {
            return hit + "/" + total + " bins (" + Math.round(100.0 * hit / total) + "%)";
        }
    }
}
