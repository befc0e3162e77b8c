package vtoe.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs {@code vtoe_replay}, the C++ executable built beside libvtoe_cosim, on a port trace recorded
 * with {@link DutOptions#portTrace}: the same Verilated model driven cycle by cycle from the recorded
 * inputs with no Java and no bus models. With checking on it hashes the outputs every cycle and
 * compares them with the recording, so a result that {@link Result#match()}es is the same run.
 *
 * <p>The executable is found like the library: {@code -Dvtoe.replay=<path>} first, then the classpath
 * resource {@code /native/linux-x86_64/vtoe_replay} (extracted to a temporary file from a jar).
 */
public final class Replay {
    public static final String PROPERTY = "vtoe.replay";
    static final String RESOURCE = "/native/linux-x86_64/vtoe_replay";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path exe;

    private Replay() {}

    /** One replay of the trace: cycles, seconds of the cycle loop, and whether it matched the recording. */
    public record Run(int repeat, long cycles, double seconds, double cyclesPerSecond, double cpuSeconds, boolean checked,
            boolean match, long firstMismatchCycle, String message, long traceBytes) {
        /** Cycles per second of the replaying thread's CPU time (insensitive to other load on the machine). */
        public double cyclesPerCpuSecond() {
            return cycles / cpuSeconds;
        }
    }

    /** Every repeat of one invocation; the last one failed if any did (the executable stops there). */
    public record Result(List<Run> runs, int exitCode, String stderr) {
        public boolean match() {
            return exitCode == 0 && !runs.isEmpty() && runs.stream().allMatch(Run::match);
        }

        /** The fastest repeat. */
        public Run best() {
            return runs.stream().max(Comparator.comparingDouble(Run::cyclesPerSecond)).orElseThrow();
        }

        /** The repeat with the least CPU time per cycle. */
        public Run bestCpu() {
            return runs.stream().max(Comparator.comparingDouble(Run::cyclesPerCpuSecond)).orElseThrow();
        }

        /** Median of the repeats' cycles per second. */
        public double medianCyclesPerSecond() {
            double[] v = runs.stream().mapToDouble(Run::cyclesPerSecond).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        /** The first mismatch's report (null when every repeat matched). */
        public String mismatch() {
            return runs.stream().filter(r -> !r.match()).map(Run::message).findFirst().orElse(null);
        }
    }

    /** Where the executable is, extracting it once if it sits in a jar. */
    public static synchronized Path executable() {
        if (exe != null) {
            return exe;
        }
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override).toAbsolutePath();
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + override + " is not an executable file");
            }
            return exe = p;
        }
        var url = Replay.class.getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("no " + RESOURCE + " on the classpath (-D" + PROPERTY + " not set either): the cosim "
                    + "module has not been built; build it with 'mvn -pl cosim -am install -DskipTests'");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return exe = Path.of(url.toURI());
            }
            Path tmp = Files.createTempFile("vtoe_replay", "");
            tmp.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!tmp.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot make " + tmp + " executable");
            }
            return exe = tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + url, e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Replays {@code trace} {@code repeats} times (each on a newly built model).
     *
     * @param check hash the outputs every cycle and compare them with the recording (stops at the
     *              first difference); false replays the inputs only
     * @throws IllegalStateException when the trace cannot be replayed at all (unreadable, another build)
     */
    public static Result run(Path trace, boolean check, int repeats) {
        return run(trace, check, repeats, false);
    }

    /**
     * As {@link #run(Path, boolean, int)}; with {@code plainEval} every edge is evaluated by Verilator's own
     * {@code eval()} instead of the co-simulation's shortcuts (no falling-edge eval when no input changed, a
     * rising edge without the input-combinational pass), so a checked replay proves the shortcuts change nothing.
     */
    public static Result run(Path trace, boolean check, int repeats, boolean plainEval) {
        return run(executable(), trace, check, repeats, plainEval);
    }

    /**
     * As {@link #run(Path, boolean, int, boolean)} on another build's {@code vtoe_replay} (the plain build beside
     * the PGO one, {@link PgoBuild}): a trace recorded on one build replays on the other only if both are the same machine.
     */
    public static Result run(Path executable, Path trace, boolean check, int repeats, boolean plainEval) {
        List<String> cmd = new ArrayList<>(List.of(executable.toString()));
        if (!check) {
            cmd.add("--no-check");
        }
        if (plainEval) {
            cmd.add("--plain-eval");
        }
        cmd.addAll(List.of("--repeat", Integer.toString(repeats), trace.toAbsolutePath().toString()));
        try {
            Path err = Files.createTempFile("vtoe_replay", ".stderr");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                int rc = p.waitFor();
                String stderr = Files.readString(err);
                List<Run> runs = new ArrayList<>();
                for (String line : out.split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode j = JSON.readTree(line);
                    if (j.has("error")) {
                        throw new IllegalStateException("vtoe_replay cannot replay " + trace + ": " + j.get("error").asText());
                    }
                    runs.add(new Run(j.get("repeat").asInt(), j.get("cycles").asLong(), j.get("seconds").asDouble(),
                            j.get("cyclesPerSecond").asDouble(), j.get("cpuSeconds").asDouble(), j.get("checked").asBoolean(), j.get("match").asBoolean(),
                            j.has("firstMismatchCycle") ? j.get("firstMismatchCycle").asLong() : -1,
                            j.has("message") ? j.get("message").asText() : null, j.get("traceBytes").asLong()));
                }
                if (runs.isEmpty() || (rc != 0 && runs.stream().allMatch(Run::match))) {
                    throw new IllegalStateException("vtoe_replay exited with " + rc + " without a result: " + String.join(" ", cmd)
                            + "\n" + stderr + out);
                }
                return new Result(List.copyOf(runs), rc, stderr);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + trace, e);
        }
    }
}
