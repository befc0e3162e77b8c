package vtoe.tb.regress;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code coverage-waivers.txt}: the coverage points it waives and why. A line reads
 *
 * <pre>
 * KIND[/COMMENT]  MODULE[@INSTANCE]  WHAT  | REASON
 * </pre>
 *
 * <ul>
 * <li>KIND: {@code line}, {@code branch}, {@code block} (line and branch) or {@code toggle}; COMMENT
 * narrows to Verilator's comment of the point ({@code branch/if}: the taken side only).</li>
 * <li>MODULE: the Verilog module (a glob: {@code Queue*}); INSTANCE, a glob over the hierarchy
 * ({@code TOP.FetchTop.*}).</li>
 * <li>WHAT, for line/branch/block: a double-quoted piece of the point's source text ({@link
 * SourceContext}), such as an assertion's message, or with a leading {@code ^} a piece the text must start with; for
 * toggle: a signal glob, optionally with a bit
 * range ({@code io_counters_*[20:63]}; without a range every bit).</li>
 * <li>REASON: why the points cannot or need not be reached; required.</li>
 * </ul>
 * Identifying points by module and text rather than by line number keeps a waiver valid across
 * unrelated RTL edits.
 *
 * @param source where the entry was read ("coverage-waivers.txt:12"), for messages
 */
public record CoverageWaiver(String source, String kind, String comment, String module, String instance, String text, String signal,
        int lo, int hi, String reason) {
    private static final Set<String> KINDS = Set.of("line", "branch", "block", "toggle");
    private static final Pattern LINE = Pattern.compile(
            "(?<kind>[a-z]+)(?:/(?<comment>\\S+))?\\s+(?<module>[^\\s@]+)(?:@(?<inst>\\S+))?\\s+(?:\"(?<text>(?:[^\"\\\\]|\\\\.)*)\"|(?<sig>[^\\s\"\\[|]+)(?:\\[(?<lo>\\d+):(?<hi>\\d+)\\])?)\\s*\\|\\s*(?<reason>.*)");

    public CoverageWaiver {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException(source + ": kind '" + kind + "' is none of " + KINDS);
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException(source + ": a waiver needs a reason after '|'");
        }
        if (kind.equals("toggle") != (signal != null)) {
            throw new IllegalArgumentException(source + ": " + (kind.equals("toggle") ? "a toggle waiver names a signal glob, not quoted text"
                    : "a " + kind + " waiver names quoted source text, not a signal"));
        }
        if (text != null && text.isBlank()) {
            throw new IllegalArgumentException(source + ": the quoted text is empty; it would match every point");
        }
        if (lo > hi) {
            throw new IllegalArgumentException(source + ": bit range [" + lo + ":" + hi + "] runs backwards; write [low:high]");
        }
    }

    /** Parses one non-comment line; an {@link IllegalArgumentException} names the line and what is wrong. */
    public static CoverageWaiver parse(String source, String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(source + ": cannot read '" + line.strip() + "'; expected "
                    + "KIND[/COMMENT] MODULE[@INSTANCE] (\"source text\" | SIGNAL[lo:hi]) | REASON");
        }
        String text = m.group("text");
        boolean range = m.group("lo") != null;
        return new CoverageWaiver(source, m.group("kind"), m.group("comment"), m.group("module"), m.group("inst"),
                text == null ? null : text.replace("\\\"", "\"").replace("\\\\", "\\"), m.group("sig"),
                range ? Integer.parseInt(m.group("lo")) : -1, range ? Integer.parseInt(m.group("hi")) : Integer.MAX_VALUE,
                m.group("reason").strip());
    }

    /** Whether this entry waives the point; {@code context} gives a line or branch point's source text. */
    public boolean matches(CoveragePoint p, SourceContext context) {
        boolean kindOk = kind.equals("block") ? p.type().equals("line") || p.type().equals("branch") : p.type().equals(kind);
        if (!kindOk || comment != null && !comment.equals(p.comment()) || !glob(module, p.module())
                || instance != null && !glob(instance, p.hier())) {
            return false;
        }
        if (signal != null) {
            int bit = p.bit();
            return glob(signal, p.signal()) && (bit < 0 ? lo < 0 : bit >= Math.max(0, lo) && bit <= hi);
        }
        // A leading '^' anchors the text at the start of the point's source text: an outer if's body contains every inner
        // point's text, so a generated condition that names no signal of its own can only be told apart by where it starts.
        return text.startsWith("^") ? context.of(p).strip().startsWith(text.substring(1)) : context.of(p).contains(text);
    }

    private static final java.util.Map<String, Pattern> GLOBS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A glob over a name: '*' any run of characters (dots included), '?' one character. */
    static boolean glob(String pattern, String s) {
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
            return pattern.equals(s);
        }
        return GLOBS.computeIfAbsent(pattern, g -> {
            StringBuilder r = new StringBuilder();
            for (String part : g.split("(?=[*?])|(?<=[*?])")) {
                r.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
            }
            return Pattern.compile(r.toString());
        }).matcher(s).matches();
    }

    @Override
    public String toString() {
        return source + " " + kind + (comment == null ? "" : "/" + comment) + " " + module + (instance == null ? "" : "@" + instance) + " "
                + (text != null ? "\"" + text + "\"" : signal + (lo >= 0 ? "[" + lo + ":" + hi + "]" : ""));
    }
}
