package vtoe.tb.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vtoe.model.net.Link;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.junit.SimRun;
import vtoe.tb.world.WorldRun;

/**
 * The main job of {@code ./scripts/demo}: per mode, a multi-megabyte stream from virtual memory that
 * the OS swaps, over a lossy link, through the Verilated RTL with the Java TLM in lockstep on every
 * port, checked end to end (SHA-256, pins, evictions, grants); then the same scenario on the
 * standalone TLM. Prints a table per mode and writes {@code target/demo/summary.json}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sends a lossy multi-megabyte stream from swapped virtual memory through the adapter in each mode "
                + "(RTL with the TLM in lockstep, then the standalone TLM).")
public final class Demo implements Callable<Integer> {
    @Option(names = "--bytes", description = "bytes per mode; with --peer linux, per connection (default: ${DEFAULT-VALUE})")
    long bytes = 4L << 20;

    @Option(names = "--loss", description = "frame loss in each direction (default: ${DEFAULT-VALUE})")
    double loss = 0.01;

    @Option(names = "--seed", description = "master seed (default: ${DEFAULT-VALUE})")
    long master = SeedExtension.DEFAULT_MASTER;

    @Option(names = "--mode", split = ",", description = "modes to run: PUSH, TRANSLATE, PREPINNED (default: all)")
    List<String> modes = List.of("PUSH", "TRANSLATE", "PREPINNED");

    @Option(names = "--no-progress", description = "no progress bar (also off without a terminal or when CI is set)")
    boolean noProgress;

    @Option(names = "--out", description = "summary file (default: target/demo/summary.json, with --peer linux target/demo/linux.json)")
    Path out;

    @Option(names = "--peer", description = "the destination: ours (our TcpReceiver) or linux (the kernel's TCP over a TAP in a "
            + "network namespace; needs root and /dev/net/tun) (default: ${DEFAULT-VALUE})")
    String peer = "ours";

    @Option(names = "--connections", description = "with --peer linux: connections at once, each to its own socket (default: ${DEFAULT-VALUE})")
    int connections = 4;

    /**
     * The demo against the Linux kernel: per mode, {@link #connections} streams of {@link #bytes} to as
     * many sockets, on the RTL with the TLM in lockstep, then on the standalone TLM.
     */
    private int linux(List<Integer> todo, List<String> names) throws Exception {
        java.util.Optional<String> lack = vtoe.model.linux.TapBridge.missing();
        if (lack.isPresent()) {
            System.err.println(lack.get());
            return 2;
        }
        boolean bar = !noProgress && System.console() != null && System.getenv("CI") == null;
        long perRun = bytes * connections;
        List<vtoe.tb.linux.LinuxRun.Result> runs = new ArrayList<>();
        vtoe.model.AdapterParams p = vtoe.tb.adapter.AdapterTb.elaboratedParams();
        try (ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("demo --peer linux").setInitialMax(2 * perRun * todo.size())
                .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1 << 20).showSpeed().build() : null) {
            for (int mode : todo) {
                long seed = SeedExtension.derive(master, "Demo", "linux" + mode, 0);
                var spec = vtoe.tb.linux.LinuxRun.spec(mode, connections, bytes, loss, vtoe.tb.linux.LinuxRun.pressured(p, connections));
                String again = "./scripts/demo --peer linux --mode %s --bytes %d --connections %d --loss %s --seed 0x%x".formatted(
                        names.get(mode), bytes, connections, loss, master);
                for (boolean rtl : new boolean[] {true, false}) {
                    long base = runs.size() * perRun;
                    if (pb != null) {
                        pb.setExtraMessage(names.get(mode) + (rtl ? " RTL" : " TLM"));
                    } else {
                        System.out.printf("running %s against the Linux kernel: %d x %d bytes on the %s ...%n", names.get(mode), connections,
                                bytes, rtl ? "RTL (TLM in lockstep)" : "standalone TLM");
                    }
                    java.util.function.LongConsumer step = done -> {
                        if (pb != null) {
                            pb.stepTo(base + Math.min(done, perRun));
                        }
                    };
                    SimRun sim = SimRun.of("Demo", "linux-" + names.get(mode), seed);
                    runs.add(rtl ? vtoe.tb.linux.LinuxRun.rtl(sim, spec, step, again) : vtoe.tb.linux.LinuxRun.tlm(sim, spec, step, again));
                }
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), runs);
        System.out.println(linuxTable(runs));
        for (vtoe.tb.linux.LinuxRun.Result r : runs) {
            if (!r.pass()) {
                System.out.println("  " + r.mode() + " " + r.engine() + " FAILED: " + String.join("\n    ", r.failures()).lines().limit(12)
                        .collect(java.util.stream.Collectors.joining("\n    ")) + "\n  REPRODUCE: " + r.reproduce());
            }
        }
        // Every frame of each run at both ends, next to the summary (tshark judged the adapter's and the host's).
        for (vtoe.tb.linux.LinuxRun.Result r : runs) {
            Path to = out.toAbsolutePath().getParent().resolve("linux-" + r.mode() + "-" + (r.engine().startsWith("RTL") ? "rtl" : "tlm")
                    + ".pcap");
            Files.copy(Path.of(r.pcap()), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.out.println("frames: " + to);
        }
        System.out.println("kernel " + runs.get(0).kernelRelease() + "; summary: " + out.toAbsolutePath());
        return runs.stream().allMatch(vtoe.tb.linux.LinuxRun.Result::pass) ? 0 : 1;
    }

    /** The Linux demo's table (Markdown, so that the README can show it as printed). */
    public static String linuxTable(List<vtoe.tb.linux.LinuxRun.Result> runs) {
        StringBuilder s = new StringBuilder("| mode | engine | sockets x MiB | SHA-256 | retx | kernel had | already acked "
                + "| kernel DelayedACKLost | InCsumErrors | tshark | page-outs | cycles | wall s | MB/s (wall) | waits (s) |\n"
                + "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (vtoe.tb.linux.LinuxRun.Result r : runs) {
            s.append(String.format("| %s | %s | %d x %.0f | %s | %d | %d | %d | %d | %d | %s | %d | %d | %.1f | %.2f | %d (%.2f) |%n", r.mode(),
                    r.engine(), r.connections(), r.bytes() / (double) r.connections() / (1 << 20),
                    r.socketsMatched() == r.connections() ? "all match" : "**" + r.socketsMatched() + " match**",
                    r.retransmissions(), r.retransmissionsKernelHad(), r.retransmissionsAlreadyAcked(),
                    r.kernel().getOrDefault("TcpExt.DelayedACKLost", -1L), r.kernel().getOrDefault("Tcp.InCsumErrors", -1L),
                    r.tsharkProblems() == 0 ? "clean" : r.tsharkProblems() + " bad", r.pageOuts(), r.cycles(), r.wallSeconds(),
                    r.bytesPerWallSecond() / 1e6, r.waits(), r.waitedSeconds()));
        }
        return s.toString();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!peer.equals("ours") && !peer.equals("linux")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "unknown peer " + peer + "; use ours or linux");
        }
        if (out == null) {
            out = Path.of("target", "demo", peer.equals("linux") ? "linux.json" : "summary.json");
        }
        List<String> names = List.of("PUSH", "TRANSLATE", "PREPINNED");
        List<Integer> todo = new ArrayList<>();
        for (String m : modes) {
            int mode = names.indexOf(m.toUpperCase());
            if (mode < 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown mode " + m + "; use one of " + names);
            }
            todo.add(mode);
        }
        if (peer.equals("linux")) {
            return linux(todo, names);
        }
        // Link: 3000 cycles each way, loss, a fifth of that duplicated, reordering as often as loss.
        Link.Config link = Link.Config.ideal(3000).withImpairments(loss, loss / 5, loss, 1500, 0);
        boolean bar = !noProgress && System.console() != null && System.getenv("CI") == null;
        List<WorldRun.Result> runs = new ArrayList<>();
        try (ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("demo").setInitialMax(2 * bytes * todo.size())
                .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1 << 20).showSpeed().build() : null) {
            for (int mode : todo) {
                long seed = SeedExtension.derive(master, "Demo", "mode" + mode, 0);
                long base = runs.size() * 2 * bytes;
                if (pb != null) {
                    pb.setExtraMessage(names.get(mode));
                } else {
                    System.out.printf("running %s: %d bytes on the RTL (TLM in lockstep), then on the standalone TLM ...%n",
                            names.get(mode), bytes);
                }
                runs.add(WorldRun.run(SimRun.of("Demo", "mode" + mode, seed),
                        new WorldRun.Spec(mode, bytes, link, 20_000, WorldRun.pressured()), done -> {
                            if (pb != null) {
                                pb.stepTo(base + done);
                            }
                        }, "./scripts/demo --mode %s --bytes %d --loss %s --seed 0x%x".formatted(names.get(mode), bytes, loss, master)));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), runs);
        String fmt = "%-10s %8s %6s %5s %7s %7s %6s %7s %9s %7s %9s %9s %4s | %9s %7s %6s%n";
        System.out.printf(fmt, "mode", "bytes", "sha256", "retx", "fromSwp", "pageIns", "pins", "maxPin", "cycles", "wall s",
                "cycles/s", "compared", "mism", "TLM cyc", "TLM s", "TLM ok");
        for (WorldRun.Result r : runs) {
            System.out.printf(fmt, r.mode(), r.bytes(), r.sha256Match() ? "ok" : "BAD", r.retransmissions(), r.retransmitsFromSwap(),
                    r.pageIns(), r.pins(), r.maxPinnedPages(), r.cycles(), String.format("%.2f", r.wallSeconds()), r.cyclesPerSecond(),
                    r.transactionsCompared(), r.mismatches(), r.tlmCycles(), String.format("%.2f", r.tlmWallSeconds()),
                    r.tlmSha256Match() ? "ok" : "BAD");
            if (r.firstMismatch() != null) {
                System.out.println("  " + r.mode() + " FAILED: " + r.firstMismatch() + "\n  REPRODUCE: " + r.reproduce());
            }
        }
        // Every frame of each RTL run, both ways, next to the summary; tshark judges the adapter's.
        boolean framesOk = true;
        for (WorldRun.Result r : runs) {
            Path to = out.toAbsolutePath().getParent().resolve(r.mode() + ".pcap");
            Files.copy(Path.of(r.pcap()), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long bad = vtoe.model.net.TsharkCheck.check(to).problems().size();
            framesOk &= bad == 0;
            System.out.println("frames: " + to + (bad == 0 ? " (tshark: no bad frame)" : " (tshark: " + bad + " BAD FRAME(S))"));
        }
        System.out.println("summary: " + out.toAbsolutePath());
        return framesOk && runs.stream().allMatch(r -> r.mismatches() == 0 && r.sha256Match() && r.tlmSha256Match()) ? 0 : 1;
    }
}
