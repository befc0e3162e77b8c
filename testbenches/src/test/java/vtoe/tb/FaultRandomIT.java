package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import vtoe.tb.junit.SeededTest;
import vtoe.tb.junit.SimRun;
import vtoe.tb.regress.RandomCases;

/**
 * Seeded random traffic with one bad input aimed at one connection ({@link RandomCases#faults}): a
 * FAULT answer, a malformed answer, a failing payload read, a vanished peer or an ACK above anything
 * sent, at a random point. The victim reports exactly that and stops cleanly; every other stream
 * arrives intact; no pin is left; the TLM agrees throughout.
 *
 * <p>Run just this: {@code ./scripts/test --only FaultRandomIT}; more seeds: {@code -Dseeds=200}.
 */
class FaultRandomIT {
    @SeededTest(8)
    void randomFault(SimRun run) {
        RandomCases.Outcome o = RandomCases.faults(run);
        assertThat(o.compared()).as("transactions the scoreboard compared").isPositive();
    }
}
