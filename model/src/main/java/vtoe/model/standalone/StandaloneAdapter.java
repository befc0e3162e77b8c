package vtoe.model.standalone;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.AdapterModel;
import vtoe.model.adapter.Op;
import vtoe.model.check.OutputSink;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.Frame;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;
import vtoe.model.txn.Txn;
import vtoe.model.world.AdapterOutputs;
import vtoe.model.world.AdapterPorts;

/**
 * The Java adapter model running on its own in a discrete-event kernel (design brief section 8,
 * first way): the same block models as the lockstep reference ({@link AdapterModel}), with the
 * decisions the RTL's trace would otherwise supply made here: which op ConnStateUnit does each cycle
 * ({@link vtoe.model.adapter.ConnStateUnitModel#decide}, in the RTL's priority order and checked by
 * the same rules), which connection's frame the framer sends next (round robin), and a DMA responder
 * in Java over the same physical memory.
 *
 * <p>Timing is approximate and event-driven: ConnStateUnit does one op per cycle while it has work
 * and sleeps until the next input or timer deadline when it has none; each input port takes one beat
 * per cycle; frames occupy the TX port for one cycle per datapath word; reads return after a fixed
 * latency at one beat per cycle. Idle cycles cost nothing, which is where its speed comes from.
 */
public final class StandaloneAdapter implements AdapterPorts {
    /** Timing of what the RTL co-simulation gets from its bus models. */
    public record Timing(long dmaLatency) {
        public static Timing defaults() {
            return new Timing(20);
        }
    }

    private record Done(int tag, int conn, boolean sent) {}

    private final AdapterParams p;
    private final Timeline t;
    private final PhysicalMemory mem;
    private final Timing timing;
    private final AdapterModel model;
    private AdapterOutputs out;
    private final Map<String, Long> portFree = new HashMap<>();
    private final Deque<Done> done = new ArrayDeque<>();
    private final Set<Integer> handled = new HashSet<>();
    private long txFreeAt;
    private long rFreeAt;
    private int framerLast;
    private long nextStep = Long.MAX_VALUE;
    private long lastStep = -1;
    private long ops;
    private long framesSent;
    private long txBusyCycles;
    private long inFlight; // deliveries scheduled and not yet made
    private boolean fresh; // a tag became complete this cycle

    public StandaloneAdapter(AdapterParams p, Timeline t, PhysicalMemory mem, Timing timing, Supplier<String> context) {
        this.p = p;
        this.t = t;
        this.mem = mem;
        this.timing = timing;
        OutputSink sink = (port, txn, est, actual) -> {
            long c = slot(port, Math.max(t.now(), est));
            inFlight++;
            t.at(c, () -> {
                inFlight--;
                actual.accept(c);
                deliver(port, txn, c);
                kick();
            });
        };
        this.model = new AdapterModel(p, sink, context);
        this.framerLast = p.numConns() - 1;
    }

    /** Where the outputs go (the world); set before the first input. */
    public StandaloneAdapter connect(AdapterOutputs outputs) {
        this.out = outputs;
        return this;
    }

    /** The first cycle at or after {@code want} when the port can carry one more transaction (one per cycle). */
    private long slot(String port, long want) {
        long c = Math.max(want, portFree.getOrDefault(port, 0L));
        portFree.put(port, c + 1);
        return c;
    }

    private void deliver(String port, Txn txn, long c) {
        switch (port) {
            case "m_dma_ar" -> read((DmaReadRequest) txn, c);
            case "m_hostreq" -> out.hostRequest((HostRequest) txn);
            case "m_release" -> out.release((Release) txn);
            case "m_completion" -> out.completion((Completion) txn);
            case "m_event" -> out.event((AdapterEvent) txn);
            case "m_csr_resp" -> out.csrResponse((CsrResponse) txn);
            default -> throw new IllegalStateException("the adapter model emitted on unknown port " + port + ": " + txn);
        }
    }

    /** The Java DMA responder: beats after the latency, one per cycle on the shared read data channel. */
    private void read(DmaReadRequest ar, long c) {
        model.mux().requestAccepted(ar);
        out.dmaRead(ar);
        int db = p.dataBytes();
        long first = Math.max(c + timing.dmaLatency(), rFreeAt);
        rFreeAt = first + ar.beats();
        for (int i = 0; i < ar.beats(); i++) {
            long pa = ar.addr() + (long) i * db;
            boolean last = i == ar.beats() - 1;
            long at = first + i;
            inFlight++;
            t.at(at, () -> {
                inFlight--;
                byte[] data;
                int resp = 0;
                if (pa >= 0 && pa + db <= mem.size()) {
                    data = mem.read(pa, db);
                } else {
                    data = new byte[db];
                    resp = 2; // SLVERR, as the bus would answer an address nothing decodes
                }
                model.input("s_dma_r", new DmaReadBeat(ar.id(), Bytes.wrap(data), last, resp), at);
                kick();
            });
        }
    }

    // ---- inputs: one transaction per cycle per port ----

    private void input(String port, Txn txn) {
        long c = slot(port, t.now());
        inFlight++;
        t.at(c, () -> {
            inFlight--;
            model.input(port, txn, c);
            kick();
        });
    }

    @Override
    public void csr(CsrRequest r) {
        input("s_csr", r);
    }

    @Override
    public void doorbell(Doorbell d) {
        input("s_doorbell", d);
    }

    @Override
    public void hostResponse(HostResponse r) {
        input("s_hostresp", r);
    }

    @Override
    public void rxFrame(Bytes frame) {
        int beats = Math.max(1, (frame.length() + p.dataBytes() - 1) / p.dataBytes());
        long start = slot("s_axis_rx", t.now());
        long end = start + beats - 1;
        portFree.put("s_axis_rx", end + 1);
        inFlight++;
        t.at(end, () -> {
            inFlight--;
            model.rxFrame(frame);
            kick();
        });
    }

    // ---- the clock, where there is work ----

    private void kick() {
        schedule(t.now());
    }

    private void schedule(long c) {
        if (c < nextStep) {
            nextStep = c;
            t.at(c, () -> {
                if (nextStep == c) {
                    nextStep = Long.MAX_VALUE;
                    step();
                }
            });
        }
    }

    private void step() {
        long now = t.now();
        if (now == lastStep) {
            // Woken twice in one cycle (an input arrived after this cycle's step): one op per cycle, so the next.
            schedule(now + 1);
            return;
        }
        lastStep = now;
        fresh = false;
        boolean did = now >= txFreeAt && frameOne(now);
        Done d = done.peekFirst();
        TraceRecord r = model.csu().decide(now, d == null ? -1 : d.tag, d == null ? 0 : d.conn, d != null && d.sent);
        if (r != null) {
            if (r.op() == Op.TAG_DONE.code) {
                done.pollFirst();
                handled.remove(r.tag());
            }
            model.csu().onTrace(r, now);
            ops++;
            did = true;
        }
        if (did || fresh) {
            schedule(now + 1);
        } else if (now < txFreeAt) {
            schedule(txFreeAt);
        } else {
            long dl = model.csu().nextDeadline();
            if (dl != Long.MAX_VALUE) {
                schedule(Math.max(dl, now + 1));
            }
        }
    }

    /** The framer: the next connection in round robin whose oldest unsent segment is complete is sent (or dropped). */
    private boolean frameOne(long now) {
        int n = p.numConns();
        for (int i = 1; i <= n; i++) {
            int c = (framerLast + i) % n;
            Integer tag = null;
            for (int x : model.framer().tags(c)) {
                if (!handled.contains(x)) {
                    tag = x;
                    break;
                }
            }
            if (tag == null || !model.hostHandshake().complete(tag)) {
                continue;
            }
            if (model.hostHandshake().entry(tag).lastInput >= now) {
                fresh = true; // complete as of this cycle: the framer sees it next cycle, as the RTL's does
                continue;
            }
            framerLast = c;
            handled.add(tag);
            if (model.framer().dropAt(tag, now - 1)) {
                done.addLast(new Done(tag, c, false));
                return true;
            }
            Frame f = model.framer().frame(tag, now - 1);
            int beats = (f.bytes().length() + p.dataBytes() - 1) / p.dataBytes();
            txFreeAt = now + beats;
            txBusyCycles += beats;
            int tg = tag;
            inFlight++;
            t.at(txFreeAt, () -> {
                inFlight--;
                framesSent++;
                out.txFrame(f.bytes());
                done.addLast(new Done(tg, c, true));
                kick();
            });
            return true;
        }
        return false;
    }

    // ---- queries ----

    /** No tag in flight, nothing to retire or drain, nothing scheduled to arrive or leave. */
    public boolean quiet() {
        return !model.csu().anyBusy() && inFlight == 0 && done.isEmpty();
    }

    /** The model's state where a stuck run usually shows why, and what the engine still has scheduled. */
    public String diagnostics() {
        return model.stateReport() + "\n  engine: deliveries in flight " + inFlight + ", tags done and waiting " + done
                + ", framed or dropped " + handled + ", next step " + (nextStep == Long.MAX_VALUE ? "none" : nextStep)
                + ", next deadline " + model.csu().nextDeadline();
    }

    public AdapterModel model() {
        return model;
    }

    /** ConnStateUnit ops done (the standalone counterpart of the RTL's trace records). */
    public long ops() {
        return ops;
    }

    public long framesSent() {
        return framesSent;
    }

    public long txBusyCycles() {
        return txBusyCycles;
    }

    public AdapterParams params() {
        return p;
    }
}
