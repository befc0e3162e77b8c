package vtoe.tb.regress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reviewed list of coverage points that are not expected to be hit ({@code coverage-waivers.txt} at
 * the repository root; format in {@link CoverageWaiver}), and its application to merged Verilator
 * coverage: a waived point that was never hit leaves both hit and total and is counted as waived; a
 * waived point that was hit anyway stays counted as hit and is flagged, as is an entry that matches
 * no point at all (both mean the list no longer describes the RTL).
 */
public final class CoverageWaivers {
    public static final String FILE = "coverage-waivers.txt";
    private final List<CoverageWaiver> entries;

    private CoverageWaivers(List<CoverageWaiver> entries) {
        this.entries = List.copyOf(entries);
    }

    public static CoverageWaivers none() {
        return new CoverageWaivers(List.of());
    }

    /** Parses the lines of a waiver file; blank lines and lines starting with '#' are skipped. */
    public static CoverageWaivers parse(String name, List<String> lines) {
        List<CoverageWaiver> l = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            l.add(CoverageWaiver.parse(name + ":" + (i + 1), s));
        }
        return new CoverageWaivers(l);
    }

    /** Reads {@code file}; no file means no waivers. */
    public static CoverageWaivers read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return none();
        }
        return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public List<CoverageWaiver> entries() {
        return entries;
    }

    /** Per coverage type: points hit, points counted (waived ones left out), points waived. */
    public record Count(long hit, long total, long waived) {
        public double percent() {
            return total == 0 ? 100 : 100.0 * hit / total;
        }
    }

    /**
     * What the waivers did to a merged coverage map.
     *
     * @param counts per coverage type (line, branch, toggle, ...)
     * @param matched points each entry matched (hit or not), in file order
     * @param waivedButHit points an entry waives that some run hit: "point (entry)"
     * @param missed the points neither hit nor waived, for whoever closes coverage next
     * @param noSource source files that could not be read (text waivers cannot match their points)
     */
    public record Result(Map<String, Count> counts, Map<CoverageWaiver, Integer> matched, List<String> waivedButHit, List<CoveragePoint> missed,
            List<String> noSource) {
        /** Entries that matched nothing. */
        public List<CoverageWaiver> stale() {
            return matched.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toList();
        }
    }

    public Result apply(Map<String, Long> points, SourceContext context) {
        Map<String, long[]> c = new TreeMap<>();
        Map<CoverageWaiver, Integer> matched = new LinkedHashMap<>();
        entries.forEach(w -> matched.put(w, 0));
        List<String> waivedButHit = new ArrayList<>();
        List<CoveragePoint> missed = new ArrayList<>();
        java.util.Set<String> noSource = new java.util.TreeSet<>();
        points.forEach((key, count) -> {
            CoveragePoint p = CoveragePoint.of(key);
            long[] a = c.computeIfAbsent(p.type(), t -> new long[3]);
            if (!p.type().equals("toggle") && !context.found(p)) {
                noSource.add(p.file());
            }
            CoverageWaiver by = null;
            for (CoverageWaiver w : entries) {
                if (w.matches(p, context)) {
                    by = w;
                    matched.merge(w, 1, Integer::sum);
                    break;
                }
            }
            if (by != null && count == 0) {
                a[2]++;
                return;
            }
            if (by != null) {
                waivedButHit.add(p + " (" + by.source() + ")");
            }
            a[1]++;
            if (count > 0) {
                a[0]++;
            } else {
                missed.add(p);
            }
        });
        Map<String, Count> counts = new TreeMap<>();
        c.forEach((t, a) -> counts.put(t, new Count(a[0], a[1], a[2])));
        return new Result(counts, matched, waivedButHit, missed, List.copyOf(noSource));
    }
}
