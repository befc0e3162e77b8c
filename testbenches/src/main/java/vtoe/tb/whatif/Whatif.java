package vtoe.tb.whatif;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import vtoe.model.payload.PayloadMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.rtlcfg.RtlBuildException;
import vtoe.tb.rtlcfg.RtlBuilds;
import vtoe.tb.rtlcfg.RtlConfig;
import vtoe.tb.slurm.SlurmArray;
import vtoe.tb.slurm.SlurmOptions;
import vtoe.tb.synth.Synth;

/**
 * {@code ./scripts/whatif}: architecture what-if studies. Sweeps a grid of {@link Point}s (every
 * combination of the {@code --axis} values over the {@code --set} base) with several seeds each on
 * the standalone TLM, optionally re-runs chosen points on the RTL to confirm them, and writes
 * runs.csv, points.csv (mean, sd, 95% CI per metric), PNG plots and summary.md under
 * {@code target/whatif/<name>/}. A study is a file of these options ({@code ./scripts/whatif @studies/x.study}).
 */
@Command(name = "whatif", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Architecture what-if studies on the vtoe adapter: sweeps parameters on the fast TLM, several seeds per point, "
                + "optionally confirms points on the RTL, and writes CSVs with 95%% confidence intervals and PNG plots.",
                "", "A study file holds these options, one or more per line ('#' starts a comment): ./scripts/whatif @studies/goodput.study",
                "Parameters and metrics: --list. Sizes take K, M, G suffixes (bytes=1M)."},
        footer = {"", "Examples:", "  ./scripts/whatif @studies/swap.study --publish docs/figures/whatif",
                "  ./scripts/whatif --name loss --axis mode=PUSH,COPY_RETAIN --axis loss=0,0.01,0.05 --plot 'goodput_gbps vs loss by mode'",
                "  ./scripts/whatif @studies/goodput.study --seeds 8 --rtl mode=TRANSLATE,loss=0.01"})
public final class Whatif implements Callable<Integer> {
    @Option(names = "--name", description = "study name: output goes to <out>/<name> (default: ${DEFAULT-VALUE})")
    String name = "adhoc";

    @Option(names = "--title", description = "one line saying what the study asks")
    String title = "";

    @Option(names = "--axis", paramLabel = "PARAM=V1,V2,...", description = "a swept parameter and its values (repeat for a grid)")
    List<String> axes = new ArrayList<>();

    @Option(names = "--set", paramLabel = "PARAM=VALUE", description = "a fixed parameter for every point (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seeds", description = "seeds per point (default: ${DEFAULT-VALUE})")
    int seeds = 3;

    @Option(names = "--master", description = "master seed, hex; seed i is derived from it and the same for every point, so points "
            + "compare under common random numbers (default: ${DEFAULT-VALUE})")
    String master = "5eed0a7e";

    @Option(names = "--seed", description = "run exactly this one seed (hex) instead of --seeds (what a REPRODUCE line uses)")
    String seed;

    @Option(names = "--plot", paramLabel = "SPEC", description = "a plot: 'METRIC[,METRIC] vs PARAM [by PARAM[,PARAM]] [per PARAM] "
            + "[where PARAM=VALUE,...] [logx] [logy]' (repeatable)")
    List<String> plots = new ArrayList<>();

    @Option(names = "--rtl", paramLabel = "FILTER", description = "re-run the points matching FILTER ('all' or PARAM=VALUE,...) on the RTL "
            + "with the TLM in lockstep, and report the TLM-vs-RTL difference per metric; a point whose adapter is not the default build "
            + "(more than 64 connections, another dataBytes, tags or retained) runs on a build of its configuration, made first if "
            + "target/rtl-builds/ lacks it")
    String rtl;

    @Option(names = "--rtl-seeds", description = "seeds per point on the RTL (default: the same as --seeds)")
    Integer rtlSeeds;

    @Option(names = "--area", description = "add area metrics (area_luts, area_ffs, area_bram_bits, ...) from ./scripts/synth's report of "
            + "each adapter configuration the points run on; a configuration target/synth/ lacks is synthesised first (tens of minutes "
            + "each, then cached)")
    boolean area;

    @Option(names = "--area-timeout", paramLabel = "SECONDS", description = "with --area: stop a synthesis after this long; its "
            + "configuration's area metrics are then NaN (default: ${DEFAULT-VALUE})")
    long areaTimeout = 3600;

    @Option(names = "--payload", paramLabel = "none|full", converter = PayloadModeConverter.class, description = "TLM runs without "
            + "materialising payload (none: byte ranges and range fingerprints, the same metrics, faster) or with every byte and "
            + "SHA-256 (full); --rtl points always run with payload (default: ${DEFAULT-VALUE})")
    PayloadMode payload = PayloadMode.NONE;

    /** Reads none or full. */
    static final class PayloadModeConverter implements CommandLine.ITypeConverter<PayloadMode> {
        @Override
        public PayloadMode convert(String s) {
            return PayloadMode.parse(s);
        }
    }

    @Option(names = "--jobs", description = "TLM runs in parallel (default: the number of cores)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target/whatif");

    @Option(names = "--publish", paramLabel = "DIR", description = "also copy the plots to DIR/<name>/ (docs/figures/whatif for the README)")
    Path publish;

    @Option(names = "--list", description = "print the parameters with their defaults and the metrics, then exit")
    boolean list;

    @Option(names = "--dry-run", description = "print the points that would run, then exit")
    boolean dryRun;

    @Option(names = "--no-progress", description = "no progress bar (logs, CI)")
    boolean noProgress;

    @Option(names = "--resume", description = "continue the study in <out>/<name>: runs its runs.jsonl already holds (same points, "
            + "seeds and engine) are not run again")
    boolean resume;

    @CommandLine.Mixin
    SlurmOptions slurmOptions = new SlurmOptions();

    @Option(names = "--share", hidden = true, paramLabel = "i/N", description = "run share i of N of the study's runs (a Slurm array task)")
    String share;

    @Option(names = "--merge-shares", hidden = true, paramLabel = "N", description = "join the runs of N shares and write the report")
    Integer mergeShares;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--command", hidden = true, description = "the command line to record in the summary")
    String command = "./scripts/whatif";

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Whatif());
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof RtlBuildException) {
                c.getErr().println("whatif: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream o = System.out;
        if (list) {
            o.println("Parameters (defaults):");
            Point.defaults().values().forEach((k, v) -> o.printf("  %-16s %-10s %s%n", k, v, Catalogue.of(k).label() + ": "
                    + Catalogue.of(k).description()));
            o.println("\nMetrics:");
            RunResult.METRICS.forEach((k, v) -> o.printf("  %-22s %s%n", k, v));
            return 0;
        }
        Study study = Study.of(name, title, sets, axes, plots);
        List<Long> seedList = seeds();
        List<Point> points = study.points();
        if (dryRun) {
            o.println(points.size() + " points x " + seedList.size() + " seeds:");
            points.forEach(p -> o.println("  " + study.describe(p)));
            return 0;
        }
        List<Point> rtlPoints = rtl == null ? List.of() : study.select(rtl);
        for (Point p : rtlPoints) {
            String no = PointRunner.rtlRefusal(p);
            if (no != null) {
                throw new IllegalArgumentException("--rtl " + rtl + " selects " + study.describe(p) + ", which cannot run on the RTL: " + no);
            }
        }
        // Points of another configuration than the default build run on a build of their own: make those first
        // (minutes each, once; then cached), so that a build failure stops the study before an hour of TLM runs.
        Map<RtlConfig, Long> configs = rtlPoints.stream().collect(Collectors.groupingBy(PointRunner::config, LinkedHashMap::new,
                Collectors.counting()));
        for (Map.Entry<RtlConfig, Long> c : configs.entrySet()) {
            if (!PointRunner.onLoadedBuild(c.getKey())) {
                o.printf("RTL configuration %s for %d point(s): its own build (target/rtl-builds/%s)%n", c.getKey().key(), c.getValue(),
                        c.getKey().key());
                RtlBuilds.forCheckout().get(c.getKey());
            }
        }
        // Synthesis before the runs too: a configuration that cannot be synthesised stops the study at once.
        AreaMetrics areas = AreaMetrics.none();
        if (area && share == null) { // a share leaves the figures to the merge job (cached by then: the submitter synthesised)
            try {
                areas = AreaMetrics.synthesise(points.stream().map(PointRunner::config).toList(), Synth.findRoot(), areaTimeout, o);
            } catch (Synth.SynthException e) {
                throw new IllegalArgumentException("--area: " + e.getMessage(), e);
            }
        }
        Path dir = out.resolve(name).toAbsolutePath();
        Files.createDirectories(dir);
        List<Long> rseeds = seedList.subList(0, Math.min(seedList.size(), rtlSeeds == null ? seedList.size() : rtlSeeds));
        List<RunJournal.Unit> plan = new ArrayList<>();
        for (Point p : points) {
            for (long s : seedList) {
                plan.add(new RunJournal.Unit("tlm", p, s));
            }
        }
        for (Point p : rtlPoints) {
            for (long s : rseeds) {
                plan.add(new RunJournal.Unit("rtl", p, s));
            }
        }
        if (share != null) {
            return runShare(plan, dir);
        }
        StudyRecord.write(dir, study, seedList, rseeds, plan, expandedArgs(), command);
        if (slurmOptions.shares != null) {
            return onSlurm(plan, dir);
        }
        List<RunResult> runs;
        if (mergeShares != null) {
            runs = mergeShares(plan, dir);
        } else {
            o.printf("whatif %s: %d points x %d seeds on the TLM%s -> %s%n", name, points.size(), seedList.size(),
                    rtlPoints.isEmpty() ? "" : ", " + rtlPoints.size() + " points on the RTL", dir);
            runs = runLocally(plan, dir.resolve("runs.jsonl"));
        }
        return report(study, runs, dir, areas);
    }

    /** Runs the plan here, skipping (with --resume) the runs the journal already holds; returns every run in plan order. */
    private List<RunResult> runLocally(List<RunJournal.Unit> plan, Path journal) throws IOException, InterruptedException {
        Map<String, RunResult> done = resume ? RunJournal.read(List.of(journal), plan) : Map.of();
        if (resume) {
            System.out.printf("--resume: %d of %d runs already done in %s; running the other %d%n", done.size(), plan.size(), journal,
                    plan.size() - done.size());
        }
        try (RunJournal j = RunJournal.open(journal, resume)) {
            List<RunJournal.Unit> todo = plan.stream().filter(u -> !done.containsKey(u.key())).toList();
            Map<String, RunResult> ran = new LinkedHashMap<>();
            for (RunResult r : runTlm(todo.stream().filter(u -> u.engine().equals("tlm")).toList(), j)) {
                ran.put(new RunJournal.Unit(r.engine(), r.point(), r.seed()).key(), r);
            }
            for (RunResult r : runRtl(todo.stream().filter(u -> u.engine().equals("rtl")).toList(), j)) {
                ran.put(new RunJournal.Unit(r.engine(), r.point(), r.seed()).key(), r);
            }
            List<RunResult> all = new ArrayList<>();
            for (RunJournal.Unit u : plan) {
                all.add(done.containsKey(u.key()) ? done.get(u.key()) : ran.get(u.key()));
            }
            return all;
        }
    }

    /** Share i of N (a Slurm array task): every Nth run of the plan from the i-th, into share-i/runs.jsonl. */
    private int runShare(List<RunJournal.Unit> plan, Path dir) throws IOException, InterruptedException {
        String[] f = share.split("/");
        int i;
        int n;
        try {
            i = Integer.parseInt(f[0]);
            n = Integer.parseInt(f[1]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--share wants i/N, not '" + share + "'");
        }
        if (f.length != 2 || n < 1 || i < 1 || i > n) {
            throw new IllegalArgumentException("--share wants i/N with 1 <= i <= N, not '" + share + "'");
        }
        List<RunJournal.Unit> mine = shareOf(plan, i, n);
        System.out.printf("whatif %s: share %d of %d, %d of %d runs%n", name, i, n, mine.size(), plan.size());
        resume = true; // a share re-queued after a node failure continues
        List<RunResult> runs = runLocally(mine, shareJournal(dir, i));
        long failed = runs.stream().filter(r -> !r.ok()).count();
        System.out.printf("share %d of %d: %d runs, %d failed%n", i, n, runs.size(), failed);
        return 0; // failed runs are results, for the merge to report; a share fails only when it cannot run
    }

    /** The runs of share i of N: every Nth run of the plan from the i-th (what the share runs and the merge expects of it). */
    private static List<RunJournal.Unit> shareOf(List<RunJournal.Unit> plan, int i, int n) {
        List<RunJournal.Unit> mine = new ArrayList<>();
        for (int k = i - 1; k < plan.size(); k += n) {
            mine.add(plan.get(k));
        }
        return mine;
    }

    private static Path shareJournal(Path dir, int i) {
        return dir.resolve("share-" + i).resolve("runs.jsonl");
    }

    /** The merge job: every run of the plan from the shares' journals, or a refusal naming the shares that lack runs. */
    private List<RunResult> mergeShares(List<RunJournal.Unit> plan, Path dir) throws IOException {
        int n = mergeShares;
        List<Path> journals = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            journals.add(shareJournal(dir, i));
        }
        Map<String, RunResult> got = RunJournal.read(journals, plan);
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long lacking = shareOf(plan, i, n).stream().filter(u -> !got.containsKey(u.key())).count();
            if (lacking > 0) {
                Path log = dir.resolve("slurm").resolve("share-" + i + ".out");
                missing.add("share " + i + " lacks " + lacking + " run(s) (" + (Files.exists(journals.get(i - 1)) ? journals.get(i - 1)
                        : "no journal") + "; its log: " + log + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the merge has " + got.size() + " of " + plan.size() + " runs and writes no partial report:\n  "
                    + String.join("\n  ", missing) + "\nre-submit with the same options, or run the rest here with --resume after "
                    + "concatenating the shares' runs.jsonl into " + dir.resolve("runs.jsonl"));
        }
        try (RunJournal j = RunJournal.open(dir.resolve("runs.jsonl"), false)) {
            List<RunResult> all = new ArrayList<>();
            for (RunJournal.Unit u : plan) {
                RunResult r = got.get(u.key());
                j.add(r);
                all.add(r);
            }
            return all;
        }
    }

    /** The study as a Slurm job array of N shares and a merge job that writes the report (see {@link SlurmArray}). */
    private int onSlurm(List<RunJournal.Unit> plan, Path dir) throws IOException, InterruptedException {
        Path root = Synth.findRoot();
        SlurmArray s = new SlurmArray(root, dir.resolve("slurm"), "vtoe-whatif-" + name, slurmOptions.shares, slurmOptions.partition);
        for (int i = 1; i <= slurmOptions.shares; i++) {
            vtoe.tb.FileTree.delete(dir.resolve("share-" + i)); // runs of an earlier submission must not pass for this one's
        }
        List<String> base = new ArrayList<>();
        List<String> a = expandedArgs();
        for (int k = 0; k < a.size(); k++) {
            String x = a.get(k);
            String opt = x.contains("=") ? x.substring(0, x.indexOf('=')) : x;
            boolean takesValue = !x.contains("=") && List.of("--slurm", "--partition", "--out", "--publish").contains(opt);
            if (List.of("--slurm", "--partition", "--no-wait", "--resume", "--out", "--publish", "--no-progress").contains(opt)) {
                k += takesValue ? 1 : 0;
                continue;
            }
            base.add(x);
        }
        base.addAll(List.of("--out", out.toAbsolutePath().toString(), "--no-progress"));
        String q = String.join(" ", base.stream().map(SlurmArray::q).toList());
        String mergeArgs = q + " --merge-shares " + slurmOptions.shares + (publish == null ? "" : " --publish " + SlurmArray.q(publish.toAbsolutePath()
                .toString()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf("whatif %s: %d runs as %d Slurm shares -> %s%n", name, plan.size(), slurmOptions.shares, dir);
        try {
            SlurmArray.Jobs j = s.submit(java, vtoe.tb.regress.Regress.absoluteClasspath(), Whatif.class, q + " --share \"$SLURM_ARRAY_TASK_ID/"
                    + slurmOptions.shares + "\"", Whatif.class, mergeArgs);
            System.out.println(s.howToFollow(j, dir.resolve("summary.md").toString()));
            if (slurmOptions.noWait) {
                return 0;
            }
            String log = s.await(j, () -> {
                int done = 0;
                for (int i = 1; i <= slurmOptions.shares; i++) {
                    try {
                        Path f = shareJournal(dir, i);
                        done += Files.exists(f) ? Files.readAllLines(f).size() : 0;
                    } catch (IOException e) {
                        // being written: counted next time
                    }
                }
                return String.format("runs done %d/%d", done, plan.size());
            });
            System.out.print(log);
            if (!Files.exists(dir.resolve("summary.md")) || !log.contains("written: ")) {
                System.out.println("whatif: the merge job " + j.merge() + " wrote no report (its log is above, " + s.logDir().resolve("merge.out")
                        + ")");
                return 3;
            }
            return RunJournal.read(List.of(dir.resolve("runs.jsonl")), plan).values().stream().allMatch(RunResult::ok) ? 0 : 1;
        } catch (IllegalStateException e) {
            // Scheduler trouble, already put in words a person can act on.
            System.out.println("whatif: " + e.getMessage());
            return 3;
        }
    }

    private int report(Study study, List<RunResult> runs, Path dir, AreaMetrics areas) throws IOException {
        PrintStream o = System.out;
        runs.replaceAll(areas::apply);
        StudyReport report = new StudyReport(study, runs, command, dir);
        report.write();
        if (publish != null) {
            Path to = publish.resolve(name);
            Files.createDirectories(to);
            for (Path png : report.plotFiles()) {
                Files.copy(png, to.resolve(png.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            o.println("plots published to " + to);
        }
        o.println(report.consoleSummary());
        long failed = runs.stream().filter(r -> !r.ok()).count();
        for (RunResult r : runs) {
            if (!r.ok()) {
                o.println("FAILED " + r.engine() + " " + study.describe(r.point()) + " seed 0x" + Long.toHexString(r.seed()) + ": " + r.error());
                o.println("REPRODUCE: " + reproduce(study, r));
            }
        }
        o.println("written: " + dir.toAbsolutePath());
        return failed == 0 ? 0 : 1;
    }

    /** The command line as given, @-files expanded (what a Slurm share re-runs). */
    private List<String> expandedArgs() {
        return spec == null ? List.of() : spec.commandLine().getParseResult().expandedArgs();
    }

    private List<Long> seeds() {
        if (seed != null) {
            return List.of(Long.parseUnsignedLong(seed.replaceFirst("^0x", ""), 16));
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1, not " + seeds);
        }
        long m = Long.parseUnsignedLong(master.replaceFirst("^0x", ""), 16);
        List<Long> s = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            s.add(SeedExtension.derive(m, "Whatif", "seed", i));
        }
        return s;
    }

    private String reproduce(Study study, RunResult r) {
        StringBuilder b = new StringBuilder("./scripts/whatif --name reproduce");
        Map<String, String> v = r.point().values();
        Map<String, String> d = Point.defaults().values();
        v.forEach((k, x) -> {
            if (!x.equals(d.get(k))) {
                b.append(" --set ").append(k).append('=').append(x);
            }
        });
        b.append(" --seed ").append(Long.toHexString(r.seed()));
        if (r.engine().equals("rtl")) {
            b.append(" --rtl all");
        }
        return b.toString();
    }

    private ProgressBar bar(String task, long max) {
        return noProgress ? null : new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" runs", 1).build();
    }

    private List<RunResult> runTlm(List<RunJournal.Unit> units, RunJournal journal) throws InterruptedException {
        List<RunResult> results = new ArrayList<>();
        if (units.isEmpty()) {
            return results;
        }
        PointRunner.elaborated(); // once, before the workers start
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        List<Future<RunResult>> futures = new ArrayList<>();
        for (RunJournal.Unit u : units) {
            futures.add(pool.submit(() -> {
                RunResult r = PointRunner.tlm(u.point(), u.seed(), payload);
                journal.add(r);
                return r;
            }));
        }
        pool.shutdown();
        try (ProgressBar pb = bar("TLM", futures.size())) {
            for (Future<RunResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a TLM run crashed: " + e.getCause(), e.getCause());
                }
                if (pb != null) {
                    pb.step();
                }
            }
        }
        return results;
    }

    /** On the RTL one run at a time: each holds a Verilated model and its native memory. */
    private List<RunResult> runRtl(List<RunJournal.Unit> units, RunJournal journal) {
        List<RunResult> results = new ArrayList<>();
        if (units.isEmpty()) {
            return results;
        }
        try (ProgressBar pb = bar("RTL", units.size())) {
            for (RunJournal.Unit u : units) {
                RunResult r = PointRunner.rtl(u.point(), u.seed());
                journal.add(r);
                results.add(r);
                if (pb != null) {
                    pb.step();
                }
            }
        }
        return results;
    }

    static Map<String, String> parseAssignments(String what, String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : text.split(",")) {
            String[] p = kv.split("=", 2);
            if (p.length != 2 || p[0].isBlank()) {
                throw new IllegalArgumentException(what + " takes PARAM=VALUE[,PARAM=VALUE...], not '" + text + "'");
            }
            m.put(p[0].strip(), p[1].strip());
        }
        return m;
    }
}
