package vtoe.model.standalone;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
 *
 * <p>ConnStateUnit and the framer act at the end of a cycle ({@link Timeline#atEndOf}), on every input
 * of that cycle. That makes beats that change nothing they look at invisible to them until the last
 * one, so a DMA burst and a well-formed PUSH answer are each delivered in one kernel event at the
 * cycle of their last beat, every beat still stamped with its own cycle: the same computation with
 * a few events per segment instead of a few per beat. A DMA engine read is requested and answered
 * in that one event too (the world checks it against the grants there, as memory is read); the
 * read data channel is handed out in request order, so its beats' cycles are known when it is made.
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
    private final long[] portFree = new long[PORTS.length];
    private final Deque<Done> done = new ArrayDeque<>();
    private final boolean[] handled;
    private final int[] respQueued; // s_hostresp beats per tag scheduled and not yet delivered
    private long txFreeAt;
    private long rFreeAt;
    private int framerLast;
    private long nextStep = Long.MAX_VALUE;
    private long[] stepEventAt = new long[8]; // cycles with a step event in the kernel
    private int stepEvents;
    private long lastStep = -1;
    private long ops;
    private long framesSent;
    private long txBusyCycles;
    private long inFlight; // deliveries scheduled and not yet made
    private boolean fresh; // a tag became complete this cycle
    private boolean perBeat; // one event per beat, as before batching (to check batching changes nothing)

    public StandaloneAdapter(AdapterParams p, Timeline t, PhysicalMemory mem, Timing timing, Supplier<String> context) {
        this.p = p;
        this.t = t;
        this.mem = mem;
        this.timing = timing;
        OutputSink sink = (port, txn, est, actual) -> {
            int pi = portIndex(port);
            long c = slot(pi, Math.max(t.now(), est));
            // The read data channel is given out in request order, which is the order requests are made.
            long first = pi == M_DMA_AR ? readData((DmaReadRequest) txn, c) : 0;
            if (pi == M_DMA_AR && readAtOnce((DmaReadRequest) txn, first)) {
                return;
            }
            inFlight++;
            t.at(c, () -> {
                inFlight--;
                actual.accept(c);
                if (pi == M_DMA_AR) {
                    read((DmaReadRequest) txn, first);
                } else {
                    deliver(port, txn, c);
                }
                // What the world does with an output comes back through the input ports, which wake the unit.
                if (perBeat) {
                    kick();
                }
            });
        };
        this.model = new AdapterModel(p, sink, context);
        this.framerLast = p.numConns() - 1;
        this.handled = new boolean[p.tags()];
        this.respQueued = new int[p.tags()];
    }

    /**
     * One kernel event per DMA read beat and per PUSH answer beat instead of one per burst and per
     * answer: slower, and the same results (what the batching is checked against).
     */
    public StandaloneAdapter deliverPerBeat(boolean on) {
        this.perBeat = on;
        return this;
    }

    /** Where the outputs go (the world); set before the first input. */
    public StandaloneAdapter connect(AdapterOutputs outputs) {
        this.out = outputs;
        return this;
    }

    private static final String[] PORTS = {"s_csr", "s_doorbell", "s_hostresp", "s_axis_rx", "m_dma_ar", "m_hostreq", "m_release",
        "m_completion", "m_event", "m_csr_resp"};
    private static final int S_CSR = 0;
    private static final int S_DOORBELL = 1;
    private static final int S_HOSTRESP = 2;
    private static final int S_AXIS_RX = 3;
    private static final int M_DMA_AR = 4;

    private static int portIndex(String port) {
        for (int i = 0; i < PORTS.length; i++) {
            if (PORTS[i].equals(port)) {
                return i;
            }
        }
        throw new IllegalStateException("the adapter model emitted on unknown port " + port);
    }

    /** The first cycle at or after {@code want} when the port can carry one more transaction (one per cycle). */
    private long slot(int port, long want) {
        long c = Math.max(want, portFree[port]);
        portFree[port] = c + 1;
        return c;
    }

    private void deliver(String port, Txn txn, long c) {
        switch (port) {
            case "m_hostreq" -> out.hostRequest((HostRequest) txn);
            case "m_release" -> out.release((Release) txn);
            case "m_completion" -> out.completion((Completion) txn);
            case "m_event" -> out.event((AdapterEvent) txn);
            case "m_csr_resp" -> out.csrResponse((CsrResponse) txn);
            default -> throw new IllegalStateException("the adapter model emitted on unknown port " + port + ": " + txn);
        }
    }

    /**
     * A DMA engine read inside memory whose data starts at {@code first}: the request and all its
     * data in one event at the last beat's cycle, where memory is read and the world checks the read
     * against what is granted then. False for anything else (the fetch's reads, whose request cycle
     * the fetch waits for; reads outside memory), which goes through {@link #read} at the request's cycle.
     */
    private boolean readAtOnce(DmaReadRequest ar, long first) {
        int db = p.dataBytes();
        int tag = ar.id() - 1;
        if (perBeat || tag < 0 || tag >= p.tags() || ar.addr() < 0 || ar.addr() + (long) ar.beats() * db > mem.size()) {
            return false;
        }
        inFlight++;
        t.at(first + ar.beats() - 1, () -> {
            inFlight--;
            model.mux().requestAccepted(ar);
            out.dmaRead(ar);
            model.readBurst(ar.id(), ar.addr(), mem.read(ar.addr(), ar.beats() * db), ar.beats(), first);
            // Data for a tag that is still incomplete changes nothing ConnStateUnit or the framer look at.
            if (model.hostHandshake().complete(tag) || model.hostHandshake().failed(tag)) {
                kick();
            }
        });
        return true;
    }

    /** The cycle of the first data beat of a read accepted at {@code c}: after the latency and after the reads before it. */
    private long readData(DmaReadRequest ar, long c) {
        long first = Math.max(c + timing.dmaLatency(), rFreeAt);
        rFreeAt = first + ar.beats();
        return first;
    }

    /**
     * The Java DMA responder: beats after the latency, one per cycle on the shared read data channel.
     * A burst inside memory (every beat OK) arrives in one event at its last beat's cycle.
     */
    private void read(DmaReadRequest ar, long first) {
        model.mux().requestAccepted(ar);
        out.dmaRead(ar);
        int db = p.dataBytes();
        if (!perBeat && ar.addr() >= 0 && ar.addr() + (long) ar.beats() * db <= mem.size()) {
            long end = first + ar.beats() - 1;
            inFlight++;
            t.at(end, () -> {
                inFlight--;
                model.readBurst(ar.id(), ar.addr(), mem.read(ar.addr(), ar.beats() * db), ar.beats(), first);
                kick();
            });
            return;
        }
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

    private void input(int port, Txn txn) {
        long c = slot(port, t.now());
        inFlight++;
        t.at(c, () -> {
            inFlight--;
            model.input(PORTS[port], txn, c);
            kick();
        });
    }

    @Override
    public void csr(CsrRequest r) {
        input(S_CSR, r);
    }

    @Override
    public void doorbell(Doorbell d) {
        input(S_DOORBELL, d);
    }

    @Override
    public void hostResponse(HostResponse r) {
        int tag = r.tag();
        boolean counted = tag >= 0 && tag < p.tags();
        if (counted) {
            respQueued[tag]++;
        }
        long c = slot(S_HOSTRESP, t.now());
        inFlight++;
        t.at(c, () -> {
            inFlight--;
            if (counted) {
                respQueued[tag]--;
            }
            model.input("s_hostresp", r, c);
            kick();
        });
    }

    /** A well-formed PUSH answer ({@link vtoe.model.adapter.HostHandshakeModel#quietPush}) in one event; anything else beat by beat. */
    @Override
    public void hostResponses(List<HostResponse> beats) {
        int n = beats.size();
        int tag = n == 0 ? -1 : beats.get(0).tag();
        boolean quiet = !perBeat && n > 1 && tag >= 0 && tag < p.tags() && respQueued[tag] == 0;
        for (int i = 0; quiet && i < n; i++) {
            HostResponse r = beats.get(i);
            quiet = r.tag() == tag && r.status() == HostResponse.OK && r.last() == (i == n - 1);
        }
        if (!quiet || !model.hostHandshake().quietPush(tag, n)) {
            beats.forEach(this::hostResponse);
            return;
        }
        long[] at = new long[n];
        for (int i = 0; i < n; i++) {
            at[i] = slot(S_HOSTRESP, t.now());
        }
        List<HostResponse> answer = new ArrayList<>(beats);
        respQueued[tag] += n;
        inFlight++;
        t.at(at[n - 1], () -> {
            inFlight--;
            respQueued[tag] -= n;
            for (int i = 0; i < n; i++) {
                model.input("s_hostresp", answer.get(i), at[i]);
            }
            kick();
        });
    }

    @Override
    public void rxFrame(Bytes frame) {
        int beats = Math.max(1, (frame.length() + p.dataBytes() - 1) / p.dataBytes());
        long start = slot(S_AXIS_RX, t.now());
        long end = start + beats - 1;
        portFree[S_AXIS_RX] = end + 1;
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

    /** Makes {@code c} the next step unless one comes earlier; a cycle gets at most one step event in the kernel. */
    private void schedule(long c) {
        if (c < nextStep) {
            nextStep = c;
            for (int i = 0; i < stepEvents; i++) {
                if (stepEventAt[i] == c) {
                    return; // the event is there already (it steps if c is still the next step then)
                }
            }
            if (stepEvents == stepEventAt.length) {
                stepEventAt = java.util.Arrays.copyOf(stepEventAt, 2 * stepEvents);
            }
            stepEventAt[stepEvents++] = c;
            t.atEndOf(c, () -> {
                for (int i = 0; i < stepEvents; i++) {
                    if (stepEventAt[i] == c) {
                        stepEventAt[i] = stepEventAt[--stepEvents];
                        break;
                    }
                }
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
                handled[r.tag()] = false;
            }
            model.csu().onTrace(r, now);
            ops++;
            did = true;
        }
        if (did || fresh) {
            schedule(now + 1);
            return;
        }
        // Asleep until the TX port frees up or a timer falls due, whichever comes first (an input wakes it earlier).
        long wake = now < txFreeAt ? txFreeAt : Long.MAX_VALUE;
        long dl = model.csu().nextDeadline();
        if (dl != Long.MAX_VALUE) {
            wake = Math.min(wake, Math.max(dl, now + 1));
        }
        if (wake != Long.MAX_VALUE) {
            schedule(wake);
        }
    }

    /** The framer: the next connection in round robin whose oldest unsent segment is complete is sent (or dropped). */
    private boolean frameOne(long now) {
        // From the connection after the last one served to the end, then from the start: only those with tags.
        int start = (framerLast + 1) % p.numConns();
        for (int c = model.framer().nextConnWithTags(start); c >= 0; c = model.framer().nextConnWithTags(c + 1)) {
            if (frameFrom(c, now)) {
                return true;
            }
        }
        for (int c = model.framer().nextConnWithTags(0); c >= 0 && c < start; c = model.framer().nextConnWithTags(c + 1)) {
            if (frameFrom(c, now)) {
                return true;
            }
        }
        return false;
    }

    /** Frames (or drops) connection {@code c}'s oldest segment not yet handled if it is complete. */
    private boolean frameFrom(int c, long now) {
        int tag = -1;
        for (int x : model.framer().tags(c)) {
            if (!handled[x]) {
                tag = x;
                break;
            }
        }
        if (tag < 0 || !model.hostHandshake().complete(tag)) {
            return false;
        }
        if (model.hostHandshake().entry(tag).lastInput >= now) {
            fresh = true; // complete as of this cycle: the framer sees it next cycle, as the RTL's does
            return false;
        }
        framerLast = c;
        handled[tag] = true;
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

    // ---- queries ----

    /** No tag in flight, nothing to retire or drain, nothing scheduled to arrive or leave. */
    public boolean quiet() {
        return inFlight == 0 && done.isEmpty() && !model.csu().anyBusy();
    }

    /** The model's state where a stuck run usually shows why, and what the engine still has scheduled. */
    public String diagnostics() {
        return model.stateReport() + "\n  engine: deliveries in flight " + inFlight + ", tags done and waiting " + done
                + ", framed or dropped " + handledTags() + ", next step " + (nextStep == Long.MAX_VALUE ? "none" : nextStep)
                + ", next deadline " + model.csu().nextDeadline();
    }

    private List<Integer> handledTags() {
        List<Integer> l = new ArrayList<>();
        for (int x = 0; x < handled.length; x++) {
            if (handled[x]) {
                l.add(x);
            }
        }
        return l;
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
