package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vtoe.tb.whatif.Point;
import vtoe.tb.whatif.PointRunner;
import vtoe.tb.whatif.RunResult;

/**
 * {@code --rtl}: a what-if point re-run on the Verilated RTL with the TLM in lockstep passes every
 * check there, and the RTL's metrics agree with the standalone TLM's: the same world, the same seed,
 * the same wire probe. Counts agree exactly where the TLM's timing does not change what happens;
 * cycle-derived figures within a few percent.
 *
 * <p>Run just this: {@code ./scripts/test --only WhatifRtlIT}
 */
class WhatifRtlIT {
    @Test
    void aPointConfirmedOnTheRtlAgreesWithTheTlm() {
        Point p = Point.defaults().with("connections", "4").with("rtt", "40000").with("window", "16K").with("bytes", "48K");
        RunResult tlm = PointRunner.tlm(p, 0x5eed);
        RunResult rtl = PointRunner.rtl(p, 0x5eed);
        assertThat(tlm.ok()).as(tlm.error()).isTrue();
        assertThat(rtl.ok()).as("the RTL run with the TLM in lockstep: %s", rtl.error()).isTrue();
        for (String exact : List.of("host_requests", "pins", "translations", "host_bus_bytes", "unacked_peak_bytes", "retransmit_requests")) {
            assertThat(tlm.metric(exact)).as(exact).isEqualTo(rtl.metric(exact));
        }
        assertThat(tlm.metric("cycles")).as("cycles").isCloseTo(rtl.metric("cycles"), org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(tlm.metric("goodput_gbps")).isCloseTo(rtl.metric("goodput_gbps"), org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(rtl.metrics()).containsEntry("copy_bytes", 0.0);
        // Every metric a run measures; the area metrics come from synthesis reports (whatif --area), not from runs.
        java.util.Set<String> measured = new java.util.HashSet<>(RunResult.METRICS.keySet());
        measured.removeAll(vtoe.tb.whatif.AreaMetrics.NAMES);
        assertThat(Map.copyOf(rtl.metrics()).keySet()).containsAll(measured);
    }
}
