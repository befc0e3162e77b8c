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
            Point.defaults().values().forEach((k, v) -> o.printf("  %-16s %s%n", k, v));
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
        Path dir = out.resolve(name);
        Files.createDirectories(dir);
        o.printf("whatif %s: %d points x %d seeds on the TLM%s -> %s%n", name, points.size(), seedList.size(),
                rtlPoints.isEmpty() ? "" : ", " + rtlPoints.size() + " points on the RTL", dir);
        List<RunResult> runs = runTlm(points, seedList);
        List<Long> rseeds = seedList.subList(0, Math.min(seedList.size(), rtlSeeds == null ? seedList.size() : rtlSeeds));
        runs.addAll(runRtl(rtlPoints, rseeds));
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

    private List<RunResult> runTlm(List<Point> points, List<Long> seedList) throws InterruptedException {
        PointRunner.elaborated(); // once, before the workers start
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        List<Future<RunResult>> futures = new ArrayList<>();
        for (Point p : points) {
            for (long s : seedList) {
                futures.add(pool.submit(() -> PointRunner.tlm(p, s, payload)));
            }
        }
        pool.shutdown();
        List<RunResult> results = new ArrayList<>();
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
    private List<RunResult> runRtl(List<Point> points, List<Long> seedList) {
        List<RunResult> results = new ArrayList<>();
        if (points.isEmpty()) {
            return results;
        }
        try (ProgressBar pb = bar("RTL", (long) points.size() * seedList.size())) {
            for (Point p : points) {
                for (long s : seedList) {
                    results.add(PointRunner.rtl(p, s));
                    if (pb != null) {
                        pb.step();
                    }
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
