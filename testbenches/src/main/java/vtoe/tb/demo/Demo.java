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
import vtoe.model.net.Link;
import vtoe.tb.adapter.StreamRun;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.junit.SimRun;

/**
 * The main job of {@code ./scripts/demo}: a stream through the complete adapter in each mode, over a
 * lossy link, on the Verilated RTL with the Java TLM in lockstep on every port. Prints a table per
 * mode and writes {@code target/demo/summary.json}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Streams through the adapter (RTL, TLM in lockstep) in each mode over a lossy link.")
public final class Demo implements Callable<Integer> {
    @Option(names = "--bytes", description = "bytes per mode (default: ${DEFAULT-VALUE})")
    int bytes = 2_000_000;

    @Option(names = "--loss", description = "frame loss in each direction (default: ${DEFAULT-VALUE})")
    double loss = 0.01;

    @Option(names = "--host-latency", description = "cycles the host takes to answer (default: ${DEFAULT-VALUE})")
    long hostLatency = 300;

    @Option(names = "--seed", description = "master seed (default: ${DEFAULT-VALUE})")
    long master = SeedExtension.DEFAULT_MASTER;

    @Option(names = "--mode", split = ",", description = "modes to run: PUSH, TRANSLATE, PREPINNED (default: all)")
    List<String> modes = List.of("PUSH", "TRANSLATE", "PREPINNED");

    @Option(names = "--out", description = "summary file (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target", "demo", "summary.json");

    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<StreamRun.Result> runs = new ArrayList<>();
        Link.Config link = Link.Config.ideal(1000).withImpairments(loss, loss / 5, loss, 1500, 0);
        List<String> names = List.of("PUSH", "TRANSLATE", "PREPINNED");
        for (String m : modes) {
            int mode = names.indexOf(m.toUpperCase());
            if (mode < 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown mode " + m + "; use one of " + names);
            }
            long seed = SeedExtension.derive(master, "Demo", "mode" + mode, 0);
            System.out.printf("running %s, %d bytes ...%n", new String[] {"PUSH", "TRANSLATE", "PREPINNED"}[mode], bytes);
            runs.add(StreamRun.run(SimRun.of("Demo", "mode" + mode, seed), mode, bytes, hostLatency, link, 20_000));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), runs);
        String fmt = "%-10s %9s %6s %7s %6s %9s %7s %10s %9s %9s %5s%n";
        System.out.printf(fmt, "mode", "bytes", "sha256", "frames", "retx", "cycles", "wall s", "cycles/s", "compared", "tx util", "mism");
        for (StreamRun.Result r : runs) {
            System.out.printf(fmt, r.mode(), r.bytes(), r.sha256Match() ? "ok" : "BAD", r.frames(), r.retransmissions(), r.cycles(),
                    String.format("%.2f", r.wallSeconds()), r.cyclesPerSecond(), r.transactionsCompared(),
                    String.format("%.1f%%", 100 * r.txPayloadBeats()), r.mismatches());
        }
        System.out.println("summary: " + out.toAbsolutePath());
        return runs.stream().allMatch(r -> r.mismatches() == 0 && r.sha256Match()) ? 0 : 1;
    }
}
