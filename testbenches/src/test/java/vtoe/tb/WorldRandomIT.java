package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.junit.SeededTest;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.junit.SimRun;

/**
 * Seeded random end-to-end co-simulations of the adapter in its world ({@link vtoe.tb.world.WorldScenario}):
 * 1..4 connections (one run in four 8..16) in random modes over impaired links, RAM from tight to plenty with and without a
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

    /**
     * Seeds that once failed, kept as fixed regressions: the 10,000-seed sign-off found a zero-window probe sent twice, when the persist timer
     * expired while the first probe's page was still being paged in (see also
     * {@code AdapterDirectedIT#aPersistExpiryBeforeTheProbeHasLeftWaitsForIt}).
     * {@code ./scripts/test --only WorldRandomIT#randomWorld -Dseed=<it>} replays one with waves ({@code -Dwaves=1}).
     */
    @ParameterizedTest(name = "seed={0}")
    @ValueSource(strings = {"0x1c99f75e0a8ff3ef"}) // persist timer re-probed before the first probe had left
    void knownSeeds(String seed) {
        RandomCases.Outcome o = RandomCases.world(SimRun.of("WorldRandomIT", "randomWorld", SeedExtension.parse(seed)));
        assertThat(o.compared()).as("transactions the scoreboard compared").isPositive();
    }
}
