package vtoe.model.standalone;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.AdapterModel;
import vtoe.model.adapter.ConnStateUnitModel;
import vtoe.model.adapter.HostHandshakeModel;
import vtoe.model.adapter.Op;
import vtoe.model.adapter.StagingBuffer;
import vtoe.model.payload.PayloadMemory;
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
import vtoe.model.txn.PushAnswer;
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
 * the same rules), which segment the framer sends next, and a DMA responder in Java over the same
 * physical memory.
 *
 * <p>Timing is approximate and event-driven: ConnStateUnit does one op per cycle while it has work
 * and sleeps until the next input or timer deadline when it has none; each input port takes one beat
 * per cycle; reads return after a fixed latency at one beat per cycle, in request order. Two rules
 * of the RTL that set the pace of a stream are followed closely: the DMA engine's (its reads in the
 * order it makes them, at most burstsPerTag outstanding per tag, so a descriptor read waits behind a
 * few bursts only) and the framer's (one segment at a time: latch, one cycle per beat, a cycle to
 * release a grant, hand the tag back, latch again the cycle after). Idle cycles cost nothing, which
 * is where its speed comes from.
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

    /**
     * A tag the framer has finished with, which ConnStateUnit may take from {@code readyAt} on; its
     * TAG_DONE record comes a cycle later (taken in stage 0, applied in stage 1).
     */
    private record Done(int tag, int conn, boolean sent, long readyAt) {}

    private record PendingRead(DmaReadRequest ar, long est) {}

    private final AdapterParams p;
    private final Timeline t;
    private final PayloadMemory mem;
    private final Timing timing;
    private final AdapterModel model;
    private AdapterOutputs out;
    private final long[] portFree = new long[PORTS.length];
    private final Deque<Done> done = new ArrayDeque<>();
    private final vtoe.model.sim.EventKernel.Lane<DmaReadRequest> bursts; // null: no lane to have, so closures
    private final Deque<PendingRead> engineReads = new ArrayDeque<>(); // DMA engine reads not yet requested
    private final int[] burstsOut; // per tag: DMA engine reads requested whose last beat has not come
    private final boolean[] handled;
    private final int[] respQueued; // s_hostresp beats per tag scheduled and not yet delivered
    private boolean framerBusy; // a tag is latched and its TAG_DONE not yet done
    private java.util.function.ObjLongConsumer<Bytes> rxTaken = (f, c) -> {};
    private long framerFreeFrom; // the first cycle the framer may latch again (the take, a cycle before TAG_DONE, + 1), plus one: frames start a cycle after latching
    private long rFreeAt;
    private int framerLast; // the tag framed (or dropped) last
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
    private boolean checkLookahead; // after every op, hasOp against decide (for tests)

    public StandaloneAdapter(AdapterParams p, Timeline t, PhysicalMemory mem, Timing timing, Supplier<String> context) {
        this(p, t, PayloadMemory.of(mem), StagingBuffer.bytes(p.tags(), p.slotBytes()), timing, context);
    }

    /** Reading payload from {@code mem} into {@code staging}: bytes, or a payload-free run's content. */
    public StandaloneAdapter(AdapterParams p, Timeline t, PayloadMemory mem, StagingBuffer staging, Timing timing, Supplier<String> context) {
        this.p = p;
        this.t = t;
        this.mem = mem;
        this.timing = timing;
        OutputSink sink = (port, txn, est, actual) -> {
            int pi = portIndex(port);
            if (pi == M_DMA_AR && engineRead((DmaReadRequest) txn)) {
                engineReads.addLast(new PendingRead((DmaReadRequest) txn, est));
                issueEngineReads(t.now());
                return;
            }
            long c = slot(pi, Math.max(t.now(), est));
            // The read data channel is given out in request order, which is the order requests are made.
            long first = pi == M_DMA_AR ? readData((DmaReadRequest) txn, c) : 0;
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
        this.model = new AdapterModel(p, sink, context, staging);
        // The bursts end in the order they are requested, so they can go in the kernel's lane (no closure, no wheel);
        // the same events as closures on any other timeline, or on a kernel whose lane another adapter has.
        this.bursts = t instanceof vtoe.model.sim.EventKernel k && !k.hasLane() ? k.lane(this::burstArrived) : null;
        this.framerLast = p.tags() - 1;
        this.handled = new boolean[p.tags()];
        this.respQueued = new int[p.tags()];
        this.burstsOut = new int[p.tags()];
    }

    /**
     * One kernel event per DMA read beat and per PUSH answer beat instead of one per burst and per
     * answer: slower, and the same results (what the batching is checked against).
     */
    public StandaloneAdapter deliverPerBeat(boolean on) {
        this.perBeat = on;
        return this;
    }

    /** After every op, checks that the cheap look at the next cycle ({@code hasOp}) agrees with {@code decide}: slower, for tests. */
    public StandaloneAdapter checkLookahead(boolean on) {
        this.checkLookahead = on;
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

    // Looked up per output: a loop of equals over PORTS was a sixtieth of a payload-free run.
    private static final java.util.Map<String, Integer> PORT_INDEX = new java.util.HashMap<>();

    static {
        for (int i = 0; i < PORTS.length; i++) {
            PORT_INDEX.put(PORTS[i], i);
        }
    }

    private static int portIndex(String port) {
        Integer i = PORT_INDEX.get(port);
        if (i == null) {
            throw new IllegalStateException("the adapter model emitted on unknown port " + port);
        }
        return i;
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

    /** A read of the DMA engine (id 1 + tag), as opposed to the descriptor fetch's. */
    private boolean engineRead(DmaReadRequest ar) {
        return ar.id() >= 1 && ar.id() <= p.tags();
    }

    /**
     * The DMA engine's request rule (the RTL's DmaEngine): its reads go out in the order it makes
     * them, one per cycle, not before {@code earliest}, and a tag has at most burstsPerTag of them
     * outstanding, the next one waiting (and every read behind it) until one of the tag's bursts has
     * had its last beat. So the descriptor fetch's reads queue behind a few bursts on the read data
     * channel, not behind every burst of every segment in flight.
     *
     * <p>A read inside memory is requested and answered in one event at its last beat's cycle, where
     * memory is read and the world checks the read against what is granted then; others (outside
     * memory, or one event per beat when asked) are requested at their cycle and answered beat by beat.
     */
    private void issueEngineReads(long earliest) {
        int db = p.dataBytes();
        while (!engineReads.isEmpty()) {
            PendingRead r = engineReads.peekFirst();
            DmaReadRequest ar = r.ar();
            int tag = ar.id() - 1;
            if (burstsOut[tag] == p.burstsPerTag()) {
                return;
            }
            engineReads.pollFirst();
            burstsOut[tag]++;
            long c = slot(M_DMA_AR, Math.max(earliest, r.est()));
            long first = readData(ar, c);
            long end = first + ar.beats() - 1;
            if (!perBeat && ar.addr() >= 0 && ar.addr() + (long) ar.beats() * db <= mem.size()) {
                inFlight++;
                if (bursts != null) {
                    bursts.at(end, ar, first);
                } else {
                    t.at(end, () -> burstArrived(ar, first));
                }
            } else {
                inFlight++;
                t.at(c, () -> {
                    inFlight--;
                    read(ar, first);
                    if (perBeat) {
                        kick();
                    }
                });
                inFlight++;
                t.at(end, () -> {
                    inFlight--;
                    burstDone(tag);
                });
            }
        }
    }

    /** A DMA engine read inside memory, requested and answered at its last beat (beats from {@code first}). */
    private void burstArrived(DmaReadRequest ar, long first) {
        inFlight--;
        int tag = ar.id() - 1;
        model.mux().requestAccepted(ar);
        out.dmaRead(ar);
        model.readBurst(ar.id(), ar.addr(), mem.read(ar.addr(), ar.beats() * p.dataBytes()), ar.beats(), first);
        burstDone(tag);
        kickFor(tag); // data for a tag still waiting for more changes nothing the unit looks at
    }

    /** A burst of the tag had its last beat: the engine may request again from the next cycle. */
    private void burstDone(int tag) {
        burstsOut[tag]--;
        issueEngineReads(t.now() + 1);
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
                Bytes data;
                int resp = 0;
                if (pa >= 0 && pa + db <= mem.size()) {
                    data = mem.read(pa, db);
                } else {
                    data = Bytes.wrap(new byte[db]);
                    resp = 2; // SLVERR, as the bus would answer an address nothing decodes
                }
                model.input("s_dma_r", new DmaReadBeat(ar.id(), data, last, resp), at);
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
            kickFor(tag);
        });
    }

    /**
     * Wakes ConnStateUnit after an input for {@code tag} if it changed something it or the framer look
     * at: the tag failed (a fault for the unit to apply now), or it is complete, which only the framer
     * looks at and from the next cycle on ({@link #frameOne}), so the step comes then, and only if the
     * framer is free: a busy one looks for complete tags itself once the unit has taken its tag back
     * (the step of that TAG_DONE asks {@link #canFrame}). A step that could only find nothing to do
     * was a third of a stream's. An extent still waiting for its data changes nothing.
     */
    private void kickFor(int tag) {
        if (perBeat || tag < 0 || tag >= p.tags() || model.hostHandshake().failed(tag)) {
            kick();
        } else if (!framerBusy && model.hostHandshake().complete(tag)) {
            schedule(t.now() + 1);
        }
    }

    /** A well-formed PUSH answer ({@link vtoe.model.adapter.HostHandshakeModel#quietPush}) in one event; anything else beat by beat. */
    @Override
    public void hostResponses(List<HostResponse> beats) {
        int n = beats.size();
        int tag = n == 0 ? -1 : beats.get(0).tag();
        boolean quiet = !perBeat && n > 1 && tag >= 0 && tag < p.tags() && respQueued[tag] == 0;
        // A PushAnswer is well formed by construction: one tag, OK, last on the final beat.
        for (int i = 0; quiet && !(beats instanceof PushAnswer) && i < n; i++) {
            HostResponse r = beats.get(i);
            quiet = r.tag() == tag && r.status() == HostResponse.OK && r.last() == (i == n - 1);
        }
        if (!quiet || !model.hostHandshake().quietPush(tag, n)) {
            beats.forEach(this::hostResponse);
            return;
        }
        // The beats take n consecutive cycles of the port from the first free one (n slots in one step).
        long lastAt = slot(S_HOSTRESP, t.now()) + n - 1;
        portFree[S_HOSTRESP] = lastAt + 1;
        List<HostResponse> answer = beats instanceof PushAnswer ? beats : new ArrayList<>(beats);
        respQueued[tag] += n;
        inFlight++;
        t.at(lastAt, () -> {
            inFlight--;
            respQueued[tag] -= n;
            model.hostHandshake().quietPushAnswer(tag, answer, lastAt);
            kickFor(tag);
        });
    }

    /** Hears each frame on s_axis_rx at the cycle of its last beat (what a port monitor on the RTL would see). */
    public void onRxTaken(java.util.function.ObjLongConsumer<Bytes> listener) {
        this.rxTaken = listener;
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
            rxTaken.accept(frame, end);
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
        boolean did = !framerBusy && now >= framerFreeFrom && frameOne(now);
        TraceRecord r = decide(now);
        if (r != null) {
            if (r.op() == Op.TAG_DONE.code) {
                done.pollFirst();
                handled[r.tag()] = false;
                framerBusy = false;
                framerFreeFrom = now + 1;
            }
            model.csu().onTrace(r, now);
            ops++;
            did = true;
        }
        // Step again next cycle only if there will be something to do then; an input arriving then wakes it anyway.
        if (checkLookahead && did && hasOp(now + 1) != (decide(now + 1) != null)) {
            throw new IllegalStateException("ConnStateUnitModel.hasOp and decide disagree about cycle " + (now + 1) + ": decide gives "
                    + decide(now + 1) + "\n" + diagnostics());
        }
        if (fresh || (did && (perBeat || canFrame(now + 1) || hasOp(now + 1)))) {
            schedule(now + 1);
            return;
        }
        // Asleep until the framer can go on or the timer wheel has a connection to look at, whichever comes first (an input wakes it earlier).
        long wake = Long.MAX_VALUE;
        Done head = done.peekFirst();
        if (head != null && head.readyAt + 1 > now) {
            wake = head.readyAt + 1;
        }
        if (!framerBusy && now < framerFreeFrom) {
            wake = Math.min(wake, framerFreeFrom);
        }
        long dl = model.csu().nextWheelStep(now);
        if (dl != Long.MAX_VALUE) {
            wake = Math.min(wake, dl);
        }
        if (wake != Long.MAX_VALUE) {
            schedule(wake);
        }
    }

    /** What ConnStateUnit would do in cycle {@code c} if nothing arrives before: {@link ConnStateUnitModel#decide}, no side effects. */
    private TraceRecord decide(long c) {
        Done d = done.peekFirst();
        if (d != null && d.readyAt + 1 > c) {
            d = null;
        }
        return model.csu().decide(c, d == null ? -1 : d.tag, d == null ? 0 : d.conn, d != null && d.sent);
    }

    /** Whether {@link #decide} would give an op for cycle {@code c}, without building it. */
    private boolean hasOp(long c) {
        Done d = done.peekFirst();
        return model.csu().hasOp(c, d != null && d.readyAt + 1 <= c ? d.tag : -1);
    }

    /** Whether the framer could latch a segment for cycle {@code c} if nothing arrives before (no side effects). */
    private boolean canFrame(long c) {
        if (framerBusy || c < framerFreeFrom) {
            return false;
        }
        for (int tag = 0; tag < p.tags(); tag++) {
            HostHandshakeModel.Entry e = model.hostHandshake().entry(tag);
            if (e.inUse && model.framer().oldestTag(e.job.conn()) == tag && model.hostHandshake().complete(tag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The framer (the RTL's TxFramer): latches, in round robin over the tags, one whose segment is
     * complete and the oldest its connection still has, in the cycle before {@code now}; sends it from
     * {@code now} on for one cycle per beat (or drops it), then hands the tag back to ConnStateUnit, a
     * cycle later if the host has something to unpin first; and latches again only in the cycle after
     * ConnStateUnit took the tag.
     */
    private boolean frameOne(long now) {
        int n = p.tags();
        for (int i = 1; i <= n; i++) {
            int tag = (framerLast + i) % n;
            HostHandshakeModel.Entry e = model.hostHandshake().entry(tag);
            if (!e.inUse || model.framer().oldestTag(e.job.conn()) != tag || !model.hostHandshake().complete(tag)) {
                continue;
            }
            if (e.lastInput >= now) {
                fresh = true; // complete as of this cycle: the framer sees it next cycle, as the RTL's does
                continue;
            }
            frame(tag, e, now);
            return true;
        }
        return false;
    }

    private void frame(int tag, HostHandshakeModel.Entry e, long now) {
        int c = e.job.conn();
        framerLast = tag;
        framerBusy = true;
        handled[tag] = true;
        long unpin = e.hasGrant || e.job.releaseBlock() ? 1 : 0; // the Release state before Finish
        if (model.framer().dropAt(tag, now - 1)) {
            done.addLast(new Done(tag, c, false, now + unpin));
            return;
        }
        Frame f = model.framer().frame(tag, now - 1);
        int beats = (f.bytes().length() + p.dataBytes() - 1) / p.dataBytes();
        long end = now + beats;
        txBusyCycles += beats;
        inFlight++;
        t.at(end, () -> {
            inFlight--;
            framesSent++;
            out.txFrame(f.bytes());
            done.addLast(new Done(tag, c, true, end + unpin));
            // The unit takes the tag back from the cycle after readyAt; until then the frame's end changes nothing it looks at.
            if (perBeat) {
                kick();
            } else {
                schedule(end + unpin + 1);
            }
        });
    }

    // ---- queries ----

    /** No tag in flight, nothing to retire or drain, nothing scheduled to arrive or leave. */
    public boolean quiet() {
        return inFlight == 0 && done.isEmpty() && engineReads.isEmpty() && !model.csu().anyBusy();
    }

    /** The model's state where a stuck run usually shows why, and what the engine still has scheduled. */
    public String diagnostics() {
        return model.stateReport() + "\n  engine: deliveries in flight " + inFlight + ", tags done and waiting " + done
                + ", framed or dropped " + handledTags() + (framerBusy ? " (framer waiting for TAG_DONE)" : "") + ", next step " + (nextStep == Long.MAX_VALUE ? "none" : nextStep)
                + ", next timer wheel step " + model.csu().nextWheelStep(t.now());
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
