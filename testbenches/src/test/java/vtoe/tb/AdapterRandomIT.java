package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.junit.SeededTest;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.junit.SimRun;

/**
 * Seeded random co-simulation of the complete adapter with the TLM in lockstep ({@link
 * vtoe.tb.adapter.AdapterScenario}: modes, connection counts, MSS, blocks, windows, seq wrap, link impairments incl.
 * ACK loss, host and DMA latencies, backpressure everywhere, host memory across 4 GiB in one run in two). Some runs
 * also stop a connection with bad input, write one bad descriptor, or receive stray frames ({@link RandomCases#adapter}).
 * Each run ends with the end-to-end checks: streams intact, no pin left, no read outside a grant, nothing left on
 * the scoreboard.
 *
 * <p>Run just this: {@code ./scripts/test --only AdapterRandomIT}; more seeds: {@code -Dseeds=200}.
 */
class AdapterRandomIT {
    @SeededTest(12)
    void randomTraffic(SimRun run) {
        RandomCases.Outcome o = RandomCases.adapter(run);
        assertThat(o.compared()).as("transactions the scoreboard compared").isPositive();
    }

    /**
     * Seeds that once failed, kept as fixed regressions: the 10,000-seed sign-off found a run whose end check stopped the clock between a
     * reordered ACK's last beat (the TLM owes it from there) and the cycle the RTL applies it; a fault run aimed its read error
     * at the wrong connection once send buffers could start inside a page.
     * {@code ./scripts/test --only AdapterRandomIT#randomTraffic -Dseed=<it>} replays one with waves ({@code -Dwaves=1}).
     */
    @ParameterizedTest(name = "seed={0}")
    @ValueSource(strings = {
        "0xb0585a7d31e63bde", // end check cut an ACK in flight
        "0x3e85760f358f567c", // a read error aimed by page count at a buffer that starts mid-page hit another connection
    })
    void knownSeeds(String seed) {
        RandomCases.Outcome o = RandomCases.adapter(SimRun.of("AdapterRandomIT", "randomTraffic", SeedExtension.parse(seed)));
        assertThat(o.compared()).as("transactions the scoreboard compared").isPositive();
    }
}
