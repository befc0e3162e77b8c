package vtoe.tb.mutate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.regress.Regress;

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

    private static final String DONE = "#done ";

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
        ConcurrentLinkedQueue<Run> todo = new ConcurrentLinkedQueue<>(runs);
        AtomicInteger done = new AtomicInteger();
        AtomicReference<String> firstFail = new AtomicReference<>(); // "<worker file>" of the first failure
        int n = Math.max(1, Math.min(jobs, runs.size()));
        List<Process> procs = new ArrayList<>();
        List<Thread> feeders = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            Path res = dir.resolve("worker-" + w + ".jsonl");
            Files.deleteIfExists(res);
            Process p = spawn(library, res, dir.resolve("worker-" + w + ".log"));
            procs.add(p);
            Thread t = new Thread(() -> feed(label, p, res, todo, done, runs.size(), firstFail, procs, t0), label + "-worker-" + w);
            t.start();
            feeders.add(t);
        }
        for (Thread t : feeders) {
            t.join();
        }
        for (Process p : procs) {
            p.destroyForcibly();
            p.waitFor();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        ObjectNode fail = null;
        String f = firstFail.get();
        if (f != null) {
            fail = failureIn(f);
        }
        return new Outcome(fail, done.get(), secs);
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

    private Process spawn(Path library, Path res, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xss4m");
        cmd.add("-D" + vtoe.cosim.NativeLibrary.PROPERTY + "=" + library.toAbsolutePath());
        cmd.add("-cp");
        cmd.add(Regress.absoluteClasspath());
        cmd.add(Regress.class.getName());
        cmd.add("--worker");
        cmd.add("--results");
        cmd.add(res.toAbsolutePath().toString());
        // Where the regression's workers run, so REPRODUCE lines mean the same.
        return new ProcessBuilder(cmd).directory(root.resolve("testbenches").toFile()).redirectErrorStream(true).start();
    }

    /** Hands a worker one run at a time; its output goes to its log, its "#done" lines count. */
    private void feed(String label, Process p, Path res, ConcurrentLinkedQueue<Run> todo, AtomicInteger done, int total,
            AtomicReference<String> firstFail, List<Process> procs, long t0) {
        Path log = Path.of(res.toString().replace(".jsonl", ".log"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()));
                PrintWriter to = new PrintWriter(new OutputStreamWriter(p.getOutputStream()), true);
                PrintWriter logw = new PrintWriter(Files.newBufferedWriter(log), true)) {
            Run r = firstFail.get() == null ? todo.poll() : null;
            if (r == null) {
                to.close();
            } else {
                to.println(r.line());
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith(DONE)) {
                    logw.println(line);
                    continue;
                }
                int k = done.incrementAndGet();
                boolean fail = line.substring(DONE.length()).startsWith("FAIL");
                if (fail && firstFail.compareAndSet(null, res.toString())) {
                    out.printf("%s: KILLED at run %d/%d (%s, %.0f s)%n", label, k, total, line.substring(DONE.length()),
                            (System.nanoTime() - t0) / 1e9);
                    synchronized (procs) {
                        for (Process q : procs) {
                            if (q != p) {
                                q.destroyForcibly();
                            }
                        }
                    }
                } else if (k % 5 == 0 || k == total) {
                    out.printf("%s: %d/%d runs pass (%.0f s)%n", label, k, total, (System.nanoTime() - t0) / 1e9);
                }
                r = firstFail.get() == null ? todo.poll() : null;
                if (r == null) {
                    to.close();
                } else {
                    to.println(r.line());
                }
            }
            p.waitFor();
            if (r != null && firstFail.get() == null && p.exitValue() != 0 && firstFail.compareAndSet(null, res + "|" + r.line())) {
                done.incrementAndGet();
                out.printf("%s: KILLED: the worker JVM died in run %s (exit %d)%n", label, r.line(), p.exitValue());
                synchronized (procs) {
                    procs.forEach(Process::destroyForcibly);
                }
            }
        } catch (IOException | InterruptedException e) {
            if (firstFail.get() == null) {
                out.println(label + ": worker lost: " + e);
            }
        }
    }
}
