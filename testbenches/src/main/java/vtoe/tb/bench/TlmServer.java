package vtoe.tb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import vtoe.model.AdapterParams;
import vtoe.model.payload.PayloadMode;

/**
 * The TLM half of the TLM speed bench, in a JVM of its own that runs only the TLM in one payload mode (as a
 * study's does: one payload mode for all its points), driven line by line by the bench's JVM, which runs the
 * RTL: so the two halves of a row are measured within a minute of each other (the row's RTL runs, then the TLM's),
 * not minutes apart. The RTL cannot share the JVM: after RTL runs the JIT had recompiled the code the two share (the world,
 * the checkers, the timeline) and the TLM ran up to 1.6x slower for hundreds of runs (see
 * {@link TlmSpeedBench}).
 *
 * <p>Protocol, one line each way; the child answers every command with one line that starts with the command's
 * word, or {@code ERROR <message>} and exits 1:
 * <ul>
 *   <li>on start: the JIT warm-up over every scenario in the JVM's payload mode (the seconds and the mode are
 *       given on the command line), then {@code READY};
 *   <li>{@code STEADY <row>}: {@link TlmSpeedBench#steady} on that row, answered {@code STEADY <runs>};
 *   <li>{@code RUN <row> <seed> <seconds> <min runs>}: the seed over and over until both the seconds and the runs
 *       are reached, answered {@code RUN <JSON of Window>};
 *   <li>{@code PROFILE <row>}: {@link TlmProfile} of the payload-free TLM on that row, answered {@code PROFILE <JSON>};
 *   <li>end of input: exit 0.
 * </ul>
 */
final class TlmServer {
    private TlmServer() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Runs of one seed over a window of wall time: their mean wall seconds (a study pays every run, a slow one
     * too, and the RTL's one long run is a mean over its own window) and median, how many, the goodput and kernel events of
     * a run (the same every time: the seed fixes the run).
     */
    record Window(double meanWall, double medianWall, int runs, double goodput, long events) {}

    /** A row in one payload mode: the warm-up runs it took to be steady, and a window per seed. */
    record Measured(int warmRuns, Window[] windows) {
        /** The sum over seeds of the mean run (the row's TLM time). */
        double wall() {
            return Arrays.stream(windows).mapToDouble(Window::meanWall).sum();
        }

        double medianWall() {
            return Arrays.stream(windows).mapToDouble(Window::medianWall).sum();
        }

        double[] goodput() {
            return Arrays.stream(windows).mapToDouble(Window::goodput).toArray();
        }

        /** Kernel events per run, the mean over seeds. */
        long events() {
            return Arrays.stream(windows).mapToLong(Window::events).sum() / windows.length;
        }

        int fewestRuns() {
            return Arrays.stream(windows).mapToInt(Window::runs).min().orElse(0);
        }
    }

    /** The child's loop ({@code WorldPair tlm-server <warm-up seconds> <FULL|NONE>}); returns its exit code. */
    static int serve(java.io.InputStream in, PrintStream out, double warmSeconds, PayloadMode mode) throws IOException {
        AdapterParams p = AdapterParams.adapterDefaults();
        List<WorldPair.Scenario> all = TlmSpeedBench.scenarios();
        TlmSpeedBench.warmUp(all, warmSeconds, w -> WorldPair.tlm(w.scenario(), 1000 + w.run(), p, mode));
        out.println("READY");
        out.flush();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null;) {
            String[] a = line.trim().split(" ");
            try {
                switch (a[0]) {
                    case "STEADY" -> out.println("STEADY " + TlmSpeedBench.steady(row(all, a[1]), p, mode));
                    case "RUN" -> out.println("RUN " + JSON.writeValueAsString(window(row(all, a[1]), p,
                            Long.parseLong(a[2]), mode, Double.parseDouble(a[3]), Integer.parseInt(a[4]))));
                    case "PROFILE" -> out.println("PROFILE " + JSON.writeValueAsString(TlmProfile.of(row(all, a[1]), p,
                            TlmSpeedBench.PROFILE_SECONDS)));
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
            } catch (RuntimeException e) {
                out.println("ERROR " + (e.getMessage() == null ? e.toString() : e.getMessage()).replace('\n', ' '));
                out.flush();
                return 1;
            }
            out.flush();
        }
        return 0;
    }

    private static WorldPair.Scenario row(List<WorldPair.Scenario> all, String row) {
        int i = Integer.parseInt(row);
        if (i < 0 || i >= all.size()) {
            throw new IllegalArgumentException("no row " + row + ": the bench's rows are 0.." + (all.size() - 1));
        }
        return all.get(i);
    }

    static Window window(WorldPair.Scenario s, AdapterParams p, long seed, PayloadMode mode, double seconds, int minRuns) {
        List<Double> walls = new ArrayList<>();
        WorldPair.Run run = null;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (walls.size() < minRuns || System.nanoTime() < end) {
            run = WorldPair.tlm(s, seed, p, mode);
            if (!run.ok()) {
                throw new IllegalStateException("the " + (mode == PayloadMode.NONE ? "payload-free " : "") + "TLM run of " + s.name()
                        + " " + TlmSpeedBench.modeName(s.modes()[0]) + " seed " + seed + " failed: " + run.failures());
            }
            walls.add(run.wallSeconds());
        }
        double[] w = walls.stream().mapToDouble(x -> x).toArray();
        return new Window(TlmSpeedBench.mean(w), TlmSpeedBench.median(w), w.length, run.goodput(), run.events());
    }

    /** The bench's side: starts the child, whose JIT warm-up runs while the caller warms up its own. */
    static final class Client implements AutoCloseable {
        private final Process child;
        private final PrintWriter to;
        private final BufferedReader from;
        private boolean ready;

        /** Starts a child for payload mode {@code mode}, with a JIT warm-up of {@code warmSeconds} over every scenario. */
        Client(double warmSeconds, PayloadMode mode) {
            try {
                child = WorldPair.child(null, "tlm-server", Double.toString(warmSeconds), mode.name())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            to = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8);
            from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The answer to {@code command}: the rest of the first line that starts with {@code word}. */
        private String ask(String word, String command) {
            if (!ready) {
                answer("READY", "its start");
                ready = true;
            }
            to.println(command);
            return answer(word, command);
        }

        private String answer(String word, String command) {
            try {
                for (String line; (line = from.readLine()) != null;) {
                    if (line.startsWith(word)) {
                        return line.substring(word.length()).trim();
                    }
                    if (line.startsWith("ERROR ")) {
                        throw new IllegalStateException("the TLM bench JVM failed on " + command + ": " + line.substring(6));
                    }
                    System.err.println(line); // anything else the child printed, kept for whoever reads the log
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("the TLM bench JVM ended without answering " + command + " (exit " + exitValue() + ")");
        }

        private String exitValue() {
            try {
                return Integer.toString(child.waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        /** As {@link #ask}, the answer being JSON of {@code type}. */
        private <T> T askJson(String word, String command, Class<T> type) {
            try {
                return JSON.readValue(ask(word, command), type);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int steady(int row) {
            return Integer.parseInt(ask("STEADY", "STEADY " + row));
        }

        Window run(int row, long seed, double seconds, int minRuns) {
            return askJson("RUN", "RUN " + row + " " + seed + " " + seconds + " " + minRuns, Window.class);
        }

        /**
         * A row measured as the bench does it: the row until its run time is steady (this JVM has sat idle while the
         * RTL ran), then seeds 1.. each for as long as its RTL run took ({@code rtlWalls}), at least {@code minRuns} runs.
         */
        Measured row(int row, double[] rtlWalls, int minRuns) {
            int warm = steady(row);
            Window[] w = new Window[rtlWalls.length];
            for (int k = 0; k < w.length; k++) {
                w[k] = run(row, k + 1, rtlWalls[k], minRuns);
            }
            return new Measured(warm, w);
        }

        TlmProfile.Shares profile(int row) {
            return askJson("PROFILE", "PROFILE " + row, TlmProfile.Shares.class);
        }

        boolean alive() {
            return child.isAlive();
        }

        /** Ends the child (end of its input), and kills it if it does not go within 10 s: no JVM outlives the bench. */
        @Override
        public void close() {
            to.close();
            try {
                if (!child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
