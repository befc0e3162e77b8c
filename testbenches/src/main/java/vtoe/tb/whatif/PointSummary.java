package vtoe.tb.whatif;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * A point's runs over its seeds, per metric: mean, sample standard deviation and the 95% confidence
 * interval of the mean (Student's t, since a study has a handful of seeds, not hundreds). Runs that
 * failed count in {@link #failed} and stay out of the statistics; a metric that a run did not
 * measure (NaN, e.g. retransmission latency of a run without loss) is left out for that run only.
 */
public record PointSummary(Point point, String engine, int runs, int failed, Map<String, Stat> stats) {
    /** One metric over the seeds; {@code n} runs measured it. With one run the interval is that value. */
    public record Stat(int n, double mean, double sd, double lo, double hi) {
        public static Stat of(SummaryStatistics s) {
            int n = (int) s.getN();
            if (n == 0) {
                return new Stat(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double mean = s.getMean();
            double sd = n > 1 ? s.getStandardDeviation() : 0;
            double half = n > 1 ? new TDistribution(n - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(n) : 0;
            return new Stat(n, mean, sd, mean - half, mean + half);
        }
    }

    public static PointSummary of(Point p, String engine, List<RunResult> runs) {
        Map<String, SummaryStatistics> acc = new LinkedHashMap<>();
        RunResult.METRICS.keySet().forEach(k -> acc.put(k, new SummaryStatistics()));
        int failed = 0;
        for (RunResult r : runs) {
            if (!r.ok()) {
                failed++;
                continue;
            }
            r.metrics().forEach((k, v) -> {
                if (!Double.isNaN(v)) {
                    acc.get(k).addValue(v);
                }
            });
        }
        Map<String, Stat> stats = new LinkedHashMap<>();
        acc.forEach((k, s) -> stats.put(k, Stat.of(s)));
        return new PointSummary(p, engine, runs.size(), failed, stats);
    }

    public Stat stat(String metric) {
        Stat s = stats.get(metric);
        if (s == null) {
            throw new IllegalArgumentException("unknown metric '" + metric + "'; the metrics are " + RunResult.METRICS.keySet());
        }
        return s;
    }
}
