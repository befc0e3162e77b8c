package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import vtoe.tb.junit.SeededTest;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.junit.SimRun;

/**
 * Seeded random end-to-end co-simulations of the adapter in its world ({@link vtoe.tb.world.WorldScenario}):
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
        RandomCases.Outcome o = RandomCases.world(run);
        assertThat(o.compared()).as("transactions the scoreboard compared").isPositive();
    }
}
