package vtoe.tb.regress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vtoe.cosim.Dut;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.junit.SimRun;
import vtoe.tb.slurm.SlurmOptions;

/**
 * The nightly regression ({@code ./scripts/regress}): the constrained-random lockstep cases over many
 * seeds, several JVMs at a time, each run a line of {@code results.jsonl} with its full config,
 * verdict, first mismatch, cycles, wall time and REPRODUCE command; then a summary, functional
 * coverage and, with {@code --coverage}, the RTL's line and toggle coverage.
 *
 * <p>Runs are numbered in one fixed order (case, then seed index), so {@code --shard i/n} takes every
 * n-th run starting at the i-th, the same on every machine: n machines share one regression and
 * {@code scripts/regress-merge} joins their results. Worker JVMs (not threads) run the Verilated
 * model, so a crash costs one worker's remaining runs, which the parent reports as such.
 */
@Command(name = "regress", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the random lockstep cases over many seeds and reports pass/fail, coverage and seeds per hour.")
public final class Regress implements Callable<Integer> {
    @Option(names = "--seeds", description = "seeds per case (default: ${DEFAULT-VALUE}, about 20 minutes on 2 cores)")
    int seeds = 400;

    @Option(names = "--jobs", description = "worker JVMs at once (default: the number of cores)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--shard", description = "i/n: run only the i-th of n equal shares (1-based)")
    String shard = "1/1";

    @Option(names = "--cases", split = ",", description = "cases to run: FETCH, ADAPTER, WORLD, FAULTS (default: all)")
    List<String> cases = List.of("FETCH", "ADAPTER", "WORLD", "FAULTS");

    @Option(names = "--master", description = "master seed (default: the tests' fixed one; 'random' for a new set)")
    String master = "0x" + Long.toHexString(SeedExtension.DEFAULT_MASTER);

    @Option(names = "--waves-on-fail", description = "re-run each failing seed with FST waves and print the GTKWave command")
    boolean wavesOnFail;

    @Option(names = "--coverage", description = "collect Verilator line and toggle coverage (needs the coverage library)")
    boolean coverage;

    @Option(names = "--waivers", description = "the reviewed coverage waivers applied to --coverage (default: ${DEFAULT-VALUE})")
    Path waivers = Path.of(CoverageWaivers.FILE);

    @Option(names = "--coverage-lib", hidden = true, description = "the coverage flavour of the native library")
    Path coverageLib = Path.of("cosim", "target", "native-cov", "libvtoe_cosim_cov.so");

    @Option(names = "--out", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target", "regress");

    @CommandLine.Mixin
    SlurmOptions slurmOptions = new SlurmOptions();

    @Option(names = "--rerun-with-waves", hidden = true, description = "internal: re-run the failing runs of a results.jsonl with waves")
    Path rerunWithWaves;

    @Option(names = "--worker", hidden = true, description = "internal: run the runs given on stdin, one per line")
    boolean worker;

    @Option(names = "--results", hidden = true, description = "internal: where a worker writes its results")
    Path results;

    /** One run to do. */
    record Run(int index, RandomCases.Case c, long seed) {
        /** As a worker reads it on stdin. */
        String line() {
            return index + " " + c.name() + " 0x" + Long.toHexString(seed);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Regress()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (rerunWithWaves != null) {
            List<ObjectNode> failed = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String l : Files.readAllLines(rerunWithWaves)) {
                if (!l.isBlank() && !json.readTree(l).get("pass").asBoolean()) {
                    failed.add((ObjectNode) json.readTree(l));
                }
            }
            rerunWithWaves(failed, out.toAbsolutePath());
            return 0;
        }
        return worker ? work() : lead();
    }

    /** The regression as a Slurm job array (see {@link SlurmRegress}). */
    private int leadOnSlurm(long m, int runs) throws Exception {
        Path dir = out.toAbsolutePath();
        Path root = Path.of("").toAbsolutePath();
        SlurmRegress s = new SlurmRegress(root, dir, slurmOptions.shares, slurmOptions.partition);
        List<String> args = new ArrayList<>(List.of("--seeds", Integer.toString(seeds), "--cases", String.join(",", cases), "--master",
                "0x" + Long.toHexString(m), "--jobs", "1"));
        if (coverage) {
            args.add("--coverage");
            args.add("--coverage-lib");
            args.add(coverageLib.toAbsolutePath().toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf("regress: %d runs (%s x %d seeds, master 0x%x) as %d Slurm shares%n", runs, cases, seeds, m, slurmOptions.shares);
        try {
            vtoe.tb.slurm.SlurmArray.Jobs j = s.submit(java, absoluteClasspath(), args, coverage);
            System.out.println(s.howToFollow(j));
            if (slurmOptions.noWait) {
                return 0;
            }
            List<com.fasterxml.jackson.databind.JsonNode> merged = s.await(j, runs);
            boolean allPass = merged.size() == runs && merged.stream().allMatch(o -> o.get("pass").asBoolean());
            if (!allPass && wavesOnFail) {
                s.rerunWithWaves(java, absoluteClasspath(), dir.resolve("results.jsonl"));
            }
            return allPass ? 0 : 1;
        } catch (IllegalStateException e) {
            // Scheduler trouble, already put in words a person can act on: no stack trace to wade through.
            System.out.println("regress: " + e.getMessage());
            return 3;
        }
    }

    /** This JVM's classpath with absolute entries, for JVMs started elsewhere. */
    public static String absoluteClasspath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    // ---- the parent ----

    private int lead() throws Exception {
        int[] sh = parseShard(shard);
        long m = master.equalsIgnoreCase("random") ? System.nanoTime() : SeedExtension.parse(master);
        List<Run> all = new ArrayList<>();
        for (String name : cases) {
            RandomCases.Case c = RandomCases.Case.named(name);
            for (int i = 0; i < seeds; i++) {
                all.add(new Run(all.size(), c, SeedExtension.derive(m, c.testClass, c.method, i)));
            }
        }
        if (slurmOptions.shares != null) {
            if (!shard.equals("1/1")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--slurm cuts its own shares: leave out --shard");
            }
            return leadOnSlurm(m, all.size());
        }
        List<Run> mine = all.stream().filter(r -> r.index % sh[1] == sh[0] - 1).toList();
        Path dir = out.toAbsolutePath();
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) {
            for (Path p : old.filter(p -> p.getFileName().toString().startsWith("worker-")).toList()) {
                Files.deleteIfExists(p);
            }
        }
        Path covDir = dir.resolve("coverage");
        if (coverage) {
            if (!Files.exists(coverageLib)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "no coverage library at " + coverageLib
                        + ": build it with 'mvn -pl cosim -Pcoverage install -DskipTests' (./scripts/regress --coverage does)");
            }
            vtoe.tb.FileTree.delete(covDir);
            Files.createDirectories(covDir);
        }
        System.out.printf("regress: %d runs (%s x %d seeds, master 0x%x, shard %s) on %d worker JVMs%n", mine.size(), cases, seeds, m,
                shard, jobs);
        long t0 = System.nanoTime();
        int n = Math.max(1, Math.min(jobs, mine.size()));
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            workers.add(spawn(dir.resolve("worker-" + w + ".jsonl"), coverage ? covDir.resolve("w" + w) : null, false));
        }
        feed(workers, mine, "worker-");
        double wall = (System.nanoTime() - t0) / 1e9;
        // Join the workers' lines in run order; runs a dead worker never reported are errors.
        ObjectMapper json = new ObjectMapper();
        Map<Integer, ObjectNode> byIndex = new java.util.TreeMap<>();
        for (int w = 0; w < n; w++) {
            Path f = dir.resolve("worker-" + w + ".jsonl");
            if (Files.exists(f)) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        ObjectNode o = (ObjectNode) json.readTree(line);
                        byIndex.put(o.get("index").asInt(), o);
                    }
                }
            }
        }
        for (Run r : mine) {
            byIndex.computeIfAbsent(r.index, i -> {
                ObjectNode o = record(json, r);
                o.put("pass", false);
                o.put("firstMismatch", "no result: its worker JVM died (see the worker's output above)");
                return o;
            });
        }
        Path resultsFile = dir.resolve("results.jsonl");
        try (BufferedWriter wr = Files.newBufferedWriter(resultsFile)) {
            for (ObjectNode o : byIndex.values()) {
                wr.write(json.writeValueAsString(o));
                wr.newLine();
            }
        }
        RegressReport rep = RegressReport.of(new ArrayList<>(byIndex.values()), wall, n);
        String summary = rep.table();
        if (coverage) {
            summary += "\n" + CoverageMerge.merge(covDir, dir.resolve("coverage-html"), waivers);
        }
        Files.writeString(dir.resolve("summary.txt"), summary + "\n");
        System.out.println(summary);
        System.out.println("results: " + resultsFile);
        List<ObjectNode> failed = byIndex.values().stream().filter(o -> !o.get("pass").asBoolean()).toList();
        if (!failed.isEmpty() && wavesOnFail) {
            rerunWithWaves(failed, dir);
        }
        return failed.isEmpty() ? 0 : 1;
    }

    /** Runs {@code runs} on the started workers, one at a time each, printing each worker's lines with its name. */
    private static void feed(List<Process> workers, List<Run> runs, String name) throws InterruptedException {
        int total = runs.size();
        new WorkerPool(runs.stream().map(Run::line).toList()).run(workers, new WorkerPool.Listener() {
            @Override
            public void done(int w, int k, String status) {
                System.out.printf("[%s%d] %d/%d %s%n", name, w, k, total, status);
            }

            @Override
            public void output(int w, String line) {
                System.out.println("[" + name + w + "] " + line);
            }
        });
    }

    static int[] parseShard(String s) {
        String[] p = s.split("/");
        try {
            int i = Integer.parseInt(p[0]);
            int n = Integer.parseInt(p[1]);
            if (p.length == 2 && n >= 1 && i >= 1 && i <= n) {
                return new int[] {i, n};
            }
        } catch (RuntimeException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--shard wants i/n with 1 <= i <= n, e.g. 2/4; got " + s);
    }

    private Process spawn(Path res, Path covDir, boolean waves) throws IOException {
        List<String> opts = new ArrayList<>();
        if (covDir != null) {
            opts.add("-D" + vtoe.cosim.NativeLibrary.PROPERTY + "=" + coverageLib.toAbsolutePath());
            opts.add("-D" + Dut.COVERAGE_PROPERTY + "=" + covDir);
        }
        if (waves) {
            opts.add("-Dwaves=1");
        }
        // Workers run where the tests run, so waves and pcaps land where REPRODUCE puts them.
        return new ProcessBuilder(WorkerPool.command(opts, res)).directory(Path.of("testbenches").toFile()).redirectErrorStream(true).start();
    }

    private void rerunWithWaves(List<ObjectNode> failed, Path dir) throws Exception {
        List<Run> todo = new ArrayList<>();
        for (ObjectNode o : failed) {
            todo.add(new Run(o.get("index").asInt(), RandomCases.Case.valueOf(o.get("case").asText()),
                    SeedExtension.parse(o.get("seed").asText())));
        }
        System.out.println("re-running " + failed.size() + " failing seed(s) with waves ...");
        feed(List.of(spawn(dir.resolve("worker-waves.jsonl"), null, true)), todo, "waves-");
        for (ObjectNode o : failed) {
            String cls = RandomCases.Case.valueOf(o.get("case").asText()).testClass;
            String method = RandomCases.Case.valueOf(o.get("case").asText()).method;
            Path fst = Path.of("testbenches").toAbsolutePath().resolve(
                    SimRun.of(cls, method, SeedExtension.parse(o.get("seed").asText())).withWaves().wavesPath());
            System.out.println("waves: " + fst + "\n  gtkwave " + fst + " " + fst.toString().replaceFirst("\\.fst$", ".gtkw"));
        }
    }

    // ---- a worker ----

    private static ObjectNode record(ObjectMapper json, Run r) {
        ObjectNode o = json.createObjectNode();
        o.put("index", r.index);
        o.put("case", r.c.name());
        o.put("test", r.c.testClass + "#" + r.c.method);
        o.put("seed", "0x" + Long.toHexString(r.seed));
        o.put("reproduce", SimRun.of(r.c.testClass, r.c.method, r.seed).withWaves().reproduce());
        return o;
    }

    private int work() throws Exception {
        ObjectMapper json = new ObjectMapper();
        CoverageMerge.Accumulator cov = System.getProperty(Dut.COVERAGE_PROPERTY) == null ? null
                : new CoverageMerge.Accumulator(Path.of(System.getProperty(Dut.COVERAGE_PROPERTY)));
        var stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        try (BufferedWriter wr = Files.newBufferedWriter(results)) {
            String line;
            while ((line = stdin.readLine()) != null) {
                String[] f = line.split(" ");
                Run r = new Run(Integer.parseInt(f[0]), RandomCases.Case.valueOf(f[1]), SeedExtension.parse(f[2]));
                SimRun run = SimRun.of(r.c.testClass, r.c.method, r.seed);
                ObjectNode o = record(json, r);
                long t0 = System.nanoTime();
                try {
                    RandomCases.Outcome out = r.c.run(run);
                    o.put("pass", true);
                    o.put("config", out.config());
                    o.put("cycles", out.cycles());
                    o.put("compared", out.compared());
                    o.putPOJO("coverage", out.coverage());
                } catch (Throwable e) {
                    o.put("pass", false);
                    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                    o.put("firstMismatch", msg.lines().filter(l -> !l.isBlank()).findFirst().orElse(e.toString()));
                    o.put("error", e.getClass().getSimpleName());
                    for (Throwable s : e.getSuppressed()) {
                        if (s.getMessage() != null && s.getMessage().startsWith("scenario:")) {
                            o.put("config", s.getMessage().substring("scenario:".length()).strip());
                        }
                    }
                    o.put("detail", msg.length() > 4000 ? msg.substring(0, 4000) + " ..." : msg);
                }
                o.put("wallSeconds", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
                if (cov != null) {
                    cov.collect();
                }
                wr.write(json.writeValueAsString(o));
                wr.newLine();
                wr.flush();
                System.out.println(WorkerPool.DONE + (o.get("pass").asBoolean() ? "pass " : "FAIL ") + r.c.testClass + " " + o.get("seed").asText());
                System.out.flush();
            }
        }
        if (cov != null) {
            cov.write();
        }
        return 0;
    }
}
