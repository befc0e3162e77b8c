package vtoe.tb.regress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Joins the results of regression shards ({@code ./scripts/regress --shard i/n} on n machines) into
 * one {@code results.jsonl} and prints the same summary a single run would. A run that appears in
 * two shards (the same index) is an error: the shards were not cut from the same regression.
 */
@Command(name = "regress-merge", mixinStandardHelpOptions = true,
        description = "Joins results.jsonl files of regression shards into one and prints the summary.")
public final class RegressMerge implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "results.jsonl files of the shards")
    List<Path> inputs = new java.util.ArrayList<>();

    @Option(names = "--shards", paramLabel = "N", description = "expect N shares in --from's shard-1 .. shard-N directories (a Slurm "
            + "array's); any share without results fails the merge by name")
    Integer shards;

    @Option(names = "--from", description = "with --shards: the regression's directory; results.jsonl and summary.txt are written there")
    Path from;

    @Option(names = "--coverage", description = "with --shards: merge the shares' Verilator coverage too")
    boolean coverage;

    @Option(names = "--waivers", description = "the reviewed coverage waivers applied to --coverage (default: ${DEFAULT-VALUE})")
    Path waivers = Path.of(CoverageWaivers.FILE);

    @Option(names = "--out", description = "merged results (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target", "regress", "merged", "results.jsonl");

    public static void main(String[] args) {
        System.exit(new CommandLine(new RegressMerge()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (shards != null) {
            if (from == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--shards needs --from DIR");
            }
            List<String> missing = new java.util.ArrayList<>();
            for (int i = 1; i <= shards; i++) {
                Path r = from.resolve("shard-" + i).resolve("results.jsonl");
                if (Files.exists(r)) {
                    inputs.add(r);
                } else {
                    Path log = from.resolve("slurm").resolve("share-" + i + ".out");
                    String tail = Files.exists(log) ? String.join("\n      ", Files.readAllLines(log).stream()
                            .skip(Math.max(0, Files.readAllLines(log).size() - 5)).toList()) : "(no log)";
                    missing.add("share " + i + " of " + shards + " ended without results (" + r + "); its log " + log + " ends:\n      "
                            + tail);
                }
            }
            if (!missing.isEmpty()) {
                System.out.println("regress-merge: " + missing.size() + " of " + shards + " shares are missing, so there is no merged result"
                        + " (partial results would hide the seeds they held):\n  " + String.join("\n  ", missing));
                return 2;
            }
            out = from.resolve("results.jsonl");
        }
        if (inputs.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "no results to merge: give results.jsonl files or --shards N --from DIR");
        }
        ObjectMapper json = new ObjectMapper();
        TreeMap<Integer, JsonNode> runs = new TreeMap<>();
        for (Path in : inputs) {
            for (String line : Files.readAllLines(in)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o = json.readTree(line);
                JsonNode before = runs.put(o.get("index").asInt(), o);
                if (before != null) {
                    throw new CommandLine.ExecutionException(new CommandLine(this), "run " + o.get("index") + " (" + o.get("test").asText()
                            + " seed " + o.get("seed").asText() + ") appears in two inputs: were the shards cut with the same --seeds, "
                            + "--cases and --master?");
                }
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            for (JsonNode o : runs.values()) {
                w.write(json.writeValueAsString(o));
                w.newLine();
            }
        }
        String summary = RegressReport.of(List.copyOf(runs.values()), 0, 0).table();
        if (coverage && from != null) {
            summary += "\n" + CoverageMerge.merge(from, from.resolve("coverage-html"), waivers);
        }
        if (from != null) {
            Files.writeString(from.resolve("summary.txt"), summary + "\n");
        }
        System.out.print(summary);
        System.out.println("merged " + inputs.size() + " file(s), " + runs.size() + " runs: " + out.toAbsolutePath());
        return runs.values().stream().allMatch(o -> o.get("pass").asBoolean()) ? 0 : 1;
    }
}
