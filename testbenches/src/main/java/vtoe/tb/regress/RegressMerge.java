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
    @Parameters(arity = "1..*", description = "results.jsonl files of the shards")
    List<Path> inputs;

    @Option(names = "--out", description = "merged results (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target", "regress", "merged", "results.jsonl");

    public static void main(String[] args) {
        System.exit(new CommandLine(new RegressMerge()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
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
        System.out.print(RegressReport.of(List.copyOf(runs.values()), 0, 0).table());
        System.out.println("merged " + inputs.size() + " file(s), " + runs.size() + " runs: " + out.toAbsolutePath());
        return runs.values().stream().allMatch(o -> o.get("pass").asBoolean()) ? 0 : 1;
    }
}
