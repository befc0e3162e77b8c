package vtoe.tb.regress;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Verilator coverage across a regression. Every run writes a coverage file of several MB; a worker
 * folds each into one map as soon as the run ends and deletes it, so a thousand runs do not fill the
 * disk. The parent then merges the workers' files, counts line, branch and toggle points hit per type
 * after the reviewed waivers ({@link CoverageWaivers}), and has {@code verilator_coverage} and
 * {@code genhtml} (lcov) write the HTML report.
 *
 * <p>The coverage-file parser is ours because the only other reader, {@code verilator_coverage}, writes
 * merged files and lcov info but does not report totals per coverage type.
 */
public final class CoverageMerge {
    private CoverageMerge() {}

    /** Adds one Verilator coverage file ({@code C '<key>' <count>} lines) into {@code into}. */
    static void read(Path dat, Map<String, Long> into) throws IOException {
        for (String line : Files.readAllLines(dat, StandardCharsets.ISO_8859_1)) {
            if (!line.startsWith("C '")) {
                continue;
            }
            int end = line.lastIndexOf("' ");
            into.merge(line.substring(3, end), Long.parseLong(line.substring(end + 2).strip()), Long::sum);
        }
    }

    static void write(Map<String, Long> points, Path dat) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(dat, StandardCharsets.ISO_8859_1)) {
            w.write("# SystemC::Coverage-3\n");
            for (Map.Entry<String, Long> e : points.entrySet()) {
                w.write("C '" + e.getKey() + "' " + e.getValue() + "\n");
            }
        }
    }

    /** A worker's running total, folded in after every run. */
    static final class Accumulator {
        private final Path dir;
        private final Map<String, Long> points = new HashMap<>();

        Accumulator(Path dir) {
            this.dir = dir;
        }

        void collect() throws IOException {
            if (!Files.isDirectory(dir)) {
                return;
            }
            try (var s = Files.list(dir)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".dat") && !f.getFileName().toString().startsWith("merged")).toList()) {
                    read(p, points);
                    Files.delete(p);
                }
            }
        }

        void write() throws IOException {
            collect();
            Files.createDirectories(dir);
            CoverageMerge.write(points, dir.resolve("merged.dat"));
        }
    }

    /** What the issue asks of the merged RTL coverage, per type, in percent of the points not waived. */
    static final Map<String, Double> TARGETS = Map.of("line", 90.0, "branch", 95.0, "toggle", 85.0);

    /**
     * Merges every worker's file under {@code covDir}, applies the waivers, writes the HTML report and
     * the list of points neither hit nor waived ({@code uncovered.txt}), and returns the summary lines.
     */
    static String merge(Path covDir, Path html, Path waiverFile) throws IOException, InterruptedException {
        Map<String, Long> all = new HashMap<>();
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(covDir)) {
            files.addAll(s.filter(f -> f.getFileName().toString().equals("merged.dat")).toList());
        }
        for (Path f : files) {
            read(f, all);
        }
        Path dat = covDir.resolve("coverage.dat");
        write(all, dat);
        CoverageWaivers waivers = CoverageWaivers.read(waiverFile);
        SourceContext ctx = SourceContext.fromDisk();
        CoverageWaivers.Result r = waivers.apply(all, ctx);
        StringBuilder out = new StringBuilder(summary(r, waiverFile, waivers.entries().size()));
        Path uncovered = covDir.resolve("uncovered.txt");
        // Each point with the first line of the source text a waiver would match, so that a reviewer can judge it here.
        Files.write(uncovered, r.missed().stream().map(p -> {
            String text = ctx.of(p).strip();
            int nl = text.indexOf('\n');
            return p + (text.isEmpty() ? "" : "  | " + (nl < 0 ? text : text.substring(0, nl).strip() + " ..."));
        }).sorted().toList(), StandardCharsets.UTF_8);
        out.append("\n  points neither hit nor waived: ").append(uncovered);
        Path info = covDir.resolve("coverage.info");
        String err = run(List.of("verilator_coverage", "--write-info", info.toString(), dat.toString()));
        if (err == null) {
            err = run(List.of("genhtml", "--quiet", "--output-directory", html.toString(), info.toString()));
        }
        out.append(err == null ? "\n  HTML report (every point, waived ones included): " + html.resolve("index.html") : "\n  no HTML report: " + err);
        return out.toString();
    }

    /** The coverage table (hit and total leave waived points out) and what is wrong with the waivers. */
    static String summary(CoverageWaivers.Result r, Path waiverFile, int entries) {
        StringBuilder out = new StringBuilder(String.format("RTL coverage (Verilator, all runs merged; %d waiver entries from %s):%n", entries,
                waiverFile));
        out.append(String.format("  %-8s %8s %8s %8s %7s %7s%n", "metric", "hit", "total", "waived", "%", "target"));
        for (Map.Entry<String, CoverageWaivers.Count> e : r.counts().entrySet()) {
            CoverageWaivers.Count c = e.getValue();
            Double target = TARGETS.get(e.getKey());
            out.append(String.format("  %-8s %8d %8d %8d %6.1f%% %7s%s%n", e.getKey(), c.hit(), c.total(), c.waived(), c.percent(),
                    target == null ? "-" : String.format("%.0f%%", target), target == null ? "" : c.percent() >= target ? "  met" : "  BELOW"));
        }
        for (CoverageWaiver w : r.stale()) {
            out.append("  WAIVER MATCHES NOTHING: ").append(w).append('\n');
        }
        for (String h : r.waivedButHit()) {
            out.append("  WAIVED BUT HIT: ").append(h).append('\n');
        }
        for (String f : r.noSource()) {
            out.append("  source not found (text waivers cannot match there): ").append(f).append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return cmd.get(0) + " not found (./scripts/setup installs it): " + e.getMessage();
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            return String.join(" ", cmd) + " failed: " + text.lines().limit(5).toList();
        }
        return null;
    }
}
