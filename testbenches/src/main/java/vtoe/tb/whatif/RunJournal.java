package vtoe.tb.whatif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of a study as they finish, one JSON line each ({@code runs.jsonl}), flushed at once: what
 * {@code --resume} continues from after an interruption, and what each Slurm share writes for the merge
 * job to join. A line names its run by engine, point and seed ({@link Unit#key}); reading matches lines
 * to the study's plan, so a line of another study (other parameters or seeds) is not taken for one of
 * this one's, and a line cut short by a kill is skipped.
 */
public final class RunJournal implements AutoCloseable {
    /** One run a study plans: the engine ("tlm" or "rtl"), the point and the seed. */
    public record Unit(String engine, Point point, long seed) {
        public String key() {
            return engine + "|" + point.values() + "|" + Long.toHexString(seed);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    private RunJournal(BufferedWriter out) {
        this.out = out;
    }

    /** Opens {@code file} for appending ({@code keep}) or anew. */
    public static RunJournal open(Path file, boolean keep) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return new RunJournal(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                keep ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** Appends a finished run; safe from several threads. */
    public synchronized void add(RunResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", new Unit(r.engine(), r.point(), r.seed()).key());
        o.put("engine", r.engine());
        o.put("seed", Long.toHexString(r.seed()));
        o.put("ok", r.ok());
        o.put("error", r.error());
        o.put("wall", r.wallSeconds());
        ObjectNode m = o.putObject("metrics");
        r.metrics().forEach((k, v) -> m.put(k, Double.toString(v))); // NaN is no JSON number
        try {
            out.write(JSON.writeValueAsString(o));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run journal: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /**
     * The runs of {@code plan} that {@code files} hold, by key (the last line of a run wins); lines of runs
     * the plan does not have, and unreadable lines, are left out.
     */
    public static Map<String, RunResult> read(List<Path> files, List<Unit> plan) throws IOException {
        Map<String, Unit> want = new LinkedHashMap<>();
        plan.forEach(u -> want.put(u.key(), u));
        Map<String, RunResult> got = new LinkedHashMap<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // the last line of a run killed while writing it
                }
                Unit u = o == null ? null : want.get(o.path("key").asText());
                if (u == null) {
                    continue;
                }
                Map<String, Double> metrics = new LinkedHashMap<>();
                o.get("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), Double.parseDouble(e.getValue().asText())));
                got.put(u.key(), new RunResult(u.point(), u.seed(), u.engine(), o.get("ok").asBoolean(),
                        o.get("error").isNull() ? null : o.get("error").asText(), metrics, o.get("wall").asDouble()));
            }
        }
        return got;
    }
}
