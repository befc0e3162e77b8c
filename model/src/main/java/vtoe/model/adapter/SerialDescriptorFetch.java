package vtoe.model.adapter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import vtoe.model.AdapterParams;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.FetchedDescriptor;

/**
 * TLM of {@code vtoe.rtl.SerialDescriptorFetch}: one chain at a time, one descriptor read in flight,
 * the same checks in the same order (VA: disabled, out of region, misaligned, loop; data: DMA error,
 * size, seq, missing PA for PREPINNED).
 *
 * <p>As the RTL, a chain whose descriptor ConnStateUnit parks (its connection's ring is full) waits
 * for its wake ({@link #wake}) while the fetch serves other chains; a doorbell for a connection with a
 * parked chain or deferred doorbells is deferred into that connection's list (a pool of numConns +
 * doorbellDepth entries; with the pool full it waits at the head of the doorbell queue). When idle the
 * fetch starts the deferred doorbells of the connection whose chain just ended, else the older of the
 * doorbell and wake heads by arrival cycle (a doorbell on a tie): a choice that does not depend on when
 * exactly the RTL became idle, which this model does not know after an event.
 *
 * <p>Timing is estimated from the RTL's state machine (doorbell queue 1 cycle, check 1, read issue 1,
 * validate 1, emit 1) and re-anchored on the RTL's actual cycle whenever a descriptor or read request
 * is matched, so the estimate does not drift.
 */
public class SerialDescriptorFetch implements DescriptorFetch {
    private final AdapterParams p;
    private final int dmaId;
    private final CsrView csr;
    private final OutputSink out;
    private final String descPort;
    private final String eventPort;

    /** A doorbell or a wake, with the cycle it arrived. */
    private record Pending(int conn, long va, long stamp) {}

    private final Deque<Pending> waiting = new ArrayDeque<>();
    private final Deque<Pending> wakes = new ArrayDeque<>();
    private final boolean[] parked;
    private final long[] parkVa;
    private int parkedCount;
    private final List<Deque<Long>> deferred = new ArrayList<>();
    private final int deferDepth;
    private int deferredCount;
    private final int[] descSeq;
    private final BitSet visited = new BitSet();
    private final List<Bytes> beats = new ArrayList<>();
    private boolean busy;
    private boolean own;
    private int conn;
    private long va;
    private long pa;
    private int expSeq;
    private int beatCount;
    private boolean readBad;
    /** Estimated cycle at which the RTL reaches its next step (Idle/Check). */
    private long t;
    /**
     * Coverage of the tie rule (a doorbell before a wake that arrived in the same cycle), which no check
     * sees unless a test makes the two meet: see {@link #ties}. {@code lastDbStamp} is the arrival cycle
     * of the last doorbell the Idle choice took.
     */
    private long ties;
    private long lastDbStamp = -1;

    /** Read access to connection configuration (the CsrFile's cfg port). */
    @FunctionalInterface
    public interface CsrView {
        ConnCfg cfg(int conn);
    }

    public SerialDescriptorFetch(AdapterParams p, int dmaId, CsrView csr, OutputSink out, String descPort, String eventPort) {
        this.p = p;
        this.dmaId = dmaId;
        this.csr = csr;
        this.out = out;
        this.descPort = descPort;
        this.eventPort = eventPort;
        this.descSeq = new int[p.numConns()];
        this.parked = new boolean[p.numConns()];
        this.parkVa = new long[p.numConns()];
        this.deferDepth = p.numConns() + p.doorbellDepth();
        for (int c = 0; c < p.numConns(); c++) {
            deferred.add(new ArrayDeque<>());
        }
    }

    @Override
    public int descSeq(int c) {
        return descSeq[c];
    }

    @Override
    public void setDescSeq(int c, int seq) {
        descSeq[c] = seq;
    }

    @Override
    public boolean idle() {
        return !busy && waiting.isEmpty() && wakes.isEmpty() && parkedCount == 0 && deferredCount == 0;
    }

    /** Chains parked now (their connection's ring was full) and doorbells deferred behind them. */
    public int parkedChains() {
        return parkedCount;
    }

    public int deferredDoorbells() {
        return deferredCount;
    }

    /**
     * Idle choices that took a doorbell over a wake of the same arrival cycle: with both heads waiting, or
     * with the wake heard after the doorbell was taken (the lockstep hears a cycle's wakes, from the trace,
     * after that cycle's doorbells, so this model takes a doorbell at once where the RTL's Idle state
     * saw both heads). Coverage only: a test of the tie rule asserts it is not zero.
     */
    public long ties() {
        return ties;
    }

    @Override
    public void doorbell(Doorbell d, long cycle) {
        waiting.addLast(new Pending(d.conn(), d.headVa(), cycle));
        t = Math.max(t, cycle + 1);
        startNext();
    }

    /** ConnStateUnit woke {@code c} (its ring has room again, or it stopped) in {@code cycle}. */
    public void wake(int c, long cycle) {
        if (cycle == lastDbStamp) {
            ties++;
        }
        wakes.addLast(new Pending(c, 0, cycle));
        t = Math.max(t, cycle + 1);
        startNext();
    }

    /** ConnStateUnit parked the descriptor being handed on (taken in {@code cycle}): the chain waits for its wake. */
    public void parked(long cycle) {
        parked[conn] = true;
        parkVa[conn] = va;
        parkedCount++;
        t = cycle + 1;
        busy = false;
        startNext();
    }

    /** The RTL's Idle state: the older of the doorbell and wake heads (a doorbell on a tie). */
    private void startNext() {
        while (!busy) {
            Pending db = waiting.peekFirst();
            Pending wk = wakes.peekFirst();
            if (db == null && wk == null) {
                return;
            }
            boolean dbFirst = db != null && (wk == null || db.stamp <= wk.stamp);
            boolean dbOwn = db != null && db.conn < p.numConns();
            boolean blocked = dbOwn && (parked[db.conn] || !deferred.get(db.conn).isEmpty());
            if (db != null && dbFirst && (!blocked || deferredCount < deferDepth)) {
                waiting.pollFirst();
                lastDbStamp = db.stamp;
                if (wk != null && wk.stamp == db.stamp) {
                    ties++;
                }
                t += 1;
                if (blocked) {
                    deferred.get(db.conn).addLast(db.va);
                    deferredCount++;
                } else {
                    startChain(db.conn, db.va, dbOwn);
                }
            } else if (wk != null) {
                wakes.pollFirst();
                t += 1;
                if (parked[wk.conn]) {
                    parked[wk.conn] = false;
                    parkedCount--;
                    conn = wk.conn;
                    va = parkVa[wk.conn];
                    visited.clear();
                    own = true;
                    expSeq = descSeq[conn];
                    busy = true;
                    check();
                }
            } else {
                return; // a blocked doorbell waits for room in the pool
            }
        }
    }

    /** A doorbell's chain starts, from the doorbell queue or from its connection's deferred list. */
    private void startChain(int c, long headVa, boolean ownConn) {
        conn = c;
        va = headVa;
        visited.clear();
        own = ownConn;
        if (!ownConn) {
            raise(EventCode.DOORBELL_BAD_CONN, headVa, t);
            chainEnded();
        } else if (!csr.cfg(c).enabled()) {
            raise(EventCode.DOORBELL_DISABLED, headVa, t);
            chainEnded();
        } else {
            expSeq = descSeq[conn];
            busy = true;
            check();
        }
    }

    /** A chain ended without parking (the RTL's Next state): its connection's deferred doorbells go first. */
    private void chainEnded() {
        busy = false;
        if (own && !deferred.get(conn).isEmpty()) {
            long head = deferred.get(conn).pollFirst();
            deferredCount--;
            t += 1;
            startChain(conn, head, true);
        }
    }

    /** The Check state: validate the VA of the next descriptor before reading anything there. */
    private void check() {
        ConnCfg c = csr.cfg(conn);
        long off = va - c.regionVa();
        if (!c.enabled()) {
            endWith(EventCode.CONN_DISABLED, va);
        } else if (Long.compareUnsigned(va, c.regionVa()) < 0 || Long.compareUnsigned(off, c.regionBytes()) >= 0) {
            endWith(EventCode.DESC_OUT_OF_REGION, va);
        } else if ((va & 31) != 0) {
            endWith(EventCode.DESC_MISALIGNED, va);
        } else if (visited.get((int) (off >>> 5))) {
            endWith(EventCode.DESC_LOOP, va);
        } else {
            visited.set((int) (off >>> 5));
            pa = translate(c, va);
            beats.clear();
            beatCount = 0;
            readBad = false;
            out.emit("m_dma_ar", new DmaReadRequest(dmaId, pa & -(long) p.dataBytes(), p.descBeats() - 1), t + 1,
                    actual -> t = actual);
        }
    }

    /** PA of a descriptor VA inside the connection's region; a hook so tests can plant a TLM bug. */
    protected long translate(ConnCfg c, long descVa) {
        return c.regionPa() + (descVa - c.regionVa());
    }

    @Override
    public void readBeat(DmaReadBeat b, long cycle) {
        if (beats.size() < p.descBeats()) {
            beats.add(b.data());
        }
        boolean wrongCount = b.last() != (beatCount == p.descBeats() - 1);
        if (b.resp() != 0 || wrongCount) {
            readBad = true;
        }
        beatCount++;
        if (b.last()) {
            t = cycle + 2; // Validate, then Emit/Event
            validate();
        }
    }

    private void validate() {
        if (readBad) {
            endWith(EventCode.DESC_DMA_ERROR, pa);
            return;
        }
        Bytes raw = Bytes.concat(beats.toArray(Bytes[]::new));
        Descriptor d = Descriptor.decode(raw, p.dataBytes() == 64 ? (int) (pa & 32) : 0);
        if (d.size() == 0 || Integer.compareUnsigned(d.size(), p.maxBlockBytes()) > 0) {
            endWith(EventCode.DESC_BAD_SIZE, Integer.toUnsignedLong(d.size()));
        } else if (d.seq() != expSeq) {
            endWith(EventCode.DESC_BAD_SEQ, Integer.toUnsignedLong(d.seq()) << 32 | Integer.toUnsignedLong(expSeq));
        } else if (csr.cfg(conn).mode() == CsrMap.MODE_PREPINNED && d.pa() == 0) {
            endWith(EventCode.DESC_BAD_PA, va);
        } else {
            // Like the RTL, the fetch goes on only once the descriptor has been handed over: a full
            // retained ring holds the chain here, and the next check sees the connection as it is then.
            // Taken or dropped: the chain goes on. Parked: ConnStateUnit calls parked() instead.
            out.emit(descPort, new FetchedDescriptor(conn, va, d.va(), d.size(), d.seq(), d.pa()), t, actual -> {
                t = actual + 1;
                expSeq += d.size();
                descSeq[conn] = expSeq;
                if (d.next() == 0) {
                    chainEnded();
                    startNext();
                } else {
                    va = d.next();
                    check();
                }
            });
        }
    }

    private void endWith(EventCode code, long detail) {
        raise(code, detail, t + 1);
        chainEnded();
        startNext();
    }

    private void raise(EventCode code, long detail, long estimatedCycle) {
        out.emit(eventPort, new AdapterEvent(conn, code, detail), estimatedCycle + 1);
        t = estimatedCycle + 1;
    }
}
