package vtoe.tb.junit;

import java.nio.file.Path;

/**
 * What a test needs to know about its own run: the seed, how to reproduce it, and where waves go
 * ({@code target/waves/<TestClass>/<method>[seed=...].fst} when {@code -Dwaves=1}).
 *
 * @param portTrace where the Dut records its port trace for {@code vtoe_replay} (null: not recorded)
 */
public record SimRun(String testClass, String method, long seed, boolean waves, long wavesFrom, Path portTrace) {
    public String seedHex() {
        return "0x" + Long.toHexString(seed);
    }

    /** One command that re-runs exactly this case, with waves. */
    public String reproduce() {
        return "./scripts/test --only " + testClass + "#" + method + " -Dseed=" + seedHex() + " -Dwaves=1";
    }

    /** The FST to write, or null when waves are off. */
    public Path wavesPath() {
        if (!waves) {
            return null;
        }
        return caseFile("waves", ".fst");
    }

    /** {@code target/<dir>/<TestClass>/<method>[seed=...]<ext>}: where this case's waves, port trace or frames go. */
    public Path caseFile(String dir, String ext) {
        return Path.of("target", dir, testClass, method + "[seed=" + seedHex() + "]" + ext);
    }

    /** Lines appended to every failure: seed, REPRODUCE command and the waves, if written. */
    public String context() {
        Path w = wavesPath();
        return "seed: " + seedHex() + "\nREPRODUCE: " + reproduce()
                + (w != null ? "\nwaves: " + w.toAbsolutePath() + "  (gtkwave " + w.toAbsolutePath() + " "
                        + w.toAbsolutePath().toString().replaceFirst("\\.fst$", ".gtkw") + ")" : "");
    }

    /** The same run with waves on. */
    public SimRun withWaves() {
        return new SimRun(testClass, method, seed, true, wavesFrom, portTrace);
    }

    /** The same run, recording its port trace to {@code file} (see {@link vtoe.cosim.Replay}). */
    public SimRun withPortTrace(Path file) {
        return new SimRun(testClass, method, seed, waves, wavesFrom, file);
    }

    /**
     * A run for code outside JUnit (demo, regressions) or tests that are not seeded. With {@code -DportTrace=1}
     * it records its port trace to {@code target/port-traces/<TestClass>/<method>[seed=...].ptrace}, which
     * {@code vtoe_replay} replays on any build of the same adapter (another RTL build, another clock gate).
     */
    public static SimRun of(String testClass, String method, long seed) {
        SimRun run = new SimRun(testClass, method, seed, on("waves"), Long.getLong("wavesFrom", 0L), null);
        return on("portTrace") ? run.withPortTrace(run.caseFile("port-traces", ".ptrace")) : run;
    }

    /** A switch given as {@code -Dname}, {@code -Dname=true} or {@code -Dname=1}. */
    private static boolean on(String property) {
        return Boolean.getBoolean(property) || "1".equals(System.getProperty(property));
    }
}
