package vtoe.model.standalone;

import java.util.List;
import java.util.function.Function;
import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.AdapterParams;
import vtoe.model.check.KnownSenderDeviations;
import vtoe.model.check.TcpSenderRules;
import vtoe.model.check.TcpSenderRulesShim;
import vtoe.model.adapter.RangeStaging;
import vtoe.model.adapter.StagingBuffer;
import vtoe.model.host.FrameData;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.host.RangeFrameData;
import vtoe.model.payload.PayloadMemory;
import vtoe.model.payload.PayloadMode;
import vtoe.model.payload.RangePayloadMemory;
import vtoe.model.sim.EventKernel;
import vtoe.model.txn.CsrResponse;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.PortShim;
import vtoe.model.world.World;

/**
 * The standalone TLM in the same world the RTL co-simulation uses: a discrete-event kernel, host
 * physical memory, the {@link StandaloneAdapter} and the {@link World}. What the co-simulation's
 * {@code WorldTb} is for the RTL, this is for the TLM, with the same calls and the same verdict.
 */
public final class StandaloneWorld {
    /**
     * The sender rules' slack for this TLM: none on any rule (the adapter's known deviations only
     * report, {@link KnownSenderDeviations}); frames reach the rules up to one frame's beats out of
     * cycle order (see {@link TcpSenderRulesShim}), ACKs at the cycle the adapter took them, and an ACK
     * may reach the state the framer reads up to 32 cycles after that (the RTL harness's ACK_REACTION:
     * the parser, a queue, the state unit's arbitration).
     */
    static final TcpSenderRules.Tolerances SENDER_TOLERANCES = TcpSenderRules.Tolerances.strict().withReorder(4096).withAckReaction(32);

    public final EventKernel kernel = new EventKernel();
    public final PhysicalMemory mem;
    public final StandaloneAdapter adapter;
    public final World world;
    /** Judges what the adapter sends against the TCP RFCs, from its wires alone; its verdict is part of {@link #finish}. */
    public final TcpSenderRules senderRules = KnownSenderDeviations.apply(new TcpSenderRules(SENDER_TOLERANCES));
    private final AdapterParams params;
    private final PayloadMode payload;
    private final PayloadMemory dmaMemory;
    private final Function<String, UniformRandomProvider> streams;

    public StandaloneWorld(AdapterParams p, World.Config cfg, StandaloneAdapter.Timing timing,
            Function<String, UniformRandomProvider> streams, java.util.function.Supplier<String> context) {
        this(p, cfg, timing, streams, context, List.of());
    }

    /**
     * With {@code shims} on the wires between adapter and world, the first nearest the adapter (a
     * measuring probe, the COPY_RETAIN baseline). Memory a shim asks for is placed above the host's.
     */
    public StandaloneWorld(AdapterParams p, World.Config cfg, StandaloneAdapter.Timing timing,
            Function<String, UniformRandomProvider> streams, java.util.function.Supplier<String> context,
            List<? extends PortShim> shims) {
        this(p, cfg, timing, streams, context, shims, PayloadMode.FULL);
    }

    /**
     * With payload in {@code payload}: {@link PayloadMode#FULL} is the world above, byte for byte;
     * {@link PayloadMode#NONE} makes no payload byte (host pages, swap, DMA, staging, frames and the
     * receiver carry stream ranges, {@link vtoe.model.payload.Content}), sends with
     * {@link World#sendStream}, and ends with range fingerprints instead of SHA-256; every other check
     * is the same. Physical memory is then the driver's kernel memory alone.
     */
    public StandaloneWorld(AdapterParams p, World.Config cfg, StandaloneAdapter.Timing timing,
            Function<String, UniformRandomProvider> streams, java.util.function.Supplier<String> context,
            List<? extends PortShim> shims, PayloadMode payload) {
        long host = World.POOL_BASE + (long) cfg.frames() * Driver.PAGE;
        long bytes = host + shims.stream().mapToLong(PortShim::memoryBytes).sum();
        if (payload == PayloadMode.FULL && bytes > PhysicalMemory.MAX_SPARSE) {
            throw new IllegalArgumentException(cfg.frames() + " frames and " + (bytes - host) + " bytes of adapter memory do not fit the "
                    + "standalone TLM's " + (PhysicalMemory.MAX_SPARSE >> 30) + " GiB of physical memory with payload (a payload-free run has no such limit)");
        }
        this.params = p;
        this.streams = streams;
        this.payload = payload;
        PayloadMemory dmaMemory;
        FrameData frames;
        StagingBuffer staging;
        if (payload == PayloadMode.FULL) {
            this.mem = PhysicalMemory.allocate(0, bytes); // sparse: a host of many GiB costs what the run writes
            frames = FrameData.of(mem);
            dmaMemory = PayloadMemory.of(mem);
            staging = StagingBuffer.bytes(p.tags(), p.slotBytes());
        } else {
            // Kernel memory only as far as the descriptor regions of every connection reach.
            long regions = (long) p.numConns() * ((cfg.driver().regionBytes() + Driver.PAGE - 1) / Driver.PAGE * Driver.PAGE);
            this.mem = PhysicalMemory.allocate((int) Math.min(World.POOL_BASE, Driver.KERNEL_BASE + regions));
            frames = new RangeFrameData();
            dmaMemory = new RangePayloadMemory(mem, World.POOL_BASE, host, frames, bytes);
            staging = new RangeStaging(p.tags());
        }
        this.dmaMemory = dmaMemory;
        this.adapter = new StandaloneAdapter(p, kernel, dmaMemory, staging, timing, context);
        // The rules hear each ACK at the cycle the adapter took its last beat (its receive port queues frames).
        adapter.onRxTaken(senderRules::toSender);
        List<PortShim> wired = new java.util.ArrayList<>(List.of(new TcpSenderRulesShim(senderRules, kernel, p.dataBytes())));
        wired.addAll(shims); // the rules see what the adapter itself sends, before any shim
        this.world = new World(p, kernel, mem, PortShim.chainInputs(wired, adapter), cfg, streams, payload, frames);
        adapter.connect(PortShim.chainOutputs(wired, world));
        long base = host;
        for (PortShim s : shims) {
            s.attach(new PortShim.Context(world, kernel, mem, base, dmaMemory));
            base += s.memoryBytes();
        }
    }

    /** Opens a connection and runs until the adapter has answered every context write. */
    public void open(ConnSetup s) {
        int before = world.driver().csrResponses().size();
        senderRules.connection(TcpSenderRules.Config.of(s, params));
        world.open(s);
        kernel.runUntil(() -> world.driver().csrOutstanding() == 0, kernel.now() + 100_000);
        for (CsrResponse r : world.driver().csrResponses().subList(before, world.driver().csrResponses().size())) {
            if (!r.ok()) {
                throw new IllegalStateException("opening connection " + s.conn() + " failed: " + r);
            }
        }
    }

    /**
     * Opens connection {@code base.conn()} to the Linux kernel behind {@code net}: the host's handshake
     * first (a RST, an ICMP error or no SYN-ACK is an {@link IllegalStateException} saying which), then
     * the adapter's connection with the negotiated numbers.
     */
    public vtoe.model.linux.LinuxPeer openLinux(vtoe.model.linux.LinuxNet net, ConnSetup base) {
        if (payload != PayloadMode.FULL) {
            throw new IllegalStateException("a Linux kernel's socket reads real bytes: open it in a run with payload mode full");
        }
        vtoe.model.linux.LinuxPeer p = net.handshake(base.conn(), base, world.ports()::rxFrame,
                (done, most) -> kernel.runUntil(done, kernel.now() + most));
        ConnSetup s = p.setup();
        int before = world.driver().csrResponses().size();
        senderRules.connection(TcpSenderRules.Config.of(s, params));
        world.open(s, p);
        kernel.runUntil(() -> world.driver().csrOutstanding() == 0, kernel.now() + 100_000);
        for (CsrResponse r : world.driver().csrResponses().subList(before, world.driver().csrResponses().size())) {
            if (!r.ok()) {
                throw new IllegalStateException("opening connection " + s.conn() + " failed: " + r);
            }
        }
        return p;
    }

    /**
     * Runs until every stream has arrived or its connection was stopped and the adapter is quiet;
     * returns the world's failures (empty: the run passed). A run that does not finish in
     * {@code maxCycles} fails with the world's state.
     */
    public List<String> finish(long maxCycles) {
        boolean ok = kernel.runUntil(() -> adapter.quiet() && world.done(), maxCycles);
        if (!ok) {
            throw new IllegalStateException("the standalone run did not finish within " + maxCycles + " cycles\n" + world.diagnostics() + "\n" + adapter.diagnostics());
        }
        world.driver().teardownStopped();
        List<String> failures = new java.util.ArrayList<>(world.failures());
        senderRules.violations().forEach(v -> failures.add("TCP sender rule broken: " + v));
        return failures;
    }

    /** How this run represents payload. */
    public PayloadMode payload() {
        return payload;
    }

    /** Sends the next {@code bytes} bytes of connection {@code conn}'s stream: {@code data}'s bytes in the full mode, their range in a payload-free run. */
    public void send(int conn, long bytes, java.util.function.LongFunction<byte[]> data) {
        if (payload == PayloadMode.FULL) {
            world.send(conn, data.apply(bytes));
        } else {
            world.sendStream(conn, bytes);
        }
    }

    public long cycle() {
        return kernel.now();
    }

    public Function<String, UniformRandomProvider> streams() {
        return streams;
    }
}
