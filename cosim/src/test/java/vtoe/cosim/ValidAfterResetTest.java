package vtoe.cosim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The after-reset check of {@link Dut#open}: an output asserting valid straight out of reset (a valid
 * register without reset, random in a two-state simulator) is found; inputs and idle outputs are not.
 *
 * <p>Run just this: {@code ./scripts/test --only ValidAfterResetTest}
 */
class ValidAfterResetTest {
    @Test
    void findsOutputsWithValidHigh() {
        String states = """
                cycle 8
                  s_cmd: valid=1 ready=1 queued=0 {op=0, arg=0}
                  m_echo: valid=1 ready=0 7
                  m_other: valid=0 ready=1
                """;
        assertThat(Dut.validAfterReset(states)).containsExactly("m_echo");
        assertThat(Dut.validAfterReset("cycle 8\n  m_echo: valid=0 ready=0\n")).isEmpty();
    }
}
