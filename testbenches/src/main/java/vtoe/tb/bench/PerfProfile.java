package vtoe.tb.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Turns perf's samples of the profiling flavour of the Verilated VtoeAdapter (Verilator's
 * {@code --prof-cfuncs}: one C++ function per Verilog statement, named
 * {@code <region>__<n>__PROF__<module>__l<line>}) into shares per adapter block, per Verilog
 * module and per statement.
 *
 * <p>The function's name gives the Verilog module, not the instance: a module used in several places
 * (a {@code Queue2_*}, an arbiter) would be one row. So each function is given the block whose
 * signals it writes, read from its body in the generated C++ ({@code VtoeAdapter__DOT__<instance>__DOT__...},
 * or a top-level wire {@code VtoeAdapter__DOT___<instance>_io_...} that the instance drives), and the
 * instance's module is taken from the top's Verilog.
 *
 * <p>{@code java vtoe.tb.bench.PerfProfile --out FILE [--title T] [--note TEXT] (--cpp DIR --top-sv FILE NAME=REPORT[:CYCLES]...)...}
 * where each REPORT is {@code perf report --stdio --no-children --sort symbol} output of one workload,
 * run on the build whose Verilator output is the {@code --cpp} named before it (so a baseline build and
 * the current one can stand side by side).
 */
public final class PerfProfile {
    /**
     * Where a sample's time went. Not the scheduling region: Verilator shares one function between the
     * regions that evaluate the same logic (an {@code ico_sequent} function is called from the edge's
     * region as well), so a function's name does not say when it ran.
     */
    public record Place(String block, String module, int line) {}

    /** One symbol's share of a workload's samples, in percent. */
    public record Share(String symbol, double percent) {}

    /** Outside the model's statements: Verilator's scheduler (eval loops, triggers) and the C++ around it. */
    static final String SCHEDULER = "Verilator scheduler (eval loops, triggers)";
    static final String OUTSIDE = "outside the model (replay loop, runtime, libc)";

    /** A listing line: the share, perhaps the object, the symbol, then perhaps perf's IPC columns after a wide gap. */
    private static final Pattern REPORT_LINE = Pattern.compile("^\\s*([0-9.]+)%\\s+(?:\\S+\\s+)?\\[[.k]\\]\\s+(.+?)(?:\\s{2,}.*)?$");
    private static final Pattern PROF = Pattern.compile("___[a-z]+_(?:sequent|comb)__TOP__\\d+__PROF__(\\w+?)__l(\\d+)");
    private static final Pattern DEF = Pattern.compile("^(?:VL_INLINE_OPT |VL_ATTR_COLD )?void (\\w+__PROF__\\w+)\\(.*\\{\\s*$");
    private static final Pattern INSTANCE_SIGNAL = Pattern.compile("VtoeAdapter__DOT__(?:_(\\w+)|([A-Za-z]\\w*?)__DOT__)");
    /** An assignment's target: Verilator writes {@code x = y} with blanks, and {@code ==}, {@code <=} never so. */
    private static final Pattern ASSIGNED = Pattern.compile("(\\w+)(?:\\[[^\\]]*\\])*\\s+=\\s");
    private static final Pattern VERILOG_INSTANCE = Pattern.compile("^\\s+(\\w+) (\\w+) \\($");

    private PerfProfile() {}

    private static final Pattern EVENT_COUNT = Pattern.compile("^# Event count \\(approx\\.\\): (\\d+)");

    /** perf's event count of a listing: nanoseconds, for the cpu-clock event (0 if the listing has none). */
    public static long eventCount(List<String> lines) {
        for (String l : lines) {
            Matcher m = EVENT_COUNT.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 0;
    }

    /** The symbols and shares of one {@code perf report --stdio} listing (other lines are skipped). */
    public static List<Share> parseReport(List<String> lines) {
        List<Share> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("#")) {
                continue;
            }
            Matcher m = REPORT_LINE.matcher(l);
            if (m.matches()) {
                String sym = m.group(2);
                int paren = sym.indexOf('(');
                out.add(new Share(paren > 0 ? sym.substring(0, paren) : sym, Double.parseDouble(m.group(1))));
            }
        }
        return out;
    }

    /** Instance name to module name, from the instantiations in the top's Verilog. */
    public static Map<String, String> instances(List<String> topVerilog) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : topVerilog) {
            Matcher x = VERILOG_INSTANCE.matcher(l);
            if (x.matches() && !x.group(1).equals("module")) {
                m.put(x.group(2), x.group(1));
            }
        }
        return m;
    }

    /**
     * The block each profiled function works for, from the function bodies of the generated C++: the
     * instance whose signals it assigns most, else the one it names most, else the top itself.
     */
    public static Map<String, String> blocksOfFunctions(List<String> cpp, Map<String, String> instances) {
        Map<String, String> out = new HashMap<>();
        String fn = null;
        StringBuilder body = new StringBuilder();
        for (String l : cpp) {
            if (fn == null) {
                Matcher d = DEF.matcher(l);
                if (d.matches()) {
                    fn = d.group(1);
                    body.setLength(0);
                }
                continue;
            }
            if (!l.equals("}")) {
                body.append(l).append(' '); // statements span lines: read the body as one text
                continue;
            }
            Map<String, Integer> assigned = new HashMap<>();
            Map<String, Integer> named = new HashMap<>();
            Matcher a = ASSIGNED.matcher(body);
            while (a.find()) {
                String i = instanceOf(a.group(1), instances);
                if (i != null) {
                    assigned.merge(i, 1, Integer::sum);
                }
            }
            Matcher s = INSTANCE_SIGNAL.matcher(body);
            while (s.find()) {
                String i = instanceOf(s, instances);
                if (i != null) {
                    named.merge(i, 1, Integer::sum);
                }
            }
            String inst = top(assigned);
            out.put(fn, blockName(inst != null ? inst : top(named), instances));
            fn = null;
        }
        return out;
    }

    private static String instanceOf(String signal, Map<String, String> instances) {
        Matcher s = INSTANCE_SIGNAL.matcher(signal);
        return s.find() ? instanceOf(s, instances) : null;
    }

    /** The instance a matched signal belongs to; a top-level wire {@code _<instance>_io_<port>} may hold {@code _io_} twice. */
    private static String instanceOf(Matcher s, Map<String, String> instances) {
        if (s.group(2) != null) {
            return instances.containsKey(s.group(2)) ? s.group(2) : null;
        }
        String wire = s.group(1);
        String best = null;
        for (int at = wire.indexOf("_io_"); at > 0; at = wire.indexOf("_io_", at + 1)) {
            if (instances.containsKey(wire.substring(0, at))) {
                best = wire.substring(0, at);
            }
        }
        return best;
    }

    private static String top(Map<String, Integer> counts) {
        // Ties go to the first name in alphabetical order, so the table does not depend on hash order.
        return counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry::getKey, Comparator.reverseOrder())).map(Map.Entry::getKey).orElse(null);
    }

    static String blockName(String instance, Map<String, String> instances) {
        if (instance == null) {
            return "VtoeAdapter (top-level logic)";
        }
        String module = instances.get(instance);
        return module.equals(instance) ? module : module + " (" + instance + ")";
    }

    /** Where one symbol's time went. */
    public static Place place(String symbol, Map<String, String> blocks) {
        Matcher m = PROF.matcher(symbol);
        if (m.find()) {
            String block = blocks.getOrDefault(symbol, m.group(1));
            return new Place(block, m.group(1), Integer.parseInt(m.group(2)));
        }
        if (symbol.startsWith("VVtoeAdapter") && symbol.contains("eval")) {
            return new Place(SCHEDULER, "-", 0);
        }
        return new Place(OUTSIDE, "-", 0);
    }

    /**
     * One workload's samples, and the function-to-block map of the build that ran it; with the
     * listing's event count (ns of cpu-clock) and the cycles the replay ran, a share becomes time per cycle.
     */
    public record Workload(List<Share> shares, Map<String, String> blocks, long eventNanos, long cycles) {
        /** Nanoseconds per cycle of one percent of the samples (NaN without cycles). */
        double nsPerPercent() {
            return cycles > 0 && eventNanos > 0 ? eventNanos / 100.0 / cycles : Double.NaN;
        }

        /** Percent per key. */
        Map<String, Double> sum(Function<Place, String> key) {
            Map<String, Double> m = new HashMap<>();
            for (Share s : shares) {
                m.merge(key.apply(place(s.symbol(), blocks)), s.percent(), Double::sum);
            }
            return m;
        }
    }

    /** A markdown table: one row per key, one column per workload, rows by their largest share. */
    static void table(StringBuilder md, String what, Map<String, Workload> workloads, Function<Place, String> key, int maxRows) {
        table(md, what, workloads, key, maxRows, false);
    }

    /** As above; {@code perCycle}: nanoseconds per simulated cycle instead of shares. */
    static void table(StringBuilder md, String what, Map<String, Workload> workloads, Function<Place, String> key, int maxRows,
            boolean perCycle) {
        Map<String, Map<String, Double>> cols = new LinkedHashMap<>();
        workloads.forEach((name, w) -> {
            Map<String, Double> c = w.sum(key);
            if (perCycle) {
                c.replaceAll((k, v) -> v * w.nsPerPercent());
            }
            cols.put(name, c);
        });
        Map<String, Double> rank = new TreeMap<>();
        cols.values().forEach(c -> c.forEach((k, v) -> rank.merge(k, v, Math::max)));
        List<String> rows = rank.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(Map.Entry::getKey).limit(maxRows).toList();
        md.append("| ").append(what).append(" | ").append(String.join(" | ", workloads.keySet())).append(" |\n|---|");
        md.append("---:|".repeat(workloads.size())).append('\n');
        for (String r : rows) {
            md.append("| ").append(r.replace("|", "\\|"));
            for (String w : workloads.keySet()) {
                md.append(" | ").append(String.format(perCycle ? "%.0f" : "%.1f%%", cols.get(w).getOrDefault(r, 0.0)));
            }
            md.append(" |\n");
        }
        if (rank.size() > rows.size()) {
            md.append("| (").append(rank.size() - rows.size()).append(" more) |").append(" |".repeat(workloads.size())).append('\n');
        }
        md.append('\n');
    }

    /** The function-to-block map of the build whose generated C++ is in {@code cpp}. */
    static Map<String, String> blocksOfBuild(Path cpp, Path topSv) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(cpp)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".cpp")).sorted().toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        return blocksOfFunctions(lines, instances(Files.readAllLines(topSv)));
    }

    public static void main(String[] args) throws IOException {
        Path cpp = null;
        Path topSv = null;
        Path out = null;
        String title = "Profile of the Verilated VtoeAdapter";
        String note = "";
        Map<String, Workload> workloads = new LinkedHashMap<>();
        Map<Path, Map<String, String>> builds = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cpp" -> cpp = Path.of(args[++i]); // applies to the workloads named after it
                case "--top-sv" -> topSv = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--title" -> title = args[++i];
                case "--note" -> note = args[++i];
                default -> {
                    int eq = args[i].indexOf('=');
                    if (eq <= 0 || cpp == null || topSv == null) {
                        throw new IllegalArgumentException("expected --cpp DIR --top-sv FILE before NAME=REPORT[:CYCLES], got " + args[i]);
                    }
                    String report = args[i].substring(eq + 1);
                    long cycles = 0;
                    int colon = report.lastIndexOf(':');
                    if (colon > 0 && report.substring(colon + 1).matches("\\d+")) {
                        cycles = Long.parseLong(report.substring(colon + 1));
                        report = report.substring(0, colon);
                    }
                    Path c = cpp;
                    Path t = topSv;
                    Map<String, String> blocks = builds.computeIfAbsent(c, k -> {
                        try {
                            return blocksOfBuild(k, t);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    List<String> listing = Files.readAllLines(Path.of(report));
                    workloads.put(args[i].substring(0, eq), new Workload(parseReport(listing), blocks, eventCount(listing), cycles));
                }
            }
        }
        if (out == null || workloads.isEmpty()) {
            System.err.println("usage: PerfProfile --out FILE [--title T] [--note TEXT] (--cpp DIR --top-sv FILE NAME=REPORT[:CYCLES]...)...");
            System.exit(2);
        }
        StringBuilder md = new StringBuilder("## ").append(title).append("\n\n");
        md.append(note.isEmpty() ? "" : note + "\n\n");
        md.append("Share of perf's samples (cpu-clock) in each workload. Blocks are the adapter's instances; a function is ")
                .append("counted for the instance whose signals it writes. In this flavour every statement is a function ")
                .append("call, and the calls are counted for the scheduler that makes them: its share is mostly that ")
                .append("overhead, which the normal build does not have. Statements are lines of the generated Verilog ")
                .append("(rtl/target/verilog/VtoeAdapter/<module>.sv).\n\n");
        table(md, "block", workloads, Place::block, 40);
        if (workloads.values().stream().allMatch(w -> !Double.isNaN(w.nsPerPercent()))) {
            md.append("The same in nanoseconds of the profiling flavour per simulated cycle (the shares above times perf's ")
                    .append("cpu-clock total over the replay's cycles): what a block costs, comparable between builds where ")
                    .append("shares are not, since a share is of a total that changes too.\n\n");
            table(md, "block (ns/cycle)", workloads, Place::block, 40, true);
        }
        table(md, "Verilog module", workloads, Place::module, 25);
        table(md, "statement (module:line)", workloads, p -> p.line() > 0 ? p.module() + ":" + p.line() : p.block(), 30);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.print(md);
    }
}
