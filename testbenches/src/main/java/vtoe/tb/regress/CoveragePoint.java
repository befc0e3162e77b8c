package vtoe.tb.regress;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Verilator coverage point, decoded from its key in a coverage file: the key is a list of
 * {@code \u0001field\u0002value} pairs, of which these are used: {@code f} the source file, {@code l}
 * its line, {@code S} the lines the point covers ("12-14,20"), {@code o} Verilator's comment ("if",
 * "else", "elsif", "block" for line and branch points; the signal, "io_x[5]", for toggle points),
 * {@code page} "v_line/Module", and {@code h} the instance ("TOP.VtoeAdapter.csu").
 *
 * @param type the coverage type without its "v_": line, branch, toggle
 * @param module the Verilog module (the part of the page after the slash)
 * @param hier the instance hierarchy
 * @param file the source file Verilator read
 * @param line the point's line
 * @param lines every line the point covers (at least {@code line})
 * @param comment Verilator's comment
 */
public record CoveragePoint(String type, String module, String hier, String file, int line, List<Integer> lines, String comment) {
    private static final Pattern BIT = Pattern.compile("(.*)\\[(\\d+)\\]");

    public CoveragePoint {
        lines = List.copyOf(lines);
    }

    /** Decodes a key as it appears between the quotes of a coverage file's {@code C '...'} line. */
    public static CoveragePoint of(String key) {
        String page = "";
        String hier = "";
        String file = "";
        String comment = "";
        String span = "";
        int line = 0;
        for (String field : key.split("\u0001")) {
            int sep = field.indexOf('\u0002');
            if (sep < 0) {
                continue;
            }
            String v = field.substring(sep + 1);
            switch (field.substring(0, sep)) {
                case "page" -> page = v;
                case "h" -> hier = v;
                case "f" -> file = v;
                case "o" -> comment = v;
                case "S" -> span = v;
                case "l" -> line = Integer.parseInt(v);
                default -> {
                }
            }
        }
        int slash = page.indexOf('/');
        String type = (slash < 0 ? page : page.substring(0, slash)).replaceFirst("^v_", "");
        String module = slash < 0 ? "" : page.substring(slash + 1);
        List<Integer> lines = new ArrayList<>();
        for (String part : span.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            int a = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
            int b = dash < 0 ? a : Integer.parseInt(part.substring(dash + 1).strip());
            for (int i = a; i <= b; i++) {
                lines.add(i);
            }
        }
        if (lines.isEmpty()) {
            lines.add(line);
        }
        return new CoveragePoint(type, module, hier, file, line, lines, comment);
    }

    /** The signal of a toggle point without its bit index ("io_x" of "io_x[5]"). */
    public String signal() {
        Matcher m = BIT.matcher(comment);
        return m.matches() ? m.group(1) : comment;
    }

    /** The bit of a toggle point, or -1 for a one-bit signal. */
    public int bit() {
        Matcher m = BIT.matcher(comment);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** The last line the point covers. */
    public int lastLine() {
        return lines.stream().mapToInt(Integer::intValue).max().orElse(line);
    }

    /** Short, for reports: "ConnStateUnit.sv:1253 branch if TOP.VtoeAdapter.csu". */
    @Override
    public String toString() {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return type.equals("toggle") ? "toggle " + module + " " + hier + " " + comment : name + ":" + line + " " + type + " " + comment + " " + hier;
    }
}
