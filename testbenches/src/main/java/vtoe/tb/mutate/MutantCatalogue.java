package vtoe.tb.mutate;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutant catalogue: {@code mutants/mutants.tsv}, one mutant a line, tab separated, with a header line
 * {@code id block category breaks original replacement [equivalence]}. No quoting: a field is the text between
 * tabs, with {@code \n}, {@code \t} and {@code \\} standing for a newline, a tab and a backslash (a multi-line
 * anchor, when one line is not unique). Read with Jackson's CSV module.
 *
 * <p>{@link #apply} makes one mutant's source: the anchor must occur exactly once in its file, else the mutant
 * is stale (the RTL changed under it) or ambiguous, and the message says which, where and what text.
 */
public final class MutantCatalogue {
    /** The catalogue of a checkout. */
    public static final String FILE = "mutants/mutants.tsv";
    /** Where the RTL sources live in a checkout; blocks are relative to it. */
    public static final String SOURCES = "rtl/src/main/scala";

    private final Map<String, Mutant> byId;

    public MutantCatalogue(List<Mutant> mutants) {
        Map<String, Mutant> m = new LinkedHashMap<>();
        for (Mutant x : mutants) {
            if (m.put(x.id(), x) != null) {
                throw new IllegalArgumentException("mutant " + x.id() + " appears twice in the catalogue");
            }
        }
        this.byId = m;
    }

    public static MutantCatalogue read(Path tsv) {
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnSeparator('\t').withoutQuoteChar().withoutEscapeChar();
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        List<Mutant> l = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class).with(schema).readValues(tsv.toFile())) {
            int line = 1;
            while (it.hasNext()) {
                line++;
                Map<String, String> r = it.next();
                try {
                    l.add(new Mutant(r.get("id"), r.get("block"), r.get("category"), r.get("breaks"), unescape(r.get("original")),
                            unescape(r.get("replacement")), r.get("equivalence")));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(tsv + " line " + line + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mutant catalogue " + tsv, e);
        }
        return new MutantCatalogue(l);
    }

    /** {@code \n}, {@code \t}, {@code \\} to newline, tab, backslash. */
    static String unescape(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '\\' -> '\\';
                    default -> throw new IllegalArgumentException("unknown escape \\" + n + " in '" + s + "' (known: \\n \\t \\\\)");
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public List<Mutant> all() {
        return List.copyOf(byId.values());
    }

    /** The mutants named (in the order named), or all of them for an empty list; an unknown id fails with the known ones. */
    public List<Mutant> select(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return all();
        }
        for (String id : ids) {
            if (!byId.containsKey(id.strip())) {
                throw new IllegalArgumentException("no mutant " + id + " in the catalogue (known: " + String.join(", ", byId.keySet()) + ")");
            }
        }
        // In the order given: a session short of time runs the mutants that matter most first.
        return ids.stream().map(String::strip).distinct().map(byId::get).toList();
    }

    /**
     * The text of {@code m}'s file under {@code sources} with the mutation made. Fails with "stale mutant" when the
     * anchor is not in the file (or the file is gone) and "ambiguous mutant" when it is there more than once.
     */
    public static String mutatedText(Mutant m, Path sources) {
        Path f = sources.resolve(m.block());
        if (!Files.isRegularFile(f)) {
            throw new StaleMutantException("stale mutant " + m.id() + ": " + f + " does not exist");
        }
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int at = text.indexOf(m.original());
        if (at < 0) {
            throw new StaleMutantException("stale mutant " + m.id() + ": text not found in " + f + ":\n  " + m.original().indent(2).strip()
                    + "\n(the RTL changed under the mutant: re-anchor it in " + FILE + " or retire it)");
        }
        int again = text.indexOf(m.original(), at + 1);
        if (again >= 0) {
            int n = 0;
            for (int i = text.indexOf(m.original()); i >= 0; i = text.indexOf(m.original(), i + 1)) {
                n++;
            }
            throw new StaleMutantException("ambiguous mutant " + m.id() + ": text found " + n + " times in " + f + ":\n  "
                    + m.original().indent(2).strip() + "\n(make the anchor longer, e.g. with the line before it and \\n)");
        }
        return text.substring(0, at) + m.replacement() + text.substring(at + m.original().length());
    }

    /** Makes the mutation in place in the copy of the sources at {@code sources}; returns the file changed. */
    public static Path apply(Mutant m, Path sources) {
        String mutated = mutatedText(m, sources);
        Path f = sources.resolve(m.block());
        try {
            Files.writeString(f, mutated, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** Every problem of the catalogue against the sources (stale or ambiguous anchors); empty when all apply. */
    public List<String> problems(Path sources) {
        List<String> p = new ArrayList<>();
        for (Mutant m : byId.values()) {
            try {
                mutatedText(m, sources);
            } catch (StaleMutantException e) {
                p.add(e.getMessage());
            }
        }
        return p;
    }
}
