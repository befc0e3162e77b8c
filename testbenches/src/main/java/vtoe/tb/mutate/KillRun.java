package vtoe.tb.mutate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.regress.WorkerPool;

/**
 * Runs the regression's runs against one library until the first failure: the worker JVMs are the regression's own
 * ({@code Regress --worker}, the same cases, seeds and checks, results as {@code results.jsonl} lines), with
 * {@code -Dvtoe.lib} pointing at the mutant's library. The TLM, the host and network models and every checker are
 * the un-mutated ones: the lockstep scoreboard, the trace check, the protocol checkers, the host's granted-range and
 * pin checks, the RTL's own assertions and the watchdog are the judges.
 *
 * <p>Runs are taken seed by seed across the cases (seed 0 of every case, then seed 1, ...), so a mutant only one case
 * can see is met early; the set of runs is the regression's. At the first failing run (or a worker JVM that dies
 * in a run) the other workers are stopped: a killed mutant costs the runs until its kill.
 */
final class KillRun {
    /** One run: its index in the regression's order (case, then seed), its case and seed. */
    record Run(int index, RandomCases.Case c, long seed) {
        String line() {
            return index + " " + c.name() + " 0x" + Long.toHexString(seed);
        }
    }

    /**
     * What happened.
     *
     * @param failure the first failing run's results.jsonl record (null: every run passed)
     * @param runs    runs that reported before the workers were stopped (the failing one included)
     * @param seconds wall time
     */
    record Outcome(ObjectNode failure, int runs, double seconds) {
        boolean killed() {
            return failure != null;
        }
    }

    private final Path root;
    private final PrintStream out;

    KillRun(Path root, PrintStream out) {
        this.root = root;
        this.out = out;
    }

    /** The regression's runs for {@code seeds} seeds of each case, seed by seed across the cases. */
    static List<Run> runs(List<String> cases, int seeds, long master) {
        List<RandomCases.Case> cs = cases.stream().map(RandomCases.Case::named).toList();
        List<Run> l = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            for (int k = 0; k < cs.size(); k++) {
                RandomCases.Case c = cs.get(k);
                l.add(new Run(k * seeds + i, c, SeedExtension.derive(master, c.testClass, c.method, i)));
            }
        }
        return l;
    }

    /**
     * Runs {@code runs} on {@code jobs} worker JVMs loading {@code library}, logs and results in {@code dir};
     * stops at the first failure. {@code label} starts the progress lines.
     */
    Outcome run(String label, Path library, List<Run> runs, int jobs, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        AtomicReference<String> firstFail = new AtomicReference<>(); // "<worker file>" of the first failure
        int n = Math.max(1, Math.min(jobs, runs.size()));
        List<Process> procs = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        List<PrintWriter> logs = new ArrayList<>();
        WorkerPool pool = new WorkerPool(runs.stream().map(Run::line).toList());
        try {
            for (int w = 0; w < n; w++) {
                Path res = dir.resolve("worker-" + w + ".jsonl");
                Files.deleteIfExists(res);
                results.add(res);
                logs.add(new PrintWriter(Files.newBufferedWriter(dir.resolve("worker-" + w + ".log")), true));
                procs.add(spawn(library, res));
            }
            int total = runs.size();
            pool.run(procs, new WorkerPool.Listener() {
                @Override
                public void done(int w, int k, String status) {
                    if (status.startsWith("FAIL") && firstFail.compareAndSet(null, results.get(w).toString())) {
                        out.printf("%s: KILLED at run %d/%d (%s, %.0f s)%n", label, k, total, status, (System.nanoTime() - t0) / 1e9);
                        pool.stop(procs.get(w));
                    } else if (k % 5 == 0 || k == total) {
                        out.printf("%s: %d/%d runs pass (%.0f s)%n", label, k, total, (System.nanoTime() - t0) / 1e9);
                    }
                }

                @Override
                public void output(int w, String line) {
                    logs.get(w).println(line);
                }

                @Override
                public void died(int w, String runLine, int exit) {
                    if (firstFail.compareAndSet(null, results.get(w) + "|" + runLine)) {
                        out.printf("%s: KILLED: the worker JVM died in run %s (exit %d)%n", label, runLine, exit);
                        pool.stop(null);
                    }
                }
            });
        } finally {
            for (Process p : procs) {
                p.destroyForcibly();
                p.waitFor();
            }
            logs.forEach(PrintWriter::close);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        ObjectNode fail = null;
        String f = firstFail.get();
        if (f != null) {
            fail = failureIn(f);
        }
        // A worker that died counts its run as reported, as one that failed does.
        return new Outcome(fail, pool.done() + (f != null && f.contains("|") ? 1 : 0), secs);
    }

    /** The failing record the worker wrote to {@code where} ("file" or "file|run line" for a worker that died). */
    private static ObjectNode failureIn(String where) throws IOException {
        ObjectMapper json = new ObjectMapper();
        String[] parts = where.split("\\|", 2);
        Path res = Path.of(parts[0]);
        if (Files.exists(res)) {
            for (String l : Files.readAllLines(res)) {
                if (!l.isBlank() && !json.readTree(l).path("pass").asBoolean(true)) {
                    return (ObjectNode) json.readTree(l);
                }
            }
        }
        ObjectNode o = json.createObjectNode();
        String[] run = parts.length > 1 ? parts[1].split(" ") : new String[] {"-1", "?", "?"};
        RandomCases.Case c = run[1].equals("?") ? null : RandomCases.Case.valueOf(run[1]);
        o.put("index", Integer.parseInt(run[0]));
        o.put("case", run[1]);
        o.put("test", c == null ? "?" : c.testClass + "#" + c.method);
        o.put("seed", run[2]);
        o.put("pass", false);
        o.put("firstMismatch", "the worker JVM died during this run (a crash of the native model; see " + res.getFileName()
                .toString().replace(".jsonl", ".log") + ")");
        o.put("error", "WorkerDied");
        if (c != null) {
            o.put("reproduce", vtoe.tb.junit.SimRun.of(c.testClass, c.method, SeedExtension.parse(run[2])).withWaves().reproduce());
        }
        return o;
    }

    private Process spawn(Path library, Path res) throws IOException {
        List<String> cmd = WorkerPool.command(List.of("-D" + vtoe.cosim.NativeLibrary.PROPERTY + "=" + library.toAbsolutePath()), res);
        // Where the regression's workers run, so REPRODUCE lines mean the same.
        return new ProcessBuilder(cmd).directory(root.resolve("testbenches").toFile()).redirectErrorStream(true).start();
    }
}
