package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import vtoe.tb.adapter.AdapterScenario;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SeededTest;
import vtoe.tb.junit.SimRun;

/**
 * Seeded random co-simulation of the complete adapter with the TLM in lockstep ({@link
 * AdapterScenario}: modes, connection counts, MSS, blocks, windows, seq wrap, link impairments incl.
 * ACK loss, host and DMA latencies, backpressure everywhere). Each run ends with the end-to-end
 * checks: streams intact, no pin left, no read outside a grant, nothing left on the scoreboard.
 *
 * <p>Run just this: {@code ./scripts/test --only AdapterRandomIT}; more seeds: {@code -Dseeds=200}.
 */
class AdapterRandomIT {
    @SeededTest(12)
    void randomTraffic(SimRun run) {
        AdapterScenario sc = AdapterScenario.generate(AdapterTb.elaboratedParams(), run.seed());
        try (AdapterTb tb = new AdapterTb(run, sc.timing)) {
            try {
                sc.apply(tb);
                tb.finish(30_000_000);
            } catch (RuntimeException | AssertionError e) {
                e.addSuppressed(new RuntimeException("scenario:" + sc.describe(), null, false, false) {});
                throw e;
            }
            assertThat(tb.events).as("no errors in a run without bad input").isEmpty();
            assertThat(tb.lockstep.compared()).isPositive();
        }
    }
}
