package vtoe.tb.whatif;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of one point with one seed, on the TLM or the RTL: its verdict and its metrics (the
 * {@link #METRICS}, in that order; a metric that does not apply to the run is NaN).
 */
public record RunResult(Point point, long seed, String engine, boolean ok, String error, Map<String, Double> metrics,
        double wallSeconds) {
    /** Metric names and what each means; the order is the CSV's. */
    public static final Map<String, String> METRICS = describe(List.of(
            "goodput_gbps", "payload bytes delivered, all connections, per simulated second at 250 MHz (Gbit/s)",
            "cycles", "simulated cycles from the first send to the last acknowledged byte",
            "retransmitted_frames", "frames that carried bytes sent before",
            "retransmit_requests", "retransmissions the adapter asked for (of the host, or of its copy under COPY_RETAIN)",
            "retransmits_from_swap", "retransmission requests whose pages the host had swapped out",
            "retx_swapped_share", "share of the retransmissions whose pages were swapped out when the adapter asked",
            "host_requests", "requests the host served (m_hostreq)",
            "pins", "pin calls the driver made",
            "translations", "PA extents the host returned (TRANSLATE, PREPINNED retransmissions)",
            "page_ins", "pages read back from storage",
            "page_outs", "pages written to storage",
            "host_cpu_util", "fraction of the run the driver's CPU was busy",
            "host_bus_bytes", "bytes that crossed the host bus into the adapter (DMA reads of host memory and pushed bytes)",
            "adapter_state_bytes", "on-adapter state: per-connection context and retained metadata (elaborated RTL) plus the staging buffer",
            "copy_bytes", "COPY_RETAIN: peak bytes held in the adapter's copy (sent, not yet acknowledged); 0 for the other modes",
            "adapter_memory_bytes", "adapter_state_bytes + copy_bytes",
            "unacked_peak_bytes", "peak bytes sent and not yet acknowledged, all connections (what a copy would have to hold)",
            "copy_bandwidth_gbps", "COPY_RETAIN: adapter memory traffic for the copy, writes plus retransmission reads (Gbit/s)",
            "retx_p50", "retransmission latency, median: request to the frame on the wire (cycles)",
            "retx_p90", "retransmission latency, 90th percentile (cycles)",
            "retx_p99", "retransmission latency, 99th percentile (cycles)",
            "retx_max", "retransmission latency, maximum (cycles)",
            "retx_swapped_p50", "retransmission latency when the data's pages were swapped out, median (cycles)",
            "retx_swapped_p99", "the same, 99th percentile (cycles)",
            "retx_resident_p50", "retransmission latency when the pages were in RAM, median (cycles)",
            "retx_resident_p99", "the same, 99th percentile (cycles)",
            "send_p50", "first-send latency, host request to frame (cycles; PUSH and TRANSLATE)",
            "send_p99", "the same, 99th percentile (cycles)",
            "area_luts", "LUTs of the point's adapter configuration, logic only (synth_xilinx; --area)",
            "area_ffs", "flip-flops of that configuration (synth_xilinx; --area)",
            "area_bram_bits", "block RAM capacity its memories take, RAMB18/RAMB36 primitives (bits; synth_xilinx; --area)",
            "area_lutram_bits", "distributed RAM its memories take (bits, 64 per LUT; synth_xilinx; --area)",
            "copy_bram_bits", "COPY_RETAIN: block RAM its copy would take, copy_bytes in whole RAMB36 of 32 Kbit data (bits); 0 for the other modes",
            "adapter_bram_bits", "area_bram_bits + copy_bram_bits: block RAM of the adapter and any copy (bits; --area)",
            "wall_seconds", "wall time of the run"));

    private static Map<String, String> describe(List<String> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i += 2) {
            m.put(pairs.get(i), pairs.get(i + 1));
        }
        return m;
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown metric '" + name + "'; the metrics are " + METRICS.keySet());
        }
        return v;
    }
}
