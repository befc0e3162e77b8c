package vtoe.tb.mutate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.rtlcfg.RtlBuild;
import vtoe.tb.rtlcfg.RtlBuilds;

/**
 * Mutation testing of the regression ({@code ./scripts/mutate}): every mutant of {@code mutants/mutants.tsv} is made
 * in a scratch copy of the RTL, built into a library of its own ({@link MutantBuilder}) and run through the
 * regression's random lockstep cases until the first failing run ({@link KillRun}); a survivor runs the whole budget.
 * The un-mutated design goes first through the same recipe and the same runs (the baseline): if it fails, nothing
 * a mutant does could be told apart, and the tool stops. Writes {@code target/mutate/results.jsonl} and
 * {@code table.md}, after each mutant, so an interrupted session keeps what it measured.
 */
@Command(name = "mutate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Builds each RTL mutant of mutants/mutants.tsv and runs the regression against it; writes target/mutate/table.md.")
public final class Mutate implements Callable<Integer> {
    @Option(names = "--only", split = ",", description = "mutants to run, e.g. M01,M05 (default: all)")
    List<String> only = List.of();

    @Option(names = "--list", description = "list the catalogue (and whether every anchor is found) and stop")
    boolean list;

    @Option(names = "--seeds", description = "seeds per case, as ./scripts/regress (default: ${DEFAULT-VALUE})")
    int seeds = 400;

    @Option(names = "--jobs", description = "worker JVMs at once (default: the number of cores)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--cases", split = ",", description = "cases: FETCH, ADAPTER, WORLD, FAULTS (default: all)")
    List<String> cases = List.of("FETCH", "ADAPTER", "WORLD", "FAULTS");

    @Option(names = "--master", description = "master seed (default: the regression's fixed one)")
    String master = "0x" + Long.toHexString(SeedExtension.DEFAULT_MASTER);

    @Option(names = "--out", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target", "mutate");

    @Option(names = "--directed", split = ",", description = "directed ITs (class names) that judge a mutant the random runs did not kill, "
            + "e.g. DoorbellWakeTieIT; the baseline must pass them too")
    List<String> directed = List.of();

    @Option(names = "--table", description = "only write table.md again from results.jsonl (no build, no run)")
    boolean tableOnly;

    private final PrintStream say = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Mutate()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = RtlBuilds.findRoot();
        MutantCatalogue cat = MutantCatalogue.read(root.resolve(MutantCatalogue.FILE));
        Path sources = root.resolve(MutantCatalogue.SOURCES);
        if (list) {
            for (Mutant m : cat.all()) {
                String state;
                try {
                    MutantCatalogue.mutatedText(m, sources);
                    state = "ok";
                } catch (StaleMutantException e) {
                    state = e.getMessage().lines().findFirst().orElse("stale");
                }
                say.printf("%-4s %-22s %-14s %s%s%n", m.id(), m.blockName(), m.category(), m.breaks(), state.equals("ok") ? "" : "  [" + state + "]");
            }
            List<String> p = cat.problems(sources);
            say.printf("%d mutants, %d on error and boundary paths; %s%n", cat.all().size(), cat.all().stream().filter(Mutant::boundary).count(),
                    p.isEmpty() ? "every anchor found exactly once" : p.size() + " stale or ambiguous");
            return p.isEmpty() ? 0 : 1;
        }
        if (seeds < 1 || jobs < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--seeds and --jobs must be at least 1");
        }
        if (tableOnly) {
            Path dir = root.resolve(out).toAbsolutePath().normalize();
            MutationTable t = MutationTable.read(dir.resolve("results.jsonl"));
            Files.writeString(dir.resolve("table.md"), t.markdown(cat.all(), heading("(each row names its budget)")), StandardCharsets.UTF_8);
            say.println("table: " + dir.resolve("table.md"));
            return 0;
        }
        List<Mutant> chosen = cat.select(only);
        for (Mutant m : chosen) {
            MutantCatalogue.mutatedText(m, sources); // a stale mutant stops the session before any build
        }
        Path dir = root.resolve(out).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        long m = SeedExtension.parse(master);
        List<KillRun.Run> runs = KillRun.runs(cases, seeds, m);
        say.printf("mutate: %d mutant(s), %d runs each at most (%s x %d seeds, master 0x%x), %d worker JVMs; output in %s%n", chosen.size(),
                runs.size(), cases, seeds, m, jobs, dir);
        MutantBuilder builder = new MutantBuilder(root, dir, say);
        KillRun killer = new KillRun(root, say);

        // ---- the baseline: the un-mutated design must pass the very runs that judge the mutants ----
        RtlBuild base = builder.build(null);
        Path stamp = dir.resolve("baseline.json");
        ObjectMapper json = new ObjectMapper();
        JsonNode had = Files.exists(stamp) ? json.readTree(stamp.toFile()) : null;
        String runsKey = cases + " x " + seeds + " seeds, master 0x" + Long.toHexString(m) + (directed.isEmpty() ? "" : ", then " + directed);
        DirectedRun directedRun = new DirectedRun(root, say);
        // The judges count as much as the design: a changed stimulus, model or checker runs the baseline again.
        String judges = new vtoe.tb.rtlcfg.BuildInputs(List.of(root.resolve("testbenches/target/classes/vtoe"),
                root.resolve("model/target/classes/vtoe"), root.resolve("cosim/target/classes/vtoe")), List.of()).hash();
        if (had != null && had.path("inputs").asText().equals(base.inputs()) && had.path("runs").asText().equals(runsKey)
                && had.path("judges").asText().equals(judges)
                && had.path("pass").asBoolean()) {
            say.printf("baseline: passed these %d runs already (%s); not run again%n", runs.size(), had.path("at").asText());
        } else {
            say.printf("baseline: the un-mutated design, %d runs%n", runs.size());
            KillRun.Outcome o = killer.run("baseline", base.library(), runs, jobs, dir.resolve("baseline").resolve("runs"));
            DirectedRun.Outcome d = directed.isEmpty() || o.killed() ? null
                    : directedRun.run("baseline", base.library(), directed, dir.resolve("baseline").resolve("directed.log"));
            if (d != null && d.killed()) {
                say.printf("baseline FAILED directed %s: %s%nsee %s. The un-mutated design fails it: no mutant can be judged by it.%n", d.test(),
                        d.firstMismatch(), dir.resolve("baseline").resolve("directed.log"));
                return 2;
            }
            if (o.killed()) {
                say.printf("baseline FAILED: %s %s: %s%nREPRODUCE: %s%nThe un-mutated design fails the regression: no mutant can be judged. "
                        + "Fix that first.%n", o.failure().path("test").asText(), o.failure().path("seed").asText(),
                        o.failure().path("firstMismatch").asText(), o.failure().path("reproduce").asText());
                return 2;
            }
            ObjectNode s = json.createObjectNode();
            s.put("inputs", base.inputs());
            s.put("runs", runsKey);
            s.put("judges", judges);
            s.put("pass", true);
            s.put("seconds", Math.round(o.seconds()));
            s.put("at", Instant.now().toString());
            json.writeValue(stamp.toFile(), s);
            say.printf("baseline: all %d runs pass (%.0f s)%n", runs.size(), o.seconds());
        }

        // ---- the mutants ----
        Path results = dir.resolve("results.jsonl");
        MutationTable table = MutationTable.read(results);
        for (Mutant mu : chosen) {
            long t0 = System.nanoTime();
            ObjectNode r = json.createObjectNode();
            r.put("id", mu.id());
            r.put("block", mu.block());
            r.put("category", mu.category());
            r.put("breaks", mu.breaks());
            r.put("budget", runs.size());
            r.put("seeds", seeds);
            r.put("cases", String.join(",", cases));
            r.put("master", "0x" + Long.toHexString(m));
            say.printf("%s (%s, %s): %s%n", mu.id(), mu.blockName(), mu.category(), mu.breaks());
            RtlBuild b;
            try {
                b = builder.build(mu);
            } catch (Stillborn e) {
                r.put("verdict", MutationTable.STILLBORN);
                r.put("reason", e.getMessage());
                r.put("buildSeconds", (System.nanoTime() - t0) / 1e9);
                say.printf("%s: STILLBORN: %s%n", mu.id(), e.getMessage());
                finish(table, r, results, chosen, cat, dir, runsKey);
                continue;
            }
            r.put("buildSeconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
            r.put("library", b.library().toString());
            KillRun.Outcome o = killer.run(mu.id(), b.library(), runs, jobs, builder.dir(mu).resolve("runs"));
            r.put("runSeconds", Math.round(o.seconds() * 10) / 10.0);
            if (o.killed()) {
                JsonNode f = o.failure();
                r.put("verdict", MutationTable.KILLED);
                r.put("case", f.path("case").asText());
                r.put("test", f.path("test").asText());
                r.put("seed", f.path("seed").asText());
                r.put("firstMismatch", f.path("firstMismatch").asText());
                r.put("error", f.path("error").asText());
                r.put("runsToKill", o.runs());
                // The run's own REPRODUCE, against this mutant's library.
                r.put("reproduce", f.path("reproduce").asText() + " -D" + vtoe.cosim.NativeLibrary.PROPERTY + "=" + b.library());
                say.printf("%s: killed by %s seed %s after %d run(s): %s%n  REPRODUCE: %s%n", mu.id(), f.path("test").asText(),
                        f.path("seed").asText(), o.runs(), f.path("firstMismatch").asText(), r.get("reproduce").asText());
            }
            DirectedRun.Outcome d = o.killed() || directed.isEmpty() ? null
                    : directedRun.run(mu.id(), b.library(), directed, builder.dir(mu).resolve("directed.log"));
            if (d != null && d.killed()) {
                r.put("verdict", MutationTable.KILLED);
                r.put("case", "DIRECTED");
                r.put("test", d.test());
                r.put("seed", "");
                r.put("firstMismatch", d.firstMismatch());
                r.put("runsToKill", o.runs() + 1);
                r.put("runSeconds", Math.round((o.seconds() + d.seconds()) * 10) / 10.0);
                r.put("reproduce", "./scripts/test --only " + d.test() + " -D" + vtoe.cosim.NativeLibrary.PROPERTY + "=" + b.library());
                say.printf("%s: survived %d random runs, killed by directed %s: %s%n  REPRODUCE: %s%n", mu.id(), o.runs(), d.test(),
                        d.firstMismatch(), r.get("reproduce").asText());
            } else if (!o.killed()) {
                boolean eq = !mu.equivalence().isBlank();
                r.put("verdict", eq ? MutationTable.EQUIVALENT : MutationTable.SURVIVED);
                r.put("runs", o.runs());
                say.printf("%s: SURVIVED all %d runs%s%n", mu.id(), o.runs(), eq ? " (the catalogue argues it is equivalent)" : "");
            }
            finish(table, r, results, chosen, cat, dir, runsKey);
        }
        int[] s = table.score(cat.all());
        say.printf("mutate: %d killed of %d judged%s; table: %s%n", s[0], s[0] + s[1],
                s[0] + s[1] == 0 ? "" : String.format(" (%.1f%%)", 100.0 * s[0] / (s[0] + s[1])), dir.resolve("table.md"));
        return 0;
    }

    private void finish(MutationTable table, ObjectNode r, Path results, List<Mutant> chosen, MutantCatalogue cat, Path dir, String runsKey)
            throws IOException {
        r.put("at", Instant.now().toString());
        table.put(r);
        table.write(results);
        Files.writeString(dir.resolve("table.md"), table.markdown(cat.all(), heading("the latest session ran " + runsKey + " per mutant at most")),
                StandardCharsets.UTF_8);
    }

    private static String heading(String budget) {
        return "Mutation table written by `./scripts/mutate` (" + Instant.now().toString().substring(0, 16) + "Z, commit " + commit()
                + "). Each mutant was built into its own library and run through the regression's random lockstep cases until its first "
                + "failing run; " + budget + ". The TLM is not mutated.";
    }

    private static String commit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").directory(RtlBuilds.findRoot().toFile()).redirectErrorStream(true)
                    .start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? s : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
