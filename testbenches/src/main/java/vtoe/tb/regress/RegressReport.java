package vtoe.tb.regress;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The summary of a regression's results (its own or merged from shards): per case the runs, passes,
 * failures, simulated cycles and CPU seconds; seeds per hour at the wall time it took; the functional
 * coverage union; and every failure with its first mismatch and REPRODUCE command.
 */
public final class RegressReport {
    private final List<JsonNode> runs;
    private final double wallSeconds;
    private final int workers;

    private RegressReport(List<JsonNode> runs, double wallSeconds, int workers) {
        this.runs = runs;
        this.wallSeconds = wallSeconds;
        this.workers = workers;
    }

    /** @param wallSeconds wall time of the whole regression (0 when unknown, e.g. after merging shards) */
    public static RegressReport of(List<? extends JsonNode> runs, double wallSeconds, int workers) {
        return new RegressReport(new ArrayList<>(runs), wallSeconds, workers);
    }

    public String table() {
        Map<String, long[]> byCase = new LinkedHashMap<>(); // runs, pass, cycles
        Map<String, Double> cpu = new LinkedHashMap<>();
        List<List<String>> cov = new ArrayList<>();
        List<JsonNode> failed = new ArrayList<>();
        double cpuAll = 0;
        for (JsonNode o : runs) {
            String c = o.get("test").asText();
            long[] a = byCase.computeIfAbsent(c, k -> new long[3]);
            a[0]++;
            if (o.get("pass").asBoolean()) {
                a[1]++;
            } else {
                failed.add(o);
            }
            a[2] += o.path("cycles").asLong(0);
            double w = o.path("wallSeconds").asDouble(0);
            cpu.merge(c, w, Double::sum);
            cpuAll += w;
            List<String> bins = new ArrayList<>();
            o.path("coverage").forEach(b -> bins.add(b.asText()));
            cov.add(bins);
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format("%-30s %6s %6s %6s %14s %9s %10s%n", "test", "runs", "pass", "fail", "cycles", "cpu s", "s/run"));
        for (Map.Entry<String, long[]> e : byCase.entrySet()) {
            long[] a = e.getValue();
            double c = cpu.get(e.getKey());
            s.append(String.format("%-30s %6d %6d %6d %14d %9.1f %10.2f%n", e.getKey(), a[0], a[1], a[0] - a[1], a[2], c, c / a[0]));
        }
        long total = runs.size();
        long pass = runs.stream().filter(o -> o.get("pass").asBoolean()).count();
        s.append(String.format("%-30s %6d %6d %6d%n", "all", total, pass, total - pass));
        if (wallSeconds > 0) {
            s.append(String.format("wall %.0f s on %d worker JVM(s): %.0f seeds per hour (%.0f per CPU-hour of runs)%n", wallSeconds,
                    workers, total * 3600 / wallSeconds, cpuAll > 0 ? total * 3600 / cpuAll : 0));
        } else {
            s.append(String.format("%.0f CPU seconds of runs: %.0f seeds per CPU-hour%n", cpuAll, cpuAll > 0 ? total * 3600 / cpuAll : 0));
        }
        FunctionalCoverage.Report r = FunctionalCoverage.Report.of(cov);
        s.append("functional coverage: ").append(r).append('\n');
        if (!r.missed().isEmpty()) {
            s.append("  never hit: ").append(String.join(", ", r.missed())).append('\n');
        }
        for (JsonNode o : failed) {
            s.append("FAILED ").append(o.get("test").asText()).append(" seed ").append(o.get("seed").asText()).append(": ")
                    .append(o.path("firstMismatch").asText()).append("\n  REPRODUCE: ").append(o.get("reproduce").asText()).append('\n');
        }
        return s.toString();
    }
}
