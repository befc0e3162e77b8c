package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vtoe.cosim.Dut;
import vtoe.cosim.DutOptions;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.EventCode;
import vtoe.tb.fetch.FetchTb;
import vtoe.tb.junit.SimRun;

/**
 * The Java side and the elaborated RTL agree on what they share by number: event codes, default
 * parameters, and the parameters the RTL reports through its global CSRs.
 *
 * <p>Run just this: {@code ./scripts/test --only ElaborationConsistencyIT}
 */
class ElaborationConsistencyIT {
    @Test
    void eventCodesAndParametersMatchTheRtl() {
        try (Dut dut = Dut.open(DutOptions.of("FetchTop"))) {
            Map<String, Integer> rtl = new LinkedHashMap<>();
            dut.elaboration().get("eventCodes").fields().forEachRemaining(e -> rtl.put(e.getKey(), e.getValue().asInt()));
            assertThat(rtl).isEqualTo(EventCode.table());
            assertThat(dut.params()).isEqualTo(AdapterParams.defaults());
        }
    }

    /** The tables the waves name values with (vtoe.cosim.WaveFilters) say what the TLM's enums say. */
    @Test
    void codeTablesForTheWavesMatchTheModel() {
        try (Dut dut = Dut.open(DutOptions.of("VtoeAdapter"))) {
            assertThat(table(dut, "ackResults")).isEqualTo(ordinals(vtoe.model.adapter.AckResult.values()));
            assertThat(table(dut, "timerKinds")).isEqualTo(ordinals(vtoe.model.adapter.TimerKind.values()));
            assertThat(table(dut, "connStates")).isEqualTo(Map.of("IDLE", vtoe.model.adapter.ConnState.IDLE, "ACTIVE",
                    vtoe.model.adapter.ConnState.ACTIVE, "STOPPED", vtoe.model.adapter.ConnState.STOPPED));
            assertThat(table(dut, "hostReqKinds")).isEqualTo(Map.of("SEND", vtoe.model.txn.HostRequest.SEND, "RETRANSMIT",
                    vtoe.model.txn.HostRequest.RETRANSMIT));
            assertThat(table(dut, "hostRespStatus")).containsOnlyKeys("OK", "FAULT");
        }
    }

    private static Map<String, Integer> table(Dut dut, String name) {
        Map<String, Integer> m = new LinkedHashMap<>();
        dut.elaboration().get(name).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

    private static Map<String, Integer> ordinals(Enum<?>[] values) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Enum<?> v : values) {
            m.put(v.name(), v.ordinal());
        }
        return m;
    }

    @Test
    void traceOpsAndReceiveClassesMatchTheRtl() {
        try (Dut dut = Dut.open(DutOptions.of("VtoeAdapter"))) {
            Map<String, Integer> ops = new LinkedHashMap<>();
            dut.elaboration().get("ops").fields().forEachRemaining(e -> ops.put(e.getKey(), e.getValue().asInt()));
            Map<String, Integer> java = new LinkedHashMap<>();
            for (vtoe.model.adapter.Op o : vtoe.model.adapter.Op.values()) {
                java.put(o.name(), o.code);
            }
            assertThat(ops).isEqualTo(java);
            Map<String, Integer> rx = new LinkedHashMap<>();
            dut.elaboration().get("rxClasses").fields().forEachRemaining(e -> rx.put(e.getKey(), e.getValue().asInt()));
            Map<String, Integer> jrx = new LinkedHashMap<>();
            for (vtoe.model.adapter.RxClass c : vtoe.model.adapter.RxClass.values()) {
                jrx.put(c.name(), c.ordinal());
            }
            assertThat(rx).isEqualTo(jrx);
            assertThat(dut.params()).isEqualTo(AdapterParams.adapterDefaults());
            Map<String, Integer> codes = new LinkedHashMap<>();
            dut.elaboration().get("eventCodes").fields().forEachRemaining(e -> codes.put(e.getKey(), e.getValue().asInt()));
            assertThat(codes).isEqualTo(EventCode.table());
        }
    }

    @Test
    void globalCsrsReportTheElaboratedParameters() {
        try (FetchTb tb = new FetchTb(SimRun.of("ElaborationConsistencyIT", "globalCsrs", 1), FetchTb.Timing.fast())) {
            int[] regs = {CsrMap.G_ID, CsrMap.G_NUM_CONNS, CsrMap.G_DATA_BYTES, CsrMap.G_MAX_BLOCK_BYTES, CsrMap.G_MAX_REGION_BYTES};
            for (int r : regs) {
                tb.csr.push(CsrRequest.read(CsrMap.global(r)));
            }
            tb.finish();
            AdapterParams p = tb.params;
            assertThat(tb.csrResps).extracting(o -> o.txn().data()).containsExactly(CsrMap.ID_VALUE, (long) p.numConns(),
                    (long) p.dataBytes(), (long) p.maxBlockBytes(), (long) p.maxRegionBytes());
        }
    }
}
