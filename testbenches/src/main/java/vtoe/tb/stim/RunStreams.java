package vtoe.tb.stim;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import vtoe.tb.junit.SeedExtension;

/**
 * Independent random streams for one run, one per named stimulus agent, all derived from the run's
 * seed: adding or changing one agent leaves every other agent's draws as they were.
 */
public final class RunStreams {
    private final long seed;

    public RunStreams(long seed) {
        this.seed = seed;
    }

    public UniformRandomProvider stream(String agent) {
        return RandomSource.XO_RO_SHI_RO_128_PP.create(SeedExtension.derive(seed, "RunStreams", agent, 0));
    }

    public long seed() {
        return seed;
    }
}
