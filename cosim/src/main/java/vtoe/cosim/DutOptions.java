package vtoe.cosim;

import java.nio.file.Path;

/**
 * How to open a {@link Dut}.
 *
 * @param top         Verilated top, e.g. "FetchTop"
 * @param seed        seeds X-initialisation of state without reset
 * @param waves       FST file to write, or null for no tracing (tracing costs nothing when off)
 * @param wavesFrom   first cycle traced (for long runs)
 * @param ringEntries entries per port ring (power of two)
 * @param resetCycles cycles reset is held at open
 * @param portTrace   port trace to record (every input per cycle and output hashes, for
 *                    {@link Replay}), or null for none (costs one branch per cycle when off)
 */
public record DutOptions(String top, long seed, Path waves, long wavesFrom, int ringEntries, int resetCycles, Path portTrace) {
    public DutOptions {
        if (top == null || top.isBlank()) {
            throw new IllegalArgumentException("top must name a Verilated top");
        }
        if (ringEntries < 16 || Integer.bitCount(ringEntries) != 1) {
            throw new IllegalArgumentException("ringEntries must be a power of two >= 16, not " + ringEntries);
        }
        if (resetCycles < 1) {
            throw new IllegalArgumentException("resetCycles must be at least 1, not " + resetCycles);
        }
    }

    public static DutOptions of(String top) {
        return new DutOptions(top, 1, null, 0, 4096, 8, null);
    }

    public DutOptions seed(long s) {
        return new DutOptions(top, s, waves, wavesFrom, ringEntries, resetCycles, portTrace);
    }

    public DutOptions waves(Path fst, long fromCycle) {
        return new DutOptions(top, seed, fst, fromCycle, ringEntries, resetCycles, portTrace);
    }

    public DutOptions ringEntries(int n) {
        return new DutOptions(top, seed, waves, wavesFrom, n, resetCycles, portTrace);
    }

    /** Records the run's port trace to {@code file} (null: no recording). */
    public DutOptions portTrace(Path file) {
        return new DutOptions(top, seed, waves, wavesFrom, ringEntries, resetCycles, file);
    }
}
