package vtoe.tb.whatif;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every metric and parameter of a what-if study with a title and a unit, so that a plot, a legend,
 * {@code --list} and summary.md read without the code: an axis says "retransmission latency, 99th
 * percentile (cycles)", not {@code retx_p99}. The one place these words live; the CSV columns keep the
 * short names, which scripts use.
 */
public final class Catalogue {
    /** One metric or parameter: its short name, what it is, its unit ("" when it has none), and how it is measured. */
    public record Quantity(String name, String title, String unit, String description) {
        /** "title (unit)", or the title alone for a quantity without a unit. */
        public String label() {
            return unit.isEmpty() ? title : title + " (" + unit + ")";
        }
    }

    private static final String CYCLES = "cycles";
    private static final String CYCLES_250 = "cycles at 250 MHz";

    /** The metrics, in the CSV's order. */
    public static final Map<String, Quantity> METRICS = index(List.of(
            q("goodput_gbps", "goodput", "Gbit/s", "payload bytes delivered, all connections, per simulated second at 250 MHz"),
            q("cycles", "run time", CYCLES, "simulated cycles from the first send to the last acknowledged byte"),
            q("retransmitted_frames", "retransmitted frames", "frames", "frames that carried bytes sent before"),
            q("retransmit_requests", "retransmission requests", "requests",
                    "retransmissions the adapter asked for (of the host, or of its copy under COPY_RETAIN)"),
            q("retransmits_from_swap", "retransmissions from swapped pages", "requests",
                    "retransmission requests whose pages the host had swapped out"),
            q("retx_swapped_share", "share of retransmissions from swap", "fraction",
                    "share of the retransmissions whose pages were swapped out when the adapter asked"),
            q("host_requests", "host requests", "requests", "requests the host served (m_hostreq)"),
            q("pins", "pin calls", "calls", "pin calls the driver made"),
            q("translations", "PA extents returned", "extents", "PA extents the host returned (TRANSLATE, PREPINNED retransmissions)"),
            q("page_ins", "page-ins", "pages", "pages read back from storage"),
            q("page_outs", "page-outs", "pages", "pages written to storage"),
            q("host_cpu_util", "host CPU utilisation", "fraction", "fraction of the run the driver's CPU was busy"),
            q("host_bus_bytes", "host bus traffic", "bytes",
                    "bytes that crossed the host bus into the adapter (DMA reads of host memory and pushed bytes)"),
            q("adapter_state_bytes", "on-adapter state", "bytes",
                    "per-connection context and retained metadata (elaborated RTL) plus the staging slots (the RTL builds them twice, a copy per answer path: see area_bram_bits)"),
            q("copy_bytes", "retransmission copy, peak", "bytes",
                    "COPY_RETAIN: peak bytes held in the adapter's copy (sent, not yet acknowledged); 0 for the other modes"),
            q("adapter_memory_bytes", "on-adapter memory", "bytes", "adapter_state_bytes + copy_bytes"),
            q("unacked_peak_bytes", "unacknowledged bytes, peak", "bytes",
                    "peak bytes sent and not yet acknowledged, all connections (what a copy would have to hold)"),
            q("copy_bandwidth_gbps", "copy memory bandwidth", "Gbit/s",
                    "COPY_RETAIN: adapter memory traffic for the copy, writes plus retransmission reads"),
            q("retx_p50", "retransmission latency, median", CYCLES, "request to the frame on the wire"),
            q("retx_p90", "retransmission latency, 90th percentile", CYCLES, "request to the frame on the wire"),
            q("retx_p99", "retransmission latency, 99th percentile", CYCLES, "request to the frame on the wire"),
            q("retx_max", "retransmission latency, maximum", CYCLES, "request to the frame on the wire"),
            q("retx_swapped_p50", "retransmission latency from swap, median", CYCLES,
                    "retransmissions whose data's pages were swapped out when the adapter asked"),
            q("retx_swapped_p99", "retransmission latency from swap, 99th percentile", CYCLES, "the same"),
            q("retx_resident_p50", "retransmission latency from RAM, median", CYCLES, "retransmissions whose pages were in RAM"),
            q("retx_resident_p99", "retransmission latency from RAM, 99th percentile", CYCLES, "the same"),
            q("send_p50", "first-send latency, median", CYCLES, "host request to frame (PUSH and TRANSLATE)"),
            q("send_p99", "first-send latency, 99th percentile", CYCLES, "the same"),
            q("area_luts", "adapter LUTs", "LUTs", "logic LUTs of the point's adapter configuration (synth_xilinx; --area)"),
            q("area_ffs", "adapter flip-flops", "flip-flops", "flip-flops of that configuration (synth_xilinx, else the generic flow; --area)"),
            q("area_bram_bits", "adapter block RAM", "bits",
                    "block RAM its memories take, RAMB18/RAMB36 primitives (synth_xilinx, else its synchronous memories in whole RAMB36; --area)"),
            q("area_lutram_bits", "adapter distributed RAM", "bits", "LUTs used as RAM, 64 bits each (synth_xilinx, else the bits of its asynchronous memories; --area)"),
            q("copy_bram_bits", "retransmission copy in block RAM", "bits",
                    "COPY_RETAIN: copy_bytes in whole RAMB36 of 32 Kbit data each; 0 for the other modes"),
            q("adapter_bram_bits", "block RAM, adapter and copy", "bits", "area_bram_bits + copy_bram_bits (--area)"),
            q("wall_seconds", "wall time", "s", "wall time of the run on this machine")));

    /** The parameters, in {@link Point#KEYS} order. */
    public static final Map<String, Quantity> PARAMETERS = index(List.of(
            q("mode", "mode", "", "PUSH, TRANSLATE, PREPINNED, or COPY_RETAIN (the baseline that keeps a copy on the adapter; TLM only)"),
            q("hostLatency", "host latency", CYCLES_250, "mean host CPU time to serve one adapter request"),
            q("hostCv", "host latency variation", "coefficient of variation", "Gamma distributed"),
            q("loss", "loss", "probability per frame, each way", "frames dropped by the link"),
            q("rtt", "round-trip time", CYCLES_250, "of the link"),
            q("connections", "connections", "connections", "each sending bytes"),
            q("window", "receive window", "bytes", "the peer's, up to 16 MiB (RFC 7323 window scaling above 65535)"),
            q("mss", "maximum segment size", "bytes", "payload per frame"),
            q("dataBytes", "datapath width", "bytes per beat", "the default RTL build has 8"),
            q("tags", "segments in flight", "tags", "the adapter's segments in flight across all connections"),
            q("retained", "retained entries", "entries per connection", "the adapter's ring of sent blocks per connection"),
            q("ramKiB", "host RAM for send buffers", "KiB", "less than the data means swapping"),
            q("hogKiB", "memory hog", "KiB", "another process thrashing through this much memory of its own"),
            q("storageLatency", "storage latency", CYCLES_250, "mean page-in/page-out time"),
            q("bytes", "bytes per connection", "bytes", "sent by each connection"),
            q("rto", "retransmission timeout", CYCLES_250, "0: four RTTs, at least 20000"),
            q("blockBytes", "descriptor block", "bytes", "the driver's descriptor block size"),
            q("prepinKiB", "pre-pin budget", "KiB per connection", "the driver's PREPINNED pin budget"),
            q("cardLatency", "copy lookup latency", CYCLES_250, "COPY_RETAIN: cycles to find a retransmission in its copy")));

    private Catalogue() {}

    private static Quantity q(String name, String title, String unit, String description) {
        return new Quantity(name, title, unit, description);
    }

    private static Map<String, Quantity> index(List<Quantity> qs) {
        Map<String, Quantity> m = new LinkedHashMap<>();
        for (Quantity x : qs) {
            if (m.put(x.name(), x) != null) {
                throw new IllegalStateException("the catalogue names " + x.name() + " twice");
            }
        }
        return m;
    }

    /** The metric or parameter {@code name}; an unknown name is a programming error, reported with the names there are. */
    public static Quantity of(String name) {
        Quantity x = METRICS.containsKey(name) ? METRICS.get(name) : PARAMETERS.get(name);
        if (x == null) {
            throw new IllegalArgumentException("'" + name + "' is neither a metric nor a parameter; the metrics are " + METRICS.keySet()
                    + " and the parameters " + PARAMETERS.keySet());
        }
        return x;
    }

    /** The axis label of a plot of {@code metrics}: the one metric's label, or their shared unit, or their titles. */
    public static String axisLabel(List<String> metrics) {
        if (metrics.size() == 1) {
            return of(metrics.get(0)).label();
        }
        List<String> units = metrics.stream().map(m -> of(m).unit()).distinct().toList();
        return units.size() == 1 && !units.get(0).isEmpty() ? units.get(0) : String.join(", ", metrics.stream().map(m -> of(m).title()).toList());
    }
}
