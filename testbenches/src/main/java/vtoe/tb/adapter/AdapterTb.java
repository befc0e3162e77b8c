package vtoe.tb.adapter;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import vtoe.cosim.AxiReadResponder;
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
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
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
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;
import vtoe.model.txn.Txn;
import vtoe.tb.junit.SimRun;
import vtoe.tb.stim.RunStreams;

/**
 * Testbench of the complete adapter (VtoeAdapter): the DUT; host memory, DMA responder and a host
 * answering m_hostreq ({@link HostStub}); per connection a link and the destination TCP receiver
 * ({@link Peer}); a small driver that opens connections, posts data as descriptor chains and recycles
 * descriptor slots on completions; and the TLM ({@link AdapterModel}) in lockstep on every output.
 * {@link #finish} runs until every byte is acknowledged and delivered, then checks everything.
 */
public final class AdapterTb implements AutoCloseable {
    /** Bus timing: host latency and pause patterns; everything drawn from the run's streams by the caller. */
    public record Timing(AxiReadResponder.Config dma, LongSupplier hostLatency, PausePattern txReady, PausePattern hostRespValid,
            PausePattern rxValid, PausePattern hostReqReady, PausePattern releaseReady, PausePattern completionReady,
            PausePattern eventReady, PausePattern csrRespReady) {
        public static Timing fast() {
            return new Timing(AxiReadResponder.Config.fixed(20).withMaxOutstanding(32), () -> 50, PausePattern.NONE,
                    PausePattern.NONE, PausePattern.NONE, PausePattern.NONE, PausePattern.NONE, PausePattern.NONE,
                    PausePattern.NONE, PausePattern.NONE);
        }

        public Timing withHostLatency(LongSupplier l) {
            return new Timing(dma, l, txReady, hostRespValid, rxValid, hostReqReady, releaseReady, completionReady, eventReady,
                    csrRespReady);
        }

        public Timing withDma(AxiReadResponder.Config d) {
            return new Timing(d, hostLatency, txReady, hostRespValid, rxValid, hostReqReady, releaseReady, completionReady,
                    eventReady, csrRespReady);
        }
    }

    private static AdapterParams elaborated;

    /** The parameters VtoeAdapter was elaborated with (read once from the library). */
    public static synchronized AdapterParams elaboratedParams() {
        if (elaborated == null) {
            try (Dut d = Dut.open(DutOptions.of("VtoeAdapter"))) {
                elaborated = d.params();
            }
        }
        return elaborated;
    }

    /** Host physical memory: 256 MiB of PA space, mapped lazily. */
    public static final long MEMORY_BYTES = 256L << 20;
    /** Cycles a trace record may lag its change; the dispatch waits this long before releasing. */
    static final long TRACE_LAG = 64;
    static final int REGION_BYTES = 16384;

    private final class Conn {
        final ConnSetup s;
        final Peer peer;
        final long regionVa;
        final long regionPa;
        final BitSet freeSlots = new BitSet();
        final Deque<Descriptor> pending = new ArrayDeque<>();
        final Map<Long, Long> blockSeq = new HashMap<>(); // block VA -> its seq
        final MessageDigest sent;
        int nextSeq;
        long bytesPosted;
        long bytesCompleted;
        long completions;

        Conn(ConnSetup s) {
            this.s = s;
            this.peer = new Peer(s, sched, streams, rx);
            this.regionVa = 0x6000_0000_0000L + ((long) s.conn() << 24);
            this.regionPa = host.kernelAlloc(REGION_BYTES);
            freeSlots.set(0, REGION_BYTES / 32);
            nextSeq = s.iss();
            try {
                sent = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public final Dut dut;
    public final AdapterParams params;
    public final Scheduler sched;
    public final PhysicalMemory mem;
    public final Lockstep lockstep;
    public final AdapterModel model;
    public final HostStub host;
    public final StreamSource<CsrRequest> csr;
    public final StreamSource<Doorbell> doorbell;
    public final StreamSource<HostResponse> hostResp;
    public final AxisFrameSource rx;
    public final List<Observed<AdapterEvent>> events = new ArrayList<>();
    public final List<Observed<CsrResponse>> csrResps = new ArrayList<>();
    public final List<Observed<Completion>> completions = new ArrayList<>();
    public final List<Observed<HostRequest>> hostReqs = new ArrayList<>();
    public final List<Observed<Release>> releases = new ArrayList<>();
    public final List<Observed<vtoe.model.txn.Frame>> frames = new ArrayList<>();
    public final List<TraceRecord> trace = new ArrayList<>();
    /** PREPINNED blocks the adapter took into a retained ring: (conn, block VA). */
    private final java.util.Set<List<Long>> takenBlocks = new java.util.HashSet<>();
    private final TimeOrderedDispatch dispatch = new TimeOrderedDispatch(TRACE_LAG);
    private final RunStreams streams;
    private final SimRun run;
    private final Map<Integer, Conn> conns = new HashMap<>();
    private final PcapWriter pcap;
    private final AxisFrameMonitor txFrames;
    private long traceRecords;

    public AdapterTb(SimRun run, Timing timing) {
        this(run, timing, h -> List.of());
    }

    /**
     * @param dmaErrors ranges of host memory whose reads fail, chosen once the host's frame placement
     *                  is known (bad-input tests)
     */
    public AdapterTb(SimRun run, Timing timing,
            java.util.function.Function<HostStub, List<AxiReadResponder.ErrorRange>> dmaErrors) {
        this.run = run;
        this.streams = new RunStreams(run.seed());
        this.dut = Dut.open(DutOptions.of("VtoeAdapter").seed(run.seed()).waves(run.wavesPath(), run.wavesFrom()));
        try {
            this.params = dut.params();
            this.sched = new Scheduler(dut);
            this.mem = new PhysicalMemory(SparseMemory.allocate(MEMORY_BYTES));
            dut.hostMemory(mem.buffer());
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
            this.pcap = new PcapWriter(Path.of("target", "pcap", run.testClass(), run.method() + "[seed=" + run.seedHex() + "].pcap"));

            csr = new StreamSource<>(dut, "s_csr", CsrRequest.class);
            doorbell = new StreamSource<>(dut, "s_doorbell", Doorbell.class);
            hostResp = new StreamSource<>(dut, "s_hostresp", HostResponse.class);
            hostResp.pause(timing.hostRespValid());
            rx = new AxisFrameSource(dut, "s_axis_rx");
            rx.pause(timing.rxValid());
            this.host = new HostStub(params, sched, mem, hostResp, streams.stream("host-placement"), timing.hostLatency());
            AxiReadResponder.attach(dut, "m_dma_ar", "s_dma_r", timing.dma().withErrors(dmaErrors.apply(host)));

            // Inputs: to the model in effective order.
            input("s_csr", CsrRequest.class);
            input("s_doorbell", Doorbell.class);
            input("s_dma_r", DmaReadBeat.class);
            input("s_hostresp", HostResponse.class);
            input("s_axis_rx", AxisBeat.class);
            // Outputs: the world reacts at once; the scoreboard and model in effective order.
            output("m_csr_resp", CsrResponse.class, timing.csrRespReady(), csrResps::add);
            output("m_hostreq", HostRequest.class, timing.hostReqReady(), o -> {
                hostReqs.add(o);
                host.hostRequest(o);
            });
            output("m_release", Release.class, timing.releaseReady(), o -> {
                releases.add(o);
                host.release(o);
            });
            output("m_completion", Completion.class, timing.completionReady(), this::completion);
            output("m_event", AdapterEvent.class, timing.eventReady(), events::add);
            new StreamMonitor<>(dut, "m_dma_ar", DmaReadRequest.class).subscribe(o -> {
                host.dmaRead(o);
                dispatch.add(o.endCycle(), order("m_dma_ar"), () -> {
                    lockstep.observe("m_dma_ar", o);
                    model.outputObserved("m_dma_ar", o.txn(), o.endCycle());
                });
            });
            new StreamSink<>(dut, "m_trace", TraceRecord.class).retain(false).subscribe(o -> {
                traceRecords++;
                trace.add(o.txn());
                if (o.txn().op() == vtoe.model.adapter.Op.DESC.code && o.txn().tag() == 0) {
                    takenBlocks.add(List.of((long) o.txn().conn(), o.txn().seq() & 0xffffffffL));
                }
                long eff = o.txn().time() + traceOffset;
                if (o.endCycle() - eff > TRACE_LAG || o.endCycle() < eff) {
                    throw new LockstepMismatchError("m_trace", o.endCycle(), "trace record " + o.txn() + " left at cycle "
                            + o.endCycle() + ", " + (o.endCycle() - eff) + " cycles after its change (allowed: 0.." + TRACE_LAG
                            + ")\n" + run.context());
                }
                dispatch.add(eff, order("m_trace"), () -> model.outputObserved("m_trace", o.txn(), eff));
            });
            dut.wake("m_trace", false);
            StreamSink<AxisBeat> txSink = new StreamSink<>(dut, "m_axis_tx", AxisBeat.class).retain(false);
            txSink.pause(timing.txReady());
            dut.wakeOnLast("m_axis_tx");
            this.txFrames = new AxisFrameMonitor(dut, "m_axis_tx").subscribe(o -> {
                pcap.write(o.endCycle() * 4, o.txn().bytes());
                frames.add(o);
                int c = vtoe.model.adapter.TxFramerModel.connOf(o.txn().bytes(), params.numConns());
                Conn conn = conns.get(c);
                if (conn != null) {
                    conn.peer.fromAdapter(o.txn().bytes());
                }
                dispatch.add(o.endCycle(), order("m_axis_tx"), () -> {
                    model.expectFrame(o.txn(), o.startCycle());
                    lockstep.observe("m_axis_tx", o);
                });
            });
            new AxisFrameMonitor(dut, "s_axis_rx").subscribe(o -> pcap.write(o.endCycle() * 4, o.txn().bytes()));
            dut.afterStep(() -> dispatch.release(dut.cycle()));
        } catch (RuntimeException e) {
            dut.close();
            throw e;
        }
    }

    private int order(String port) {
        return (dut.port(port).input() ? 0 : 1 << 16) | dut.port(port).index();
    }

    private <T extends Record & Txn> void input(String port, Class<T> type) {
        new StreamMonitor<>(dut, port, type).subscribe(o -> dispatch.add(o.endCycle(), order(port),
                () -> model.input(port, o.txn(), o.endCycle())));
    }

    private <T extends Record & Txn> void output(String port, Class<T> type, PausePattern ready,
            java.util.function.Consumer<Observed<T>> world) {
        StreamSink<T> s = new StreamSink<>(dut, port, type).retain(false);
        s.pause(ready);
        s.subscribe(o -> {
            world.accept(o);
            dispatch.add(o.endCycle(), order(port), () -> {
                lockstep.observe(port, o);
                model.outputObserved(port, o.txn(), o.endCycle());
            });
        });
    }

    // ---- the driver ----

    public void csrWrite(int conn, int reg, long value) {
        csr.push(CsrRequest.write(CsrMap.conn(conn, reg), value));
    }

    /** Programs a connection and enables it; waits for every write to be answered OKAY. */
    public void openConnection(ConnSetup s) {
        Conn c = new Conn(s);
        conns.put(s.conn(), c);
        host.registerConn(s.conn(), s.mode(), 0x7f00_0000_0000L + ((long) s.conn() << 32));
        host.registerRegion(c.regionPa, REGION_BYTES);
        int before = csrResps.size() + csr.queued();
        int n = s.conn();
        csrWrite(n, CsrMap.REGION_VA, c.regionVa);
        csrWrite(n, CsrMap.REGION_PA, c.regionPa);
        csrWrite(n, CsrMap.REGION_BYTES, REGION_BYTES);
        csrWrite(n, CsrMap.DESC_SEQ, Integer.toUnsignedLong(s.iss()));
        csrWrite(n, CsrMap.MAC, s.ourMac());
        csrWrite(n, CsrMap.PEER_MAC, s.peerMac());
        csrWrite(n, CsrMap.IPS, Integer.toUnsignedLong(s.ourIp()) << 32 | Integer.toUnsignedLong(s.peerIp()));
        csrWrite(n, CsrMap.PORTS, (long) s.ourPort() << 16 | s.peerPort());
        csrWrite(n, CsrMap.MSS, s.mss());
        csrWrite(n, CsrMap.RTO, s.rto());
        csrWrite(n, CsrMap.PEER_WND, s.peerWnd());
        // Our frames acknowledge the peer's (empty) stream; the host's receive side would keep this current.
        csrWrite(n, CsrMap.RCV, 0xffffL << 32 | 0x10000);
        csrWrite(n, CsrMap.CTRL, CsrMap.ctrl(true, s.mode()));
        long want = csr.pushed();
        sched.runUntil(() -> csrResps.size() >= want, 100_000, this::diagnostics);
        for (Observed<CsrResponse> r : csrResps.subList(before, csrResps.size())) {
            if (!r.txn().ok()) {
                throw new IllegalStateException("opening connection " + n + " failed: " + r + "\n" + run.context());
            }
        }
    }

    /**
     * Puts {@code data} into the connection's send buffer and posts it as descriptor blocks of at most
     * {@code blockBytes} (PREPINNED: also split where the pages are not physically contiguous, and pinned).
     */
    public void send(int conn, byte[] data, int blockBytes) {
        Conn c = conns.get(conn);
        long va = host.append(conn, data);
        c.sent.update(data);
        c.bytesPosted += data.length;
        for (int off = 0; off < data.length;) {
            int len = Math.min(blockBytes, data.length - off);
            long bva = va + off;
            if (c.s.mode() == CsrMap.MODE_PREPINNED) {
                long[] run0 = host.runs(conn, bva, len).get(0);
                len = (int) run0[1];
                host.pinBlock(conn, bva, len);
                c.blockSeq.put(bva, Integer.toUnsignedLong(c.nextSeq));
                c.pending.addLast(new Descriptor(bva, 0, len, c.nextSeq, run0[0]));
            } else {
                c.pending.addLast(new Descriptor(bva, 0, len, c.nextSeq, 0));
            }
            c.nextSeq += len;
            off += len;
        }
        post(c);
    }

    /** Writes one descriptor as given into a free slot and rings for it; returns its VA (bad-input tests). */
    public long postRaw(int conn, Descriptor d) {
        Conn c = conns.get(conn);
        int slot = c.freeSlots.nextSetBit(0);
        c.freeSlots.clear(slot);
        mem.write(c.regionPa + 32L * slot, d.encode());
        long va = c.regionVa + 32L * slot;
        doorbell.push(new Doorbell(conn, va));
        return va;
    }

    /** Writes as many pending blocks as there are free descriptor slots as one chain, and rings. */
    private void post(Conn c) {
        List<Integer> slots = new ArrayList<>();
        List<Descriptor> ds = new ArrayList<>();
        while (!c.pending.isEmpty() && c.freeSlots.cardinality() > 0 && ds.size() < 64) {
            int slot = c.freeSlots.nextSetBit(0);
            c.freeSlots.clear(slot);
            slots.add(slot);
            ds.add(c.pending.pollFirst());
        }
        if (ds.isEmpty()) {
            return;
        }
        for (int i = 0; i < ds.size(); i++) {
            long next = i + 1 < ds.size() ? c.regionVa + 32L * slots.get(i + 1) : 0;
            mem.write(c.regionPa + 32L * slots.get(i), ds.get(i).withNext(next).encode());
        }
        doorbell.push(new Doorbell(c.s.conn(), c.regionVa + 32L * slots.get(0)));
    }

    private void completion(Observed<Completion> o) {
        completions.add(o);
        Conn c = conns.get(o.txn().conn());
        if (c == null) {
            return;
        }
        int slot = (int) ((o.txn().descVa() - c.regionVa) / 32);
        Descriptor d = Descriptor.decode(vtoe.model.txn.Bytes.wrap(mem.read(c.regionPa + 32L * slot, 32)), 0);
        c.freeSlots.set(slot);
        c.bytesCompleted += Integer.toUnsignedLong(d.size());
        c.completions++;
        post(c);
    }

    public Peer peer(int conn) {
        return conns.get(conn).peer;
    }

    /** Every byte posted on the connection has been acknowledged and reached the destination. */
    public boolean delivered(int conn) {
        Conn c = conns.get(conn);
        return c.bytesCompleted == c.bytesPosted && c.peer.receiver().bytesReceived() == c.bytesPosted && c.pending.isEmpty();
    }

    public boolean allDelivered() {
        return conns.keySet().stream().allMatch(this::delivered);
    }

    /**
     * Nothing in flight: no tag held by any connection (retransmissions cut after the last ACK still
     * finish), nothing waiting to retire or drain, and every prediction produced.
     */
    public boolean quiescent() {
        return conns.keySet().stream().noneMatch(c -> model.csu().busy(c)) && lockstep.predictionsWaiting() == 0
                && dispatch.pending() == 0 && hostResp.queued() == 0;
    }

    public String sentSha256(int conn) {
        try {
            return HexFormat.of().formatHex(((MessageDigest) conns.get(conn).sent.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The driver's teardown of a stopped connection: unpins the PREPINNED blocks the adapter never took
     * (it cannot release what it never saw); a block it took and did not release is a leak.
     */
    public void teardown(int conn) {
        Conn c = conns.get(conn);
        for (long[] b : host.pinnedBlocks(conn)) {
            long seq = c.blockSeq.getOrDefault(b[0], -1L);
            if (takenBlocks.contains(List.of((long) conn, seq))) {
                host.violations().add("connection " + conn + ": the adapter took the block at VA 0x" + Long.toHexString(b[0])
                        + " and never released it");
            } else {
                host.unpinBlock(conn, b[0], (int) b[1]);
            }
        }
        c.pending.clear();
    }

    /** Runs until {@code done}, settles, and checks the scoreboard, the trace model and the host's ledger. */
    public void finish(java.util.function.BooleanSupplier done, long maxCycles) {
        sched.runUntil(done, maxCycles, this::diagnostics);
        sched.run(2000);
        dispatch.flush();
        lockstep.checkEmpty();
        List<String> left = model.leftovers();
        if (!left.isEmpty()) {
            throw new LockstepMismatchError("m_trace", dut.cycle(), "MODEL LEFTOVERS at the end:\n  " + String.join("\n  ", left)
                    + "\n" + run.context());
        }
        if (!host.violations().isEmpty()) {
            throw new AssertionError("host side violations:\n  " + String.join("\n  ", host.violations()) + "\n" + run.context());
        }
    }

    /** Runs until every posted byte is delivered and acknowledged; then {@link #finish(java.util.function.BooleanSupplier, long)}. */
    public void finish(long maxCycles) {
        finish(() -> allDelivered() && quiescent(), maxCycles);
        if (host.pinsOutstanding() != 0) {
            throw new AssertionError("pins left at the end: " + host.pinReport() + "\n" + run.context());
        }
        for (Conn c : conns.values()) {
            String got = c.peer.receiver().sha256();
            if (!got.equals(sentSha256(c.s.conn()))) {
                throw new AssertionError("connection " + c.s.conn() + ": received stream differs from the sent one (SHA-256 "
                        + got + " vs " + sentSha256(c.s.conn()) + ")\n" + run.context());
            }
        }
    }

    public String diagnostics() {
        StringBuilder s = new StringBuilder("scoreboard: " + lockstep.pending() + ", dispatch pending " + dispatch.pending()
                + ", host events " + sched.pending() + ", trace records " + traceRecords + "\n");
        for (Conn c : conns.values()) {
            s.append("  conn ").append(c.s.conn()).append(" ").append(c.s.modeName()).append(": posted ").append(c.bytesPosted)
                    .append(", completed ").append(c.bytesCompleted).append(", received ")
                    .append(c.peer.receiver().bytesReceived()).append(", pending blocks ").append(c.pending.size())
                    .append(", model ").append(model.csu().state(c.s.conn())).append("\n");
        }
        return s + "pins: " + host.pinReport() + "\n" + run.context();
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

    public RunStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        pcap.close();
        dut.close();
    }
}
