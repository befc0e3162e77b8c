package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import vtoe.model.AdapterParams;
import vtoe.tb.rtlcfg.RtlConfig;
import vtoe.tb.whatif.PlotSpec;
import vtoe.tb.whatif.Point;
import vtoe.tb.whatif.PointRunner;
import vtoe.tb.whatif.PointSummary;
import vtoe.tb.whatif.Study;
import vtoe.tb.whatif.Whatif;

/**
 * The what-if tool on the TLM: a small study end to end (files, columns, plots, and the modes'
 * host work as the method predicts), the statistics, and every kind of bad input failing before a
 * run with a message that says what to type instead.
 *
 * <p>Run just this: {@code ./scripts/test --only WhatifTest}
 */
class WhatifTest {
    @TempDir
    Path tmp;

    private record Cli(int exit, String out, String err) {}

    private static Cli whatif(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream was = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            CommandLine cl = new CommandLine(new Whatif());
            cl.setErr(new PrintWriter(err, true));
            cl.setExecutionExceptionHandler((e, c, parsed) -> {
                c.getErr().println("whatif: " + e.getMessage());
                return 2;
            });
            int exit = cl.execute(args);
            return new Cli(exit, out.toString(), err.toString());
        } finally {
            System.setOut(was);
        }
    }

    private static List<Map<String, String>> csv(Path f) throws Exception {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(f.toFile())) {
            return it.readAll();
        }
    }

    @Test
    void aSmallStudyWritesEveryOutputAndTheModesDoTheHostWorkTheMethodPredicts() throws Exception {
        Cli c = whatif("--name", "t", "--out", tmp.toString(), "--axis", "mode=TRANSLATE,PREPINNED,COPY_RETAIN", "--axis", "loss=0,0.02",
                "--set", "bytes=160K", "--seeds", "2", "--plot", "goodput_gbps vs loss by mode", "--plot", "retx_p50,retx_p99 vs loss by mode",
                "--plot", "goodput_gbps vs adapter_memory_bytes by mode pareto", "--no-progress");
        assertThat(c.exit()).as(c.out() + c.err()).isZero();
        Path dir = tmp.resolve("t");
        List<Map<String, String>> runs = csv(dir.resolve("runs.csv"));
        assertThat(runs).hasSize(12).allSatisfy(r -> assertThat(r.get("ok")).isEqualTo("true"));
        assertThat(runs).extracting(r -> r.get("seed")).containsOnly(runs.get(0).get("seed"), runs.get(1).get("seed"));
        List<Map<String, String>> points = csv(dir.resolve("points.csv"));
        assertThat(points).hasSize(6);
        assertThat(points.get(0)).containsKeys("goodput_gbps_mean", "goodput_gbps_sd", "goodput_gbps_ci95_lo", "goodput_gbps_ci95_hi",
                "copy_bytes_mean", "retx_p99_mean", "host_bus_bytes_mean");
        for (Map<String, String> p : points) {
            double gp = Double.parseDouble(p.get("goodput_gbps_mean"));
            assertThat(gp).as("goodput %s", p).isBetween(0.1, 16.0);
            assertThat(Double.parseDouble(p.get("goodput_gbps_ci95_lo"))).isLessThanOrEqualTo(gp);
            double hostReq = Double.parseDouble(p.get("host_requests_mean"));
            double retxReq = Double.parseDouble(p.get("retransmit_requests_mean"));
            boolean lossy = !p.get("loss").equals("0");
            switch (p.get("mode")) {
                case "TRANSLATE" -> assertThat(hostReq).as("TRANSLATE asks the host for every segment").isGreaterThan(160_000 / 1460.0);
                case "PREPINNED" -> assertThat(hostReq).as("PREPINNED asks only for retransmissions").isEqualTo(retxReq);
                default -> {
                    assertThat(Double.parseDouble(p.get("copy_bytes_mean"))).as("COPY_RETAIN holds the bytes in flight").isPositive();
                    assertThat(hostReq).as("COPY_RETAIN resends from its copy").isLessThan(Math.max(1, retxReq / 4));
                }
            }
            if (lossy) {
                assertThat(retxReq).as("retransmissions at 2%% loss, %s", p).isPositive();
                assertThat(p.get("retx_p50_mean")).isNotEmpty();
            } else {
                assertThat(retxReq).isZero();
                assertThat(p.get("retx_p50_mean")).as("no retransmission, no latency").isEmpty();
            }
            if (!p.get("mode").equals("COPY_RETAIN")) {
                assertThat(p.get("copy_bytes_mean")).isEqualTo("0");
            }
        }
        assertThat(Files.size(dir.resolve("plots/goodput_gbps-vs-loss-by-mode.png"))).isGreaterThan(5000);
        assertThat(Files.size(dir.resolve("plots/goodput_gbps-vs-adapter_memory_bytes-by-mode.png"))).isGreaterThan(5000);
        // The front in summary.md: exactly the points that no other point beats on memory and goodput both.
        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("### Pareto front: ");
        java.util.Set<String> onFront = new java.util.HashSet<>();
        for (Map<String, String> p : points) {
            double mem = Double.parseDouble(p.get("adapter_memory_bytes_mean"));
            double gp = Double.parseDouble(p.get("goodput_gbps_mean"));
            boolean dominated = points.stream().anyMatch(q -> {
                double m2 = Double.parseDouble(q.get("adapter_memory_bytes_mean"));
                double g2 = Double.parseDouble(q.get("goodput_gbps_mean"));
                return m2 <= mem && g2 >= gp && (m2 < mem || g2 > gp);
            });
            if (!dominated) {
                onFront.add("mode=" + p.get("mode") + " loss=" + p.get("loss") + " |");
            }
        }
        String table = md.substring(md.indexOf("### Pareto front: "), md.indexOf("### Plots"));
        assertThat(onFront).isNotEmpty().allSatisfy(pt -> assertThat(table).contains(pt));
        assertThat(table.lines().filter(l -> l.startsWith("| mode=")).count()).as(table).isEqualTo(onFront.size());
        assertThat(Files.size(dir.resolve("plots/retx_p50+retx_p99-vs-loss-by-mode.png"))).isGreaterThan(5000);
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("| mode=COPY_RETAIN loss=0.02 | 2 | 0 |")
                .contains("![goodput_gbps-vs-loss-by-mode.png]");
    }

    @Test
    void resumeRunsOnlyWhatTheJournalLacksAndReportsTheSameFigures() throws Exception {
        String[] study = {"--name", "r", "--out", tmp.toString(), "--axis", "mode=PUSH,COPY_RETAIN", "--axis", "connections=1,2", "--set",
            "bytes=32K", "--seeds", "2", "--no-progress", "--plot", "goodput_gbps vs connections by mode"};
        Cli first = whatif(study);
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        Path dir = tmp.resolve("r");
        List<Map<String, String>> before = csv(dir.resolve("runs.csv"));
        assertThat(Files.readString(dir.resolve("study.json"))).contains("\"commit\"", "\"seeds\"", "\"parameters\"", "\"runsTlm\" : 8");
        // An interruption: three runs never finished, and the last line was cut short by the kill.
        List<String> journal = Files.readAllLines(dir.resolve("runs.jsonl"));
        assertThat(journal).hasSize(8);
        Files.write(dir.resolve("runs.jsonl"), journal.subList(0, 5));
        Files.writeString(dir.resolve("runs.jsonl"), journal.get(5).substring(0, 40), java.nio.file.StandardOpenOption.APPEND);
        Files.delete(dir.resolve("runs.csv"));
        String[] resumed = java.util.Arrays.copyOf(study, study.length + 1);
        resumed[study.length] = "--resume";
        Cli again = whatif(resumed);
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("--resume: 5 of 8 runs already done", "running the other 3");
        List<Map<String, String>> after = csv(dir.resolve("runs.csv"));
        assertThat(after).hasSize(8);
        for (int i = 0; i < 8; i++) {
            Map<String, String> a = new java.util.TreeMap<>(before.get(i));
            Map<String, String> b = new java.util.TreeMap<>(after.get(i));
            a.remove("wall_seconds");
            b.remove("wall_seconds");
            assertThat(b).as("run %d", i).isEqualTo(a);
        }
        Cli fresh = whatif(study);
        assertThat(fresh.out()).as("without --resume the study starts over").doesNotContain("--resume:");
        assertThat(Files.readAllLines(dir.resolve("runs.jsonl"))).hasSize(8);
    }

    @Test
    void helpNamesEveryOption() {
        Cli c = whatif("--help");
        assertThat(c.exit()).isZero();
        for (OptionSpec o : new CommandLine(new Whatif()).getCommandSpec().options()) {
            if (!o.hidden()) {
                assertThat(c.out()).as("--help lists %s", o.longestName()).contains(o.longestName());
                assertThat(o.description()).as("%s has a description", o.longestName()).isNotEmpty();
            }
        }
        assertThat(whatif("--list").out()).contains("hostLatency", "COPY_RETAIN", "goodput_gbps", "retx_swapped_p50");
    }

    @Test
    void badInputFailsBeforeAnyRunSayingWhatToTypeInstead() {
        assertThat(whatif("--axis", "mode=PUSH,FOO", "--out", tmp.toString()).err()).contains("mode must be one of [PUSH, TRANSLATE");
        assertThat(whatif("--axis", "lost=0.1", "--out", tmp.toString()).err()).contains("unknown parameter 'lost'").contains("loss");
        assertThat(whatif("--set", "window=17M", "--out", tmp.toString()).err()).contains("window must be in 1..16777216");
        assertThat(whatif("--set", "connections=65537", "--out", tmp.toString()).err()).contains("connections must be in 1..65536");
        assertThat(whatif("--axis", "mode=PUSH,TRANSLATE", "--axis", "loss=0,0.1", "--plot", "goodput_gbps vs loss", "--out", tmp.toString())
                .err()).contains("leaves the axis 'mode' unbound").contains("by mode");
        assertThat(whatif("--axis", "loss=0,0.1", "--rtl", "loss=0.5", "--out", tmp.toString()).err()).contains("matches no point");
        assertThat(whatif("--axis", "mode=COPY_RETAIN", "--rtl", "all", "--out", tmp.toString()).err())
                .contains("cannot run on the RTL").contains("TLM-only baseline");
        assertThat(tmp.toFile().list()).as("nothing written for bad input").isEmpty();
    }

    @Test
    void eachPointRunsOnTheAdapterConfigurationItsParametersName() {
        Point d = Point.defaults();
        assertThat(PointRunner.config(d)).as("up to 64 connections and default widths: the Maven build").isEqualTo(RtlConfig.defaults());
        assertThat(PointRunner.config(d.with("connections", "64")).key()).isEqualTo("c64-d8-t16-r16");
        assertThat(PointRunner.config(d.with("connections", "65")).key()).isEqualTo("c128-d8-t16-r16");
        assertThat(PointRunner.config(d.with("bytes", "64K").with("ramKiB", "256M").with("connections", "4096")).key())
                .isEqualTo("c4096-d8-t16-r16");
        Point wide = d.with("dataBytes", "32").with("tags", "8").with("retained", "64");
        assertThat(PointRunner.config(wide).key()).isEqualTo("c64-d32-t8-r64");
        AdapterParams ap = PointRunner.config(wide).params();
        assertThat(List.of(ap.numConns(), ap.dataBytes(), ap.tags(), ap.retained())).containsExactly(64, 32, 8, 64);
        assertThat(ap.maxRetries()).isEqualTo(AdapterParams.adapterDefaults().maxRetries());
        assertThat(PointRunner.rtlRefusal(wide)).as("any configuration gets a build of its own").isNull();
        // The adapter's state follows the point's configuration even where no build of it exists (TLM only).
        Point small = d.with("bytes", "16K").with("connections", "4");
        double base = PointRunner.tlm(small, 1).metric("adapter_state_bytes");
        double moreRetained = PointRunner.tlm(small.with("retained", "32"), 1).metric("adapter_state_bytes");
        double fewerTags = PointRunner.tlm(small.with("tags", "8"), 1).metric("adapter_state_bytes");
        assertThat(moreRetained).as("16 more retained entries per connection").isGreaterThan(base);
        assertThat(base - fewerTags).as("8 fewer 2 KiB staging slots").isEqualTo(8 * 2048);
        assertThatThrownBy(() -> d.with("tags", "40")).hasMessage("tags must be in 2..31 (DMA id = 1 + tag, 5 id bits), not 40");
        assertThatThrownBy(() -> d.with("retained", "24")).hasMessage("retained must be a power of two >= 2, not 24");
    }

    @Test
    void pointsCheckTheirValuesAndTakeSizeSuffixes() {
        Point p = Point.defaults().with("bytes", "1M").with("mode", "copy_retain").with("window", "16K");
        assertThat(p.bytes()).isEqualTo(1 << 20);
        assertThat(p.mode()).isEqualTo("COPY_RETAIN");
        assertThat(p.window()).isEqualTo(16384);
        assertThatThrownBy(() -> Point.defaults().with("ramKiB", "128")).hasMessageContaining("too small")
                .hasMessageContaining("needs at least");
        assertThatThrownBy(() -> Point.defaults().with("loss", "lots")).hasMessageContaining("'lots' is not a number");
        assertThatThrownBy(() -> Point.defaults().with("connections", "64").with("bytes", "32M")).hasMessageContaining("at most 1 GiB");
    }

    @Test
    void plotsAreSentencesAndTheirMistakesAreNamed() {
        PlotSpec s = PlotSpec.parse("goodput_gbps,retx_p99 vs hostLatency by mode,window per loss where rtt=1000 logx logy");
        assertThat(s.metrics()).containsExactly("goodput_gbps", "retx_p99");
        assertThat(s.by()).containsExactly("mode", "window");
        assertThat(s.per()).isEqualTo("loss");
        assertThat(s.where()).containsEntry("rtt", "1000");
        assertThat(s.logX() && s.logY()).isTrue();
        assertThatThrownBy(() -> PlotSpec.parse("goodput vs loss")).hasMessageContaining("unknown metric 'goodput'");
        assertThatThrownBy(() -> PlotSpec.parse("goodput_gbps vs mode")).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> PlotSpec.parse("goodput_gbps loss")).hasMessageContaining("METRIC vs PARAM");
        assertThatThrownBy(() -> PlotSpec.parse("goodput_gbps vs loss by")).hasMessageContaining("'by' needs a value");
        PlotSpec trade = PlotSpec.parse("goodput_gbps vs adapter_memory_bytes by mode per window pareto logx");
        assertThat(trade.tradeOff() && trade.pareto()).isTrue();
        assertThat(PlotSpec.parse("goodput_gbps vs loss").tradeOff()).isFalse();
        assertThatThrownBy(() -> PlotSpec.parse("goodput_gbps vs loss pareto")).hasMessageContaining("'pareto' draws the front");
        assertThatThrownBy(() -> PlotSpec.parse("goodput_gbps,retx_p99 vs adapter_memory_bytes pareto")).hasMessageContaining("not 2 metrics");
        assertThatThrownBy(() -> PlotSpec.parse("goodput_gbps,retx_p99 vs adapter_memory_bytes")).hasMessageContaining("one plot line per metric");
    }

    @Test
    void theGridIsEveryCombinationInAxisOrder() {
        Study s = Study.of("g", "", List.of("bytes=64K"), List.of("mode=PUSH,PREPINNED", "loss=0,0.01,0.02"), List.of());
        assertThat(s.points()).hasSize(6);
        assertThat(s.describe(s.points().get(1))).isEqualTo("mode=PUSH loss=0.01");
        assertThat(s.select("loss=0.01")).hasSize(2);
        assertThat(s.points()).allSatisfy(p -> assertThat(p.bytes()).isEqualTo(65536));
        // A combination is checked whole: 4096 connections are valid with the RAM set after them, or on another axis.
        assertThat(Study.of("o", "", List.of("connections=4096", "ramKiB=256K", "bytes=64K"), List.of(), List.of()).points()).hasSize(1);
        assertThat(Study.of("o", "", List.of("bytes=64K"), List.of("connections=1,4096", "ramKiB=256K"), List.of()).points()).hasSize(2);
        assertThatThrownBy(() -> Study.of("o", "", List.of("bytes=64K"), List.of("connections=1,4096"), List.of()))
                .hasMessageContaining("the point connections=4096 is not valid: ramKiB=16384 is too small");
    }

    @Test
    void aLinkedAxisMovesItsParametersTogether() {
        Study s = Study.of("l", "", List.of("ramKiB=64K"), List.of("mode=PUSH,COPY_RETAIN", "connections/window/bytes=64/64K/256K,1024/1M/1M"),
                List.of("goodput_gbps vs adapter_memory_bytes by mode pareto"));
        assertThat(s.points()).hasSize(4); // 2 modes x 2 tuples, not 2 x 2 x 2 x 2
        assertThat(s.points()).extracting(p -> p.connections() + "/" + p.window() + "/" + p.bytes())
                .containsExactly("64/65536/262144", "1024/1048576/1048576", "64/65536/262144", "1024/1048576/1048576");
        assertThat(s.describe(s.points().get(1))).isEqualTo("mode=PUSH connections=1024 window=1048576 bytes=1048576");
        assertThat(s.axisParams()).containsExactly("mode", "connections", "window", "bytes");
        assertThat(s.select("connections=1024")).hasSize(2);
        assertThatThrownBy(() -> Study.of("l", "", List.of(), List.of("connections/window=64/64K,1024"), List.of()))
                .hasMessageContaining("has 1 part(s)");
        assertThatThrownBy(() -> Study.of("l", "", List.of(), List.of("window=64K", "connections/window=64/64K"), List.of()))
                .hasMessageContaining("--axis window is given twice");
        assertThatThrownBy(() -> Study.of("l", "", List.of(), List.of("connections/window=1/64K,1/1M,4/1M"),
                List.of("goodput_gbps vs connections"))).hasMessageContaining("'window' (linked in connections/window) unbound");
        assertThat(Study.of("l", "", List.of(), List.of("connections/window=1/64K,4/1M"), List.of("goodput_gbps vs connections by window"))
                .plots()).hasSize(1);
        // The bytes need not be bound when connections and window already tell the tuples apart.
        assertThat(Study.of("l", "", List.of(), List.of("connections/window/bytes=1/64K/64K,1/1M/1M,4/1M/1M"),
                List.of("goodput_gbps vs connections by window")).plots()).hasSize(1);
    }

    @Test
    void confidenceIntervalsUseStudentsT() {
        SummaryStatistics s = new SummaryStatistics();
        // {1, 2, 3}: mean 2, sd 1, t(0.975, 2) = 4.3027
        for (double v : new double[] {1, 2, 3}) {
            s.addValue(v);
        }
        var st = PointSummary.Stat.of(s);
        assertThat(st.mean()).isEqualTo(2.0);
        assertThat(st.sd()).isEqualTo(1.0);
        assertThat(st.hi() - st.mean()).isCloseTo(4.3027 / Math.sqrt(3), org.assertj.core.data.Offset.offset(1e-3));
    }
}
