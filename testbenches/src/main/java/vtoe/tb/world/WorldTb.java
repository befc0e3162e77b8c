package vtoe.tb.world;

import java.util.ArrayList;
import java.util.List;
import vtoe.cosim.AxiReadResponder;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.Frame;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Release;
import vtoe.model.world.AdapterOutputs;
import vtoe.model.world.AdapterPorts;
import vtoe.model.world.PortShim;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterHarness;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.stim.RunStreams;

/**
 * The whole world around the Verilated adapter: the device driver over a paging virtual memory with
 * data storage, lossy links and the destination TCP receivers ({@link World}), with the TLM in
 * lockstep on every output port ({@link AdapterHarness}). {@link #finish} runs until every stream
 * has arrived (or its connection was stopped), then checks the lockstep's leftovers and the world's
 * verdict: SHA-256 per stream, no pin left, no pinned page evicted, no read outside a grant.
 */
public final class WorldTb implements AutoCloseable {
    public final AdapterHarness h;
    public final World world;
    public final List<Observed<AdapterEvent>> events = new ArrayList<>();
    private final RunStreams streams;
    private long framesSent;
    private final java.util.ArrayDeque<vtoe.model.txn.TraceRecord> recentTrace = new java.util.ArrayDeque<>();

    public WorldTb(SimRun run, AdapterTb.Timing timing, World.Config cfg) {
        this(run, timing, cfg, List.of());
    }

    /**
     * With {@code shims} on the wires between the RTL's bus models and the world, the first nearest
     * the adapter (the what-if studies' probe). Shims that need adapter memory cannot run here.
     */
    public WorldTb(SimRun run, AdapterTb.Timing timing, World.Config cfg, List<? extends PortShim> shims) {
        for (PortShim s : shims) {
            if (s.memoryBytes() != 0) {
                throw new IllegalArgumentException(s.getClass().getSimpleName() + " models adapter memory the RTL does not have; "
                        + "it runs on the standalone TLM only");
            }
        }
        this.streams = new RunStreams(run.seed());
        AdapterOutputs[] w = new AdapterOutputs[1];
        // The world's pager lays out RAM frames from PA 0 (World.POOL_BASE); host memory across 4 GiB is the
        // adapter cases' stimulus (AdapterScenario), so a world run keeps its memory at PA 0 whatever it was given.
        this.h = new AdapterHarness(run, timing.withPaBase(0), new AdapterHarness.WorldSide() {
            @Override
            public void csrResponse(Observed<CsrResponse> o) {
                w[0].csrResponse(o.txn());
            }

            @Override
            public void hostRequest(Observed<HostRequest> o) {
                w[0].hostRequest(o.txn());
            }

            @Override
            public void release(Observed<Release> o) {
                w[0].release(o.txn());
            }

            @Override
            public void completion(Observed<Completion> o) {
                w[0].completion(o.txn());
            }

            @Override
            public void event(Observed<AdapterEvent> o) {
                events.add(o);
                w[0].event(o.txn());
            }

            @Override
            public void dmaRead(Observed<DmaReadRequest> o) {
                w[0].dmaRead(o.txn());
            }

            @Override
            public void txFrame(Observed<Frame> o) {
                framesSent++;
                w[0].txFrame(o.txn().bytes());
            }
        });
        try {
            AdapterPorts ports = new AdapterPorts() {
                @Override
                public void csr(CsrRequest r) {
                    h.csr.push(r);
                }

                @Override
                public void doorbell(Doorbell d) {
                    h.doorbell.push(d);
                }

                @Override
                public void hostResponse(HostResponse r) {
                    h.hostResp.push(r);
                }

                @Override
                public void rxFrame(Bytes frame) {
                    h.rx.send(frame, h.sched.now());
                }
            };
            this.world = new World(h.params, h.sched, h.mem, PortShim.chainInputs(shims, ports), cfg, streams::stream);
            w[0] = PortShim.chainOutputs(shims, world);
            for (PortShim s : shims) {
                s.attach(new PortShim.Context(world, h.sched, h.mem, -1));
            }
            AxiReadResponder.attach(h.dut, "m_dma_ar", "s_dma_r", timing.dma());
            if (!timing.dma().duplicate().equals(vtoe.cosim.PausePattern.NONE)) {
                h.hostSendsStrays();
            }
            h.onTrace(r -> {
                recentTrace.addLast(r);
                if (recentTrace.size() > 24) {
                    recentTrace.removeFirst();
                }
            });
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** Opens a connection and waits until the adapter has accepted every context write. */
    public void open(ConnSetup s) {
        int before = world.driver().csrResponses().size();
        h.senderConnection(s);
        world.open(s);
        // The driver's stream is contiguous in VA and sequence from the buffer's base: one block for the fairness judge.
        h.postedBlock(s.conn(), world.driver().bufferBase(s.conn()), 1L << 40, s.iss());
        h.sched.runUntil(() -> world.driver().csrOutstanding() == 0, 100_000, this::diagnostics);
        for (CsrResponse r : world.driver().csrResponses().subList(before, world.driver().csrResponses().size())) {
            if (!r.ok()) {
                throw new IllegalStateException("opening connection " + s.conn() + " failed: " + r + "\n" + h.run().context());
            }
        }
    }

    /**
     * Opens connection {@code base.conn()} to the Linux kernel behind {@code net}: the host's handshake
     * first (a RST, an ICMP error or no SYN-ACK is an {@link IllegalStateException} saying which), then
     * the adapter's connection with the negotiated numbers, and waits until the adapter accepted it.
     */
    public vtoe.model.linux.LinuxPeer openLinux(vtoe.model.linux.LinuxNet net, ConnSetup base) {
        vtoe.model.linux.LinuxPeer p = net.handshake(base.conn(), base, world.ports()::rxFrame,
                (done, most) -> h.sched.runUntil(done, most, this::diagnostics));
        ConnSetup s = p.setup();
        int before = world.driver().csrResponses().size();
        h.senderConnection(s);
        world.open(s, p);
        h.postedBlock(s.conn(), world.driver().bufferBase(s.conn()), 1L << 40, s.iss());
        h.sched.runUntil(() -> world.driver().csrOutstanding() == 0, 100_000, this::diagnostics);
        for (CsrResponse r : world.driver().csrResponses().subList(before, world.driver().csrResponses().size())) {
            if (!r.ok()) {
                throw new IllegalStateException("opening connection " + s.conn() + " failed: " + r + "\n" + h.run().context());
            }
        }
        return p;
    }

    /**
     * Runs until the world is done and the adapter quiet, then checks everything; fails with the
     * world's and the scoreboard's state if that takes more than {@code maxCycles}.
     */
    public void finish(long maxCycles) {
        finish(maxCycles, () -> {});
    }

    /** {@link #finish(long)}, calling {@code onCheck} every time the run looks whether it is done (progress reports). */
    public void finish(long maxCycles, Runnable onCheck) {
        try {
            finishOnce(maxCycles, onCheck);
        } catch (RuntimeException | Error e) {
            h.dut.failed(e); // the waves open at the first failure (the watchdog's, or the end-of-run verdict's)
            throw e;
        }
    }

    private void finishOnce(long maxCycles, Runnable onCheck) {
        try {
            h.sched.runUntil(() -> {
                onCheck.run();
                return world.done() && h.settled();
            }, maxCycles, this::diagnostics);
        } catch (RuntimeException timeout) {
            // What the scoreboard still holds usually names the block that stopped moving.
            try {
                h.lockstep.checkEmpty();
            } catch (Throwable leftovers) {
                timeout.addSuppressed(leftovers);
            }
            throw timeout;
        }
        h.checkEnd();
        world.driver().teardownStopped();
        List<String> f = world.failures();
        if (!f.isEmpty()) {
            throw new AssertionError("end-of-run checks failed:\n  " + String.join("\n  ", f) + "\n" + diagnostics());
        }
    }

    public long framesSent() {
        return framesSent;
    }

    public RunStreams streams() {
        return streams;
    }

    public String diagnostics() {
        StringBuilder t = new StringBuilder(h.model.stateReport());
        t.append("\n  last ConnStateUnit ops:");
        recentTrace.forEach(r -> t.append("\n    ").append(r));
        return h.diagnostics() + world.diagnostics() + "\n" + t + "\n" + h.run().context();
    }

    @Override
    public void close() {
        h.close();
    }
}
