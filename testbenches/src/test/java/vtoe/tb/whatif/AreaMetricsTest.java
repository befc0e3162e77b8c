package vtoe.tb.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import vtoe.tb.rtlcfg.RtlConfig;
import vtoe.tb.synth.SynthReport;

/**
 * What {@code ./scripts/whatif --area} adds to a run: the figures of the synthesis of the configuration
 * the point runs on (not of another), NaN where synth_xilinx did not finish or nothing was synthesised,
 * and COPY_RETAIN's copy in whole block RAM primitives.
 *
 * <p>Run just this: {@code ./scripts/test --only AreaMetricsTest}
 */
class AreaMetricsTest {
    private static SynthReport report(String config, int luts, int ffs, int ramb36, boolean finished) {
        SynthReport.Run run = new SynthReport.Run("yosys -s xilinx.ys", "f", finished, finished ? "ok" : "timeout after 10 s", 10, null, null,
                "X");
        SynthReport.Xilinx x = finished
                ? new SynthReport.Xilinx(luts, new TreeMap<>(), ffs, new TreeMap<>(), 0, ramb36, 36864L * ramb36, 8, new TreeMap<>(), 512, 0, 0,
                        0, 0, 0, 0, 0, new TreeMap<>())
                : null;
        return new SynthReport(config, "VtoeAdapter", Map.of(), "c0ffee", "2026-12-02", "Yosys 0.23", "", "", 1, run, x, run, null, List.of());
    }

    private static RunResult run(Point p, double copyBytes) {
        Map<String, Double> m = new LinkedHashMap<>();
        RunResult.METRICS.keySet().forEach(k -> m.put(k, 1.0));
        m.put("copy_bytes", copyBytes);
        return new RunResult(p, 1, "tlm", true, null, m, 0);
    }

    @Test
    void eachPointGetsTheFiguresOfItsOwnConfiguration() {
        Point small = Point.defaults().with("connections", "64");
        Point big = Point.defaults().with("connections", "100");
        assertThat(PointRunner.config(small)).isNotEqualTo(PointRunner.config(big));
        AreaMetrics a = AreaMetrics.of(Map.of(PointRunner.config(small), report("c64", 1000, 2000, 3, true), PointRunner.config(big),
                report("c128", 5000, 2500, 40, true)));

        RunResult s = a.apply(run(small, 0));
        assertThat(s.metric("area_luts")).isEqualTo(1000);
        assertThat(s.metric("area_ffs")).isEqualTo(2000);
        assertThat(s.metric("area_bram_bits")).isEqualTo(3 * 36864.0);
        assertThat(s.metric("area_lutram_bits")).isEqualTo(512);
        assertThat(s.metric("copy_bram_bits")).isZero();
        assertThat(s.metric("adapter_bram_bits")).isEqualTo(3 * 36864.0);
        assertThat(s.metric("goodput_gbps")).as("the run's own metrics stay").isEqualTo(1.0);

        RunResult b = a.apply(run(big, 0));
        assertThat(b.metric("area_luts")).isEqualTo(5000);
        assertThat(b.metric("area_bram_bits")).isEqualTo(40 * 36864.0);
    }

    @Test
    void aCopyTakesWholeBlockRamsOfFourKibibytesOfData() {
        assertThat(AreaMetrics.copyBram(0)).isZero();
        assertThat(AreaMetrics.copyBram(1)).isEqualTo(36864);
        assertThat(AreaMetrics.copyBram(4096)).isEqualTo(36864);
        assertThat(AreaMetrics.copyBram(4097)).isEqualTo(2 * 36864);
        assertThat(AreaMetrics.copyBram(Double.NaN)).isNaN();

        Point p = Point.defaults().with("mode", "COPY_RETAIN");
        AreaMetrics a = AreaMetrics.of(Map.of(PointRunner.config(p), report("c64", 1, 1, 2, true)));
        RunResult r = a.apply(run(p, 64 * 1024));
        assertThat(r.metric("copy_bram_bits")).isEqualTo(16 * 36864.0);
        assertThat(r.metric("adapter_bram_bits")).isEqualTo(18 * 36864.0);
    }

    @Test
    void withoutSynthXilinxTheGenericFlowGivesFlipFlopsAndAMemoryEstimate() {
        Point p = Point.defaults();
        SynthReport.Run run = new SynthReport.Run("yosys -s generic.ys", "f", true, "ok", 10, 9.0, 100.0, "CHECK");
        SynthReport.Run notRun = new SynthReport.Run("yosys -s xilinx.ys", "f", false, "not run (--generic-only)", 0, null, null, "");
        List<SynthReport.Memory> mems = List.of(
                new SynthReport.Memory("csu.st", 64, 420, 64 * 420, 1, 0, 1, "unknown"), // synchronous: one RAMB36
                new SynthReport.Memory("csu.ring", 1024, 257, 1024 * 257, 2, 0, 1, "unknown"), // 263168 bits: 9 RAMB36
                new SynthReport.Memory("csu.unaM", 64, 32, 64 * 32, 1, 1, 1, "unknown")); // asynchronous: LUTRAM
        SynthReport rep = new SynthReport("c64", "VtoeAdapter", Map.of(), "c0ffee", "2026-12-02", "Yosys 0.23", "", "", 1, notRun, null, run,
                new SynthReport.Generic(1000, 3708, 3, 0, 188, new TreeMap<>()), mems);
        RunResult r = AreaMetrics.of(Map.of(PointRunner.config(p), rep)).apply(run(p, 0));
        assertThat(r.metric("area_ffs")).isEqualTo(3708);
        assertThat(r.metric("area_luts")).as("LUTs need synth_xilinx").isNaN();
        assertThat(r.metric("area_bram_bits")).isEqualTo((1 + 9) * 36864.0);
        assertThat(r.metric("area_lutram_bits")).isEqualTo(64 * 32);
    }

    @Test
    void noFinishedSynthesisMeansNaNNotZero() {
        Point p = Point.defaults();
        RunResult none = AreaMetrics.none().apply(run(p, 0));
        assertThat(none.metric("area_luts")).isNaN();
        assertThat(none.metric("adapter_bram_bits")).isNaN();
        assertThat(none.metric("copy_bram_bits")).as("the copy needs no synthesis").isZero();

        RunResult timedOut = AreaMetrics.of(Map.of(PointRunner.config(p), report("c64", 0, 0, 0, false))).apply(run(p, 0));
        assertThat(timedOut.metric("area_ffs")).isNaN();
        assertThat(timedOut.metric("area_bram_bits")).isNaN();

        RtlConfig other = RtlConfig.defaults().withDataBytes(16);
        RunResult elsewhere = AreaMetrics.of(Map.of(other, report("c64-d16", 9, 9, 9, true))).apply(run(p, 0));
        assertThat(elsewhere.metric("area_luts")).as("another configuration's report does not apply").isNaN();
    }
}
