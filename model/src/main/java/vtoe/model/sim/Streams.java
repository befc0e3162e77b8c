package vtoe.model.sim;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Named random streams derived from one run seed: each agent (a link direction, the storage
 * controller, the driver's service times) draws from its own, so adding or changing one leaves the
 * others' draws as they were.
 */
public final class Streams implements Function<String, UniformRandomProvider> {
    private final long seed;

    public Streams(long seed) {
        this.seed = seed;
    }

    @Override
    public UniformRandomProvider apply(String name) {
        // FNV-1a over the name, mixed with the seed by SplitMix64's finaliser: stable across JVMs and releases.
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        long z = seed + 0x9e3779b97f4a7c15L * (h | 1);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return RandomSource.XO_RO_SHI_RO_128_PP.create(z ^ (z >>> 31));
    }

    public long seed() {
        return seed;
    }
}
