package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import vtoe.tb.junit.SeededTest;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.junit.SimRun;

/**
 * Seeded random co-simulation of the complete adapter with the TLM in lockstep ({@link
 * vtoe.tb.adapter.AdapterScenario}: modes, connection counts, MSS, blocks, windows, seq wrap, link impairments incl.
 * ACK loss, host and DMA latencies, backpressure everywhere). Each run ends with the end-to-end
 * checks: streams intact, no pin left, no read outside a grant, nothing left on the scoreboard.
 *
 * <p>Run just this: {@code ./scripts/test --only AdapterRandomIT}; more seeds: {@code -Dseeds=200}.
 */
class AdapterRandomIT {
    @SeededTest(12)
    void randomTraffic(SimRun run) {
        RandomCases.Outcome o = RandomCases.adapter(run);
        assertThat(o.compared()).as("transactions the scoreboard compared").isPositive();
    }
}
