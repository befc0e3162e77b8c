package vtoe.tb.rtlcfg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./scripts/rtl-build}: builds configurations into the cache ({@link RtlBuilds}) ahead of their use,
 * prints where each library is and how long each step took, or lists the cache. The same parameters and
 * defaults as {@code ./scripts/synth}.
 */
@Command(name = "rtl-build", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Elaborates and Verilates VtoeAdapter configurations into target/rtl-builds/<config>/, once each (kept while "
                + "the RTL is unchanged), and prints each build's library for -Dvtoe.lib.",
                "./scripts/whatif --rtl builds what its points need by itself; this is for building ahead, and for the times."},
        footer = {"", "Examples:", "  ./scripts/rtl-build --conns 16", "  ./scripts/rtl-build --conns 1024,4096 --data-bytes 16",
                "  ./scripts/rtl-build --list"})
public final class RtlBuildTool implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--list", description = "list the builds in the cache, their step times and whether they are up to date")
    boolean list;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new RtlBuildTool());
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof RtlBuildException) {
                c.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RtlBuilds builds = RtlBuilds.forCheckout();
        if (list) {
            Map<String, JsonNode> all = builds.list();
            System.out.println(all.isEmpty() ? "no builds in " + builds.cache() : "builds in " + builds.cache() + ":");
            all.forEach((key, s) -> System.out.printf("  %-28s %-11s %s%n", key, s.path("upToDate").asBoolean() ? "up to date"
                    : s.has("inputs") ? "out of date" : "unfinished", s.has("seconds") ? "built " + s.path("built").asText() + ", "
                            + times(s.path("seconds")) : ""));
            return 0;
        }
        // Every configuration is checked before the first build starts, so a typo does not wait for minutes of building.
        List<RtlConfig> configs = new ArrayList<>();
        for (int n : config.conns) {
            configs.add(RtlConfig.parse(config.assignments(n)));
        }
        for (RtlConfig c : configs) {
            RtlBuild b = builds.get(c);
            System.out.printf("%s: %s%n  %s%n  %s%n", c.key(), b.reused() ? "up to date" : "built", times(b.seconds()), b.libraryOption());
        }
        return 0;
    }

    private static String times(Map<String, Double> seconds) {
        List<String> l = new ArrayList<>();
        seconds.forEach((k, v) -> l.add(String.format("%s %.1f s", k, v)));
        return String.join(", ", l);
    }

    private static String times(JsonNode seconds) {
        Map<String, Double> m = new LinkedHashMap<>();
        seconds.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return times(m);
    }
}
