package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SeededTest;
import vtoe.tb.junit.SimRun;
import vtoe.tb.world.WorldScenario;
import vtoe.tb.world.WorldTb;

/**
 * Seeded random end-to-end co-simulations of the adapter in its world ({@link WorldScenario}):
 * 1..4 connections in random modes over impaired links, RAM from tight to plenty with and without a
 * memory hog, slow and jittery storage and host, bus backpressure everywhere; the TLM in lockstep.
 * Each run ends with the world's verdict: streams intact, no pin left, no page evicted while pinned,
 * no read outside a grant, virtual-memory invariants, nothing left on the scoreboard.
 *
 * <p>Run just this: {@code ./scripts/test --only WorldRandomIT}; more seeds: {@code -Dseeds=200}.
 */
class WorldRandomIT {
    @SeededTest(10)
    void randomWorld(SimRun run) {
        WorldScenario sc = new WorldScenario(AdapterTb.elaboratedParams(), run.seed());
        try (WorldTb tb = new WorldTb(run, sc.adapter.timing, sc.world)) {
            try {
                sc.apply(tb);
                tb.finish(40_000_000);
            } catch (RuntimeException | AssertionError e) {
                e.addSuppressed(new RuntimeException("scenario:" + sc.describe(), null, false, false) {});
                throw e;
            }
            assertThat(tb.events).as("no errors in a run without bad input").isEmpty();
            assertThat(tb.world.figures().sha256Match()).isTrue();
            assertThat(tb.h.lockstep.compared()).isPositive();
        }
    }
}
