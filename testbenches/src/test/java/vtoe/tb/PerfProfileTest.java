package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vtoe.tb.bench.PerfProfile;

/**
 * The pieces of {@code ./scripts/profile}'s table: perf's listing read into shares, instances read
 * from the top's Verilog, each profiled function given the block whose signals it writes (not the
 * module its name says, which a shared Queue would make ambiguous), and symbols sorted into blocks,
 * Verilator's scheduler and the rest.
 *
 * <p>Run just this: {@code ./scripts/test --only PerfProfileTest}
 */
class PerfProfileTest {
    private static final Map<String, String> INSTANCES = PerfProfile.instances(List.of(
            "module VtoeAdapter(",
            "  HostHandshake hh (",
            "  DmaEngine dma (",
            "  Queue2_AckInfo csu_io_ack_q (",
            "  ConnStateUnit csu ("));

    @Test
    void readsPerfListing() {
        List<PerfProfile.Share> s = PerfProfile.parseReport(List.of(
                "# Samples: 12K of event 'cpu-clock'",
                "#",
                "    12.50%  [.] VVtoeAdapter___024root___ico_sequent__TOP__2__PROF__DmaEngine__l536(VVtoeAdapter___024root*)",
                "     1.00%  [.] VVtoeAdapter___024root___eval_nba                            -      -     ",
                "     0.25%  vtoe_replay  [.] main",
                "",
                "     3.00%  [k] clear_page_erms"));
        assertThat(s).containsExactly(
                new PerfProfile.Share("VVtoeAdapter___024root___ico_sequent__TOP__2__PROF__DmaEngine__l536", 12.5),
                new PerfProfile.Share("VVtoeAdapter___024root___eval_nba", 1.0),
                new PerfProfile.Share("main", 0.25),
                new PerfProfile.Share("clear_page_erms", 3.0));
    }

    @Test
    void readsPerfsEventCountForTimePerCycle() {
        assertThat(PerfProfile.eventCount(List.of("# Samples: 42K of event 'cpu-clock'", "# Event count (approx.): 14178038880",
                "    1.00%  [.] main"))).isEqualTo(14178038880L);
        assertThat(PerfProfile.eventCount(List.of("    1.00%  [.] main"))).isZero();
    }

    @Test
    void readsInstancesOfTheTop() {
        assertThat(INSTANCES).containsEntry("hh", "HostHandshake").containsEntry("csu_io_ack_q", "Queue2_AckInfo")
                .doesNotContainKey("VtoeAdapter");
    }

    @Test
    void givesEachFunctionTheBlockItWritesNotTheOneItReads() {
        Map<String, String> b = PerfProfile.blocksOfFunctions(List.of(
                "VL_INLINE_OPT void VVtoeAdapter___024root___ico_sequent__TOP__2__PROF__DmaEngine__l536(VVtoeAdapter___024root* vlSelf) {",
                "    vlSelf->VtoeAdapter__DOT__dma__DOT___arHere_T_30 ",
                "        = ((IData)(vlSelf->VtoeAdapter__DOT__hh__DOT__x) & (IData)(vlSelf->VtoeAdapter__DOT__hh__DOT__y));",
                "}",
                "void VVtoeAdapter___024root___nba_sequent__TOP__7__PROF__Queue2_AckInfo__l40(VVtoeAdapter___024root* vlSelf) {",
                "    vlSelf->VtoeAdapter__DOT___csu_io_ack_q_io_deq_valid = vlSelf->VtoeAdapter__DOT__csu__DOT__z;",
                "}",
                "void VVtoeAdapter___024root___nba_sequent__TOP__8__PROF__VtoeAdapter__l9(VVtoeAdapter___024root* vlSelf) {",
                "    vlSelf->m_event_valid = (1U & vlSelf->VtoeAdapter__DOT__hh__DOT__w);",
                "}",
                "void VVtoeAdapter___024root___nba_sequent__TOP__9__PROF__VtoeAdapter__l10(VVtoeAdapter___024root* vlSelf) {",
                "    vlSelf->m_trace_valid = 1U;",
                "}"), INSTANCES);
        assertThat(b).containsEntry("VVtoeAdapter___024root___ico_sequent__TOP__2__PROF__DmaEngine__l536", "DmaEngine (dma)")
                .containsEntry("VVtoeAdapter___024root___nba_sequent__TOP__7__PROF__Queue2_AckInfo__l40", "Queue2_AckInfo (csu_io_ack_q)")
                // writes a top port only: the block it reads is the best guess
                .containsEntry("VVtoeAdapter___024root___nba_sequent__TOP__8__PROF__VtoeAdapter__l9", "HostHandshake (hh)")
                .containsEntry("VVtoeAdapter___024root___nba_sequent__TOP__9__PROF__VtoeAdapter__l10", "VtoeAdapter (top-level logic)");
    }

    @Test
    void sortsSymbolsIntoBlocksSchedulerAndTheRest() {
        Map<String, String> blocks = Map.of("VVtoeAdapter___024root___nba_sequent__TOP__7__PROF__Queue2_AckInfo__l40",
                "Queue2_AckInfo (csu_io_ack_q)");
        assertThat(PerfProfile.place("VVtoeAdapter___024root___nba_sequent__TOP__7__PROF__Queue2_AckInfo__l40", blocks))
                .isEqualTo(new PerfProfile.Place("Queue2_AckInfo (csu_io_ack_q)", "Queue2_AckInfo", 40));
        assertThat(PerfProfile.place("VVtoeAdapter___024root___ico_sequent__TOP__3__PROF__CsrFile__l294", blocks))
                .isEqualTo(new PerfProfile.Place("CsrFile", "CsrFile", 294));
        assertThat(PerfProfile.place("VVtoeAdapter___024root___eval_nba", blocks).block()).contains("scheduler");
        assertThat(PerfProfile.place("memcpy", blocks).block()).contains("outside");
    }
}
