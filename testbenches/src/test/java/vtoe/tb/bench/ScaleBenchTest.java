package vtoe.tb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The scale section's sentence on idle speed says slower, faster or the same as the figures are
 * (it once said "1x slower" of a larger build that ran faster).
 *
 * <p>Run just this: {@code mvn -B -o test -pl testbenches -Dtest=ScaleBenchTest}
 */
class ScaleBenchTest {
    @Test
    void theIdleSentenceFollowsTheFigures() {
        assertThat(ScaleBench.idleComparison(18.0)).startsWith("18.0x slower for every cycle");
        assertThat(ScaleBench.idleComparison(788038.0 / 925973)).isEqualTo("1.2x faster per cycle");
        assertThat(ScaleBench.idleComparison(1.05)).startsWith("within 15% of it");
    }
}
