package vtoe.tb.whatif;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A what-if study: a base point, the axes swept over it (their cartesian product is the grid, in the
 * order the axes were given) and the plots to draw. Every value is checked when the study is built,
 * so a typo fails before the first run, not after an hour.
 *
 * <p>A linked axis, {@code --axis connections/window/bytes=64/64K/256K,65536/64K/16K}, moves several
 * parameters together: its values are tuples, not a grid. It is how a study spans a range no full grid could
 * run (65,536 connections with 16 MiB windows each would be a TiB in flight), keeping each point's
 * parameters in step (the bytes each connection sends grow with its window).
 */
public record Study(String name, String title, Point base, Map<String, List<String>> axes, List<PlotSpec> plots) {
    public static Study of(String name, String title, List<String> sets, List<String> axisArgs, List<String> plotArgs) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("--name '" + name + "' must be letters, digits, '.', '_' or '-' (it names a folder)");
        }
        Map<String, String> set = new LinkedHashMap<>();
        for (String s : sets) {
            set.putAll(Whatif.parseAssignments("--set", s));
        }
        Point base = Point.defaults().with(set);
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String a : axisArgs) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2 || kv[1].isBlank()) {
                throw new IllegalArgumentException("--axis takes PARAM=V1,V2,..., not '" + a + "'");
            }
            String k = kv[0].strip();
            List<String> params = List.of(k.split("/", -1));
            for (String q : params) {
                if (axes.keySet().stream().anyMatch(o -> components(o).contains(q))) {
                    throw new IllegalArgumentException("--axis " + q + " is given twice");
                }
            }
            if (params.stream().distinct().count() != params.size()) {
                throw new IllegalArgumentException("--axis " + k + " names a parameter twice");
            }
            List<String> values = new ArrayList<>();
            for (String v : kv[1].split(",")) {
                String[] parts = v.strip().split("/", -1);
                if (parts.length != params.size()) {
                    throw new IllegalArgumentException("--axis " + k + ": the value '" + v.strip() + "' has " + parts.length
                            + " part(s); each value of a linked axis gives all " + params.size() + ", separated by '/'");
                }
                List<String> norm = new ArrayList<>();
                for (int i = 0; i < parts.length; i++) {
                    norm.add(Point.normalise(params.get(i), parts[i].strip()));
                }
                values.add(String.join("/", norm));
            }
            axes.put(k, values);
        }
        List<PlotSpec> plots = plotArgs.stream().map(PlotSpec::parse).toList();
        Study s = new Study(name, title, base, axes, plots);
        s.points(); // every combination must be a valid point
        for (PlotSpec p : plots) {
            s.checkPlot(p);
        }
        return s;
    }

    /**
     * The grid: every combination of the axes' values over the base. Each point's values are set at once,
     * so a combination is checked whole (connections=65536 with ramKiB=8M), whatever the order of the axes.
     */
    public List<Point> points() {
        List<Map<String, String>> combos = new ArrayList<>(List.of(Map.of()));
        for (Map.Entry<String, List<String>> a : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            List<String> params = components(a.getKey());
            for (Map<String, String> c : combos) {
                for (String v : a.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(c);
                    String[] parts = v.split("/");
                    for (int i = 0; i < params.size(); i++) {
                        m.put(params.get(i), parts[i]);
                    }
                    next.add(m);
                }
            }
            combos = next;
        }
        List<Point> pts = new ArrayList<>();
        for (Map<String, String> c : combos) {
            try {
                pts.add(base.with(c));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the point " + c.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue())
                        .collect(Collectors.joining(" ")) + " is not valid: " + e.getMessage());
            }
        }
        return pts;
    }

    /** The point's values on the study's axes ("mode=PUSH loss=0.01"), or "base" for a study without axes. */
    public String describe(Point p) {
        if (axes.isEmpty()) {
            return "base";
        }
        return axisParams().stream().map(k -> k + "=" + p.get(k)).collect(Collectors.joining(" "));
    }

    /** The parameters of an axis: one, or those of a linked axis ("connections/window"). */
    public static List<String> components(String axis) {
        return List.of(axis.split("/"));
    }

    /** Every parameter some axis sweeps, in axis order. */
    public List<String> axisParams() {
        return axes.keySet().stream().flatMap(a -> components(a).stream()).toList();
    }

    /** The points that match {@code filter}: "all", or PARAM=VALUE[,PARAM=VALUE...]. */
    public List<Point> select(String filter) {
        if (filter.equals("all")) {
            return points();
        }
        Map<String, String> want = new LinkedHashMap<>();
        Whatif.parseAssignments("--rtl", filter).forEach((k, v) -> want.put(k, Point.normalise(k, v)));
        List<Point> sel = points().stream().filter(p -> want.entrySet().stream().allMatch(e -> p.get(e.getKey()).equals(e.getValue())))
                .toList();
        if (sel.isEmpty()) {
            throw new IllegalArgumentException("--rtl " + filter + " matches no point of the study (axes: " + axes + ")");
        }
        return sel;
    }

    /**
     * A plot must bind every axis that varies: to x, by, per or where; otherwise two points would share a spot on a line.
     * A trade-off (metric against metric) has no lines: each point is its own marker wherever its metrics put it.
     */
    void checkPlot(PlotSpec p) {
        if (p.tradeOff()) {
            return;
        }
        for (String a : axes.keySet()) {
            if (axes.get(a).size() < 2) {
                continue;
            }
            // A linked axis is bound when the parameters the plot binds tell its tuples apart: connections
            // as x and window as 'by' tell 64/64K/256K from 64/1M/4M, connections alone would not.
            List<String> params = components(a);
            List<Integer> bound = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                String q = params.get(i);
                if (q.equals(p.x()) || p.by().contains(q) || q.equals(p.per()) || p.where().containsKey(q)) {
                    bound.add(i);
                }
            }
            long told = axes.get(a).stream().map(v -> {
                String[] parts = v.split("/");
                return bound.stream().map(i -> parts[i]).toList();
            }).distinct().count();
            if (told < axes.get(a).size()) {
                String q = params.stream().filter(x -> !bound.contains(params.indexOf(x))).findFirst().orElseThrow();
                throw new IllegalArgumentException("plot '" + p.text() + "' leaves the axis '" + q + "'" + (params.size() > 1
                        ? " (linked in " + a + ")" : "") + " unbound: add 'by " + q + "', 'per " + q + "' or 'where " + q + "=VALUE'");
            }
        }
        if (!axisParams().contains(p.x())) {
            throw new IllegalArgumentException("plot '" + p.text() + "': x = " + p.x() + " is not an axis of the study " + axisParams());
        }
    }
}
