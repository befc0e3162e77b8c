package vtoe.tb.bench;

/**
 * One {@code ## } section of a Markdown report such as BENCHMARKS.md, which {@code ./scripts/bench} and
 * {@code ./scripts/synth} each rewrite in part while keeping the sections the other wrote.
 */
public final class MarkdownSection {
    private MarkdownSection() {}

    /**
     * The section of {@code md} whose heading line starts with {@code heading}, up to the next
     * {@code ## } heading or the end (with its trailing newline); empty if there is none.
     */
    public static String of(String md, String heading) {
        int at = md.startsWith(heading) ? 0 : md.indexOf("\n" + heading);
        if (at < 0) {
            return "";
        }
        at = md.charAt(at) == '\n' ? at + 1 : at;
        int next = md.indexOf("\n## ", at + heading.length());
        return md.substring(at, next < 0 ? md.length() : next + 1);
    }

    /** The headings ({@code ## } lines) of {@code md}, in order. */
    public static java.util.List<String> headings(String md) {
        return md.lines().filter(l -> l.startsWith("## ")).toList();
    }
}
