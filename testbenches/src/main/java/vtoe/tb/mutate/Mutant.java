package vtoe.tb.mutate;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One deliberate bug of the catalogue ({@code mutants/mutants.tsv}): a piece of Chisel source text in one RTL
 * file and what replaces it. The mutant is anchored by that text, not by a line number, so unrelated edits of
 * the file leave it valid; an edit of the text itself makes it stale, which {@link MutantCatalogue#apply} says.
 *
 * @param id          M01, M02, ... (M01..M11 are the issue-6 mutants re-expressed on the current RTL)
 * @param block       the file, relative to {@code rtl/src/main/scala} (e.g. {@code vtoe/rtl/DmaEngine.scala})
 * @param category    {@value #BOUNDARY} (error responses, address boundaries, two events at once, counters at
 *                    their limits) or {@value #FUNCTIONAL}
 * @param breaks      what the mutant breaks, in words
 * @param original    the exact source text, found exactly once in the file
 * @param replacement what it becomes
 * @param equivalence empty, or the argument that the mutant cannot change any port's behaviour (then a survivor
 *                    does not count against the score)
 */
public record Mutant(String id, String block, String category, String breaks, String original, String replacement,
        String equivalence) {
    public static final String BOUNDARY = "error/boundary";
    public static final String FUNCTIONAL = "functional";
    private static final Pattern ID = Pattern.compile("M\\d{2,3}");

    public Mutant {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("mutant id must be M followed by two or three digits, not '" + id + "'");
        }
        if (block == null || !block.endsWith(".scala") || block.startsWith("/") || block.contains("..")) {
            throw new IllegalArgumentException(id + ": block must be a .scala file under rtl/src/main/scala, not '" + block + "'");
        }
        if (!List.of(BOUNDARY, FUNCTIONAL).contains(category)) {
            throw new IllegalArgumentException(id + ": category must be " + BOUNDARY + " or " + FUNCTIONAL + ", not '" + category + "'");
        }
        if (breaks == null || breaks.isBlank()) {
            throw new IllegalArgumentException(id + ": say what the mutant breaks");
        }
        if (original == null || original.isEmpty()) {
            throw new IllegalArgumentException(id + ": the original text is empty");
        }
        if (replacement == null || replacement.equals(original)) {
            throw new IllegalArgumentException(id + ": the replacement must differ from the original text");
        }
        equivalence = equivalence == null ? "" : equivalence;
    }

    public boolean boundary() {
        return BOUNDARY.equals(category);
    }

    /** The block's short name, e.g. DmaEngine. */
    public String blockName() {
        String f = block.substring(block.lastIndexOf('/') + 1);
        return f.substring(0, f.length() - ".scala".length());
    }
}
