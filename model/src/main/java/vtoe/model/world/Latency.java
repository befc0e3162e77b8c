package vtoe.model.world;

import java.util.function.LongSupplier;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * A service time or latency in cycles: its mean and coefficient of variation. Samples come from a
 * Gamma distribution (Commons Math), which keeps times positive and lets one parameter go from fixed
 * (cv 0) through Erlang-like to exponential (cv 1) and heavier tails (cv above 1) for a busy host.
 */
public record Latency(double mean, double cv) {
    public Latency {
        if (mean < 0 || cv < 0 || Double.isNaN(mean) || Double.isNaN(cv)) {
            throw new IllegalArgumentException("latency mean and cv must be >= 0, got mean " + mean + " cv " + cv);
        }
    }

    public static Latency fixed(double cycles) {
        return new Latency(cycles, 0);
    }

    /** A sampler drawing from its own seeded generator (one per named stream, so runs are reproducible). */
    public LongSupplier sampler(UniformRandomProvider stream) {
        if (cv == 0 || mean == 0) {
            long v = Math.round(mean);
            return () -> v;
        }
        double shape = 1 / (cv * cv);
        GammaDistribution g = new GammaDistribution(new Well19937c(stream.nextLong()), shape, mean / shape,
                GammaDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
        return () -> Math.round(g.sample());
    }

    @Override
    public String toString() {
        return cv == 0 ? Math.round(mean) + " cycles" : "%.0f cycles (cv %.2f)".formatted(mean, cv);
    }
}
