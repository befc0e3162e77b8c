package vtoe.tb.whatif;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vtoe.tb.bench.Bench;
import vtoe.tb.plot.Charts;
import vtoe.tb.plot.Series;

/**
 * Writes a study's results: {@code runs.csv} (every run), {@code points.csv} (per point and engine:
 * mean, sd and 95% CI of every metric), {@code rtl-compare.csv} (TLM against RTL where points were
 * confirmed), the PNG plots and {@code summary.md}, which ties them together for a person.
 */
public final class StudyReport {
    /** The metrics compared between TLM and RTL when points are confirmed. */
    static final List<String> COMPARED = List.of("goodput_gbps", "cycles", "retransmitted_frames", "retransmit_requests", "host_requests",
            "pins", "translations", "page_ins", "host_bus_bytes", "unacked_peak_bytes", "retx_p50", "send_p50");

    /** The metrics summary.md and the console show per point. */
    static final List<String> HEADLINE = List.of("goodput_gbps", "retransmit_requests", "host_requests", "page_ins", "adapter_memory_bytes",
            "retx_p50", "retx_p99");

    private final Study study;
    private final List<RunResult> runs;
    private final String command;
    private final Path dir;
    private final List<PointSummary> tlm = new ArrayList<>();
    private final List<PointSummary> rtl = new ArrayList<>();
    private final List<Path> plotFiles = new ArrayList<>();
    private final List<String> paretoTables = new ArrayList<>();

    public StudyReport(Study study, List<RunResult> runs, String command, Path dir) {
        this.study = study;
        this.runs = runs;
        this.command = command;
        this.dir = dir;
        Map<String, List<RunResult>> by = new LinkedHashMap<>();
        for (RunResult r : runs) {
            by.computeIfAbsent(r.engine() + "|" + r.point().values(), k -> new ArrayList<>()).add(r);
        }
        for (List<RunResult> rs : by.values()) {
            PointSummary s = PointSummary.of(rs.get(0).point(), rs.get(0).engine(), rs);
            (s.engine().equals("rtl") ? rtl : tlm).add(s);
        }
    }

    public List<PointSummary> tlm() {
        return tlm;
    }

    public List<PointSummary> rtl() {
        return rtl;
    }

    public List<Path> plotFiles() {
        return plotFiles;
    }

    public void write() throws IOException {
        writeRuns();
        writePoints();
        writeComparison();
        for (PlotSpec p : study.plots()) {
            plot(p);
        }
        Files.writeString(dir.resolve("summary.md"), markdown());
    }

    private static void csv(Path file, List<List<String>> rows) throws IOException {
        new CsvMapper().writer(CsvSchema.emptySchema()).writeValues(file.toFile()).writeAll(rows).close();
    }

    private void writeRuns() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("engine", "seed", "ok", "error"));
        head.addAll(Point.KEYS);
        head.addAll(RunResult.METRICS.keySet());
        rows.add(head);
        for (RunResult r : runs) {
            List<String> row = new ArrayList<>(List.of(r.engine(), "0x" + Long.toHexString(r.seed()), Boolean.toString(r.ok()),
                    r.error() == null ? "" : r.error()));
            row.addAll(r.point().values().values());
            RunResult.METRICS.keySet().forEach(k -> row.add(fmt(r.metrics().get(k))));
            rows.add(row);
        }
        csv(dir.resolve("runs.csv"), rows);
    }

    private void writePoints() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("engine"));
        head.addAll(Point.KEYS);
        head.addAll(List.of("runs", "failed"));
        for (String k : RunResult.METRICS.keySet()) {
            head.addAll(List.of(k + "_n", k + "_mean", k + "_sd", k + "_ci95_lo", k + "_ci95_hi"));
        }
        rows.add(head);
        List<PointSummary> all = new ArrayList<>(tlm);
        all.addAll(rtl);
        for (PointSummary s : all) {
            List<String> row = new ArrayList<>(List.of(s.engine()));
            row.addAll(s.point().values().values());
            row.addAll(List.of(Integer.toString(s.runs()), Integer.toString(s.failed())));
            for (String k : RunResult.METRICS.keySet()) {
                PointSummary.Stat st = s.stat(k);
                row.addAll(List.of(Integer.toString(st.n()), fmt(st.mean()), fmt(st.sd()), fmt(st.lo()), fmt(st.hi())));
            }
            rows.add(row);
        }
        csv(dir.resolve("points.csv"), rows);
    }

    /** Per confirmed point and metric: TLM mean, RTL mean and the TLM's difference in percent of the RTL's. */
    List<List<String>> comparison() {
        List<List<String>> rows = new ArrayList<>();
        for (PointSummary r : rtl) {
            PointSummary t = tlm.stream().filter(x -> x.point().equals(r.point())).findFirst().orElse(null);
            if (t == null) {
                continue;
            }
            for (String k : COMPARED) {
                double a = t.stat(k).mean();
                double b = r.stat(k).mean();
                String diff = Double.isNaN(a) || Double.isNaN(b) ? "" : b == 0 ? (a == 0 ? "0.0" : "inf") : String.format("%+.1f", 100 * (a - b) / b);
                rows.add(List.of(study.describe(r.point()), k, fmt(a), fmt(b), diff, Integer.toString(t.stat(k).n()),
                        Integer.toString(r.stat(k).n())));
            }
        }
        return rows;
    }

    private void writeComparison() throws IOException {
        if (rtl.isEmpty()) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("point", "metric", "tlm_mean", "rtl_mean", "tlm_vs_rtl_pct", "tlm_n", "rtl_n"));
        rows.addAll(comparison());
        csv(dir.resolve("rtl-compare.csv"), rows);
    }

    private void plot(PlotSpec spec) {
        List<PointSummary> all = new ArrayList<>(tlm);
        all.addAll(rtl);
        Map<String, String> wanted = new LinkedHashMap<>(); // normalised as the points' values are (16K -> 16384)
        spec.where().forEach((k, v) -> wanted.put(k, Point.normalise(k, v)));
        List<PointSummary> sel = all.stream()
                .filter(s -> wanted.entrySet().stream().allMatch(e -> s.point().get(e.getKey()).equals(e.getValue())))
                .toList();
        Map<String, List<PointSummary>> facets = new LinkedHashMap<>();
        for (PointSummary s : sel) {
            facets.computeIfAbsent(spec.per() == null ? "" : s.point().get(spec.per()), k -> new ArrayList<>()).add(s);
        }
        if (spec.tradeOff()) {
            facets.forEach((facet, points) -> tradeOff(spec, spec.per() == null ? null : facet, points));
            return;
        }
        for (Map.Entry<String, List<PointSummary>> f : facets.entrySet()) {
            Map<String, TreeMap<Double, PointSummary.Stat>> lines = new LinkedHashMap<>();
            for (PointSummary s : f.getValue()) {
                double x = Double.parseDouble(s.point().get(spec.x()));
                for (String m : spec.metrics()) {
                    lines.computeIfAbsent(seriesName(spec, s, m), k -> new TreeMap<>()).put(x, s.stat(m));
                }
            }
            List<Series> series = new ArrayList<>();
            lines.forEach((label, pts) -> {
                double[] xs = pts.keySet().stream().mapToDouble(Double::doubleValue).toArray();
                List<PointSummary.Stat> st = new ArrayList<>(pts.values());
                series.add(new Series(label, xs, st.stream().mapToDouble(PointSummary.Stat::mean).toArray(),
                        st.stream().mapToDouble(PointSummary.Stat::lo).toArray(), st.stream().mapToDouble(PointSummary.Stat::hi).toArray()));
            });
            String facet = spec.per() == null ? null : f.getKey();
            String where = spec.where().isEmpty() ? "" : " " + spec.where();
            String t = String.join(", ", spec.metrics().stream().map(m -> Catalogue.of(m).title()).toList()) + " vs "
                    + Catalogue.of(spec.x()).title() + (facet == null ? "" : " (" + spec.per() + "=" + facet + ")") + where;
            Path png = dir.resolve("plots").resolve(spec.fileName(facet));
            Charts.lines(new Charts.Spec(t, Catalogue.of(spec.x()).label(), Catalogue.axisLabel(spec.metrics()), spec.logX(), spec.logY()),
                    series, png);
            plotFiles.add(png);
        }
    }

    /**
     * The legend entry of point {@code s}'s series for metric {@code m}: its values of the {@code by} parameters, the
     * metric's title when the plot has several, "(RTL)" for a point confirmed on the RTL; the title alone if nothing else.
     */
    private static String seriesName(PlotSpec spec, PointSummary s, String m) {
        String label = String.join(" ", spec.by().stream().map(b -> spec.by().size() > 1 && !b.equals("mode") ? b + "=" + s.point().get(b)
                : s.point().get(b)).toList()) + (spec.metrics().size() > 1 ? " " + Catalogue.of(m).title() : "")
                + (s.engine().equals("rtl") ? " (RTL)" : "");
        return label.isBlank() ? Catalogue.of(m).title() : label.strip();
    }

    /** One metric against another: a marker per point (means, the y interval as a bar), and the Pareto front if asked. */
    private void tradeOff(PlotSpec spec, String facet, List<PointSummary> points) {
        String m = spec.metrics().get(0);
        Map<String, List<PointSummary>> byLabel = new LinkedHashMap<>();
        for (PointSummary s : points) {
            byLabel.computeIfAbsent(seriesName(spec, s, m), k -> new ArrayList<>()).add(s);
        }
        List<Series> series = new ArrayList<>();
        byLabel.forEach((label, ps) -> {
            List<PointSummary> sorted = ps.stream().sorted(Comparator.comparingDouble(s -> s.stat(spec.x()).mean())).toList();
            series.add(new Series(label, sorted.stream().mapToDouble(s -> s.stat(spec.x()).mean()).toArray(),
                    sorted.stream().mapToDouble(s -> s.stat(m).mean()).toArray(), sorted.stream().mapToDouble(s -> s.stat(m).lo()).toArray(),
                    sorted.stream().mapToDouble(s -> s.stat(m).hi()).toArray()));
        });
        Series frontLine = null;
        String title = Catalogue.of(m).title() + " against " + Catalogue.of(spec.x()).title() + (facet == null ? "" : " (" + spec.per() + "="
                + facet + ")") + (spec.where().isEmpty() ? "" : " " + spec.where());
        if (spec.pareto()) {
            List<PointSummary> front = ParetoFront.of(points, s -> s.stat(spec.x()).mean(), s -> s.stat(m).mean());
            frontLine = Series.of("Pareto front", front.stream().mapToDouble(s -> s.stat(spec.x()).mean()).toArray(),
                    front.stream().mapToDouble(s -> s.stat(m).mean()).toArray());
            StringBuilder t = new StringBuilder("### Pareto front: ").append(title).append("\n\n")
                    .append("The points no other beats on both (lower ").append(Catalogue.of(spec.x()).label()).append(", higher ")
                    .append(Catalogue.of(m).label()).append("), cheapest first.\n\n| point | ").append(Catalogue.of(spec.x()).label())
                    .append(" | ").append(Catalogue.of(m).label()).append(" |\n|---|---:|---:|\n");
            for (PointSummary s : front) {
                t.append("| ").append(s.engine().equals("rtl") ? "[RTL] " : "").append(study.describe(s.point())).append(" | ")
                        .append(fmt(s.stat(spec.x()).mean())).append(" | ").append(fmt(s.stat(m).mean())).append(" |\n");
            }
            paretoTables.add(t.append("\n").toString());
        }
        Path png = dir.resolve("plots").resolve(spec.fileName(facet));
        Charts.scatter(new Charts.Spec(title, Catalogue.of(spec.x()).label(), Catalogue.axisLabel(spec.metrics()), spec.logX(), spec.logY()),
                series, frontLine, png);
        plotFiles.add(png);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# What-if study: ").append(study.name()).append("\n\n");
        if (!study.title().isBlank()) {
            md.append(study.title()).append("\n\n");
        }
        md.append("Written by `").append(command).append("` on ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))).append(", ").append(Bench.machine())
                .append(".\n\n");
        Map<String, String> d = Point.defaults().values();
        md.append("Base point (parameters not swept): ");
        List<String> base = new ArrayList<>();
        study.base().values().forEach((k, v) -> {
            if (!study.axisParams().contains(k)) {
                base.add(k + "=" + v + (v.equals(d.get(k)) ? "" : " (set)"));
            }
        });
        md.append(String.join(", ", base)).append(".\n\nAxes: ").append(study.axes()).append(".\n\n");
        long seeds = runs.stream().filter(r -> r.engine().equals("tlm")).map(RunResult::seed).distinct().count();
        md.append(tlm.size()).append(" points x ").append(seeds).append(" seeds on the standalone TLM");
        if (!rtl.isEmpty()) {
            md.append("; ").append(rtl.size()).append(" points confirmed on the RTL (TLM in lockstep)");
        }
        md.append(". Means with their 95% confidence interval (Student's t over seeds); `points.csv` has every metric, `runs.csv` every run.\n\n");
        md.append(table(tlm, "TLM"));
        if (!rtl.isEmpty()) {
            md.append(table(rtl, "RTL"));
            md.append("### TLM against RTL\n\n| point | metric | TLM | RTL | TLM vs RTL |\n|---|---|---:|---:|---:|\n");
            for (List<String> r : comparison()) {
                md.append("| ").append(r.get(0)).append(" | ").append(r.get(1)).append(" | ").append(r.get(2)).append(" | ").append(r.get(3))
                        .append(" | ").append(r.get(4).isEmpty() ? "n/a" : r.get(4) + "%").append(" |\n");
            }
            md.append("\n");
        }
        List<RunResult> failed = runs.stream().filter(r -> !r.ok()).toList();
        if (!failed.isEmpty()) {
            md.append("### Failed runs\n\n");
            failed.forEach(r -> md.append("- ").append(r.engine()).append(" ").append(study.describe(r.point())).append(" seed 0x")
                    .append(Long.toHexString(r.seed())).append(": ").append(r.error()).append("\n"));
            md.append("\n");
        }
        paretoTables.forEach(md::append);
        md.append("### Plots\n\n");
        for (Path p : plotFiles) {
            md.append("![").append(p.getFileName()).append("](plots/").append(p.getFileName()).append(")\n\n");
        }
        md.append("### Metrics\n\n");
        RunResult.METRICS.forEach((k, v) -> md.append("- `").append(k).append("`: ").append(v).append("\n"));
        return md.toString();
    }

    private String table(List<PointSummary> sums, String engine) {
        StringBuilder md = new StringBuilder("### ").append(engine).append("\n\n| point | runs | failed |");
        HEADLINE.forEach(h -> md.append(" ").append(Catalogue.of(h).label()).append(" |"));
        md.append("\n|---|---:|---:|");
        HEADLINE.forEach(h -> md.append("---:|"));
        md.append("\n");
        for (PointSummary s : sums) {
            md.append("| ").append(study.describe(s.point())).append(" | ").append(s.runs()).append(" | ").append(s.failed()).append(" |");
            for (String h : HEADLINE) {
                PointSummary.Stat st = s.stat(h);
                md.append(" ").append(st.n() == 0 ? "-" : fmt(st.mean()) + (st.n() > 1 ? " ± " + fmt((st.hi() - st.lo()) / 2) : "")).append(" |");
            }
            md.append("\n");
        }
        return md.append("\n").toString();
    }

    /** The headline metrics per point, for the terminal. */
    public String consoleSummary() {
        StringBuilder b = new StringBuilder();
        List<PointSummary> all = new ArrayList<>(tlm);
        all.addAll(rtl);
        int w = all.stream().map(s -> study.describe(s.point())).mapToInt(String::length).max().orElse(5) + 6;
        b.append(String.format("%-" + w + "s", "point"));
        HEADLINE.forEach(h -> b.append(String.format(" %14s", h.length() > 14 ? h.substring(0, 14) : h)));
        b.append("\n");
        all.sort(Comparator.comparing(s -> s.engine().equals("rtl")));
        for (PointSummary s : all) {
            b.append(String.format("%-" + w + "s", (s.engine().equals("rtl") ? "[RTL] " : "") + study.describe(s.point())));
            HEADLINE.forEach(h -> b.append(String.format(" %14s", fmt(s.stat(h).mean()))));
            b.append(s.failed() > 0 ? "  (" + s.failed() + " failed)" : "").append("\n");
        }
        return b.toString();
    }

    static String fmt(Double v) {
        if (v == null || v.isNaN()) {
            return "";
        }
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e15) {
            return Long.toString(v.longValue());
        }
        return a >= 100 ? String.format("%.0f", v) : String.format("%.3g", v);
    }
}
