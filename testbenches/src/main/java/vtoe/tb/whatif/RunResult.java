package vtoe.tb.whatif;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of one point with one seed, on the TLM or the RTL: its verdict and its metrics (the
 * {@link #METRICS}, in that order; a metric that does not apply to the run is NaN).
 */
public record RunResult(Point point, long seed, String engine, boolean ok, String error, Map<String, Double> metrics,
        double wallSeconds) {
    /** Metric names and what each means, "title (unit): how it is measured" ({@link Catalogue}); the order is the CSV's. */
    public static final Map<String, String> METRICS = describe();

    private static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        Catalogue.METRICS.forEach((k, q) -> m.put(k, q.label() + ": " + q.description()));
        return m;
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown metric '" + name + "'; the metrics are " + METRICS.keySet());
        }
        return v;
    }
}
