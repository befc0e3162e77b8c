package vtoe.tb.whatif;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import vtoe.tb.rtlcfg.RtlConfig;
import vtoe.tb.synth.Synth;
import vtoe.tb.synth.SynthReport;

/**
 * Area metrics of a study's points (what {@code ./scripts/whatif --area} adds): the LUTs, flip-flops and
 * block RAM that {@code ./scripts/synth} reports for the adapter configuration each point runs on
 * ({@link PointRunner#config}), and what COPY_RETAIN's copy would take in block RAM on top. One synthesis
 * per configuration, cached by {@link Synth} in {@code target/synth/<config>/} (the same folder names as
 * the co-simulation builds), so a second study with the same configurations synthesises nothing.
 *
 * <p>The figures belong to the configuration, not to the run: every point on the 64-connection build has
 * the same LUTs whether it opens 1 connection or 64, as the hardware would.
 */
public final class AreaMetrics {
    /** Block RAM primitive the copy is counted in: a RAMB36E1 holds 32 Kbit of data (36 Kbit with parity). */
    public static final long RAMB36_BITS = 36864;
    public static final long RAMB36_DATA_BITS = 32768;

    /** The metrics this adds, in the CSV's order (they follow {@link RunResult#METRICS}). */
    public static final List<String> NAMES = List.of("area_luts", "area_ffs", "area_bram_bits", "area_lutram_bits", "copy_bram_bits",
            "adapter_bram_bits");

    private final Map<RtlConfig, SynthReport> reports = new LinkedHashMap<>();

    private AreaMetrics() {}

    /** No area figures: every area metric NaN (a study run without {@code --area}). */
    public static AreaMetrics none() {
        return new AreaMetrics();
    }

    /**
     * Synthesises (or takes from the cache) every configuration in {@code configs}, one after the other with
     * a line of progress each. A configuration whose synth_xilinx flow did not finish (timeout) has NaN
     * figures and a warning; a configuration that cannot be synthesised at all stops the study.
     */
    public static AreaMetrics synthesise(Collection<RtlConfig> configs, Path root, long timeoutSeconds, PrintStream log)
            throws IOException, InterruptedException, Synth.SynthException {
        AreaMetrics a = new AreaMetrics();
        List<RtlConfig> todo = List.copyOf(new LinkedHashSet<>(configs));
        int i = 0;
        for (RtlConfig c : todo) {
            i++;
            log.printf("area %d/%d: %s (./scripts/synth, cached in target/synth/%s)%n", i, todo.size(), c.key(), c.key());
            Map<String, Integer> params = new LinkedHashMap<>();
            params.put("numConns", c.numConns());
            params.put("dataBytes", c.dataBytes());
            params.put("tags", c.tags());
            params.put("retained", c.retained());
            params.putAll(c.other());
            // The generic flow only: minutes, where synth_xilinx of the adapter takes hours on a small machine
            // (README, Synthesis); xilinx figures of an earlier ./scripts/synth run of the same Verilog are kept and used.
            Synth.Result r = Synth.run(new Synth.Request(root, root.resolve("target/synth"), "VtoeAdapter", params, 1, timeoutSeconds, 12,
                    false, root.resolve("rtl/target/classes"), true), log);
            if (r.report().xilinx() == null && r.report().generic() == null) {
                log.printf("warning: synthesis of %s did not finish (%s): its area metrics are NaN; see %s%n", c.key(),
                        r.report().genericRun().status(), r.dir().resolve("report.md"));
            }
            a.reports.put(c, r.report());
        }
        return a;
    }

    /** From reports already at hand (tests, or a caller that synthesised itself). */
    public static AreaMetrics of(Map<RtlConfig, SynthReport> reports) {
        AreaMetrics a = new AreaMetrics();
        a.reports.putAll(reports);
        return a;
    }

    /**
     * {@code r} with the area metrics of its point's configuration added: synth_xilinx's figures where that flow
     * finished; else flip-flops from the generic flow and block RAM and LUTRAM estimated from its memory inventory
     * ({@link #estimatedBram}); NaN where there is no finished synthesis (LUTs need synth_xilinx).
     */
    public RunResult apply(RunResult r) {
        SynthReport rep = reports.get(PointRunner.config(r.point()));
        SynthReport.Xilinx x = rep == null ? null : rep.xilinx();
        SynthReport.Generic g = rep == null ? null : rep.generic();
        Map<String, Double> m = new LinkedHashMap<>(r.metrics());
        double bram = x != null ? x.bramBits() : g != null ? estimatedBram(rep.memories(), true) : Double.NaN;
        double copyBytes = r.metrics().getOrDefault("copy_bytes", 0.0);
        double copyBram = copyBram(copyBytes);
        m.put("area_luts", x == null ? Double.NaN : x.luts());
        m.put("area_ffs", x != null ? x.flipFlops() : g != null ? g.flipFlops() : Double.NaN);
        m.put("area_bram_bits", bram);
        m.put("area_lutram_bits", x != null ? x.lutramBits() : g != null ? estimatedBram(rep.memories(), false) : Double.NaN);
        m.put("copy_bram_bits", copyBram);
        m.put("adapter_bram_bits", bram + copyBram);
        return new RunResult(r.point(), r.seed(), r.engine(), r.ok(), r.error(), m, r.wallSeconds());
    }

    /**
     * Without synth_xilinx's mapping, what the memories would take: with {@code block}, the synchronous-read ones
     * (block RAM reads only on a clock edge) in whole RAMB36 of 32 Kbit of data each, as a copy is counted; else
     * the bits of the others, which become LUTRAM (64 bits a LUT). Small memories rounded up to a RAMB36 make this
     * an upper bound for block RAM.
     */
    static double estimatedBram(java.util.List<SynthReport.Memory> memories, boolean block) {
        double sum = 0;
        for (SynthReport.Memory mem : memories) {
            boolean sync = mem.asyncReadPorts() == 0;
            if (sync && block) {
                sum += copyBram(mem.bits() / 8.0);
            } else if (!sync && !block) {
                sum += mem.bits();
            }
        }
        return sum;
    }

    /** Block RAM a copy of {@code bytes} takes: whole RAMB36 primitives of 32 Kbit of data each (NaN stays NaN). */
    static double copyBram(double bytes) {
        if (Double.isNaN(bytes)) {
            return Double.NaN;
        }
        return Math.ceil(bytes * 8 / RAMB36_DATA_BITS) * RAMB36_BITS;
    }
}
