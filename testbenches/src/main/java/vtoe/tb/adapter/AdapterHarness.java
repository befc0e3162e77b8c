package vtoe.tb.adapter;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import vtoe.cosim.AxisFrameMonitor;
import vtoe.cosim.AxisFrameSource;
import vtoe.cosim.Dut;
import vtoe.cosim.DutOptions;
import vtoe.cosim.PausePattern;
import vtoe.cosim.Scheduler;
import vtoe.cosim.SparseMemory;
import vtoe.cosim.StreamMonitor;
import vtoe.cosim.StreamSink;
import vtoe.cosim.StreamSource;
import vtoe.cosim.TimeOrderedDispatch;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.AdapterModel;
import vtoe.model.adapter.Op;
import vtoe.model.check.Lockstep;
import vtoe.model.check.LockstepMismatchError;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.net.PcapWriter;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.AxisBeat;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.Frame;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;
import vtoe.model.txn.Txn;
import vtoe.tb.junit.SimRun;

/**
 * The Verilated VtoeAdapter with its bus models and the TLM in lockstep on every output port: what
 * every adapter-level testbench shares. The host and network side is the owner's business: it gets
 * each output transaction through {@link WorldSide} at the cycle it left the RTL, and drives the
 * input sources. The DMA responder is attached by the owner (its error ranges may depend on where
 * the owner's host placed data).
 */
public final class AdapterHarness implements AutoCloseable {
    /** What the world sees of the adapter's outputs, each when its handshake completes. */
    public interface WorldSide {
        void csrResponse(Observed<CsrResponse> o);

        void hostRequest(Observed<HostRequest> o);

        void release(Observed<Release> o);

        void completion(Observed<Completion> o);

        void event(Observed<AdapterEvent> o);

        void dmaRead(Observed<DmaReadRequest> o);

        void txFrame(Observed<Frame> o);
    }

    /** Host physical memory: 256 MiB of PA space, mapped lazily. */
    public static final long MEMORY_BYTES = 256L << 20;
    /** Cycles a trace record may lag its change; the dispatch waits this long before releasing. */
    static final long TRACE_LAG = 64;
    /**
     * The sender rules' slack for the RTL (the adapter's known deviations only report, {@link
     * vtoe.model.check.KnownSenderDeviations}): a sent frame is handed over at its last beat but stamped
     * with its first, hence the reorder window; and an ACK reaches the state the framer reads
     * {@value #ACK_REACTION} cycles at most after its last beat on s_axis_rx (AckParser's verdict, the
     * two-entry queue, and ConnStateUnit's arbitration behind the few ops that outrank an ACK), so a
     * frame that began within that time cannot have been stopped by it.
     */
    static final long ACK_REACTION = 32;

    static final vtoe.model.check.TcpSenderRules.Tolerances SENDER_TOLERANCES =
            vtoe.model.check.TcpSenderRules.Tolerances.strict().withReorder(1 << 16).withAckReaction(ACK_REACTION);

    public final Dut dut;
    public final AdapterParams params;
    public final Scheduler sched;
    public final PhysicalMemory mem;
    public final Lockstep lockstep;
    public final AdapterModel model;
    public final StreamSource<CsrRequest> csr;
    public final StreamSource<Doorbell> doorbell;
    public final StreamSource<HostResponse> hostResp;
    public final AxisFrameSource rx;
    /** Bus protocol checkers, on in every run (the ready/valid rules are checked natively). */
    public final vtoe.model.check.AxiReadChecker dmaChecker;
    public final vtoe.model.check.AxisFrameChecker txChecker;
    public final vtoe.model.check.TxFairness fairness;
    private boolean hostStrays;
    private DmaBurstAssembler dmaBursts;
    private long strayEvents;
    /** The TCP sender rules (RFC 9293, 6298, 5681) on m_axis_tx and s_axis_rx; judged in {@link #checkEnd}. */
    public final vtoe.model.check.TcpSenderRules senderRules =
            vtoe.model.check.KnownSenderDeviations.apply(new vtoe.model.check.TcpSenderRules(SENDER_TOLERANCES));
    private final TimeOrderedDispatch dispatch = new TimeOrderedDispatch(TRACE_LAG);
    private final SimRun run;
    private final PcapWriter pcap;
    private final AxisFrameMonitor txFrames;
    private final List<Consumer<TraceRecord>> traceListeners = new java.util.ArrayList<>();
    private long traceRecords;

    public AdapterHarness(SimRun run, AdapterTb.Timing timing, WorldSide world) {
        this.run = run;
        this.dut = Dut.open(DutOptions.of("VtoeAdapter").seed(run.seed()).waves(run.wavesPath(), run.wavesFrom())
                .portTrace(run.portTrace()));
        try {
            this.params = dut.params();
            this.sched = new Scheduler(dut);
            this.mem = new PhysicalMemory(SparseMemory.allocate(MEMORY_BYTES), timing.paBase());
            dut.hostMemory(mem.buffer(), mem.base());
            this.lockstep = new Lockstep(run::context)
                    .port("m_csr_resp")
                    .port("m_hostreq")
                    .port("m_dma_ar", t -> ((DmaReadRequest) t).id())
                    .port("m_release", AdapterModel.RELEASE_FLOW)
                    .port("m_completion")
                    .port("m_event", AdapterModel.EVENT_SOURCE);
            long traceOffset = dut.options().resetCycles();
            this.model = new AdapterModel(params, lockstep, traceOffset, run::context);
            lockstep.port("m_axis_tx", model.frameFlow());
            if (dut.tracks() != null) {
                lockstep.tap(new vtoe.cosim.WaveLockstepTap(dut.tracks()));
            }
            this.pcap = new PcapWriter(run.caseFile("pcap", ".pcap"));

            this.dmaChecker = new vtoe.model.check.AxiReadChecker("m_dma_ar/s_dma_r", params.dataBytes(), params.maxBurstBeats(),
                    params.dmaIdBits());
            this.txChecker = new vtoe.model.check.AxisFrameChecker("m_axis_tx", params.dataBytes());
            this.fairness = new vtoe.model.check.TxFairness(params.tags(), params.dataBytes());
            csr = new StreamSource<>(dut, "s_csr", CsrRequest.class);
            doorbell = new StreamSource<>(dut, "s_doorbell", Doorbell.class);
            hostResp = new StreamSource<>(dut, "s_hostresp", HostResponse.class);
            hostResp.pause(timing.hostRespValid());
            rx = new AxisFrameSource(dut, "s_axis_rx");
            rx.pause(timing.rxValid());

            // Inputs: to the model in effective order.
            input("s_csr", CsrRequest.class);
            input("s_doorbell", Doorbell.class);
            // The bus checkers hear s_dma_r and s_hostresp first, from the same decode as the model.
            DmaBurstAssembler.BeatListener judges = (id, last, c) -> {
                dmaChecker.beat(id, last, c);
                fairness.dmaBeat(id, last, c);
            };
            if (dut.tracks() == null) {
                dmaBursts = new DmaBurstAssembler(dut, model, dispatch, judges, order("s_dma_r"), params.tags());
            } else {
                // Waves: every beat gets its label on the s_dma_r track, so it goes through the model on its own.
                input("s_dma_r", DmaReadBeat.class, o -> judges.beat(o.txn().id(), o.txn().last(), o.endCycle()));
            }
            input("s_hostresp", HostResponse.class, o -> fairness.hostResponse(o.txn(), o.endCycle()));
            input("s_axis_rx", AxisBeat.class);
            // Outputs: the world reacts at once; the scoreboard and model in effective order.
            output("m_csr_resp", CsrResponse.class, timing.csrRespReady(), world::csrResponse);
            output("m_hostreq", HostRequest.class, timing.hostReqReady(), o -> {
                fairness.hostRequest(o.txn(), o.endCycle());
                world.hostRequest(o);
            });
            output("m_release", Release.class, timing.releaseReady(), world::release);
            output("m_completion", Completion.class, timing.completionReady(), world::completion);
            output("m_event", AdapterEvent.class, timing.eventReady(), o -> {
                // Stray read data is the host bus's fault, not a connection's: its events are counted against the stray
                // bursts the bus checker saw, not handed to the owner as a connection's events.
                if (hostStrays && o.txn().code() == vtoe.model.txn.EventCode.DMA_STRAY_RESPONSE.code()) {
                    strayEvents++;
                } else {
                    world.event(o);
                }
            });
            int arOrder = order("m_dma_ar");
            new StreamMonitor<>(dut, "m_dma_ar", DmaReadRequest.class).subscribe(o -> {
                dmaChecker.request(o.txn(), o.endCycle());
                fairness.dmaRead(o.txn(), o.endCycle());
                world.dmaRead(o);
                dispatch.add(o.endCycle(), arOrder, () -> {
                    lockstep.observe("m_dma_ar", o);
                    model.outputObserved("m_dma_ar", o.txn(), o.endCycle());
                });
            });
            int traceOrder = order("m_trace");
            new StreamSink<>(dut, "m_trace", TraceRecord.class).retain(false).subscribe(o -> {
                traceRecords++;
                traceListeners.forEach(l -> l.accept(o.txn()));
                long eff = o.txn().time() + traceOffset;
                if (dut.tracks() != null) {
                    // At the cycle of the state change it records, not the cycle it left the trace queue.
                    dut.tracks().span("csu_trace", eff, eff, vtoe.cosim.TxnLabel.of(o.txn()));
                }
                if (o.endCycle() - eff > TRACE_LAG || o.endCycle() < eff) {
                    throw new LockstepMismatchError("m_trace", o.endCycle(), "trace record " + o.txn() + " left at cycle "
                            + o.endCycle() + ", " + (o.endCycle() - eff) + " cycles after its change (allowed: 0.." + TRACE_LAG
                            + ")\n" + run.context());
                }
                dispatch.add(eff, traceOrder, () -> {
                    model.outputObserved("m_trace", o.txn(), eff);
                    if (dut.tracks() != null) {
                        int c = o.txn().conn();
                        dut.tracks().value(vtoe.cosim.GtkwSaveFile.CONN_TRACK + c, eff, connState(model.csu().state(c)));
                    }
                });
            });
            dut.wake("m_trace", false);
            StreamSink<AxisBeat> txSink = new StreamSink<>(dut, "m_axis_tx", AxisBeat.class).retain(false);
            txSink.pause(timing.txReady());
            txSink.subscribe(o -> txChecker.beat(o.txn(), o.endCycle()));
            dut.wakeOnLast("m_axis_tx");
            int txOrder = order("m_axis_tx");
            this.txFrames = new AxisFrameMonitor(dut, "m_axis_tx").subscribe(o -> {
                pcap.write(o.endCycle() * 4, o.txn().bytes());
                senderRules.fromSender(o.txn().bytes(), o.startCycle());
                fairness.frame(o.txn().bytes(), o.startCycle(), o.endCycle());
                world.txFrame(o);
                dispatch.add(o.endCycle(), txOrder, () -> {
                    model.expectFrame(o.txn(), o.startCycle());
                    lockstep.observe("m_axis_tx", o);
                });
            });
            new AxisFrameMonitor(dut, "s_axis_rx").subscribe(o -> {
                if (dut.tracks() != null) {
                    dut.tracks().span("s_axis_rx", o.startCycle(), o.endCycle(), vtoe.cosim.TxnLabel.of(o.txn()));
                }
                pcap.write(o.endCycle() * 4, o.txn().bytes());
                senderRules.toSender(o.txn().bytes(), o.endCycle());
            });
            dut.afterStep(() -> dispatch.release(dut.cycle()));
        } catch (RuntimeException e) {
            dut.close();
            throw e;
        }
    }

    // One connection's state as the TLM holds it after a trace record (the RTL's lives in memories the
    // waves do not show; the lockstep keeps the two equal), for the waves' conn<N> tracks.
    private static String connState(vtoe.model.adapter.ConnState s) {
        String st = switch (s.state) {
            case vtoe.model.adapter.ConnState.IDLE -> "IDLE";
            case vtoe.model.adapter.ConnState.ACTIVE -> "ACTIVE";
            case vtoe.model.adapter.ConnState.STOPPED -> "STOPPED";
            default -> "state" + s.state;
        };
        return "%s una=%d nxt=%d max=%d wnd=%d ring=%d..%d timer=%s backoff=%d retries=%d dup=%d".formatted(st,
                Integer.toUnsignedLong(s.sndUna), Integer.toUnsignedLong(s.sndNxt), Integer.toUnsignedLong(s.sndMax), s.peerWnd,
                s.head, s.tail, s.timerOn ? "@" + s.deadline : "off", s.backoff, s.retries, s.dupAcks);
    }

    /** Tells the sender rules about a connection the owner programs (its configuration, never the RTL's). */
    public void senderConnection(vtoe.model.world.ConnSetup s) {
        senderRules.connection(vtoe.model.check.TcpSenderRules.Config.of(s, params));
        fairness.connection(s.conn(), s.mode(), s.ourPort(), s.peerPort());
    }

    /** Tells the fairness judge the sequence numbers of a block the owner posted. */
    public void postedBlock(int conn, long va, long len, int seq) {
        fairness.block(conn, va, len, Integer.toUnsignedLong(seq));
    }

    private int order(String port) {
        return (dut.port(port).input() ? 0 : 1 << 16) | dut.port(port).index();
    }

    private <T extends Record & Txn> void input(String port, Class<T> type) {
        input(port, type, o -> {});
    }

    /** As {@link #input(String, Class)}, with {@code first} hearing each transaction before it is queued for the model. */
    private <T extends Record & Txn> void input(String port, Class<T> type, Consumer<Observed<T>> first) {
        int ord = order(port);
        boolean track = dut.tracks() != null && !port.equals("s_axis_rx"); // rx: one label per frame, not per beat
        new StreamMonitor<>(dut, port, type).subscribe(first).subscribe(o -> {
            if (track) {
                dut.tracks().span(port, o.startCycle(), o.endCycle(), vtoe.cosim.TxnLabel.of(o.txn()));
            }
            dispatch.add(o.endCycle(), ord, () -> model.input(port, o.txn(), o.endCycle()));
        });
    }

    private <T extends Record & Txn> void output(String port, Class<T> type, PausePattern ready, Consumer<Observed<T>> world) {
        StreamSink<T> s = new StreamSink<>(dut, port, type).retain(false);
        s.pause(ready);
        int ord = order(port);
        s.subscribe(o -> {
            world.accept(o);
            dispatch.add(o.endCycle(), ord, () -> {
                lockstep.observe(port, o);
                model.outputObserved(port, o.txn(), o.endCycle());
            });
        });
    }

    /** Every trace record as it leaves the RTL (before the model checks it). */
    public void onTrace(Consumer<TraceRecord> l) {
        traceListeners.add(l);
    }

    /**
     * Nothing in flight: no connection holds a tag, has a block to retire or a ring to drain (as the
     * TLM tracks the RTL), no prediction is outstanding, nothing is held for ordering, no host answer queued.
     */
    public boolean settled() {
        return !model.csu().anyBusy() && lockstep.predictionsWaiting() == 0 && dispatch.pending() == 0 && hostResp.queued() == 0
                && (dmaBursts == null || dmaBursts.held() == 0);
    }

    /** How long the end check waits, past its fixed 2,000 cycles, for an owed trace record: far beyond the few cycles an ACK takes. */
    static final long END_DRAIN_CYCLES = 2000;

    /**
     * Runs a little past the end, then fails on anything the scoreboard or the trace model still holds.
     */
    public void checkEnd() {
        try {
            checkEndOnce();
        } catch (RuntimeException | Error e) {
            dut.failed(e);
            throw e;
        }
    }

    private void checkEndOnce() {
        // Frames still on the links would keep arriving (a reordered or duplicated ACK can land more than
        // 2,000 cycles after the last byte was acknowledged). The TLM owes an ACK from a frame's last beat,
        // seen through the time-ordered dispatch up to TRACE_LAG cycles later, and the RTL applies it a few
        // cycles after that beat, so an end at a fixed cycle could cut one in half (sign-off seeds
        // 0xb0585a7d31e63bde, 0x81c391a7e8e871f6). The input ends here; what is queued still goes in, and the
        // run is clocked until nothing is owed: an ACK the RTL really dropped stays owed and is reported below.
        rx.close();
        sched.run(2000);
        for (long bound = dut.cycle() + END_DRAIN_CYCLES; (dispatch.pending() != 0 || !model.leftovers().isEmpty()
                || lockstep.predictionsWaiting() != 0) && dut.cycle() < bound; ) {
            sched.run(8);
        }
        dispatch.flush();
        lockstep.checkEmpty();
        if (dmaChecker.outstandingBursts() != 0 || txChecker.midFrame()) {
            throw new vtoe.model.check.ProtocolError("at the end: " + dmaChecker.outstandingBursts() + " read burst(s) still owed data"
                    + (txChecker.midFrame() ? ", a frame on m_axis_tx begun and not ended" : "") + "\n" + run.context());
        }
        List<String> left = model.leftovers();
        if (!left.isEmpty()) {
            throw new LockstepMismatchError("m_trace", dut.cycle(), "MODEL LEFTOVERS at the end:\n  " + String.join("\n  ", left)
                    + "\n" + run.context());
        }
        senderRules.assertClean(run.context());
        fairness.verdict(run.context());
        if (hostStrays && strayEvents != dmaChecker.strayBursts()) {
            throw new vtoe.model.check.ProtocolError("the host sent " + dmaChecker.strayBursts() + " stray read burst(s) on s_dma_r, and the "
                    + "adapter raised " + strayEvents + " DMA_STRAY_RESPONSE event(s); it owes exactly one per burst\n" + run.context());
        }
    }

    /**
     * The host's read responder duplicates bursts on purpose (stray data, sent only while no read of the id is
     * outstanding): the bus checker counts them instead of failing, and each must raise exactly one
     * DMA_STRAY_RESPONSE event, which is kept from the owner.
     */
    public void hostSendsStrays() {
        hostStrays = true;
        dmaChecker.allowStrayData();
        if (dmaBursts != null) {
            dmaBursts.perBeat();
        }
    }

    /** DMA_STRAY_RESPONSE events seen (with {@link #hostSendsStrays}). */
    public long strayEvents() {
        return strayEvents;
    }

    public String diagnostics() {
        return "scoreboard: " + lockstep.pending() + ", dispatch pending " + dispatch.pending() + ", host events "
                + sched.pending() + ", trace records " + traceRecords + "\n" + senderRules.summary() + "\n" + fairness.summary() + "\n";
    }

    public long traceRecords() {
        return traceRecords;
    }

    public Path pcapFile() {
        return pcap.file();
    }

    public long txFrames() {
        return txFrames.frames();
    }

    public SimRun run() {
        return run;
    }

    @Override
    public void close() {
        pcap.close();
        dut.close();
    }
}
