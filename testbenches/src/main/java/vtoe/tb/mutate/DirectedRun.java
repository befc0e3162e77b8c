package vtoe.tb.mutate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs directed integration tests (failsafe ITs of the testbenches module) against one library: the second judge of
 * a mutant the random runs did not kill. Some mutants change what only a contrived moment shows (a doorbell and a
 * wake in the very same cycle): a directed test builds that moment, and the mutant is judged by it through the same
 * Maven run a user would start ({@code mvn verify -Dit.test=...}), with {@code -Dvtoe.lib} pointing at the mutant's
 * library. A Maven subprocess rather than an in-process JUnit launcher, because the ITs rely on failsafe's forked JVM
 * and system properties exactly as {@code ./scripts/test} runs them; with {@code -am}, so that the model and cosim
 * classes are this checkout's (scripts/mutate packages, it does not install).
 */
final class DirectedRun {
    /** What happened: the first failing test class and its report's first lines (null test: all passed). */
    record Outcome(String test, String firstMismatch, double seconds) {
        boolean killed() {
            return test != null;
        }
    }

    private final Path root;
    private final PrintStream out;

    DirectedRun(Path root, PrintStream out) {
        this.root = root;
        this.out = out;
    }

    /** Runs each test class in turn against {@code library} until the first one fails. */
    Outcome run(String label, Path library, List<String> tests, Path log) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Files.createDirectories(log.getParent());
        for (String t : tests) {
            List<String> cmd = List.of("mvn", "-B", "-o", "verify", "-pl", "testbenches", "-am", "-Dtest=none", "-Dit.test=" + t,
                    "-Dsurefire.failIfNoSpecifiedTests=false", "-Dfailsafe.failIfNoSpecifiedTests=false",
                    "-D" + vtoe.cosim.NativeLibrary.PROPERTY + "=" + library);
            out.printf("%s: directed %s%n", label, t);
            Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int rc = p.waitFor();
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (rc != 0) {
                if (!text.contains("Tests run:") || text.contains("COMPILATION ERROR") || text.contains("Could not resolve")) {
                    throw new IOException("directed test " + t + " did not run (exit " + rc + "); see " + log);
                }
                return new Outcome(t, firstFailure(t), (System.nanoTime() - t0) / 1e9);
            }
            if (!text.contains("Tests run:")) {
                throw new IOException("directed test " + t + " ran no test; see " + log);
            }
        }
        return new Outcome(null, null, (System.nanoTime() - t0) / 1e9);
    }

    // The first lines of the failure in failsafe's report of the class.
    private String firstFailure(String test) throws IOException {
        Path reports = root.resolve("testbenches/target/failsafe-reports");
        String cls = test.contains("#") ? test.substring(0, test.indexOf('#')) : test;
        try (Stream<Path> s = Files.list(reports)) {
            for (Path f : s.filter(f -> f.getFileName().toString().endsWith(cls + ".txt")).toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                // The scoreboard's own headline if there is one, else the first exception's message.
                for (String line : lines) {
                    if (line.contains("MISMATCH") || line.contains("CHECK FAILED") || line.contains("TX FAIRNESS")) {
                        return line.strip();
                    }
                }
                for (String line : lines) {
                    if (line.matches("^[\\w.$]+(Error|Exception): .*")) {
                        return line.strip();
                    }
                }
            }
        }
        return "failed (no report line found in " + reports + ")";
    }
}
