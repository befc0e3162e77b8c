package vtoe.tb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vtoe.cosim.Dut;
import vtoe.cosim.DutOptions;
import vtoe.tb.junit.SimRun;

/**
 * {@code ./scripts/bench}: measures what the issues ask for, side by side in one run, and writes
 * BENCHMARKS.md with the machine, the date and the command. Speeds are reported as measured on a
 * shared 2-core machine; the figures that carry targets are ratios or cycle counts, which do not
 * depend on how busy the machine was.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures the adapter and the simulators; writes BENCHMARKS.md.")
public final class Bench implements Callable<Integer> {
    @Option(names = "--bytes", description = "bytes per utilisation run (default: ${DEFAULT-VALUE})")
    int bytes = 1_000_000;

    @Option(names = "--out", description = "report (default: ${DEFAULT-VALUE})")
    Path out = Path.of("BENCHMARKS.md");

    @Option(names = "--world-bytes", description = "bytes per world run of the co-simulation speed benchmark (default: ${DEFAULT-VALUE})")
    long worldBytes = 2L << 20;

    @Option(names = "--cosim-runs", description = "timed co-simulation runs per mode; the best counts (default: ${DEFAULT-VALUE})")
    int cosimRuns = 2;

    @Option(names = "--replays", description = "timed replays per mode; the best is the limit (default: ${DEFAULT-VALUE})")
    int replays = 5;

    @Option(names = "--command", hidden = true, description = "command line to record in the report")
    String command = "./scripts/bench";

    @Option(names = "--only", split = ",", description = "sections to run (default: all): ${COMPLETION-CANDIDATES}")
    java.util.EnumSet<Section> only = java.util.EnumSet.allOf(Section.class);

    @Option(names = "--seeds", description = "seeds per scenario of the TLM speed section (default: ${DEFAULT-VALUE})")
    int seeds = 4;

    @Option(names = "--reps", description = "the fewest TLM runs per seed in the TLM speed section, whose mean is taken; a seed runs "
            + "at least as long as its RTL run took (default: ${DEFAULT-VALUE})")
    int reps = 5;

    @Option(names = "--rounds", description = "times the TLM speed section measures its whole table, each row giving the median of its "
            + "rounds (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    /** The report's sections, in order. */
    enum Section {
        perf("## Adapter performance"), state("## State per connection"), tlm("## Standalone TLM speed"), scale("## Scale:"),
        cosim("## Co-simulation speed"), engine("## Connection engine"), linux("## Against the Linux kernel");

        /** How the section's heading starts in BENCHMARKS.md (a section not run keeps its old text). */
        final String heading;

        Section(String heading) {
            this.heading = heading;
        }
    }

    @Option(names = "--linux-bytes", description = "bytes per connection of the Linux-kernel section (default: ${DEFAULT-VALUE})")
    long linuxBytes = 4L << 20;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# vtoe benchmarks\n\n");
        md.append("Written by `").append(command).append("` on ").append(LocalDate.now()).append(", ").append(machine())
                .append(only.size() == Section.values().length ? ".\nEvery figure below comes from that one run; rerun the command to refresh them.\n\n"
                        : " (sections " + only + "; the others, and the sections other tools write, are kept from the runs that wrote them, "
                                + "each with its own date where it has one).\n\n");
        String old = Files.exists(out) ? Files.readString(out) : "";
        int firstSection = old.indexOf("\n## ");
        int note = old.indexOf("\n> ");
        if (only.size() < Section.values().length && note >= 0 && firstSection > note) {
            md.append(old, note + 1, firstSection + 1); // a dated note about sections this run does not refresh stays
        }
        for (Section s : Section.values()) {
            if (!only.contains(s)) {
                md.append(MarkdownSection.of(old, s.heading)); // --only refreshes some sections and keeps the others as they were
                continue;
            }
            switch (s) {
                case perf -> AdapterPerfBench.section(md, bytes);
                case state -> state(md);
                case tlm -> TlmSpeedBench.section(md, seeds, reps, rounds);
                case scale -> ScaleBench.section(md, out.toAbsolutePath().getParent().resolve("docs/figures/bench-scale.png"),
                        "docs/figures/bench-scale.png", reps, vtoe.tb.adapter.AdapterTb.elaboratedParams().numConns());
                case cosim -> CosimSpeedBench.section(md, worldBytes, cosimRuns, replays);
                case engine -> EngineBench.section(md);
                case linux -> LinuxBench.section(md, linuxBytes);
            }
        }
        // Sections other tools write (./scripts/synth's, the waves and head-of-line measurements, whose runs take
        // far longer or need another build): kept as they are, in their order.
        for (String h : MarkdownSection.headings(old)) {
            if (java.util.Arrays.stream(Section.values()).noneMatch(x -> h.startsWith(x.heading))) {
                md.append(MarkdownSection.of(old, h));
            }
        }
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("written: " + out.toAbsolutePath());
        return 0;
    }

    public static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException e) {
            // not Linux: say so rather than fail the benchmark
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), Java " + System.getProperty("java.version");
    }

    private void state(StringBuilder md) {
        md.append("## State per connection (issue 4)\n\n");
        try (Dut d = Dut.open(DutOptions.of("VtoeAdapter"))) {
            JsonNode s = d.elaboration().get("stateBits");
            long per = s.get("perConnection").asLong();
            md.append("From the elaborated RTL's own types (`params.json`, `stateBits`): connection state ")
                    .append(s.get("connState").asInt()).append(" bits, configuration ").append(s.get("connCfg").asInt())
                    .append(" bits, ").append(s.get("retained").asInt()).append(" retained entries of ")
                    .append(s.get("ringEntry").asInt()).append(" bits (descriptor VA, data VA, PA, size, seq: metadata only). ")
                    .append("Besides, one store-and-forward staging buffer of ").append(s.get("stagingBytes").asInt())
                    .append(" bytes serves all connections (a segment's bytes stay there only until its frame has left); its RAM is ")
                    .append(s.get("stagingRamBytes").asInt()).append(" bytes, a copy per answer path (PUSH, DMA), so that ")
                    .append("both write and the framer reads in one cycle without a stall.\n\n");
            md.append("COPY_RETAIN keeps every sent, unacknowledged byte on the adapter: the window, in bits, on top of the ")
                    .append("same metadata.\n\n");
            md.append("| window | this adapter (bits/connection) | COPY_RETAIN (bits/connection) | ratio |\n|---:|---:|---:|---:|\n");
            for (long w : new long[] {64L << 10, 1L << 20, 16L << 20}) {
                long copy = per + w * 8;
                md.append(String.format("| %d KiB | %d | %d | %.0fx |%n", w >> 10, per, copy, (double) copy / per));
            }
            md.append("\n");
        }
    }

}
