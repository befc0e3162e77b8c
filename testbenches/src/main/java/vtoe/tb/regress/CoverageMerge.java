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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Verilator coverage across a regression. Every run writes a coverage file of several MB; a worker
 * folds each into one map as soon as the run ends and deletes it, so a thousand runs do not fill the
 * disk. The parent then merges the workers' files, counts line and toggle points hit per type, and
 * has {@code verilator_coverage} and {@code genhtml} (lcov) write the HTML report.
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

    /** The coverage type of a point: the part of its "page" field before the slash (v_line, v_toggle, v_branch, ...). */
    static String type(String key) {
        int at = key.indexOf("\u0001page\u0002");
        if (at < 0) {
            return "other";
        }
        int from = at + 6;
        int slash = key.indexOf('/', from);
        int stop = key.indexOf('\u0001', from);
        int end = slash >= 0 && (stop < 0 || slash < stop) ? slash : stop >= 0 ? stop : key.length();
        return key.substring(from, end);
    }

    /** Points hit and total per coverage type. */
    static Map<String, long[]> totals(Map<String, Long> points) {
        Map<String, long[]> t = new TreeMap<>();
        points.forEach((k, v) -> {
            long[] a = t.computeIfAbsent(type(k), x -> new long[2]);
            a[1]++;
            if (v > 0) {
                a[0]++;
            }
        });
        return t;
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

    /** Merges every worker's file under {@code covDir}, writes the HTML report, and returns the summary lines. */
    static String merge(Path covDir, Path html) throws IOException, InterruptedException {
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
        StringBuilder out = new StringBuilder("RTL coverage (Verilator, all runs merged):");
        for (Map.Entry<String, long[]> e : totals(all).entrySet()) {
            long[] a = e.getValue();
            out.append(String.format("%n  %-10s %7d / %7d points hit (%.1f%%)", e.getKey().replace("v_", ""), a[0], a[1],
                    a[1] == 0 ? 0 : 100.0 * a[0] / a[1]));
        }
        Path info = covDir.resolve("coverage.info");
        String err = run(List.of("verilator_coverage", "--write-info", info.toString(), dat.toString()));
        if (err == null) {
            err = run(List.of("genhtml", "--quiet", "--output-directory", html.toString(), info.toString()));
        }
        out.append(err == null ? "\n  HTML report: " + html.resolve("index.html") : "\n  no HTML report: " + err);
        return out.toString();
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
