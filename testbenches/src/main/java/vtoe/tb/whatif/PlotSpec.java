package vtoe.tb.whatif;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plot of a study, written as a sentence so that study files stay readable:
 * {@code METRIC[,METRIC...] vs PARAM [by PARAM[,PARAM]] [per PARAM] [where PARAM=VALUE[,PARAM=VALUE...]] [logx] [logy]}.
 * One line per value of {@code by} (per combination, if several; and per metric when there are several), one PNG per value of
 * {@code per}; {@code where} keeps only the points with those values.
 *
 * <p>A trade-off is {@code METRIC vs METRIC ... [pareto]}: one marker per point (its means), no lines, and with
 * {@code pareto} the front of the points that keep the x metric low and the y metric high, drawn as a staircase
 * and listed in summary.md.
 */
public record PlotSpec(List<String> metrics, String x, List<String> by, String per, Map<String, String> where, boolean logX, boolean logY,
        boolean pareto, String text) {
    public static PlotSpec parse(String text) {
        String[] t = text.trim().split("\\s+");
        List<String> metrics = new ArrayList<>();
        String x = null;
        List<String> by = new ArrayList<>();
        String per = null;
        Map<String, String> where = new LinkedHashMap<>();
        boolean logX = false;
        boolean logY = false;
        boolean pareto = false;
        if (t.length < 3 || !t[1].equals("vs")) {
            throw bad(text, "it must start with METRIC vs PARAM");
        }
        for (String m : t[0].split(",")) {
            if (!RunResult.METRICS.containsKey(m)) {
                throw bad(text, "unknown metric '" + m + "'; the metrics are " + RunResult.METRICS.keySet());
            }
            metrics.add(m);
        }
        x = RunResult.METRICS.containsKey(t[2]) ? t[2] : param(text, t[2]);
        for (int i = 3; i < t.length; i++) {
            switch (t[i]) {
                case "by" -> {
                    for (String b : next(t, ++i, text).split(",")) {
                        by.add(param(text, b));
                    }
                }
                case "per" -> per = param(text, next(t, ++i, text));
                case "where" -> {
                    for (String kv : next(t, ++i, text).split(",")) {
                        String[] p = kv.split("=", 2);
                        if (p.length != 2) {
                            throw bad(text, "'where' takes PARAM=VALUE[,PARAM=VALUE...], not '" + kv + "'");
                        }
                        where.put(param(text, p[0]), p[1]);
                    }
                }
                case "logx" -> logX = true;
                case "logy" -> logY = true;
                case "pareto" -> pareto = true;
                default -> throw bad(text, "unexpected '" + t[i] + "' (expected by, per, where, logx, logy or pareto)");
            }
        }
        if (x.equals("mode")) {
            throw bad(text, "the x axis must be a number; plot mode as 'by mode'");
        }
        boolean trade = RunResult.METRICS.containsKey(x);
        // A trade-off plots one point per marker and one front: a second y metric would share the markers'
        // colours with the series and could not have a front of its own, so it is refused, not dropped.
        if (trade && metrics.size() != 1) {
            throw bad(text, "a trade-off plots one metric against another (METRIC vs METRIC), not " + metrics.size()
                    + " metrics; write one plot line per metric");
        }
        if (pareto && !trade) {
            throw bad(text, "'pareto' draws the front of one metric against another: METRIC vs METRIC ... pareto");
        }
        return new PlotSpec(metrics, x, by, per, where, logX, logY, pareto, text.trim());
    }

    /** Whether x is a metric: a trade-off, one marker per point and no lines. */
    public boolean tradeOff() {
        return RunResult.METRICS.containsKey(x);
    }

    private static String next(String[] t, int i, String text) {
        if (i >= t.length) {
            throw bad(text, "'" + t[i - 1] + "' needs a value");
        }
        return t[i];
    }

    private static String param(String text, String p) {
        if (!Point.KEYS.contains(p)) {
            throw bad(text, "unknown parameter '" + p + "'; the parameters are " + Point.KEYS + " (or, for a trade-off, a metric)");
        }
        return p;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("plot '" + text + "': " + why
                + ". Form: METRIC[,METRIC...] vs PARAM|METRIC [by PARAM[,PARAM]] [per PARAM] [where PARAM=VALUE,...] [logx] [logy] [pareto]");
    }

    /** A file name for the plot (and facet value, if any). */
    public String fileName(String facetValue) {
        String base = String.join("+", metrics) + "-vs-" + x + (by.isEmpty() ? "" : "-by-" + String.join("+", by))
                + (where.isEmpty() ? "" : "-where-" + String.join("-", where.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .toList()));
        return (facetValue == null ? base : base + "-" + per + "=" + facetValue).replaceAll("[^A-Za-z0-9_.=+-]", "_") + ".png";
    }
}
