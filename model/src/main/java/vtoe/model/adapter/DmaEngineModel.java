package vtoe.model.adapter;

import java.util.ArrayDeque;
import java.util.Deque;
import vtoe.model.AdapterParams;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.EventCode;

/**
 * TLM of {@code vtoe.rtl.DmaEngine}: splits a tag's extents into the same bursts (at most
 * maxBurstBeats, never across 4 KiB, dataBytes aligned, id = 1 + tag), predicts them on m_dma_ar in
 * order per id, and writes the returned bytes into the tag's staging slot at their segment offset.
 */
public final class DmaEngineModel {
    private record Burst(long start, int nb, int dstOff) {}

    /** Reports the first failed read of a tag. */
    @FunctionalInterface
    public interface FaultSink {
        void fault(int tag, int code, long detail);
    }

    private final AdapterParams p;
    private final OutputSink out;
    private final StagingBuffer staging;
    private final FaultSink faults;
    private final Deque<Burst>[] bursts;
    private final int[] beat;
    private final int[] bytes;
    private final boolean[] err;

    @SuppressWarnings("unchecked")
    public DmaEngineModel(AdapterParams p, OutputSink out, StagingBuffer staging, FaultSink faults) {
        this.p = p;
        this.out = out;
        this.staging = staging;
        this.faults = faults;
        this.bursts = new Deque[p.tags()];
        for (int t = 0; t < p.tags(); t++) {
            bursts[t] = new ArrayDeque<>();
        }
        this.beat = new int[p.tags()];
        this.bytes = new int[p.tags()];
        this.err = new boolean[p.tags()];
    }

    public void alloc(int tag) {
        bytes[tag] = 0;
        err[tag] = false;
        beat[tag] = 0;
    }

    public void extent(int tag, long pa, int len, int dstOff, long cycle) {
        int d = p.dataBytes();
        long issued = 0;
        while (issued < Integer.toUnsignedLong(len)) {
            long start = pa + issued;
            long aligned = start & -(long) d;
            long toBoundary = 4096 - (aligned & 4095);
            long maxBytes = Math.min(toBoundary, (long) p.maxBurstBeats() * d);
            long cover = aligned + maxBytes - start;
            long rem = Integer.toUnsignedLong(len) - issued;
            long nb = Math.min(rem, cover);
            long beats = (start - aligned + nb + d - 1) / d;
            out.emit("m_dma_ar", new DmaReadRequest(tag + 1, aligned, (int) beats - 1), cycle + 2);
            bursts[tag].addLast(new Burst(start, (int) nb, (int) (dstOff + issued)));
            issued += nb;
        }
    }

    /** A read data beat for id 1 + tag (routed by the read mux). */
    public void beat(DmaReadBeat b, long cycle, int conn) {
        int tag = b.id() - 1;
        int d = p.dataBytes();
        Burst bd = bursts[tag].peekFirst();
        if (bd == null) {
            // The mux only routes ids with a read outstanding; a beat beyond the bursts is an RTL/host mismatch
            // the AR scoreboard has already reported.
            return;
        }
        int k = beat[tag];
        long beatAddr = (bd.start & -(long) d) + (long) k * d;
        int expectedBeats = (int) (((bd.start & (d - 1)) + bd.nb + d - 1) / d);
        boolean beatErr = b.resp() != 0 || b.last() != (k == expectedBeats - 1);
        if (beatErr) {
            if (!err[tag]) {
                faults.fault(tag, EventCode.DMA_READ_ERROR.code(), beatAddr);
            }
            err[tag] = true;
        } else {
            long lo = Math.max(beatAddr, bd.start);
            long hi = Math.min(beatAddr + d, bd.start + bd.nb);
            if (lo < hi) {
                staging.put(tag, (int) (bd.dstOff + (lo - bd.start)), b.data(), (int) (lo - beatAddr), (int) (hi - lo));
                bytes[tag] += (int) (hi - lo);
            }
        }
        if (b.last()) {
            bursts[tag].pollFirst();
            beat[tag] = 0;
        } else {
            beat[tag] = k + 1;
        }
    }

    /** Whether the tag's next burst reads from {@code addr} (with {@link #takesBurst}: it is that read). */
    public boolean nextBurstAt(int tag, long addr) {
        Burst bd = bursts[tag].peekFirst();
        return bd != null && (bd.start & -(long) p.dataBytes()) == addr;
    }

    /**
     * Whether the tag's next burst has {@code beats} beats and none of them has arrived yet: the read data of an
     * id answers its oldest read, so in the co-simulation, where the RTL's requests are checked against the
     * TLM's, the address is known to be that burst's.
     */
    public boolean takesBurst(int tag, int beats) {
        Burst bd = bursts[tag].peekFirst();
        int d = p.dataBytes();
        return bd != null && beat[tag] == 0 && ((bd.start & (d - 1)) + bd.nb + d - 1) / d == beats;
    }

    /**
     * A whole burst of OK beats, {@code data} being all of them in order ({@link #takesBurst} holds):
     * the same as {@link #beat} for each, in one copy.
     */
    public void burst(int tag, vtoe.model.txn.Bytes data) {
        Burst bd = bursts[tag].pollFirst();
        int d = p.dataBytes();
        staging.put(tag, bd.dstOff, data, (int) (bd.start & (d - 1)), bd.nb);
        bytes[tag] += bd.nb;
        beat[tag] = 0;
    }

    public boolean idle(int tag) {
        return bursts[tag].isEmpty();
    }

    public int bytes(int tag) {
        return bytes[tag];
    }

    public boolean err(int tag) {
        return err[tag];
    }
}
