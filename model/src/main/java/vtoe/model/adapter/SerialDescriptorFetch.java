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

    private final Deque<Doorbell> waiting = new ArrayDeque<>();
    private final int[] descSeq;
    private final BitSet visited = new BitSet();
    private final List<Bytes> beats = new ArrayList<>();
    private boolean busy;
    private int conn;
    private long va;
    private long pa;
    private int expSeq;
    private int beatCount;
    private boolean readBad;
    /** Estimated cycle at which the RTL reaches its next step (Idle/Check). */
    private long t;

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
        return !busy && waiting.isEmpty();
    }

    @Override
    public void doorbell(Doorbell d, long cycle) {
        waiting.addLast(d);
        t = Math.max(t, cycle + 1);
        startNext();
    }

    private void startNext() {
        while (!busy && !waiting.isEmpty()) {
            Doorbell d = waiting.pollFirst();
            conn = d.conn();
            va = d.headVa();
            visited.clear();
            if (d.conn() >= p.numConns()) {
                raise(EventCode.DOORBELL_BAD_CONN, d.headVa(), t + 1);
            } else if (!csr.cfg(d.conn()).enabled()) {
                raise(EventCode.DOORBELL_DISABLED, d.headVa(), t + 1);
            } else {
                expSeq = descSeq[conn];
                busy = true;
                t += 1;
                check();
            }
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
            expSeq += d.size();
            descSeq[conn] = expSeq;
            // Like the RTL, the fetch goes on only once the descriptor has been handed over: a full
            // retained ring holds the chain here, and the next check sees the connection as it is then.
            out.emit(descPort, new FetchedDescriptor(conn, va, d.va(), d.size(), d.seq(), d.pa()), t, actual -> {
                t = actual + 1;
                if (d.next() == 0) {
                    busy = false;
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
        busy = false;
        startNext();
    }

    private void raise(EventCode code, long detail, long estimatedCycle) {
        out.emit(eventPort, new AdapterEvent(conn, code, detail), estimatedCycle + 1);
        t = estimatedCycle + 1;
    }
}
