package vtoe.tb.world;

import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.AdapterParams;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterScenario;
import vtoe.tb.stim.Biased;
import vtoe.tb.stim.RunStreams;

/**
 * A constrained-random end-to-end run: the connections, links, windows and bus timing of an
 * {@link AdapterScenario}, in a world drawn from its own streams: RAM from barely enough to plenty,
 * sometimes a memory hog, storage and host service times from quick to slow and jittery, the
 * driver's block size at its edges and its PREPINNED pin budget.
 *
 * <p>One constraint keeps runs meaningful: RAM holds at least what can be pinned at once (every tag's
 * segment plus each connection's PREPINNED budget) with room to spare, since a host with every frame
 * pinned can only wait.
 */
public final class WorldScenario {
    public final AdapterScenario adapter;
    public final World.Config world;

    public WorldScenario(AdapterParams p, long seed) {
        this.adapter = AdapterScenario.generate(p, seed);
        RunStreams s = new RunStreams(seed);
        UniformRandomProvider w = s.stream("world-shape");
        int block = (int) Biased.between(w, 1, p.maxBlockBytes(), 1, 1459, 1460, 4095, 4096, 4097, 8192, p.maxBlockBytes());
        // At most a few hundred blocks per connection: tiny blocks are an edge worth testing on small streams only.
        int most = adapter.parts.stream().mapToInt(AdapterScenario.Part::bytes).max().orElse(1);
        block = Math.max(block, Math.min(p.maxBlockBytes(), (most + 299) / 300));
        long prepin = Biased.between(w, Driver.PAGE, 128 << 10, Driver.PAGE, 16 << 10, 64 << 10);
        prepin = Math.max(prepin, block + 2L * Driver.PAGE); // a block must fit the budget with its page edges
        int pinnable = p.tags() * (p.slotBytes() / Driver.PAGE + 2) + adapter.parts.size() * (int) (prepin / Driver.PAGE + 2);
        int frames = (int) Biased.between(w, pinnable + 16, pinnable + 2048, pinnable + 16, pinnable + 64);
        int hog = w.nextInt(3) == 0 ? 0 : (int) (frames * (0.3 + w.nextDouble()));
        Latency storage = new Latency(100 + w.nextInt(3000), w.nextDouble());
        Latency hostReq = switch (w.nextInt(3)) {
            case 0 -> Latency.fixed(1 + w.nextInt(20));
            case 1 -> new Latency(20 + w.nextInt(300), w.nextDouble());
            default -> new Latency(100 + w.nextInt(500), 1 + w.nextDouble()); // a busy host: heavy tail
        };
        this.world = new World.Config(frames, storage, storage, 1 + w.nextInt(2), hostReq, Latency.fixed(1 + w.nextInt(30)),
                Latency.fixed(1 + w.nextInt(30)), Latency.fixed(1 + w.nextInt(30)),
                new Driver.Config(block, 16384, prepin, 5_000 + w.nextInt(40_000)), hog, 20 + w.nextInt(200));
    }

    /** Opens every connection, sends its data and schedules the receiver's pauses. */
    public void apply(WorldTb tb) {
        for (AdapterScenario.Part pt : adapter.parts) {
            tb.open(pt.setup());
        }
        long t0 = tb.h.dut.cycle();
        for (AdapterScenario.Part pt : adapter.parts) {
            int c = pt.setup().conn();
            byte[] d = new byte[pt.bytes()];
            new RunStreams(adapter.seed).stream("payload-" + c).nextBytes(d);
            tb.world.send(c, d);
            if (pt.pauseAt() >= 0) {
                tb.h.sched.at(t0 + pt.pauseAt(), () -> tb.world.peer(c).receiver().pause());
                tb.h.sched.at(t0 + pt.resumeAt(), () -> tb.world.peer(c).receiver().resume());
            }
        }
    }

    public String describe() {
        return adapter.describe() + "\n    world: " + world;
    }
}
