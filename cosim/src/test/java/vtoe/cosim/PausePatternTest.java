package vtoe.cosim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/**
 * Pause patterns: cocotbext-style lists, random duty, and refusal of a pattern that never lets go.
 *
 * <p>Run just this: {@code mvn -pl cosim test -Dtest=PausePatternTest}
 */
class PausePatternTest {
    @Test
    void cycleListMarksGoCycles() {
        PausePattern p = PausePattern.cycle(1, 1, 1, 0);
        assertThat(p.length()).isEqualTo(4);
        assertThat(p.allowBits()[0]).isEqualTo(0b1000);
        assertThat(p.duty()).isEqualTo(0.25);
    }

    @Test
    void randomDutyFollowsTheProbability() {
        PausePattern p = PausePattern.random(RandomSource.XO_RO_SHI_RO_128_PP.create(1L), 0.3, 10_000);
        assertThat(p.duty()).isBetween(0.67, 0.73);
        assertThat(PausePattern.random(RandomSource.XO_RO_SHI_RO_128_PP.create(1L), 0.3, 10_000)).isEqualTo(p);
    }

    @Test
    void alwaysPausingIsRefused() {
        assertThatThrownBy(() -> PausePattern.cycle(1, 1)).hasMessageContaining("would hang");
        assertThat(PausePattern.NONE.duty()).isEqualTo(1.0);
    }
}
