package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import vtoe.tb.synth.Synth;
import vtoe.tb.synth.SynthReport;

/**
 * {@code ./scripts/synth} works from a clean output folder: Chisel elaborates the Yosys flavour, Yosys
 * 0.23 reads it and both flows finish with plausible figures, storage grows with the connections, a bad
 * parameter stops with AdapterParams' own message, and a second call reuses the report.
 *
 * <p>On {@code FetchTop} (CSRs, doorbell queue, descriptor fetch) with 2 and 8 connections, not on the
 * whole adapter: {@code synth_xilinx} alone takes about 3 CPU minutes on the 64-connection adapter, FetchTop
 * about 20 s. The adapter's figures are in BENCHMARKS.md.
 *
 * <p>Run just this: {@code ./scripts/test --only SynthIT}
 */
class SynthIT {
    private static final Path ROOT = Synth.findRoot();
    private static final Path OUT = ROOT.resolve("testbenches/target/synth-it");
    private static long t0;
    private static Synth.Result small;
    private static Synth.Result large;

    private static Synth.Request request(int conns, Map<String, Integer> more) {
        Map<String, Integer> p = new LinkedHashMap<>();
        p.put("numConns", conns);
        p.putAll(more);
        return new Synth.Request(ROOT, OUT, "FetchTop", p, 2, 900, 8, false);
    }

    @BeforeAll
    static void synthesise() throws Exception {
        t0 = System.nanoTime();
        vtoe.tb.FileTree.delete(OUT); // a fresh machine: nothing cached
        small = Synth.run(request(2, Map.of()), System.out);
        large = Synth.run(request(8, Map.of()), System.out);
    }

    @AfterAll
    static void timing() {
        System.out.printf("SynthIT took %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void bothFlowsFinishWithPlausibleFigures() throws IOException {
        SynthReport r = small.report();
        assertThat(small.reused()).isFalse();
        assertThat(r.config()).isEqualTo("FetchTop-c2-d8-t16-r16");
        assertThat(r.xilinxRun().finished()).as(r.xilinxRun().status()).isTrue();
        assertThat(r.genericRun().finished()).as(r.genericRun().status()).isTrue();
        SynthReport.Xilinx x = r.xilinx();
        assertThat(x.luts()).isBetween(500, 50_000);
        assertThat(x.lutsBySize().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(x.luts());
        assertThat(x.flipFlops()).isBetween(200, 50_000);
        assertThat(x.carryCells()).isPositive(); // counters and sequence-number arithmetic
        assertThat(x.lutLevels()).isBetween(3, 200);
        assertThat(x.ramb18() + x.ramb36()).as("no Mem of the design has a synchronous read port").isZero();
        SynthReport.Generic g = r.generic();
        assertThat(g.cells()).isGreaterThan(x.luts());
        assertThat(g.flipFlops()).isPositive();
        assertThat(g.memories()).isGreaterThanOrEqualTo(r.memories().size());
        assertThat(g.memoryBits()).isEqualTo(r.memories().stream().mapToLong(SynthReport.Memory::bits).sum());
        assertThat(g.depth()).isGreaterThan(x.lutLevels()); // a LUT level holds several gates
        // The inventory sees the per-connection configuration memory with one row per connection.
        assertThat(r.memories()).anySatisfy(m -> {
            assertThat(m.name()).isEqualTo("csr.cfgMem_ext.Memory");
            assertThat(m.depth()).isEqualTo(2);
            assertThat(m.mappedTo()).isNotBlank();
        });
        assertThat(small.dir().resolve("FetchTop.sv")).exists();
        assertThat(Files.readString(small.dir().resolve("report.md"))).contains("| LUTs | " + x.luts() + " |");
        assertThat(new ObjectMapper().readValue(small.dir().resolve("report.json").toFile(), SynthReport.class)).isEqualTo(r);
    }

    @Test
    void storageGrowsWithConnections() {
        SynthReport a = small.report();
        SynthReport b = large.report();
        // Per-connection memories: the configuration (ConnCfg, 519 bits) and the descriptor sequence (32).
        long perConn = (b.generic().memoryBits() - a.generic().memoryBits()) / 6;
        assertThat(perConn).as("memory bits per connection").isGreaterThan(500);
        // synth_xilinx may move a memory from flip-flops to LUTRAM as it grows (cfgMem does here), so what
        // grows is the storage of both together.
        assertThat(b.xilinx().flipFlops() + b.xilinx().lutramBits()).isGreaterThan(a.xilinx().flipFlops() + a.xilinx().lutramBits());
        // BENCHMARKS' growth sentence: fewest to most connections whatever the order given, from these figures.
        String growth = Synth.growth(List.of(b, a));
        assertThat(growth).startsWith(String.format(java.util.Locale.ROOT, "From 2 to 8 connections (4x): flip-flops %,d to %,d (%.2fx)",
                a.xilinx().flipFlops(), b.xilinx().flipFlops(), (double) b.xilinx().flipFlops() / a.xilinx().flipFlops()));
        assertThat(growth).contains(String.format(java.util.Locale.ROOT, "generic flip-flops %,d to %,d", a.generic().flipFlops(),
                b.generic().flipFlops()));
        assertThat(Synth.growth(List.of(a))).as("one configuration: nothing to compare").isEmpty();
        // The section names the commit it is written at, and the earlier commits of reports the cache kept.
        assertThat(Synth.benchmarksSection(List.of(a, b), "cmd", "1.0", a.commit())).contains(", commit " + a.commit() + ", ");
        assertThat(Synth.benchmarksSection(List.of(a, b), "cmd", "1.0", "0000000"))
                .contains(", commit 0000000 (reports kept from syntheses of the same Verilog at " + a.commit() + ")")
                .contains(growth);
    }

    @Test
    void badParameterStopsWithTheRtlMessage() {
        assertThatThrownBy(() -> Synth.run(request(2, Map.of("tags", 40)), System.out))
                .isInstanceOf(Synth.SynthException.class)
                .hasMessageContaining("tags must be 2..31 (DMA id = 1 + tag), not 40");
        assertThat(OUT.resolve("FetchTop-c2-d8-t40-r16")).doesNotExist();
        // The command line says the same on stderr and exits with 2.
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int rc;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = new CommandLine(new Synth()).execute("--root", ROOT.toString(), "--out", OUT.toString(), "--top", "FetchTop",
                    "--conns", "3");
        } finally {
            System.setErr(old);
        }
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: numConns must be a power of two (ACKs find their connection by local port), not 3");
    }

    @Test
    void secondCallReusesTheReport() throws Exception {
        FileTime report = Files.getLastModifiedTime(small.dir().resolve("report.json"));
        FileTime log = Files.getLastModifiedTime(small.dir().resolve("xilinx.log"));
        Synth.Result again = Synth.run(request(2, Map.of()), System.out);
        assertThat(again.reused()).isTrue();
        assertThat(again.report()).isEqualTo(small.report());
        assertThat(Files.getLastModifiedTime(small.dir().resolve("report.json"))).isEqualTo(report);
        assertThat(Files.getLastModifiedTime(small.dir().resolve("xilinx.log"))).as("Yosys did not run again").isEqualTo(log);
    }
}
