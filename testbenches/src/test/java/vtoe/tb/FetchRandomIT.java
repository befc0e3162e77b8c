package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import vtoe.tb.junit.SeededTest;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.junit.SimRun;

/**
 * Seeded random descriptor fetch with the RTL and the TLM in lockstep: chain lengths, region
 * placements, sizes and seqs at their edges, faults of every class at random points, host read
 * latencies and backpressure on every stream all drawn from the run's seed ({@link vtoe.tb.fetch.FetchScenario}).
 * Checked twice: the lockstep scoreboard on every output, and the scenario's own expectation.
 *
 * <p>Run just this: {@code ./scripts/test --only FetchRandomIT}; one case:
 * {@code ./scripts/test --only FetchRandomIT#randomChains -Dseed=0x...}; more seeds: {@code -Dseeds=200}.
 */
class FetchRandomIT {
    @SeededTest(24)
    void randomChains(SimRun run) {
        RandomCases.Outcome o = RandomCases.fetch(run);
        assertThat(o.compared()).as("transactions the scoreboard compared").isPositive();
    }
}
