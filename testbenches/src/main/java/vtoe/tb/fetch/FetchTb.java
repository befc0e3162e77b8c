package vtoe.tb.fetch;

import java.util.ArrayList;
import java.util.List;
import vtoe.cosim.AxiReadResponder;
import vtoe.cosim.Dut;
import vtoe.cosim.DutOptions;
import vtoe.cosim.PausePattern;
import vtoe.cosim.Scheduler;
import vtoe.cosim.SparseMemory;
import vtoe.cosim.StreamMonitor;
import vtoe.cosim.StreamSink;
import vtoe.cosim.StreamSource;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
import vtoe.model.adapter.FetchTopModel;
import vtoe.model.check.Lockstep;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.FetchedDescriptor;
import vtoe.model.txn.Observed;
import vtoe.tb.junit.SimRun;

/**
 * Testbench of FetchTop (Corundum-style TB class): the DUT, host memory, the AXI read responder, a
 * source or sink on every port, and the TLM in lockstep behind a scoreboard on every output. Tests
 * write descriptors into host memory, program connections through CSRs, ring doorbells and then
 * {@link #finish()}, which runs until everything settled and fails on any mismatch or leftover.
 */
public final class FetchTb implements AutoCloseable {
    /** Bus timing of one run: responder latencies and the pause pattern on every stream. */
    public record Timing(AxiReadResponder.Config responder, PausePattern csr, PausePattern doorbell, PausePattern csrResp,
            PausePattern desc, PausePattern event) {
        public static Timing fast() {
            return new Timing(AxiReadResponder.Config.fixed(4), PausePattern.NONE, PausePattern.NONE, PausePattern.NONE,
                    PausePattern.NONE, PausePattern.NONE);
        }

        public Timing withResponder(AxiReadResponder.Config r) {
            return new Timing(r, csr, doorbell, csrResp, desc, event);
        }
    }

    private static AdapterParams elaborated;

    /** The parameters FetchTop was elaborated with (read once from the library). */
    public static synchronized AdapterParams elaboratedParams() {
        if (elaborated == null) {
            try (Dut d = Dut.open(DutOptions.of("FetchTop"))) {
                elaborated = d.params();
            }
        }
        return elaborated;
    }

    /** Host physical memory: 256 MiB of PA space, mapped lazily. */
    public static final long MEMORY_BYTES = 256L << 20;
    /** Cycles run after everything settled, to catch late or spurious outputs. */
    static final int SETTLE_CYCLES = 200;

    public final Dut dut;
    public final AdapterParams params;
    public final Scheduler sched;
    public final PhysicalMemory mem;
    public final Lockstep lockstep;
    public final FetchTopModel model;
    public final StreamSource<CsrRequest> csr;
    public final StreamSource<Doorbell> doorbell;
    public final List<Observed<FetchedDescriptor>> descs = new ArrayList<>();
    public final List<Observed<AdapterEvent>> events = new ArrayList<>();
    public final List<Observed<CsrResponse>> csrResps = new ArrayList<>();
    public final List<Observed<DmaReadRequest>> reads = new ArrayList<>();
    private final SimRun run;

    public FetchTb(SimRun run, Timing timing) {
        this(run, timing, FetchTopModel.SERIAL);
    }

    public FetchTb(SimRun run, Timing timing, FetchTopModel.FetchFactory fetchModel) {
        this.run = run;
        this.dut = Dut.open(DutOptions.of("FetchTop").seed(run.seed()).waves(run.wavesPath(), run.wavesFrom())
                .portTrace(run.portTrace()));
        try {
            this.params = dut.params();
            this.sched = new Scheduler(dut);
            this.mem = new PhysicalMemory(SparseMemory.allocate(MEMORY_BYTES));
            dut.hostMemory(mem.buffer());
            AxiReadResponder.attach(dut, "m_dma_ar", "s_dma_r", timing.responder());
            this.lockstep = new Lockstep(run::context)
                    .port("m_csr_resp")
                    .port("m_dma_ar")
                    .port("m_desc")
                    .port("m_event", FetchTopModel.EVENT_SOURCE);
            this.model = new FetchTopModel(params, lockstep::expect, fetchModel);
            if (dut.tracks() != null) {
                lockstep.tap(new vtoe.cosim.WaveLockstepTap(dut.tracks()));
                new StreamMonitor<>(dut, "s_csr", CsrRequest.class).subscribe(o -> inputTrack("s_csr", o));
                new StreamMonitor<>(dut, "s_doorbell", Doorbell.class).subscribe(o -> inputTrack("s_doorbell", o));
                new StreamMonitor<>(dut, "s_dma_r", DmaReadBeat.class).subscribe(o -> inputTrack("s_dma_r", o));
            }

            csr = new StreamSource<>(dut, "s_csr", CsrRequest.class);
            doorbell = new StreamSource<>(dut, "s_doorbell", Doorbell.class);
            csr.pause(timing.csr());
            doorbell.pause(timing.doorbell());
            new StreamMonitor<>(dut, "s_csr", CsrRequest.class).subscribe(o -> model.input("s_csr", o.txn(), o.endCycle()));
            new StreamMonitor<>(dut, "s_doorbell", Doorbell.class)
                    .subscribe(o -> model.input("s_doorbell", o.txn(), o.endCycle()));
            vtoe.model.check.AxiReadChecker checker = new vtoe.model.check.AxiReadChecker("m_dma_ar/s_dma_r", params.dataBytes(),
                    params.maxBurstBeats(), params.dmaIdBits());
            if (!timing.responder().duplicate().equals(PausePattern.NONE)) {
                checker.allowStrayData();
            }
            new StreamMonitor<>(dut, "s_dma_r", DmaReadBeat.class).subscribe(o -> {
                checker.beat(o.txn(), o.endCycle());
                model.input("s_dma_r", o.txn(), o.endCycle());
            });
            new StreamMonitor<>(dut, "m_dma_ar", DmaReadRequest.class).subscribe(o -> {
                checker.request(o.txn(), o.endCycle());
                reads.add(o);
                lockstep.observe("m_dma_ar", o);
                model.outputObserved("m_dma_ar", o.txn(), o.endCycle());
            });
            sink("m_csr_resp", CsrResponse.class, timing.csrResp(), csrResps);
            sink("m_desc", FetchedDescriptor.class, timing.desc(), descs);
            sink("m_event", AdapterEvent.class, timing.event(), events);
        } catch (RuntimeException e) {
            dut.close();
            throw e;
        }
    }

    private void inputTrack(String port, Observed<? extends vtoe.model.txn.Txn> o) {
        dut.tracks().span(port, o.startCycle(), o.endCycle(), vtoe.cosim.TxnLabel.of(o.txn()));
    }

    private <T extends vtoe.model.txn.Txn> void sink(String port, Class<T> type, PausePattern pause, List<Observed<T>> log) {
        // A generic type parameter cannot be a record bound and a Txn at once here; the cast is safe
        // because every Txn is a record.
        @SuppressWarnings({"unchecked", "rawtypes"})
        StreamSink<?> s = new StreamSink(dut, port, type);
        s.retain(false);
        s.pause(pause);
        s.subscribe(o -> {
            @SuppressWarnings("unchecked")
            Observed<T> t = (Observed<T>) o;
            log.add(t);
            lockstep.observe(port, t);
        });
    }

    // ---- host side ------------------------------------------------------------------------------

    public void writeDescriptor(long pa, Descriptor d) {
        mem.write(pa, d.encode());
    }

    public void csrWrite(int conn, int reg, long value) {
        csr.push(CsrRequest.write(CsrMap.conn(conn, reg), value));
    }

    /**
     * Programs region and DESC_SEQ of a connection and enables it, then waits for the seven write
     * responses as a driver must (CSRs and doorbells are separate ports: a doorbell rung before the
     * enable was answered may overtake it), and fails unless all were OKAY.
     */
    public void openConnection(int conn, long regionVa, long regionPa, int regionBytes, int descSeq) {
        int before = csrResps.size() + csr.queued();
        csrWrite(conn, CsrMap.REGION_VA, regionVa);
        csrWrite(conn, CsrMap.REGION_PA, regionPa);
        csrWrite(conn, CsrMap.REGION_BYTES, regionBytes);
        csrWrite(conn, CsrMap.DESC_SEQ, Integer.toUnsignedLong(descSeq));
        csrWrite(conn, CsrMap.MSS, 1460);
        csrWrite(conn, CsrMap.RTO, 100_000);
        csrWrite(conn, CsrMap.CTRL, CsrMap.ctrl(true, CsrMap.MODE_PUSH));
        awaitCsr();
        for (Observed<CsrResponse> r : csrResps.subList(before, csrResps.size())) {
            if (!r.txn().ok()) {
                throw new IllegalStateException("opening connection " + conn + " failed: " + r + "\n" + run.context());
            }
        }
    }

    /** Runs until every CSR access pushed so far has been answered. */
    public void awaitCsr() {
        long want = csr.pushed();
        sched.runUntil(() -> csrResps.size() >= want, 100_000, this::diagnostics);
    }

    public void ring(int conn, long headVa) {
        doorbell.push(new Doorbell(conn, headVa));
    }

    public void ring(int conn, long headVa, long atCycle) {
        sched.at(atCycle, () -> ring(conn, headVa));
    }

    /**
     * Nothing left to send, nothing in flight, and every prediction produced by the RTL. (RTL output
     * nobody predicted does not hold a run up: {@link #finish} reports it as a leftover.)
     */
    public boolean settled() {
        return csr.queued() == 0 && doorbell.queued() == 0 && sched.pending() == 0 && model.fetch().idle()
                && lockstep.predictionsWaiting() == 0;
    }

    /**
     * Runs until everything settled (or fails after {@code maxCycles} with every port's state), runs a
     * little longer to catch late outputs, and checks the scoreboard is empty.
     */
    public void finish(long maxCycles) {
        try {
            sched.runUntil(this::settled, maxCycles, this::diagnostics);
            sched.run(SETTLE_CYCLES);
            lockstep.checkEmpty();
        } catch (RuntimeException | Error e) {
            dut.failed(e); // the waves open at the first failure
            throw e;
        }
    }

    public void finish() {
        finish(200_000);
    }

    public String diagnostics() {
        return "scoreboard: " + lockstep.pending() + ", TLM fetch idle: " + model.fetch().idle() + ", queued csr/doorbell: "
                + csr.queued() + "/" + doorbell.queued() + ", host events pending: " + sched.pending() + "\n" + run.context();
    }

    public SimRun run() {
        return run;
    }

    @Override
    public void close() {
        dut.close();
    }
}
