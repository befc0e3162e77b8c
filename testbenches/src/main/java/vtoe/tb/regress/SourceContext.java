package vtoe.tb.regress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source text a line or branch point stands for, which waivers match instead of line numbers
 * (these move with every unrelated RTL edit; the text of an assertion's message does not):
 * <ul>
 * <li>an {@code if} branch: its condition and its body, up to the {@code end} of the body's
 * {@code begin} (so an assertion's branch includes its message);</li>
 * <li>an {@code else} branch: the lines of its body, or the {@code if}'s line when the else is the
 * empty one Verilator adds (never the then-body, so a waiver for an assertion leaves its passing
 * side alone);</li>
 * <li>a line point: its lines and, when they sit in a small {@code begin}..{@code end} block (at most
 * {@value #SMALL_BLOCK} lines), that block (so {@code $fatal} in an assertion block carries the
 * block's message).</li>
 * </ul>
 * Lines are read from the file the point names, once per file.
 */
public final class SourceContext {
    static final int SMALL_BLOCK = 12;
    private static final Pattern WORD = Pattern.compile("\\b(begin|end)\\b");
    private final Function<String, List<String>> files;
    private final Map<String, List<String>> cache = new HashMap<>();
    private final Map<CoveragePoint, String> texts = new HashMap<>();

    /** @param files the lines of a source file by its path as the coverage names it (null or empty: not found) */
    public SourceContext(Function<String, List<String>> files) {
        this.files = files;
    }

    /** Reads the files from disk; a file that cannot be read gives no text. */
    public static SourceContext fromDisk() {
        return new SourceContext(f -> {
            try {
                return Files.readAllLines(Path.of(f), StandardCharsets.ISO_8859_1);
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
        });
    }

    /** Whether the point's source file could be read. */
    public boolean found(CoveragePoint p) {
        return !lines(p.file()).isEmpty();
    }

    /** The text the point stands for ("" when its file cannot be read or it is a toggle point). */
    public String of(CoveragePoint p) {
        return texts.computeIfAbsent(p, this::text);
    }

    private String text(CoveragePoint p) {
        List<String> src = lines(p.file());
        if (src.isEmpty() || p.type().equals("toggle")) {
            return "";
        }
        int from = p.line();
        int to = p.lastLine();
        if (p.type().equals("branch")) {
            if (p.comment().equals("else")) {
                boolean own = p.lines().size() > 1 || p.lines().get(0) != p.line();
                from = own ? p.lines().get(0) : p.line();
                to = own ? to : p.line();
            } else if (ends(src, to, "begin")) {
                to = matchingEnd(src, to);
            }
        } else {
            int open = enclosingBegin(src, from);
            if (open > 0) {
                int close = matchingEnd(src, open);
                if (close - open + 1 <= SMALL_BLOCK && close >= to) {
                    from = open;
                    to = close;
                }
            }
        }
        return String.join("\n", src.subList(Math.max(0, from - 1), Math.min(src.size(), to)));
    }

    private List<String> lines(String file) {
        return cache.computeIfAbsent(file, f -> {
            List<String> l = files.apply(f);
            return l == null ? List.of() : l;
        });
    }

    private static boolean ends(List<String> src, int line, String word) {
        return line >= 1 && line <= src.size() && src.get(line - 1).strip().endsWith(word);
    }

    /** The line of the {@code end} that closes the {@code begin} at the end of line {@code open} (1-based). */
    static int matchingEnd(List<String> src, int open) {
        int depth = 0;
        for (int i = open; i <= src.size(); i++) {
            Matcher m = WORD.matcher(src.get(i - 1));
            while (m.find()) {
                depth += m.group(1).equals("begin") ? 1 : -1;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return open;
    }

    /** The line of the innermost {@code begin} still open at line {@code line}, or 0. */
    static int enclosingBegin(List<String> src, int line) {
        int depth = 0;
        for (int i = line - 1; i >= 1; i--) {
            String s = src.get(i - 1);
            Matcher m = WORD.matcher(s);
            int begins = 0;
            int ends = 0;
            while (m.find()) {
                if (m.group(1).equals("begin")) {
                    begins++;
                } else {
                    ends++;
                }
            }
            depth += ends - begins;
            if (depth < 0) {
                return i;
            }
        }
        return 0;
    }
}
