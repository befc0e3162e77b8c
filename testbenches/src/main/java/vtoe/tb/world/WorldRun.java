package vtoe.tb.world;

import java.util.function.LongConsumer;
import vtoe.model.AdapterParams;
import vtoe.model.net.Link;
import vtoe.model.standalone.StandaloneAdapter;
import vtoe.model.standalone.StandaloneWorld;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;

/**
 * One stream through the adapter in its world, measured: on the RTL with the TLM in lockstep, and
 * the same scenario (same world, same seed) on the standalone TLM. The unit of the demo.
 */
public final class WorldRun {
    /** What to run: one connection in {@code mode} sending {@code bytes} over {@code link} (both directions). */
    public record Spec(int mode, long bytes, Link.Config link, long rto, World.Config world) {}

    /** What one run measured, RTL and standalone TLM side by side. */
    public record Result(String mode, String seed, long bytes, boolean sha256Match, long retransmissions, long retransmitsFromSwap,
            long pageIns, long pageOuts, long pins, int maxPinnedPages, long frames, long framesLost, long cycles, double wallSeconds,
            long cyclesPerSecond, long transactionsCompared, int mismatches, String firstMismatch, boolean tlmSha256Match,
            long tlmCycles, double tlmWallSeconds, long tlmRetransmissions, String reproduce, String pcap) {}

    private WorldRun() {}

    static byte[] data(long bytes, long seed) {
        byte[] d = new byte[Math.toIntExact(bytes)];
        new java.util.Random(seed).nextBytes(d);
        return d;
    }

    /**
     * @param progress hears the bytes delivered so far, now and then (a progress bar); the RTL run
     *                 reports its bytes first, then the TLM run adds its own
     * @param reproduce the command that re-runs exactly this (for the summary)
     */
    public static Result run(SimRun sim, Spec spec, LongConsumer progress, String reproduce) {
        ConnSetup s = ConnSetup.of(1, spec.mode()).withLinks(spec.link(), spec.link()).withRto(spec.rto());
        byte[] d = data(spec.bytes(), sim.seed());
        String mismatch = null;
        World.Figures f;
        long cycles;
        double wall;
        long compared;
        long frames;
        java.nio.file.Path pcap;
        try (WorldTb tb = new WorldTb(sim, AdapterTb.Timing.fast(), spec.world())) {
            tb.open(s);
            long t0 = System.nanoTime();
            tb.world.send(1, d);
            try {
                tb.finish(Math.max(50_000_000, spec.bytes() * 200),
                        () -> progress.accept(tb.world.peer(1).receiver().bytesReceived()));
            } catch (AssertionError | RuntimeException e) {
                mismatch = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            wall = (System.nanoTime() - t0) / 1e9;
            f = tb.world.figures();
            cycles = tb.h.dut.cycle();
            compared = tb.h.lockstep.compared();
            pcap = tb.h.pcapFile();
            frames = tb.framesSent();
        }
        progress.accept(spec.bytes());
        // The same scenario on the standalone TLM: same world model, same seed, no RTL.
        AdapterParams p = vtoe.tb.adapter.AdapterTb.elaboratedParams();
        StandaloneWorld w = new StandaloneWorld(p, spec.world(), StandaloneAdapter.Timing.defaults(), new vtoe.tb.stim.RunStreams(sim.seed())::stream,
                sim::context);
        long t1 = System.nanoTime();
        w.open(s);
        w.world.send(1, d);
        boolean tlmOk = w.finish(Math.max(50_000_000, spec.bytes() * 200)).isEmpty();
        double tlmWall = (System.nanoTime() - t1) / 1e9;
        World.Figures tf = w.world.figures();
        progress.accept(2 * spec.bytes());
        return new Result(s.modeName(), sim.seedHex(), spec.bytes(), f.sha256Match() && mismatch == null, f.retransmissions(),
                f.retransmitsFromSwap(), f.pageIns(), f.pageOuts(), f.pins(), f.maxPinnedPages(), frames, f.framesLost(), cycles,
                Math.round(wall * 1000) / 1000.0, Math.round(cycles / wall), compared, mismatch == null ? 0 : 1,
                mismatch == null ? null : mismatch.lines().findFirst().orElse(""), tlmOk && tf.sha256Match(), w.cycle(),
                Math.round(tlmWall * 1000) / 1000.0, tf.retransmissions(), reproduce, pcap.toString());
    }

    /**
     * The demo's world: 192 KiB of RAM for the send buffers, far less than the stream, and another
     * process thrashing through 256 KiB of its own, so pages are swapped out between their first send
     * and their retransmission.
     */
    public static World.Config pressured() {
        return World.Config.defaults().withFrames(48).withMemoryHog(64, 20)
                .withStorage(new vtoe.model.world.Latency(400, 0.5), new vtoe.model.world.Latency(400, 0.5))
                .withDriver(new vtoe.model.world.Driver.Config(8192, 16384, 32 << 10, 20_000));
    }
}
