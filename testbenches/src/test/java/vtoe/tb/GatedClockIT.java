package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vtoe.cosim.Replay;
import vtoe.model.adapter.CsrMap;
import vtoe.model.txn.EventCode;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.bench.CosimSpeedBench;
import vtoe.tb.junit.SimRun;
import vtoe.tb.regress.RandomCases;
import vtoe.tb.rtlcfg.RtlBuild;
import vtoe.tb.rtlcfg.RtlBuilds;
import vtoe.tb.rtlcfg.RtlConfig;

/**
 * The adapter's clock gate (VtoeAdapter, ClockGate: the blocks' clock stops while the adapter has nothing to
 * do, the timer wheel's runs on alone when a slot is due) changes no port in any cycle. Port traces recorded
 * on the default build, which is gated, replay on a build of the same adapter with {@code clockGate=0}, whose
 * clock never stops, with every output of every cycle equal: the lossy world of the demo in each mode
 * (retransmissions, fast and by timer), and in each mode a connection whose peer is a black hole next to one
 * that delivers, backing off to its retry limit through long idle stretches with its timer in the wheel;
 * and random cases of the regression (adapter and bad-input), whose bus models show a payload before its
 * valid (a request's address lines, read data), which a register that copies them every cycle would hold
 * stale across a stopped clock: CsrFile counts a configuration read only if a request was there when it
 * was issued (FaultRandomIT 0xada0f35ce05897be took one cycle less for a CSR access on the gated build).
 * The same traces also replay equal through Verilator's own eval() on both edges of every cycle, which
 * computes the gated clocks itself, where the co-simulation's rising edge (TopTableGenerator's rise())
 * sets them. The ungated build is one more configuration in {@code target/rtl-builds/} (about two minutes
 * on 2 cores the first time, reused while the RTL is unchanged).
 *
 * <p>Run just this: {@code ./scripts/test --only GatedClockIT}
 */
class GatedClockIT {
    private static final Path DIR = Path.of("target", "port-traces", "GatedClockIT");
    private static final List<Path> TRACES = new ArrayList<>();
    private static Path ungatedReplay;

    @BeforeAll
    static void recordOnTheGatedBuildAndBuildTheUngatedOne() throws Exception {
        Files.createDirectories(DIR);
        RtlConfig ungated = new RtlConfig(64, 8, 16, 16, Map.of("clockGate", 0));
        RtlBuild b = RtlBuilds.forCheckout().get(ungated);
        assertThat(b.params().clockGate()).isZero();
        ungatedReplay = b.library().resolveSibling("vtoe_replay");
        assertThat(ungatedReplay).isExecutable();
        for (int mode = 0; mode < 3; mode++) {
            Path t = DIR.resolve("world-" + mode + ".ptrace");
            var w = CosimSpeedBench.world(SimRun.of("GatedClockIT", "world" + mode, 0x9a7e + mode).withPortTrace(t),
                    CosimSpeedBench.spec(mode, 64 << 10));
            assertThat(w.intact()).isTrue();
            TRACES.add(t);
        }
        for (int mode : new int[] {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED}) {
            Path t = DIR.resolve("retry-limit-" + mode + ".ptrace");
            retryLimit(mode, t);
            TRACES.add(t);
        }
        // The regression's random cases: paused buses whose payload shows before valid does, many connections.
        for (long seed : new long[] {0x6a7e1, 0x6a7e2, 0x6a7e3}) {
            Path t = DIR.resolve("adapter-" + Long.toHexString(seed) + ".ptrace");
            assertThat(RandomCases.adapter(SimRun.of("GatedClockIT", "adapter", seed).withPortTrace(t)).compared()).isPositive();
            TRACES.add(t);
        }
        for (long seed : new long[] {0x6a7f1, 0x6a7f2}) {
            Path t = DIR.resolve("faults-" + Long.toHexString(seed) + ".ptrace");
            assertThat(RandomCases.faults(SimRun.of("GatedClockIT", "faults", seed).withPortTrace(t)).compared()).isPositive();
            TRACES.add(t);
        }
    }

    /** AdapterDirectedIT's retry-limit case, recorded: backoffs of up to 500 << 6 cycles with nothing else to do. */
    private static void retryLimit(int mode, Path trace) {
        try (AdapterTb tb = new AdapterTb(SimRun.of("GatedClockIT", "retryLimit" + mode, 0x9a70 + mode).withPortTrace(trace),
                AdapterTb.Timing.fast())) {
            assertThat(tb.params.clockGate()).as("the default build is the gated one").isEqualTo(1);
            AdapterDirectedIT.retryLimit(tb, mode);
            assertThat(tb.events).extracting(e -> e.txn().eventCode()).containsExactly(EventCode.RETRY_LIMIT);
        }
    }

    @Test
    void everyTraceOfTheGatedBuildReplaysEqualOnTheUngatedBuild() {
        for (Path t : TRACES) {
            Replay.Result r = Replay.run(ungatedReplay, t, true, 1, false);
            assertThat(r.mismatch()).as("%s on the ungated build", t).isNull();
            assertThat(r.match()).isTrue();
            assertThat(r.runs()).singleElement().satisfies(run -> assertThat(run.checked()).isTrue());
        }
    }

    @Test
    void verilatorsOwnEvalGivesTheSameOutputsOnTheGatedBuild() {
        for (Path t : TRACES) {
            Replay.Result r = Replay.run(t, true, 1, true);
            assertThat(r.mismatch()).as("%s through eval() on both edges", t).isNull();
            assertThat(r.match()).isTrue();
        }
    }
}
