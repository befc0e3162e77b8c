package vtoe.model.adapter;

import vtoe.model.AdapterParams;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;

/**
 * TLM of {@code vtoe.rtl.HostHandshake}: predicts m_hostreq for every job that needs the host (in job
 * order), and takes the host's answers exactly as the RTL does: PUSH data into staging, TRANSLATE
 * extents to the DmaEngine, FAULT and malformed answers to ConnStateUnit, stray answers dropped with
 * an event.
 */
public final class HostHandshakeModel {
    /** One tag's segment and what has arrived for it. */
    public static final class Entry {
        public Job job;
        public boolean inUse;
        public boolean respDone;
        public boolean failed;
        public int beatIdx;
        public int pushBytes;
        public long extentSum;
        public boolean hasGrant;
        /** Cycle of the last answer beat or read beat for this tag: the RTL sees it complete one cycle later. */
        public long lastInput;
    }

    /** Faults found here, for ConnStateUnit to expect. */
    @FunctionalInterface
    public interface FaultSink {
        void fault(int tag, int conn, int code, long detail);
    }

    private final AdapterParams p;
    private final OutputSink out;
    private final DmaEngineModel dma;
    private final StagingBuffer staging;
    private final FaultSink faults;
    private final Entry[] tab;

    public HostHandshakeModel(AdapterParams p, OutputSink out, DmaEngineModel dma, StagingBuffer staging, FaultSink faults) {
        this.p = p;
        this.out = out;
        this.dma = dma;
        this.staging = staging;
        this.faults = faults;
        this.tab = new Entry[p.tags()];
        for (int t = 0; t < p.tags(); t++) {
            tab[t] = new Entry();
        }
    }

    public Entry entry(int tag) {
        return tab[tag];
    }

    public void job(Job j, long cycle) {
        Entry e = tab[j.tag()];
        e.job = j;
        e.inUse = true;
        e.respDone = j.prepinned();
        e.failed = false;
        e.beatIdx = 0;
        e.pushBytes = 0;
        e.extentSum = 0;
        e.hasGrant = false;
        e.lastInput = cycle;
        dma.alloc(j.tag());
        if (j.prepinned()) {
            dma.extent(j.tag(), j.pa(), j.len(), 0, cycle);
        } else {
            out.emit("m_hostreq", new HostRequest(j.tag(), j.conn(), j.va(), j.len(), j.kind()), cycle + 3);
        }
    }

    public void response(HostResponse r, long cycle) {
        int d = p.dataBytes();
        int t = r.tag() & ((1 << Math.max(1, 32 - Integer.numberOfLeadingZeros(p.tags() - 1))) - 1);
        Entry e = t < p.tags() ? tab[t] : null;
        boolean known = r.tag() < p.tags() && e.inUse && !e.respDone && !e.job.prepinned();
        if (!known) {
            out.emit("m_event", new AdapterEvent(0xffff, EventCode.HOST_STRAY_RESPONSE, r.tag()), cycle + 2);
            return;
        }
        Job j = e.job;
        e.lastInput = cycle;
        boolean isPush = j.mode() == CsrMap.MODE_PUSH;
        boolean fault = r.status() != HostResponse.OK;
        long len = Integer.toUnsignedLong(j.len());
        long beatsNeeded = (len + d - 1) / d;
        boolean pushOver = e.beatIdx + 1 > beatsNeeded;
        boolean pushShort = r.last() && e.beatIdx + 1 != beatsNeeded;
        long lenLeft = len - e.extentSum;
        long rlen = Integer.toUnsignedLong(r.len());
        boolean extBad = rlen == 0 || rlen > lenLeft || (r.last() && rlen != lenLeft);
        boolean isBad = !fault && !e.failed && (isPush ? pushOver || pushShort : extBad);
        boolean needFault = !e.failed && (fault || isBad);
        boolean needExtent = !fault && !e.failed && !isPush && !extBad;
        boolean writePush = isPush && !fault && !e.failed && !pushOver;
        if (needFault) {
            int reason = isPush ? 1 : 2;
            faults.fault(t, j.conn(), fault ? EventCode.HOST_FAULT.code() : EventCode.HOST_BAD_RESPONSE.code(),
                    fault ? j.va() : ((long) reason << 8 | t));
        }
        if (fault || isBad) {
            e.failed = true;
        }
        if (!isPush && !fault) {
            e.hasGrant = true;
        }
        if (writePush) {
            long off = (long) e.beatIdx * d;
            int n = (int) Math.max(0, Math.min(d, len - off));
            staging.put(t, (int) off, r.data(), 0, n);
            e.pushBytes += n;
            e.beatIdx++;
        }
        if (needExtent) {
            dma.extent(t, r.pa(), r.len(), (int) e.extentSum, cycle);
            e.extentSum += rlen;
        }
        if (r.last()) {
            e.respDone = true;
        }
    }

    /**
     * Whether {@code beats} OK data beats for {@code tag}, only the last marked last, would be taken
     * as a well-formed PUSH answer with nothing else arriving for the tag in between: each beat then
     * only fills staging, and nothing outside this entry changes before the last one (no event, no
     * fault). The standalone TLM delivers such an answer in one kernel event.
     */
    public boolean quietPush(int tag, int beats) {
        if (tag < 0 || tag >= p.tags()) {
            return false;
        }
        Entry e = tab[tag];
        if (!e.inUse || e.respDone || e.failed || e.beatIdx != 0 || e.job.prepinned() || e.job.mode() != CsrMap.MODE_PUSH) {
            return false;
        }
        int d = p.dataBytes();
        return beats == (Integer.toUnsignedLong(e.job.len()) + d - 1) / d;
    }

    /**
     * A well-formed PUSH answer ({@link #quietPush} held when it was sent) taken whole, its last beat
     * in {@code lastCycle}: the same as {@link #response} for each beat, in one copy per beat.
     */
    public void quietPushAnswer(int tag, java.util.List<HostResponse> beats, long lastCycle) {
        if (!quietPush(tag, beats.size())) {
            throw new IllegalStateException("tag " + tag + " cannot take " + beats.size() + " PUSH beats at once: " + entry(tag).job);
        }
        Entry e = tab[tag];
        int d = p.dataBytes();
        long len = Integer.toUnsignedLong(e.job.len());
        if (beats instanceof vtoe.model.txn.PushAnswer whole && whole.whole().length() == len) {
            // Each beat's first bytes are the whole answer's at beat x width: one put of the whole is the same.
            staging.put(tag, 0, whole.whole(), 0, (int) len);
        } else {
            staging.putBeats(tag, new java.util.AbstractList<vtoe.model.txn.Bytes>() {
                @Override
                public vtoe.model.txn.Bytes get(int k) {
                    return beats.get(k).data();
                }

                @Override
                public int size() {
                    return beats.size();
                }
            }, d, len);
        }
        e.pushBytes += (int) len;
        e.beatIdx = beats.size();
        e.lastInput = lastCycle;
        e.respDone = true;
    }

    public boolean failed(int tag) {
        return tab[tag].failed || dma.err(tag);
    }

    /** Nothing more will arrive for the tag (the RTL's TagView.complete). */
    public boolean complete(int tag) {
        Entry e = tab[tag];
        return e.inUse && e.respDone && dma.idle(tag)
                && (failed(tag) || e.pushBytes + dma.bytes(tag) == e.job.len());
    }

    /** A read beat for the tag arrived (the DMA engine's part of completeness). */
    public void touched(int tag, long cycle) {
        tab[tag].lastInput = cycle;
    }

    public void finish(int tag) {
        tab[tag].inUse = false;
    }
}
