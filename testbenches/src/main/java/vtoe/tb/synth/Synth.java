package vtoe.tb.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vtoe.tb.rtlcfg.ConfigOptions;
import vtoe.tb.rtlcfg.RtlConfig;

/**
 * The main job of {@code ./scripts/synth}: elaborates a top with the given AdapterParams into the Yosys
 * flavour of the Verilog ({@code vtoe.rtl.SynthElaborate}, run with the rtl module's classpath), runs
 * Yosys 0.23's {@code synth_xilinx} and generic {@code synth} on it, and writes
 * {@code target/synth/<config>/}: the Verilog, both Yosys scripts and logs, {@code report.json}
 * ({@link SynthReport}) and {@code report.md}.
 *
 * <p>Java rather than bash + awk: the figures come from {@code stat -json} and the memory inventory from
 * Yosys's JSON netlist, which Jackson reads directly; the two flows run in parallel with a timeout each,
 * and the test drives the same code in-process.
 *
 * <p>Cache: the report is kept while the fingerprint (SHA-256 of the Verilog, both scripts and the Yosys
 * version) is unchanged and both flows finished (or were stopped by a timeout or memory limit that the new
 * call does not raise), so a second call with the same RTL and parameters only re-elaborates (seconds).
 *
 * <p>Yosys runs with {@code ulimit -v} (--memory-limit) and an optional timeout, both reported with the pass
 * Yosys had reached, so that a configuration too large for the machine ends with a figure of how far it got.
 */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = "Synthesises the adapter with Yosys (synth_xilinx and generic synth) and reports LUTs, "
                + "flip-flops, RAM, DSPs, carry cells, generic cells and logic depth in target/synth/<config>/.")
public final class Synth implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--top", description = "top module: VtoeAdapter or FetchTop (default: ${DEFAULT-VALUE})")
    String top = "VtoeAdapter";

    @Option(names = "--jobs", arity = "0..1", fallbackValue = "2",
            description = "Yosys runs at once: 2 runs the xilinx and the generic flow side by side (--jobs alone means 2; "
                    + "default: ${DEFAULT-VALUE})")
    int jobs = 1;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "stop a Yosys run after this long and report how far it got (default: none)")
    long timeoutSeconds;

    @Option(names = "--memory-limit", paramLabel = "GiB",
            description = "virtual memory per Yosys run (ulimit -v), so that a huge configuration fails alone rather than "
                    + "push the shared machine into swap or the OOM killer (default: ${DEFAULT-VALUE})")
    int memoryLimitGiB = 12;

    @Option(names = "--generic-only", description = "run only the generic flow (about a minute for the adapter, where synth_xilinx "
            + "takes 3-4 on this 2-core machine, longer for configurations with more memory); the report's xilinx figures are left out")
    boolean genericOnly;

    @Option(names = "--force", description = "synthesise even if the cached report matches")
    boolean force;

    @Option(names = "--out", description = "output folder (default: <root>/target/synth)")
    Path out;

    @Option(names = "--benchmarks", paramLabel = "FILE",
            description = "also write the summary table as the \"" + SECTION + "\" section of FILE (BENCHMARKS.md)")
    Path benchmarks;

    @Option(names = "--root", hidden = true, description = "the vtoe checkout (default: found from the working directory)")
    Path root;

    @Option(names = "--rtl-classes", paramLabel = "DIR", description = "compiled RTL to elaborate, e.g. a copy taken for a "
            + "long run while others rebuild the checkout (default: <root>/rtl/target/classes)")
    Path rtlClasses;

    @Option(names = "--command", hidden = true, description = "the command line to record in BENCHMARKS.md")
    String command = "./scripts/synth";

    /** The heading of the section that {@code --benchmarks} writes (and {@code ./scripts/bench} keeps). */
    public static final String SECTION = "## Synthesis (Yosys 0.23, synth_xilinx)";

    /** What to synthesise. {@code params} are AdapterParams fields; unnamed ones keep their defaults. */
    public record Request(Path root, Path out, String top, Map<String, Integer> params, int jobs, long timeoutSeconds,
            int memoryLimitGiB, boolean force, Path rtlClasses, boolean genericOnly) {
        public Request(Path root, Path out, String top, Map<String, Integer> params, int jobs, long timeoutSeconds,
                int memoryLimitGiB, boolean force) {
            this(root, out, top, params, jobs, timeoutSeconds, memoryLimitGiB, force, root.resolve("rtl/target/classes"), false);
        }

        /**
         * The folder name: c64-d8-t16-r16, then any other parameter in name order, then the top if not the adapter.
         * For VtoeAdapter it is the name of the same configuration's co-simulation build
         * ({@link RtlConfig#key}), so target/synth/X/ and target/rtl-builds/X/ are one configuration.
         */
        public String config() {
            StringBuilder s = new StringBuilder(String.format("c%d-d%d-t%d-r%d", get("numConns", 4), get("dataBytes", 8),
                    get("tags", 16), get("retained", 16)));
            new TreeMap<>(params).forEach((k, v) -> {
                if (!RtlConfig.NAMED.contains(k)) {
                    s.append('-').append(k).append(v);
                }
            });
            return top.equals("VtoeAdapter") ? s.toString() : top + "-" + s;
        }

        private int get(String k, int dflt) {
            return params.getOrDefault(k, dflt);
        }
    }

    /** The report, where it is, and whether it came from the cache. */
    public record Result(SynthReport report, Path dir, boolean reused) {}

    /** A configuration that cannot be synthesised (bad parameter, missing tool); the message says why. */
    public static final class SynthException extends Exception {
        private static final long serialVersionUID = 1L;

        public SynthException(String message) {
            super(message);
        }
    }

    private static final String REPORT_FORMAT = "1";

    public static void main(String[] args) {
        // Stopped from outside (Ctrl-C, `timeout`): take Yosys down too rather than leave it running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly)));
        System.exit(new CommandLine(new Synth()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path r = root != null ? root : findRoot();
        Path o = out != null ? out : r.resolve("target/synth");
        String load = loadAverage();
        List<Result> results = new ArrayList<>();
        for (int n : config.conns) {
            Map<String, Integer> p = new LinkedHashMap<>();
            try {
                config.assignments(n).forEach((k, v) -> p.put(k, Integer.parseInt(v)));
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            try {
                results.add(run(new Request(r, o, top, p, jobs, timeoutSeconds, memoryLimitGiB, force,
                        rtlClasses != null ? rtlClasses.toAbsolutePath() : r.resolve("rtl/target/classes"), genericOnly), System.out));
            } catch (SynthException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
        }
        System.out.println();
        System.out.print(summaryTable(results.stream().map(Result::report).toList()));
        for (Result res : results) {
            System.out.println("report: " + res.dir().resolve("report.md"));
        }
        if (benchmarks != null) {
            writeSection(benchmarks, benchmarksSection(results.stream().map(Result::report).toList(), command, load,
                    commit(r, "rtl/src")));
            System.out.println("written: " + benchmarks.toAbsolutePath() + " (section \"" + SECTION + "\")");
        }
        boolean allDone = results.stream().allMatch(res -> (genericOnly || res.report().xilinx() != null) && res.report().generic() != null);
        return allDone ? 0 : 1;
    }

    /** Elaborates, synthesises (unless the cached report matches) and writes the report. */
    public static Result run(Request req, PrintStream log) throws IOException, InterruptedException, SynthException {
        String config = req.config();
        Path dir = req.out().resolve(config);
        String yosys = yosysVersion();
        if (!yosys.startsWith("Yosys 0.23")) {
            log.println("warning: " + yosys + " found; the figures in BENCHMARKS.md come from Yosys 0.23");
        }

        // 1. Elaborate into a scratch folder (the Verilog decides whether the cached figures still hold).
        String commit = commit(req.root(), "rtl/src"); // now: the checkout may move while Yosys runs; "+changes" for RTL edits
        Path elab = req.out().resolve(".elaborating-" + config);
        vtoe.tb.FileTree.delete(elab);
        long t0 = System.nanoTime();
        elaborate(req, elab, log);
        double elabSeconds = (System.nanoTime() - t0) / 1e9;
        String verilogName = req.top() + ".sv";
        byte[] verilog = Files.readAllBytes(elab.resolve(verilogName));
        Map<String, String> scripts = new LinkedHashMap<>();
        scripts.put("xilinx", xilinxScript(req.top(), verilogName));
        scripts.put("generic", genericScript(req.top(), verilogName));
        Map<String, String> fingerprints = new LinkedHashMap<>();
        scripts.forEach((flow, ys) -> fingerprints.put(flow, sha256(verilog, ys.getBytes(StandardCharsets.UTF_8),
                yosys.getBytes(StandardCharsets.UTF_8), REPORT_FORMAT.getBytes(StandardCharsets.UTF_8))));

        // 2. The cache, per flow: same Verilog, script and Yosys, and the run finished or was stopped by a
        //    limit this request does not raise (no point in timing out again after the same 25 minutes).
        Path reportJson = dir.resolve("report.json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        SynthReport old = null;
        if (!req.force() && Files.exists(reportJson)) {
            try {
                old = json.readValue(reportJson.toFile(), SynthReport.class);
            } catch (IOException e) {
                log.println(config + ": unreadable old report (" + e.getMessage() + "); synthesising again");
            }
        }
        // --generic-only: the xilinx flow is not run now; figures of an earlier run of the same Verilog stay.
        boolean oldX = old != null && reusable(old.xilinxRun(), fingerprints.get("xilinx"), req);
        boolean keepX = oldX || req.genericOnly();
        boolean keepG = old != null && reusable(old.genericRun(), fingerprints.get("generic"), req);
        if (keepX && keepG) {
            vtoe.tb.FileTree.delete(elab);
            log.println(config + ": Verilog unchanged since the last synthesis; report kept: " + dir.resolve("report.md")
                    + " (--force synthesises again)");
            return new Result(old, dir, true);
        }

        // 3. Synthesise the flows not kept: the folder holds the Verilog, the scripts, their logs and the report.
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(elab)) {
            for (Path f : files.toList()) {
                Files.move(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        vtoe.tb.FileTree.delete(elab);
        List<String> todo = new ArrayList<>();
        for (String flow : scripts.keySet()) {
            if (flow.equals("xilinx") ? keepX : keepG) {
                continue;
            }
            todo.add(flow);
            for (String f : List.of(flow + ".log", flow + ".console.txt", "stat_" + flow + ".json", "stat_" + flow + ".txt",
                    "ltp_" + flow + ".txt")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            if (flow.equals("generic")) {
                Files.deleteIfExists(dir.resolve("memories.json"));
            }
            Files.writeString(dir.resolve(flow + ".ys"), scripts.get(flow));
        }
        log.printf("%s: synthesising with %s (%s%s); logs in %s%n", config, yosys, String.join(" and ", todo),
                todo.size() < 2 ? (req.genericOnly() ? ", --generic-only" : ", the other flow's figures kept") : req.jobs() >= 2 ? ", side by side" : ", one after the other",
                dir);
        Map<String, SynthReport.Run> runs = new LinkedHashMap<>();
        if (req.jobs() >= 2 && todo.size() == 2) {
            Map<String, CompletableFuture<SynthReport.Run>> running = new LinkedHashMap<>();
            for (String flow : todo) {
                running.put(flow, CompletableFuture.supplyAsync(() -> yosysUnchecked(dir, flow, fingerprints.get(flow), req)));
            }
            try {
                for (var e : running.entrySet()) {
                    runs.put(e.getKey(), e.getValue().get());
                }
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        } else {
            for (String flow : todo) {
                runs.put(flow, yosys(dir, flow, fingerprints.get(flow), req));
            }
        }
        runs.forEach((flow, r) -> log.printf("%s: %s flow %s in %.0f s%n", config, flow, r.status(), r.seconds()));

        SynthReport.Run xRun = oldX ? old.xilinxRun() : keepX ? new SynthReport.Run("yosys -s xilinx.ys", fingerprints.get("xilinx"), false,
                "not run (--generic-only)", 0, null, null, "") : runs.get("xilinx");
        SynthReport.Run gRun = keepG ? old.genericRun() : runs.get("generic");
        SynthReport.Xilinx x = oldX ? old.xilinx() : keepX ? null : xRun.finished()
                ? SynthReport.xilinx(dir.resolve("stat_xilinx.json"), dir.resolve("stat_xilinx.txt"), dir.resolve("ltp_xilinx.txt"))
                : null;
        // Without a synth_xilinx run of this Verilog, an older xilinx.log would tell of other memories: not read.
        List<SynthReport.Memory> mems = SynthReport.memories(dir.resolve("memories.json"), keepX && !oldX ? dir.resolve("xilinx.log.none")
                : dir.resolve("xilinx.log"));
        SynthReport.Generic g = keepG ? old.generic() : gRun.finished()
                ? SynthReport.generic(dir.resolve("stat_generic.json"), dir.resolve("ltp_generic.txt"), mems)
                : null;
        var params = json.readTree(dir.resolve("params.json").toFile());
        Map<String, Integer> all = new LinkedHashMap<>();
        params.get("params").fields().forEachRemaining(e -> all.put(e.getKey(), e.getValue().asInt()));
        SynthReport report = new SynthReport(config, req.top(), all, commit, LocalDate.now().toString(), yosys,
                params.get("loweringOptions").asText(), sha256(verilog), elabSeconds, xRun, x, gRun, g, mems);
        json.writeValue(reportJson.toFile(), report);
        Files.writeString(dir.resolve("report.md"), report.toMarkdown());
        return new Result(report, dir, false);
    }

    /**
     * How flip-flops, LUTs and block RAM grow from the fewest connections to the most among reports that differ in
     * nothing else (issue 12's target: flip-flops under 2x from 64 to 4096, the per-connection state being in
     * RAM); empty when there are no two such reports or a flow did not finish on either end.
     */
    public static String growth(List<SynthReport> reports) {
        Map<String, Integer> rest = allButConns(reports.get(0));
        List<SynthReport> same = reports.stream().filter(r -> allButConns(r).equals(rest) && r.top().equals(reports.get(0).top()))
                .sorted(java.util.Comparator.comparingInt(r -> r.params().get("numConns"))).toList();
        if (same.size() < 2) {
            return "";
        }
        SynthReport lo = same.get(0);
        SynthReport hi = same.get(same.size() - 1);
        int a = lo.params().get("numConns");
        int b = hi.params().get("numConns");
        StringBuilder s = new StringBuilder();
        if (lo.xilinx() != null && hi.xilinx() != null) {
            s.append(String.format(java.util.Locale.ROOT,
                    "From %d to %d connections (%.0fx): flip-flops %,d to %,d (%.2fx), LUTs %,d to %,d (%.2fx), block RAM %,d to %,d bits (%.1fx) (synth_xilinx)",
                    a, b, (double) b / a, lo.xilinx().flipFlops(), hi.xilinx().flipFlops(),
                    (double) hi.xilinx().flipFlops() / lo.xilinx().flipFlops(), lo.xilinx().luts(), hi.xilinx().luts(),
                    (double) hi.xilinx().luts() / lo.xilinx().luts(), lo.xilinx().bramBits(), hi.xilinx().bramBits(),
                    (double) hi.xilinx().bramBits() / lo.xilinx().bramBits()));
        }
        if (lo.generic() != null && hi.generic() != null) {
            s.append(s.length() == 0 ? String.format(java.util.Locale.ROOT, "From %d to %d connections: ", a, b) : "; ")
                    .append(String.format(java.util.Locale.ROOT, "generic flip-flops %,d to %,d (%.2fx)", lo.generic().flipFlops(),
                            hi.generic().flipFlops(), (double) hi.generic().flipFlops() / lo.generic().flipFlops()));
        }
        if (s.length() == 0) {
            return "";
        }
        return s.append(". Issue 12's target: flip-flops grow by less than 2x from 64 to 4096 connections.").toString();
    }

    /** A report's parameters without numConns: what the configurations of one table share. */
    private static Map<String, Integer> allButConns(SynthReport r) {
        Map<String, Integer> m = new LinkedHashMap<>(r.params());
        m.remove("numConns");
        return m;
    }

    /**
     * The BENCHMARKS.md section: how it was made, the summary table, the growth with connections, what the columns
     * mean, the memories. {@code commitNow}: the checkout's commit as the section is written. A report kept from the cache was made
     * from the same Verilog at an earlier commit, so the section names both rather than the first report's alone.
     */
    public static String benchmarksSection(List<SynthReport> reports, String command, String load, String commitNow) {
        SynthReport first = reports.get(0);
        List<String> earlier = reports.stream().map(SynthReport::commit).filter(c -> !c.equals(commitNow)).distinct().toList();
        String commits = commitNow + (earlier.isEmpty() ? ""
                : " (reports kept from syntheses of the same Verilog at " + String.join(", ", earlier) + ")");
        StringBuilder s = new StringBuilder(SECTION).append("\n\n");
        Map<String, Integer> fixed = allButConns(first);
        s.append("Written by `").append(command).append("` on ").append(first.date()).append(", commit ").append(commits)
                .append(", ").append(vtoe.tb.bench.Bench.machine()).append(", load average ").append(load)
                .append(" at the start (the machine is shared: wall times move with other work, CPU times much less). ")
                .append(first.yosysVersion()).append(". ").append(first.top()).append(" with ").append(fixed)
                .append("; the Verilog is the Yosys flavour (`vtoe.rtl.SynthElaborate`: firtool `--lowering-options=")
                .append(first.loweringOptions()).append("`, Verification layers disabled). Reports with every figure: ")
                .append("`target/synth/<config>/report.md`.\n\n");
        s.append(summaryTable(reports)).append('\n');
        String growth = growth(reports);
        if (!growth.isEmpty()) {
            s.append(growth).append("\n\n");
        }
        s.append("*LUTs*: logic LUTs (LUT1..LUT6) after `synth_xilinx -top ").append(first.top())
                .append(" -flatten` (7-series). *FFs*: FDRE/FDSE/FDCE/FDPE. *BRAM*: RAMB18E1 + RAMB36E1 primitives and their ")
                .append("capacity in bits. *LUTRAM*: LUTs used as distributed RAM and their capacity (64 bits each). *DSPs*: ")
                .append("DSP48E1. *CARRY4*: carry-chain cells. *LUT levels*: `ltp -noff` over the LUT, MUXF7/8 and CARRY4 cells, ")
                .append("i.e. the longest chain of them between flip-flops, RAMs and ports. *Generic cells*, *generic FFs*, ")
                .append("*memories*: the generic `synth -top ").append(first.top()).append(" -flatten` with `memory_map` left out ")
                .append("(Yosys's own gates after abc; each memory stays one cell, its bits counted apart; with `memory_map` the ")
                .append("64-connection adapter is 1.5 M gates, 93% of them memory bits as flip-flops and multiplexers, and abc ")
                .append("crashed on it). *Depth*: `ltp -noff` on that netlist with the memories left out, gates on the longest ")
                .append("path between flip-flops, memories and ports (unit delay per gate). Times: wall time of each Yosys run ")
                .append("(CPU time of Yosys and abc in brackets); a run stopped by `--timeout` or the memory limit shows the pass ")
                .append("it had reached.\n\n");
        s.append(memoryTable(reports));
        return s.toString();
    }

    /** Where each memory of at least 1 Kibit went, per configuration. */
    static String memoryTable(List<SynthReport> reports) {
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (SynthReport r : reports) {
            for (SynthReport.Memory m : r.memories()) {
                if (m.bits() >= 1024) {
                    rows.computeIfAbsent(m.name(), k -> new LinkedHashMap<>()).put(r.config(),
                            String.format("%d x %d, %d W / %d R (%d async): %s", m.depth(), m.width(), m.writePorts(),
                                    m.readPorts(), m.asyncReadPorts(), m.mappedTo()));
                }
            }
        }
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("Memories of at least 1 Kibit (depth x width, write/read ports) and what "
                + "`synth_xilinx` made of them:\n\n| memory |");
        reports.forEach(r -> s.append(' ').append(r.config()).append(" |"));
        s.append("\n|---|");
        reports.forEach(r -> s.append("---|"));
        s.append('\n');
        rows.forEach((name, byConfig) -> {
            s.append("| ").append(name).append(" |");
            reports.forEach(r -> s.append(' ').append(byConfig.getOrDefault(r.config(), "–")).append(" |"));
            s.append('\n');
        });
        return s.append('\n').toString();
    }

    /** Replaces the {@link #SECTION} of {@code file} (or appends it) with {@code section}. */
    static void writeSection(Path file, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "";
        String kept = vtoe.tb.bench.MarkdownSection.of(text, SECTION);
        String body = kept.isEmpty() ? text : text.replace(kept, "");
        if (!body.isEmpty() && !body.endsWith("\n\n")) {
            body = body.endsWith("\n") ? body + "\n" : body + "\n\n";
        }
        Files.writeString(file, body + section);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Whether a run of an earlier report stands: same Verilog, script and Yosys (the fingerprint), and running
     * again could not change its outcome: it finished, or hit a limit not raised since.
     */
    static boolean reusable(SynthReport.Run run, String fingerprint, Request req) {
        if (run == null || !fingerprint.equals(run.fingerprint())) {
            return false;
        }
        if (run.finished()) {
            return true;
        }
        Matcher t = Pattern.compile("timeout after (\\d+) s").matcher(run.status());
        if (t.find()) {
            return req.timeoutSeconds() > 0 && req.timeoutSeconds() <= Long.parseLong(t.group(1));
        }
        Matcher m = Pattern.compile("out of memory: limit (\\d+) GiB").matcher(run.status());
        return m.find() && req.memoryLimitGiB() <= Integer.parseInt(m.group(1));
    }

    /** A markdown table of the main figures, one row per report (what BENCHMARKS.md holds). */
    public static String summaryTable(List<SynthReport> reports) {
        StringBuilder s = new StringBuilder();
        s.append("| config | LUTs | FFs | BRAM prim. (bits) | LUTRAM LUTs (bits) | DSPs | CARRY4 | LUT levels | xilinx time (CPU) "
                + "| generic cells | generic FFs | memories (bits) | depth | generic time (CPU) |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SynthReport r : reports) {
            SynthReport.Xilinx x = r.xilinx();
            SynthReport.Generic g = r.generic();
            s.append("| ").append(r.config()).append(" | ");
            if (x != null) {
                s.append(String.format("%d | %d | %d (%d) | %d (%d) | %d | %d | %d | ", x.luts(), x.flipFlops(),
                        x.ramb18() + x.ramb36(), x.bramBits(), x.lutramLuts(), x.lutramBits(), x.dsps(), x.carryCells(),
                        x.lutLevels()));
            } else {
                s.append("– | – | – | – | – | – | – | ");
            }
            s.append(time(r.xilinxRun())).append(" | ");
            s.append(g != null ? String.format("%d | %d | %d (%d) | %d | ", g.cells(), g.flipFlops(), g.memories(), g.memoryBits(),
                    g.depth()) : "– | – | – | – | ");
            s.append(time(r.genericRun())).append(" |\n");
        }
        return s.toString();
    }

    private static String time(SynthReport.Run r) {
        if (r == null) {
            return "–";
        }
        String t = String.format("%.0f s", r.seconds()) + (r.cpuSeconds() == null ? "" : String.format(" (%.0f s)", r.cpuSeconds()));
        return r.finished() ? t : r.lastPass() == null || r.lastPass().isEmpty() ? r.status() : r.status() + ", at " + r.lastPass();
    }

    /** synth_xilinx, then the figures; {@code ltp} over LUT/MUXF/CARRY cells only (wires selected too, or ltp sees no path). */
    static String xilinxScript(String top, String verilog) {
        return """
                # Written by ./scripts/synth (vtoe.tb.synth.Synth). Run here with: yosys -s xilinx.ys
                read_verilog -sv %2$s
                synth_xilinx -top %1$s -flatten
                tee -q -o stat_xilinx.json stat -json
                tee -q -o stat_xilinx.txt stat -tech xilinx
                # LUT levels: the longest chain of LUT, MUXF7/8 and CARRY4 cells (FFs, RAMs and ports end a path)
                tee -q -o ltp_xilinx.txt ltp -noff w:* t:LUT* t:MUXF* t:CARRY*
                """.formatted(top, verilog);
    }

    /**
     * The generic synth: {@code synth -top <Top> -flatten} with one step left out, {@code memory_map}. Its
     * coarse section runs as is; then the memories ({@code $mem_v2} cells) are saved as the inventory, and
     * the fine and check sections run by hand without {@code memory_map}, so every memory stays one cell.
     * With it, the memories' bits become flip-flops and multiplexers: 1.5 M gates at 64 connections, 93% of
     * them memory, on which abc crashed after 50 minutes; at 1024 connections 4 Mbit of memory would be
     * tens of millions of gates. The memories' bits are reported separately, from the inventory.
     */
    static String genericScript(String top, String verilog) {
        return """
                # Written by ./scripts/synth (vtoe.tb.synth.Synth). Run here with: yosys -s generic.ys
                # = synth -top %1$s -flatten without memory_map: the memories stay $mem_v2 cells.
                read_verilog -sv %2$s
                synth -top %1$s -flatten -run :fine
                select t:$mem_v2
                json -o memories.json
                select -clear
                # synth's fine section, memory_map left out
                opt -fast -full
                opt -full
                techmap
                opt -fast
                abc -fast
                opt -fast
                # synth's check section
                hierarchy -check
                check
                tee -q -o stat_generic.json stat -json
                # Logic depth: gates on the longest path between flip-flops, memories and ports
                tee -q -o ltp_generic.txt ltp -noff w:* t:* t:$mem_v2 %%d
                """.formatted(top, verilog);
    }

    private static SynthReport.Run yosysUnchecked(Path dir, String flow, String fingerprint, Request req) {
        try {
            return yosys(dir, flow, fingerprint, req);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One Yosys run of {@code <flow>.ys} in {@code dir}, logging to {@code <flow>.log}. */
    private static SynthReport.Run yosys(Path dir, String flow, String fingerprint, Request req)
            throws IOException, InterruptedException {
        Path logFile = dir.resolve(flow + ".log");
        Path console = dir.resolve(flow + ".console.txt");
        Path cpuFile = dir.resolve(flow + ".cpu.txt");
        long t0 = System.nanoTime();
        // Through bash for its `times`: the CPU time of Yosys and its abc children, which load from other
        // work on a shared machine does not inflate the way it inflates the wall time.
        Process p = new ProcessBuilder("bash", "-c", "ulimit -v $4; yosys -q -l \"$1\" -s \"$2\"; rc=$?; times > \"$3\"; exit $rc",
                "yosys", logFile.getFileName().toString(), flow + ".ys", cpuFile.getFileName().toString(),
                Long.toString(req.memoryLimitGiB() * 1024L * 1024L))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        boolean done = true;
        try {
            if (req.timeoutSeconds() > 0) {
                done = p.waitFor(req.timeoutSeconds(), TimeUnit.SECONDS);
            } else {
                p.waitFor();
            }
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (Files.exists(console) && Files.size(console) == 0) {
            Files.delete(console);
        }
        String text = Files.exists(logFile) ? Files.readString(logFile) : "";
        Matcher pass = Pattern.compile("(?m)^[\\d.]+ Executing (\\S+ (?:pass|frontend))").matcher(text);
        String last = "(none)";
        while (pass.find()) {
            last = pass.group(1);
        }
        Matcher peak = Pattern.compile("MEM: ([\\d.]+) MB peak").matcher(text);
        Double peakMiB = null;
        while (peak.find()) {
            peakMiB = Double.parseDouble(peak.group(1));
        }
        Double cpu = null;
        if (Files.exists(cpuFile)) {
            // `times`: the shell's user and system time, then its children's (Yosys and abc).
            Matcher t = Pattern.compile("(\\d+)m([\\d.]+)s").matcher(Files.readString(cpuFile));
            double[] v = new double[4];
            for (int i = 0; i < 4 && t.find(); i++) {
                v[i] = 60 * Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2));
            }
            cpu = v[2] + v[3];
            Files.delete(cpuFile);
        }
        String script = "yosys -s " + flow + ".ys";
        if (!done) {
            return new SynthReport.Run(script, fingerprint, false, "timeout after " + req.timeoutSeconds() + " s", seconds, null, null,
                    last);
        }
        if (p.exitValue() != 0) {
            String out = Files.exists(console) ? Files.readString(console) : "";
            Matcher err = Pattern.compile("(?m)ERROR: .*$").matcher(text + out);
            String why = out.contains("bad_alloc") ? ", out of memory: limit " + req.memoryLimitGiB() + " GiB"
                    : err.find() ? ": " + err.group() : "";
            return new SynthReport.Run(script, fingerprint, false, "failed (exit " + p.exitValue() + why + ")", seconds, cpu, null,
                    last);
        }
        return new SynthReport.Run(script, fingerprint, true, "ok", seconds, cpu, peakMiB, last);
    }

    /** Runs vtoe.rtl.SynthElaborate with the rtl module's classpath; its "error: ..." becomes the exception. */
    private static void elaborate(Request req, Path into, PrintStream log)
            throws IOException, InterruptedException, SynthException {
        Path rtl = req.root().resolve("rtl/target");
        Path cpFile = rtl.resolve("classpath.txt");
        if (!Files.exists(cpFile) || !Files.exists(req.rtlClasses().resolve("vtoe/rtl/SynthElaborate.class"))) {
            throw new SynthException("the rtl module is not built (" + cpFile + " or SynthElaborate.class missing): "
                    + "run ./scripts/synth, or mvn -pl rtl compile");
        }
        String cp = req.rtlClasses() + java.io.File.pathSeparator + Files.readString(cpFile).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + rtl.resolve("home"), "-cp", cp, "vtoe.rtl.SynthElaborate", into.toString(),
                "top=" + req.top()));
        req.params().forEach((k, v) -> cmd.add(k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // As rtl/pom.xml does: firtool comes from the llvm-firtool jar into target/, nothing is downloaded.
        pb.environment().put("CHISEL_FIRTOOL_CACHE", rtl.resolve("firtool-cache").toString());
        pb.environment().put("COURSIER_CACHE", rtl.resolve("coursier-cache").toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            List<String> errors = output.lines().filter(l -> l.startsWith("error: ")).map(l -> l.substring(7)).toList();
            throw new SynthException(errors.isEmpty() ? "elaboration failed (exit " + rc + "):\n" + output
                    : String.join("; ", errors) + " (bad configuration, nothing synthesised)");
        }
        output.lines().forEach(l -> log.println("  " + l));
    }

    static String yosysVersion() throws SynthException, InterruptedException {
        try {
            Process p = new ProcessBuilder("yosys", "-V").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || !v.startsWith("Yosys")) {
                throw new SynthException("'yosys -V' failed: " + v);
            }
            return v;
        } catch (IOException e) {
            throw new SynthException("yosys not found: ./scripts/setup installs it (Debian package yosys)");
        }
    }

    /** The checkout's commit, with "+changes" when tracked files under {@code paths} (the whole tree if none) differ from it. */
    public static String commit(Path root, String... paths) {
        try {
            String head = git(root, "rev-parse", "--short", "HEAD").trim();
            List<String> diff = new ArrayList<>(List.of("diff", "--stat", "HEAD", "--"));
            diff.addAll(List.of(paths));
            return git(root, diff.toArray(String[]::new)).isBlank() ? head : head + "+changes";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static String git(Path root, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(s);
        }
        return s;
    }

    /** The checkout: the working directory or the nearest parent holding rtl/pom.xml and scripts/lib.sh. */
    public static Path findRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("rtl/pom.xml")) && Files.exists(d.resolve("scripts/lib.sh"))) {
                return d;
            }
        }
        throw new IllegalStateException("not inside a vtoe checkout: " + Path.of("").toAbsolutePath());
    }

    private static String sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] b : parts) {
                md.update(b);
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
