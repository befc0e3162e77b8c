package vtoe.tb.adapter;

import vtoe.model.world.ConnSetup;
import vtoe.model.world.Peer;
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
    /**
     * How the environment behaves: DMA and host latencies, backpressure on every port, and the PA of host
     * memory's first byte ({@code paBase}: 0, or {@link #PA_ACROSS_4G} so that send buffers sit on both sides
     * of the 4 GiB line and the adapter's upper address bits and carries are used).
     */
    public record Timing(AxiReadResponder.Config dma, LongSupplier hostLatency, PausePattern txReady, PausePattern hostRespValid,
            PausePattern rxValid, PausePattern hostReqReady, PausePattern releaseReady, PausePattern completionReady,
            PausePattern eventReady, PausePattern csrRespReady, long paBase) {
        /** Host memory from 4 GiB - 64 MiB: descriptors below the line, most of the buffer pool above it. */
        public static final long PA_ACROSS_4G = (1L << 32) - (64L << 20);

        public static Timing fast() {
            return new Timing(AxiReadResponder.Config.fixed(20).withMaxOutstanding(32), () -> 50, PausePattern.NONE,
                    PausePattern.NONE, PausePattern.NONE, PausePattern.NONE, PausePattern.NONE, PausePattern.NONE,
                    PausePattern.NONE, PausePattern.NONE, 0);
        }

        public Timing withHostLatency(LongSupplier l) {
            return new Timing(dma, l, txReady, hostRespValid, rxValid, hostReqReady, releaseReady, completionReady, eventReady,
                    csrRespReady, paBase);
        }

        public Timing withDma(AxiReadResponder.Config d) {
            return new Timing(d, hostLatency, txReady, hostRespValid, rxValid, hostReqReady, releaseReady, completionReady,
                    eventReady, csrRespReady, paBase);
        }

        public Timing withPaBase(long base) {
            return new Timing(dma, hostLatency, txReady, hostRespValid, rxValid, hostReqReady, releaseReady, completionReady,
                    eventReady, csrRespReady, base);
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

    public static final int REGION_BYTES = 16384;

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
        long blocksPosted;
        long bytesCompleted;
        long completions;
        /** Descriptors written to the region so far. */
        int written;
        /** Bad descriptor written: the driver posts nothing more (what follows it would only fail its seq check). */
        boolean halted;

        Conn(ConnSetup s) {
            this.s = s;
            this.peer = new Peer(s, sched, streams::stream, f -> rx.send(f, sched.now()));
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

    public final AdapterHarness h;
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
    public final List<Observed<DmaReadRequest>> dmaReads = new ArrayList<>();
    public final List<Observed<vtoe.model.txn.Frame>> frames = new ArrayList<>();
    public final List<TraceRecord> trace = new ArrayList<>();
    /** PREPINNED blocks the adapter took into a retained ring: (conn, block VA). */
    private final java.util.Set<List<Long>> takenBlocks = new java.util.HashSet<>();
    private final RunStreams streams;
    private final SimRun run;
    private final Map<Integer, Conn> conns = new HashMap<>();

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
        this.h = new AdapterHarness(run, timing, new AdapterHarness.WorldSide() {
            @Override
            public void csrResponse(Observed<CsrResponse> o) {
                csrResps.add(o);
            }

            @Override
            public void hostRequest(Observed<HostRequest> o) {
                hostReqs.add(o);
                host.hostRequest(o);
            }

            @Override
            public void release(Observed<Release> o) {
                releases.add(o);
                host.release(o);
            }

            @Override
            public void completion(Observed<Completion> o) {
                AdapterTb.this.completion(o);
            }

            @Override
            public void event(Observed<AdapterEvent> o) {
                events.add(o);
            }

            @Override
            public void dmaRead(Observed<DmaReadRequest> o) {
                dmaReads.add(o);
                host.dmaRead(o);
            }

            @Override
            public void txFrame(Observed<vtoe.model.txn.Frame> o) {
                frames.add(o);
                Conn conn = conns.get(vtoe.model.adapter.TxFramerModel.connOf(o.txn().bytes(), params.numConns()));
                if (conn != null) {
                    conn.peer.fromAdapter(o.txn().bytes());
                }
            }
        });
        try {
            this.dut = h.dut;
            this.params = h.params;
            this.sched = h.sched;
            this.mem = h.mem;
            this.lockstep = h.lockstep;
            this.model = h.model;
            this.csr = h.csr;
            this.doorbell = h.doorbell;
            this.hostResp = h.hostResp;
            this.rx = h.rx;
            this.host = new HostStub(params, sched, mem, hostResp, streams.stream("host-placement"), timing.hostLatency());
            AxiReadResponder.attach(dut, "m_dma_ar", "s_dma_r", timing.dma().withErrors(dmaErrors.apply(host)));
            if (!timing.dma().duplicate().equals(vtoe.cosim.PausePattern.NONE)) {
                h.hostSendsStrays();
            }
            h.onTrace(r -> {
                trace.add(r);
                if (r.op() == vtoe.model.adapter.Op.DESC.code && r.tag() == 0) {
                    takenBlocks.add(List.of((long) r.conn(), r.seq() & 0xffffffffL));
                }
            });
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    // ---- the driver ----

    public int csrWrite(int conn, int reg, long value) {
        return csrRequest(CsrRequest.write(CsrMap.conn(conn, reg), value));
    }

    /**
     * Sends a CSR request; returns the index its answer will have in {@link #csrResps}. Every request gets exactly
     * one answer, in order, so that is the number of requests sent before it (a request still in flight counts).
     */
    public int csrRequest(CsrRequest r) {
        int at = (int) csr.pushed();
        csr.push(r);
        return at;
    }

    /** Programs a connection and enables it; waits for every write to be answered OKAY. */
    public void openConnection(ConnSetup s) {
        openConnection(s, 0);
    }

    /** Where a connection's send buffer starts by default: on a 4 GiB line of its own. */
    public static long defaultBufferVa(int conn) {
        return 0x7f00_0000_0000L + ((long) conn << 32);
    }

    /**
     * A send buffer whose first {@code lead} bytes sit below a 4 GiB line and the rest above it, so that VAs
     * the adapter computes inside a block carry into bit 32 (its own range, clear of every default buffer).
     */
    public static long bufferVaAcross4G(int conn, long lead) {
        if (lead < 1 || lead >= 1L << 32) {
            throw new IllegalArgumentException("lead " + lead + " must be 1..2^32-1 bytes below the line");
        }
        return 0x7f80_0000_0000L + ((long) conn << 33) + (1L << 32) - lead;
    }

    /** As {@link #openConnection(ConnSetup)}, with the send buffer at {@code bufferVa} (0: {@link #defaultBufferVa}). */
    public void openConnection(ConnSetup s, long bufferVa) {
        Conn c = new Conn(s);
        conns.put(s.conn(), c);
        h.senderConnection(s);
        host.registerConn(s.conn(), s.mode(), bufferVa != 0 ? bufferVa : defaultBufferVa(s.conn()));
        host.registerRegion(c.regionPa, REGION_BYTES);
        int before = (int) csr.pushed(); // the index of the first answer to come, as in csrRequest
        int n = s.conn();
        s.contextWrites(c.regionVa, c.regionPa, REGION_BYTES).forEach(csr::push);
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
            h.postedBlock(conn, bva, len, c.nextSeq);
            c.nextSeq += len;
            c.blocksPosted++;
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

    /**
     * Makes the connection's {@code index}-th descriptor (counted from the first written, 0-based) bad as it is
     * written: {@code bad} gets the descriptor as the driver made it (link set) and its slot's VA. The driver
     * posts nothing after it (bad-input regressions: a descriptor error in ordinary traffic).
     */
    public void poisonDescriptor(int conn, int index, java.util.function.BiFunction<Descriptor, Long, Descriptor> bad) {
        Conn c = conns.get(conn);
        if (c != null && index < c.written) {
            throw new IllegalStateException("connection " + conn + " has written " + c.written + " descriptors already, past " + index);
        }
        poisons.put(conn, new Poison(index, bad));
    }

    private record Poison(int index, java.util.function.BiFunction<Descriptor, Long, Descriptor> bad) {}

    private final Map<Integer, Poison> poisons = new HashMap<>();

    /** Writes as many pending blocks as there are free descriptor slots as one chain, and rings. */
    private void post(Conn c) {
        if (c.halted) {
            return;
        }
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
            Descriptor d = ds.get(i).withNext(next);
            Poison bad = poisons.get(c.s.conn());
            if (bad != null && c.written == bad.index()) {
                d = bad.bad().apply(d, c.regionVa + 32L * slots.get(i));
                c.halted = true;
            }
            c.written++;
            mem.write(c.regionPa + 32L * slots.get(i), d.encode());
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

    /** VA of the connection's descriptor region (slot 0). */
    public long regionVa(int conn) {
        return conns.get(conn).regionVa;
    }

    /** PA of the connection's descriptor region. */
    public long regionPa(int conn) {
        return conns.get(conn).regionPa;
    }

    /** Descriptor blocks posted on the connection so far (PREPINNED splits blocks at physical discontinuities). */
    public int blocksPosted(int conn) {
        return (int) conns.get(conn).blocksPosted;
    }

    public Peer peer(int conn) {
        return conns.get(conn).peer;
    }

    /** Every byte posted on the connection has been acknowledged and reached the destination. */
    public long bytesCompleted(int conn) {
        return conns.get(conn).bytesCompleted;
    }

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
        return h.settled();
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
        try {
            finishOnce(done, maxCycles);
        } catch (RuntimeException | Error e) {
            dut.failed(e); // the waves open at the first failure (the watchdog's, or the end-of-run verdict's)
            throw e;
        }
    }

    private void finishOnce(java.util.function.BooleanSupplier done, long maxCycles) {
        sched.runUntil(done, maxCycles, this::diagnostics);
        h.checkEnd();
        if (!host.violations().isEmpty()) {
            throw new AssertionError("host side violations:\n  " + String.join("\n  ", host.violations()) + "\n" + run.context());
        }
    }

    /** Runs until every posted byte is delivered and acknowledged; then {@link #finish(java.util.function.BooleanSupplier, long)}. */
    public void finish(long maxCycles) {
        try {
            finishAll(maxCycles);
        } catch (RuntimeException | Error e) {
            dut.failed(e);
            throw e;
        }
    }

    private void finishAll(long maxCycles) {
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
        StringBuilder s = new StringBuilder(h.diagnostics());
        if (!events.isEmpty()) {
            s.append("events: ").append(events.stream().limit(10).map(o -> o.endCycle() + ": " + o.txn()).toList()).append("\n");
        }
        for (Conn c : conns.values()) {
            s.append("  conn ").append(c.s.conn()).append(" ").append(c.s.modeName()).append(": posted ").append(c.bytesPosted)
                    .append(", completed ").append(c.bytesCompleted).append(", received ")
                    .append(c.peer.receiver().bytesReceived()).append(", pending blocks ").append(c.pending.size())
                    .append(", model ").append(model.csu().state(c.s.conn())).append("\n");
        }
        return s + "pins: " + host.pinReport() + "\n" + run.context();
    }

    public Path pcapFile() {
        return h.pcapFile();
    }

    public long txFrames() {
        return h.txFrames();
    }

    public SimRun run() {
        return run;
    }

    public RunStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        h.close();
    }
}
