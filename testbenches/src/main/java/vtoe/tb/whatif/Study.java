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
 */
public record Study(String name, String title, Point base, Map<String, List<String>> axes, List<PlotSpec> plots) {
    public static Study of(String name, String title, List<String> sets, List<String> axisArgs, List<String> plotArgs) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("--name '" + name + "' must be letters, digits, '.', '_' or '-' (it names a folder)");
        }
        Point base = Point.defaults();
        for (String s : sets) {
            for (Map.Entry<String, String> e : Whatif.parseAssignments("--set", s).entrySet()) {
                base = base.with(e.getKey(), e.getValue());
            }
        }
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String a : axisArgs) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2 || kv[1].isBlank()) {
                throw new IllegalArgumentException("--axis takes PARAM=V1,V2,..., not '" + a + "'");
            }
            String k = kv[0].strip();
            if (axes.containsKey(k)) {
                throw new IllegalArgumentException("--axis " + k + " is given twice");
            }
            List<String> values = new ArrayList<>();
            for (String v : kv[1].split(",")) {
                values.add(base.with(k, v.strip()).get(k)); // normalised (1M -> 1048576, push -> PUSH), and checked
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

    /** The grid: every combination of the axes' values over the base. */
    public List<Point> points() {
        List<Point> pts = new ArrayList<>(List.of(base));
        for (Map.Entry<String, List<String>> a : axes.entrySet()) {
            List<Point> next = new ArrayList<>();
            for (Point p : pts) {
                for (String v : a.getValue()) {
                    try {
                        next.add(p.with(a.getKey(), v));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("the point " + describe(p) + " with " + a.getKey() + "=" + v + " is not valid: "
                                + e.getMessage());
                    }
                }
            }
            pts = next;
        }
        return pts;
    }

    /** The point's values on the study's axes ("mode=PUSH loss=0.01"), or "base" for a study without axes. */
    public String describe(Point p) {
        if (axes.isEmpty()) {
            return "base";
        }
        return axes.keySet().stream().map(k -> k + "=" + p.get(k)).collect(Collectors.joining(" "));
    }

    /** The points that match {@code filter}: "all", or PARAM=VALUE[,PARAM=VALUE...]. */
    public List<Point> select(String filter) {
        if (filter.equals("all")) {
            return points();
        }
        Map<String, String> want = new LinkedHashMap<>();
        Whatif.parseAssignments("--rtl", filter).forEach((k, v) -> want.put(k, base.with(k, v).get(k)));
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
            if (axes.get(a).size() > 1 && !a.equals(p.x()) && !p.by().contains(a) && !a.equals(p.per()) && !p.where().containsKey(a)) {
                throw new IllegalArgumentException("plot '" + p.text() + "' leaves the axis '" + a + "' unbound: add 'by " + a + "', 'per "
                        + a + "' or 'where " + a + "=VALUE'");
            }
        }
        if (!axes.containsKey(p.x())) {
            throw new IllegalArgumentException("plot '" + p.text() + "': x = " + p.x() + " is not an axis of the study " + axes.keySet());
        }
    }
}
