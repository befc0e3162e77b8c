package vtoe.tb.mutate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of the mutants ({@code results.jsonl}: one line per mutant, the latest verdict of each; a run of some
 * mutants replaces their lines and keeps the others) and the table made from them ({@code table.md}), in catalogue
 * order, with the score: killed / (killed + survived), stillborn and equivalent mutants left out of both.
 */
final class MutationTable {
    static final String KILLED = "killed";
    static final String SURVIVED = "survived";
    static final String STILLBORN = "stillborn";
    static final String EQUIVALENT = "equivalent";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ObjectNode> byId = new LinkedHashMap<>();

    /** The results in {@code file}, if it exists. */
    static MutationTable read(Path file) throws IOException {
        MutationTable t = new MutationTable();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                if (!l.isBlank()) {
                    ObjectNode o = (ObjectNode) JSON.readTree(l);
                    t.byId.put(o.get("id").asText(), o);
                }
            }
        }
        return t;
    }

    void put(ObjectNode result) {
        byId.put(result.get("id").asText(), result);
    }

    ObjectNode get(String id) {
        return byId.get(id);
    }

    void write(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (ObjectNode o : byId.values()) {
                w.write(JSON.writeValueAsString(o));
                w.newLine();
            }
        }
    }

    /** Killed, survived, counted, for the mutants of {@code catalogue} that have a verdict. */
    int[] score(List<Mutant> catalogue) {
        int killed = 0;
        int survived = 0;
        for (Mutant m : catalogue) {
            JsonNode o = byId.get(m.id());
            if (o == null) {
                continue;
            }
            switch (o.get("verdict").asText()) {
                case KILLED -> killed++;
                case SURVIVED -> survived++;
                default -> { }
            }
        }
        return new int[] {killed, survived};
    }

    /** The markdown table of every mutant of {@code catalogue}, with a heading paragraph. */
    String markdown(List<Mutant> catalogue, String heading) {
        int[] s = score(catalogue);
        int judged = s[0] + s[1];
        StringBuilder b = new StringBuilder();
        b.append(heading.strip()).append("\n\n");
        long boundary = catalogue.stream().filter(Mutant::boundary).count();
        long directed = catalogue.stream().map(m -> byId.get(m.id()))
                .filter(o -> o != null && o.get("verdict").asText().equals(KILLED) && o.path("case").asText().equals("DIRECTED")).count();
        b.append(String.format("%d mutants (%d on error and boundary paths). Score: %d killed of %d%s.%s%n%n", catalogue.size(), boundary,
                s[0], judged, judged == 0 ? "" : String.format(" = %.1f%%", 100.0 * s[0] / judged),
                directed == 0 || judged == 0 ? "" : String.format(" By the random regression alone (without the %d killed only by a directed IT): "
                        + "%d of %d = %.1f%%.", directed, s[0] - directed, judged, 100.0 * (s[0] - directed) / judged)));
        b.append("| mutant | block | kind | what it breaks | verdict | caught by | runs to kill | seed | build / run |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Mutant m : catalogue) {
            JsonNode o = byId.get(m.id());
            String kind = m.boundary() ? "error/boundary" : "functional";
            if (o == null) {
                b.append(String.format("| %s | %s | %s | %s | not run | | | | |%n", m.id(), m.blockName(), kind, cell(m.breaks())));
                continue;
            }
            String verdict = o.get("verdict").asText();
            String caught = "";
            String runs = "";
            String seed = "";
            if (verdict.equals(KILLED)) {
                boolean byIt = o.path("case").asText().equals("DIRECTED");
                caught = (byIt ? o.path("test").asText() : o.path("case").asText()) + ": " + shorten(o.path("firstMismatch").asText(), 110);
                runs = byIt ? "none in " + o.path("budget").asInt() + ", then the IT" : o.path("runsToKill").asInt() + "/" + o.path("budget").asInt();
                seed = byIt ? "" : "`" + o.path("seed").asText() + "`";
            } else if (verdict.equals(SURVIVED) || verdict.equals(EQUIVALENT)) {
                runs = "none in " + o.path("budget").asInt();
                caught = verdict.equals(EQUIVALENT) ? "equivalent: " + shorten(m.equivalence(), 200) : "";
            } else if (verdict.equals(STILLBORN)) {
                caught = shorten(o.path("reason").asText(), 110);
            }
            if (!runs.isEmpty() && o.has("cases") && !o.path("cases").asText().equals("FETCH,ADAPTER,WORLD,FAULTS")) {
                runs += " (" + o.path("cases").asText() + ")"; // a session that ran only the cases able to see this mutant
            }
            String times = String.format("%.0f s / %.0f s", o.path("buildSeconds").asDouble(), o.path("runSeconds").asDouble());
            b.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", m.id(), m.blockName(), kind, cell(m.breaks()), verdict,
                    cell(caught), runs, seed, times));
        }
        return b.toString();
    }

    private static String shorten(String s, int max) {
        String one = s.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        return one.length() > max ? one.substring(0, max - 1) + "…" : one;
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
