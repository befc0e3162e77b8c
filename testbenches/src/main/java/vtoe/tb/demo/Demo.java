package vtoe.tb.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vtoe.tb.fetch.FetchScenario;
import vtoe.tb.fetch.FetchTb;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.junit.SimRun;

/**
 * The main job of {@code ./scripts/demo}: descriptor-fetch co-simulations of the Verilated RTL with
 * the Java TLM in lockstep. Runs the random fault scenarios over several seeds and one long
 * fault-free stream, prints a table and writes {@code target/demo/summary.json}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Descriptor-fetch co-simulation, RTL (Verilator) against the TLM in lockstep.")
public final class Demo implements Callable<Integer> {
    @Option(names = "--seeds", description = "random fault scenarios to run (default: ${DEFAULT-VALUE})")
    int seeds = 8;

    @Option(names = "--seed", description = "master seed of the run (default: ${DEFAULT-VALUE})")
    long master = SeedExtension.DEFAULT_MASTER;

    @Option(names = "--long-chains", description = "doorbells in the long fault-free run (default: ${DEFAULT-VALUE})")
    int longChains = 120;

    @Option(names = "--out", description = "summary file (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target", "demo", "summary.json");

    /** One row of summary.json. */
    public record Run(String scenario, String seed, long cycles, double wallSeconds, long cyclesPerSecond,
            long transactionsCompared, int mismatches, int descriptors, int events, long faultsInjected,
            String firstMismatch) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Run> runs = new ArrayList<>();
        var p = FetchTb.elaboratedParams();
        for (int i = 0; i < seeds; i++) {
            long seed = SeedExtension.derive(master, "Demo", "fetch-random", i);
            runs.add(run("fetch-random", seed, FetchScenario.generate(p, seed)));
        }
        long seed = SeedExtension.derive(master, "Demo", "fetch-long", 0);
        runs.add(run("fetch-long", seed, FetchScenario.generate(p, seed, new FetchScenario.Shape(longChains, longChains, 48, 0.0))));

        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), runs);
        print(runs);
        System.out.println("summary: " + out.toAbsolutePath());
        return runs.stream().anyMatch(r -> r.mismatches() > 0) ? 1 : 0;
    }

    private Run run(String scenario, long seed, FetchScenario sc) {
        SimRun run = SimRun.of("Demo", scenario, seed);
        try (FetchTb tb = new FetchTb(run, sc.timing)) {
            long t0 = System.nanoTime();
            String mismatch = null;
            try {
                sc.apply(tb);
                tb.finish(50_000_000);
                sc.verify(tb);
            } catch (AssertionError e) { // LockstepMismatchError or a scenario check
                mismatch = e.getMessage();
                System.err.println(e.getMessage());
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            long cycles = tb.dut.cycle();
            return new Run(scenario, run.seedHex(), cycles, Math.round(wall * 1000) / 1000.0, Math.round(cycles / wall),
                    tb.lockstep.compared(), mismatch == null ? 0 : 1, tb.descs.size(), tb.events.size(), sc.faults(),
                    mismatch == null ? null : mismatch.lines().findFirst().orElse(""));
        }
    }

    private static void print(List<Run> runs) {
        String fmt = "%-13s %-19s %9s %8s %11s %9s %6s %6s %7s %10s%n";
        System.out.printf(fmt, "scenario", "seed", "cycles", "wall s", "cycles/s", "compared", "descs", "events", "faults",
                "mismatches");
        for (Run r : runs) {
            System.out.printf(fmt, r.scenario(), r.seed(), r.cycles(), String.format("%.3f", r.wallSeconds()),
                    r.cyclesPerSecond(), r.transactionsCompared(), r.descriptors(), r.events(), r.faultsInjected(),
                    r.mismatches());
        }
    }
}
