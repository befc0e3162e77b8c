package vtoe.tb.adapter;

import java.util.Arrays;
import vtoe.cosim.Dut;
import vtoe.cosim.PortInfo;
import vtoe.cosim.TimeOrderedDispatch;
import vtoe.model.adapter.AdapterModel;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadBeat;

/**
 * Hands the s_dma_r read data to the TLM a burst at a time for the DMA engine's ids, instead of a beat
 * at a time: the read data was the co-simulation's largest Java cost (about one beat per cycle while a
 * segment is read, each decoded into a record, queued for ordering and routed through the model's read
 * mux). Each beat still goes to the bus judges at once (the bus checker, the fairness judge), from the
 * port's raw words.
 *
 * <p>A burst is queued for the TLM at its last beat's cycle, which is when the RTL may first act on it: a
 * tag is complete only once none of its bursts is outstanding, so no state the lockstep checks differs
 * between the beats' cycles and the last one's, while a design that used a tag before its last beat
 * still fails, as the TLM has not seen the burst yet. The model takes it whole
 * ({@link AdapterModel#takeBurst}) when it is the read the engine expects next and every beat said OKAY;
 * otherwise (an error response, a burst of another length) each beat goes through the model as before,
 * with its own cycle, so faults are reported as ever. The descriptor fetch's reads (id 0) and, when the
 * host sends stray data on purpose, every beat are handed over one by one as before.
 */
final class DmaBurstAssembler {
    private final AdapterModel model;
    private final TimeOrderedDispatch dispatch;
    private final BeatListener judges;
    private final int order;
    private final int tags;
    private final int dataBytes;
    private final int dataWords;
    private final int idAt;
    private final int dataAt;
    private final int lastAt;
    private final int respAt;
    // Per id: the OKAY beats held so far (data words and cycle of each), and whether the burst had an error response.
    private final long[][] words;
    private final long[][] cycles;
    private final int[] held;
    private final boolean[] broken;
    private boolean perBeat;

    /** Hears every beat of s_dma_r as it comes, before the model: the judges of the bus (its id, whether it is a burst's last, its cycle). */
    @FunctionalInterface
    interface BeatListener {
        void beat(int id, boolean last, long cycle);
    }

    DmaBurstAssembler(Dut dut, AdapterModel model, TimeOrderedDispatch dispatch, BeatListener judges, int order, int tags) {
        this.model = model;
        this.dispatch = dispatch;
        this.judges = judges;
        this.order = order;
        this.tags = tags;
        PortInfo p = dut.port("s_dma_r");
        this.dataBytes = p.field("data").width() / 8;
        this.dataWords = (dataBytes + 7) / 8;
        this.idAt = p.field("id").wordOffset();
        this.dataAt = p.field("data").wordOffset();
        this.lastAt = p.field("last").wordOffset();
        this.respAt = p.field("resp").wordOffset();
        int ids = tags + 1;
        this.words = new long[ids][dataWords * 16];
        this.cycles = new long[ids][16];
        this.held = new int[ids];
        this.broken = new boolean[ids];
        dut.listen("s_dma_r", this::beat);
    }

    /** Every beat from now on goes to the model on its own (stray data on purpose: the mux must see each). */
    void perBeat() {
        perBeat = true;
    }

    /** Beats held for a burst whose last beat has not come yet. */
    int held() {
        int n = 0;
        for (int h : held) {
            n += h;
        }
        return n;
    }

    private void beat(long start, long end, long[] e, int off) {
        int id = (int) e[off + idAt];
        boolean last = e[off + lastAt] != 0;
        int resp = (int) e[off + respAt];
        judges.beat(id, last, end);
        if (perBeat || id < 1 || id > tags) {
            DmaReadBeat b = new DmaReadBeat(id, Bytes.ofLongs(e, off + dataAt, dataBytes), last, resp);
            dispatch.add(end, order, () -> model.input("s_dma_r", b, end));
            return;
        }
        if (resp != 0 || broken[id]) {
            // An error response: from here to the burst's end every beat goes to the model at its own cycle (the fault is
            // predicted when it happens), after the beats held so far.
            flush(id, end);
            DmaReadBeat b = new DmaReadBeat(id, Bytes.ofLongs(e, off + dataAt, dataBytes), last, resp);
            dispatch.add(end, order, () -> model.input("s_dma_r", b, end));
            broken[id] = !last;
            return;
        }
        int k = held[id]++;
        if (cycles[id].length == k) {
            words[id] = Arrays.copyOf(words[id], 2 * k * dataWords);
            cycles[id] = Arrays.copyOf(cycles[id], 2 * k);
        }
        System.arraycopy(e, off + dataAt, words[id], k * dataWords, dataWords);
        cycles[id][k] = end;
        if (!last) {
            return;
        }
        int beats = k + 1;
        held[id] = 0;
        long[] w = Arrays.copyOf(words[id], beats * dataWords);
        long[] c = Arrays.copyOf(cycles[id], beats);
        dispatch.add(end, order, () -> {
            if (!model.takeBurst(id, Bytes.ofLongs(w, 0, beats * dataBytes), beats, end)) {
                eachBeat(id, w, c, beats, true);
            }
        });
    }

    /** Queues the beats held for {@code id} (all OKAY, none the last) for the model one by one, at {@code now}. */
    private void flush(int id, long now) {
        int beats = held[id];
        if (beats == 0) {
            return;
        }
        held[id] = 0;
        long[] w = Arrays.copyOf(words[id], beats * dataWords);
        long[] c = Arrays.copyOf(cycles[id], beats);
        dispatch.add(now, order, () -> eachBeat(id, w, c, beats, false));
    }

    private void eachBeat(int id, long[] w, long[] c, int beats, boolean endsBurst) {
        for (int i = 0; i < beats; i++) {
            model.input("s_dma_r", new DmaReadBeat(id, Bytes.ofLongs(w, i * dataWords, dataBytes), endsBurst && i == beats - 1, 0), c[i]);
        }
    }
}
