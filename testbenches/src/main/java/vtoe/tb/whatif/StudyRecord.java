package vtoe.tb.whatif;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code study.json} in a study's output folder: what produced the figures beside it, so that a folder
 * found weeks later says which commit, which parameters (every one, not only those set), which seeds and
 * which command line made it, and how many runs it planned.
 */
final class StudyRecord {
    private StudyRecord() {}

    static void write(Path dir, Study study, List<Long> seeds, List<Long> rtlSeeds, List<RunJournal.Unit> plan, List<String> args,
            String command) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("name", study.name());
        o.put("title", study.title());
        o.put("commit", commit());
        o.put("written", OffsetDateTime.now().toString());
        o.put("command", command);
        ArrayNode a = o.putArray("arguments");
        args.forEach(a::add);
        ObjectNode base = o.putObject("parameters");
        study.base().values().forEach(base::put);
        ObjectNode axes = o.putObject("axes");
        study.axes().forEach((k, v) -> {
            ArrayNode vs = axes.putArray(k);
            v.forEach(vs::add);
        });
        ArrayNode s = o.putArray("seeds");
        seeds.forEach(x -> s.add(Long.toHexString(x)));
        ArrayNode rs = o.putArray("rtlSeeds");
        rtlSeeds.forEach(x -> rs.add(Long.toHexString(x)));
        o.put("runsTlm", plan.stream().filter(u -> u.engine().equals("tlm")).count());
        o.put("runsRtl", plan.stream().filter(u -> u.engine().equals("rtl")).count());
        json.writeValue(dir.resolve("study.json").toFile(), o);
    }

    /** The checkout's commit, "+changes" when any tracked file differs from it (whatif runs from the model, tools and RTL alike). */
    private static String commit() {
        try {
            return vtoe.tb.synth.Synth.commit(vtoe.tb.synth.Synth.findRoot());
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
