package vtoe.cosim;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * When a bus model may act: a cyclic pattern of {@code length} cycles, bit i set when a ready may be
 * given (sinks) or a valid started (sources) in cycles where {@code cycle % length == i}. Patterns
 * are built in Java from the run's seeded streams and handed to the native bus model once, so the
 * native side needs no random state and a run is reproducible from its seed.
 */
public record PausePattern(long[] allowBits, long length) {
    public static final PausePattern NONE = new PausePattern(new long[] {0}, 0);

    public PausePattern {
        if (length < 0 || length > (long) allowBits.length * 64) {
            throw new IllegalArgumentException("pattern length " + length + " does not fit " + allowBits.length + " words");
        }
        allowBits = allowBits.clone();
    }

    /** cocotbext-axi style: 1 = pause, 0 = go, e.g. {@code cycle(1, 1, 1, 0)}. */
    public static PausePattern cycle(int... pauses) {
        long[] bits = new long[(pauses.length + 63) / 64];
        for (int i = 0; i < pauses.length; i++) {
            if (pauses[i] == 0) {
                bits[i >> 6] |= 1L << (i & 63);
            }
        }
        if (Arrays.stream(pauses).allMatch(p -> p != 0)) {
            throw new IllegalArgumentException("a pattern that always pauses would hang the bus");
        }
        return new PausePattern(bits, pauses.length);
    }

    /** Independent pauses with probability {@code pause}, over {@code length} cycles (then repeating). */
    public static PausePattern random(UniformRandomProvider rng, double pause, int length) {
        if (pause < 0 || pause >= 1) {
            throw new IllegalArgumentException("pause probability must be in [0, 1), not " + pause);
        }
        long[] bits = new long[(length + 63) / 64];
        boolean any = false;
        for (int i = 0; i < length; i++) {
            if (rng.nextDouble() >= pause) {
                bits[i >> 6] |= 1L << (i & 63);
                any = true;
            }
        }
        if (!any) {
            bits[0] |= 1;
        }
        return new PausePattern(bits, length);
    }

    /** Runs of go and pause with geometric lengths of the given means: bursty backpressure. */
    public static PausePattern bursty(UniformRandomProvider rng, double meanGo, double meanPause, int length) {
        long[] bits = new long[(length + 63) / 64];
        boolean go = true;
        bits[0] |= 1;
        for (int i = 1; i < length; i++) {
            double mean = go ? meanGo : meanPause;
            if (rng.nextDouble() < 1.0 / Math.max(1.0, mean)) {
                go = !go;
            }
            if (go) {
                bits[i >> 6] |= 1L << (i & 63);
            }
        }
        return new PausePattern(bits, length);
    }

    /** Fraction of cycles in which the bus may act. */
    public double duty() {
        if (length == 0) {
            return 1.0;
        }
        long n = 0;
        for (long i = 0; i < length; i++) {
            if ((allowBits[(int) (i >> 6)] >>> (i & 63) & 1) != 0) {
                n++;
            }
        }
        return (double) n / length;
    }

    @Override
    public long[] allowBits() {
        return allowBits.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PausePattern p && p.length == length && Arrays.equals(p.allowBits, allowBits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(allowBits) * 31 + Long.hashCode(length);
    }

    @Override
    public String toString() {
        return length == 0 ? "never pause" : "pattern of " + length + " cycles, duty " + Math.round(duty() * 100) + "%";
    }
}
