package vtoe.tb.stim;

import org.apache.commons.rng.UniformRandomProvider;

/** Draws that favour boundaries: a value from the listed edge cases half the time, else uniform. */
public final class Biased {
    private Biased() {}

    /** In [lo, hi], with lo, hi and the given edges (those inside the range) drawn often. */
    public static long between(UniformRandomProvider r, long lo, long hi, long... edges) {
        if (r.nextBoolean()) {
            int pick = r.nextInt(edges.length + 2);
            long v = pick == 0 ? lo : pick == 1 ? hi : edges[pick - 2];
            if (v >= lo && v <= hi) {
                return v;
            }
        }
        return lo + (long) (r.nextDouble() * (hi - lo + 1));
    }

    public static <T> T oneOf(UniformRandomProvider r, java.util.List<T> options) {
        return options.get(r.nextInt(options.size()));
    }
}
