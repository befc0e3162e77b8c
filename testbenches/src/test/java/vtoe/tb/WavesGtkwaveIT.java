package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.cosim.GtkwSaveFile;
import vtoe.model.adapter.CsrMap;
import vtoe.model.check.LockstepMismatchError;
import vtoe.model.txn.HostRequest;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.waves.GtkwaveView;

/**
 * The waves speak transactions, for a person: a run of the whole adapter with a planted lockstep
 * mismatch (the TLM predicts one host request the RTL never makes) writes an FST and a .gtkw, and
 * GTKWave itself, opened on them under Xvfb and asked through its Tcl interface, shows the
 * transaction tracks (RTL and TLM per port, ConnStateUnit's trace records), codes by name through the
 * filter files made from params.json, one group per block, and a named marker at the failing cycle
 * with the view around it and the mismatching pair highlighted.
 *
 * <p>Run just this: {@code ./scripts/test --only WavesGtkwaveIT}
 */
class WavesGtkwaveIT {
    static final String CLASS = "WavesGtkwaveIT";

    /** Runs the planted mismatch with waves on; returns its FST (the .gtkw is beside it). */
    static Path plantedMismatch(String method, long[] failedAt) {
        SimRun run = SimRun.of(CLASS, method, 0x14).withWaves();
        try (AdapterTb tb = new AdapterTb(run, AdapterTb.Timing.fast())) {
            tb.openConnection(ConnSetup.of(2, CsrMap.MODE_TRANSLATE));
            // The planted bug: a prediction of a request the RTL never makes, in front of the real ones,
            // so the adapter's first host request is compared with it.
            tb.lockstep.expect("m_hostreq", new HostRequest(7, 2, 0xdead_0000L, 1460, HostRequest.SEND), 0, c -> {});
            tb.send(2, new byte[3000], 3000);
            assertThatThrownBy(() -> tb.finish(200_000)).isInstanceOfSatisfying(LockstepMismatchError.class,
                    e -> failedAt[0] = e.cycle());
        }
        assertThat(failedAt[0]).isPositive();
        return run.wavesPath().toAbsolutePath();
    }

    @Test
    void gtkwaveShowsTransactionsNamesBlocksAndTheFailure() throws Exception {
        long[] failedAt = {-1};
        Path fst = plantedMismatch("gtkwaveShowsTransactionsNamesBlocksAndTheFailure", failedAt);
        Path gtkw = GtkwSaveFile.pathFor(fst);
        assertThat(fst).exists();
        assertThat(gtkw).exists();
        GtkwaveView.Report r = GtkwaveView.open(gtkw, List.of("txn.failure", "txn.m_hostreq_rtl", "txn.m_hostreq_tlm",
                "txn.csu_trace", "txn.conn2", "TOP.m_hostreq_bits_kind[1:0]", "TOP.VtoeAdapter.csu.fin_state[1:0]"),
                fst.resolveSibling("screenshot.png"));
        String why = "GTKWave said:\n" + r.output();
        // Transaction tracks: RTL and TLM per port, inputs, ConnStateUnit's trace, the failing connection.
        assertThat(r.traces()).as(why).contains("transactions", "failure", "m_hostreq_rtl", "m_hostreq_tlm", "m_dma_ar_rtl",
                "m_dma_ar_tlm", "s_csr", "s_doorbell", "s_hostresp", "csu_trace", "conn2");
        assertThat(r.values().get("txn.m_hostreq_tlm")).as(why).startsWith(failedAt[0] + ": MISMATCH hostreq SEND tag=7 conn=2 va=0xdead0000");
        assertThat(r.values().get("txn.m_hostreq_rtl")).as(why).startsWith(failedAt[0] + ": hostreq SEND tag=").contains("conn=2");
        assertThat(r.values().get("txn.csu_trace")).as(why).matches("\\d+: [A-Z_]+ conn=\\d+.*");
        assertThat(r.values().get("txn.conn2")).as(why).startsWith("ACTIVE una=").contains(" nxt=", " max=", " wnd=", " ring=",
                " timer=", " backoff=");
        // Names, not numbers: through the filter files made from params.json.
        assertThat(r.values().get("TOP.m_hostreq_bits_kind[1:0]")).as(why).isEqualTo("SEND");
        assertThat(r.values().get("TOP.VtoeAdapter.csu.fin_state[1:0]")).as(why).isIn("IDLE", "ACTIVE", "STOPPED");
        // One group per block.
        assertThat(r.traces()).as(why).containsAll(GtkwSaveFile.BLOCKS.values());
        // The failure first: marker and named marker A at the failing cycle, in view, the pair highlighted.
        long t = failedAt[0] * 4;
        assertThat(r.marker()).as(why).isEqualTo(t);
        assertThat(r.markerA()).as(why).isEqualTo(t);
        assertThat(r.windowStart()).as(why).isLessThan(t);
        assertThat(r.windowEnd()).as(why).isGreaterThan(t).isLessThan(t + 2000);
        assertThat(r.values().get("txn.failure")).as(why).isEqualTo(failedAt[0] + ": LOCKSTEP MISMATCH on m_hostreq at cycle " + failedAt[0]);
        assertThat(r.highlighted("m_hostreq_rtl")).as(why).isTrue();
        assertThat(r.highlighted("m_hostreq_tlm")).as(why).isTrue();
        assertThat(r.highlighted("m_dma_ar_rtl")).as(why).isFalse();
        assertThat(fst.resolveSibling("screenshot.png")).isNotEmptyFile();
    }
}
