package vtoe.tb.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The synthesis figures of one configuration, as {@code report.json} holds them: what Yosys's
 * {@code stat -json} and {@code ltp} said after {@code synth_xilinx} and after the generic {@code synth},
 * and where each of the design's memories went. A flow that did not finish (timeout, failure) has a
 * {@link Run} saying how far it got and {@code null} figures.
 *
 * @param config the configuration's name, e.g. {@code c64-d8-t16-r16}
 * @param params every AdapterParams field as elaborated
 * @param commit {@code git rev-parse --short HEAD} of the checkout, plus {@code +changes} when files
 *     under rtl/src differ from it
 * @param verilogSha256 SHA-256 of the synthesised Verilog (each {@link Run} has its own cache key)
 * @param memories the design's memories after Yosys's {@code memory -nomap} (ROMs that Yosys makes of
 *     case statements left out), with what {@code synth_xilinx}'s {@code memory_libmap} made of each
 */
public record SynthReport(String config, String top, Map<String, Integer> params, String commit, String date,
        String yosysVersion, String loweringOptions, String verilogSha256, double elaborationSeconds, Run xilinxRun,
        Xilinx xilinx, Run genericRun, Generic generic, List<Memory> memories) {

    /**
     * One Yosys run.
     *
     * @param fingerprint SHA-256 of the Verilog, this run's script, the Yosys version and the report format:
     *     the cache key of this flow
     * @param status {@code ok}, {@code timeout after N s} or {@code failed (exit N...)}
     * @param seconds wall time
     * @param cpuSeconds CPU time of Yosys and its abc processes (what load on a shared machine does not
     *     inflate); {@code null} when the run was stopped
     * @param peakMiB Yosys's own peak memory figure; {@code null} when it did not finish
     * @param lastPass the last pass the log shows started (where an unfinished run got to)
     */
    public record Run(String script, String fingerprint, boolean finished, String status, double seconds, Double cpuSeconds,
            Double peakMiB, String lastPass) {}

    /**
     * Figures after {@code synth_xilinx -top <Top> -flatten} (7-series cells).
     *
     * @param luts LUT1..LUT6 cells (logic only; LUTs used as RAM are in {@code lutramLuts})
     * @param flipFlops FDRE/FDSE/FDCE/FDPE cells
     * @param bramBits capacity of the block RAM primitives: 18432 per RAMB18E1, 36864 per RAMB36E1
     * @param lutramLuts LUTs used as distributed RAM (RAM64X1D = 2, RAM64M = 4, ...)
     * @param lutramBits their capacity, 64 bits per LUT
     * @param carryCells CARRY4 cells
     * @param muxf MUXF7 and MUXF8 cells
     * @param estimatedLcs {@code stat -tech xilinx}'s "Estimated number of LCs"
     * @param lutLevels {@code ltp -noff} over the LUT, MUXF and CARRY4 cells only: the longest chain of
     *     those cells between flip-flops, RAMs and ports
     * @param ioBuffers IBUF/OBUF/BUFG cells synth_xilinx inserts at the top's ports (not logic)
     */
    public record Xilinx(int luts, SortedMap<String, Integer> lutsBySize, int flipFlops,
            SortedMap<String, Integer> flipFlopsByType, int ramb18, int ramb36, long bramBits, int lutramLuts,
            SortedMap<String, Integer> lutramByType, long lutramBits, int dsps, int carryCells, int muxf,
            int estimatedLcs, int lutLevels, int ioBuffers, int cells, SortedMap<String, Integer> cellsByType) {}

    /**
     * Figures after the generic {@code synth -top <Top> -flatten} without {@code memory_map}: Yosys's internal
     * gate library ({@code $_AND_}, {@code $_MUX_}, {@code $_DFF_P_}, ...) after abc, each memory one
     * {@code $mem_v2} cell.
     *
     * @param cells every cell, a memory counting as one
     * @param flipFlops flip-flop cells (memory bits not included)
     * @param memories {@code $mem_v2} cells
     * @param memoryBits their bits (depth x width, from the inventory)
     * @param depth {@code ltp -noff} with the memories left out: the number of gate cells on the longest path
     *     between flip-flops, memories and ports (unit delay per gate, after abc's optimisation)
     */
    public record Generic(int cells, int flipFlops, int memories, long memoryBits, int depth,
            SortedMap<String, Integer> cellsByType) {}

    /**
     * One memory of the design.
     *
     * @param asyncReadPorts read ports without a clock (Chisel {@code Mem}): no block RAM has them
     * @param mappedTo {@code LUTRAM (<Yosys mapping>)}, {@code BRAM (...)}, {@code flip-flops}, or
     *     {@code removed} / {@code unknown} when the xilinx log does not say
     */
    public record Memory(String name, int depth, int width, long bits, int readPorts, int asyncReadPorts,
            int writePorts, String mappedTo) {}

    /** LUTs that each Xilinx LUTRAM primitive occupies. */
    private static final Map<String, Integer> LUTRAM_LUTS = Map.ofEntries(Map.entry("RAM32X1S", 1),
            Map.entry("RAM32X1D", 2), Map.entry("RAM64X1S", 1), Map.entry("RAM64X1D", 2), Map.entry("RAM128X1S", 2),
            Map.entry("RAM128X1D", 4), Map.entry("RAM256X1S", 4), Map.entry("RAM32M", 4), Map.entry("RAM64M", 4),
            Map.entry("RAM32M16", 8), Map.entry("RAM64M8", 8), Map.entry("RAM32X16DR8", 8), Map.entry("RAM512X1S", 8));

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Cell counts by type from {@code stat -json} output (the top module, which is all there is after -flatten). */
    static SortedMap<String, Integer> cellsByType(Path statJson) throws IOException {
        JsonNode design = JSON.readTree(statJson.toFile()).get("design");
        SortedMap<String, Integer> m = new TreeMap<>();
        design.get("num_cells_by_type").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

    static Xilinx xilinx(Path statJson, Path statTxt, Path ltpTxt) throws IOException {
        SortedMap<String, Integer> cells = cellsByType(statJson);
        SortedMap<String, Integer> luts = select(cells, "LUT[1-6]");
        SortedMap<String, Integer> ffs = select(cells, "FD[RSCP]E(_1)?");
        SortedMap<String, Integer> lutram = new TreeMap<>();
        cells.forEach((t, n) -> {
            if (LUTRAM_LUTS.containsKey(t)) {
                lutram.put(t, n);
            }
        });
        int ramb18 = sum(select(cells, "RAMB18.*"));
        int ramb36 = sum(select(cells, "RAMB36.*"));
        int lutramLuts = lutram.entrySet().stream().mapToInt(e -> e.getValue() * LUTRAM_LUTS.get(e.getKey())).sum();
        Matcher lc = Pattern.compile("Estimated number of LCs:\\s+(\\d+)").matcher(Files.readString(statTxt));
        return new Xilinx(sum(luts), luts, sum(ffs), ffs, ramb18, ramb36, 18432L * ramb18 + 36864L * ramb36, lutramLuts,
                lutram, 64L * lutramLuts, sum(select(cells, "DSP.*")), sum(select(cells, "CARRY.*")),
                sum(select(cells, "MUXF.*")), lc.find() ? Integer.parseInt(lc.group(1)) : -1, ltpLength(ltpTxt),
                sum(select(cells, "[IO]BUF.*|BUFG.*")), sum(cells), cells);
    }

    static Generic generic(Path statJson, Path ltpTxt, List<Memory> inventory) throws IOException {
        SortedMap<String, Integer> cells = cellsByType(statJson);
        int ffs = sum(select(cells, "\\$_(S?DFF|DFFE|SDFFC?E|ALDFF|DFFSR|DLATCH).*"));
        long bits = inventory.stream().mapToLong(Memory::bits).sum();
        return new Generic(sum(cells), ffs, cells.getOrDefault("$mem_v2", 0), bits, ltpLength(ltpTxt), cells);
    }

    /**
     * The memories in the generic flow's inventory ({@code memories.json}: Yosys's {@code json} of the
     * {@code $mem_v2} cells after {@code memory -nomap}) and, from the xilinx log's {@code memory_libmap}
     * lines, what each became. {@code xilinxLog} may be missing or unfinished.
     */
    static List<Memory> memories(Path inventory, Path xilinxLog) throws IOException {
        String log = Files.exists(xilinxLog) ? Files.readString(xilinxLog) : "";
        boolean mapped = log.contains("Executing MEMORY_LIBMAP pass");
        List<Memory> out = new ArrayList<>();
        if (!Files.exists(inventory)) {
            return out;
        }
        Iterator<JsonNode> modules = JSON.readTree(inventory.toFile()).get("modules").elements();
        while (modules.hasNext()) {
            Iterator<Map.Entry<String, JsonNode>> cells = modules.next().path("cells").fields();
            while (cells.hasNext()) {
                JsonNode c = cells.next().getValue();
                if (!c.path("type").asText().equals("$mem_v2")) {
                    continue;
                }
                JsonNode p = c.get("parameters");
                String name = p.get("MEMID").asText().replaceFirst("^\\\\", "");
                if (name.contains("$auto$")) {
                    continue; // a ROM Yosys made of a case statement, not a memory of the design
                }
                int depth = bin(p, "SIZE");
                int width = bin(p, "WIDTH");
                int rd = bin(p, "RD_PORTS");
                int async = (int) p.get("RD_CLK_ENABLE").asText().chars().filter(ch -> ch == '0').count();
                String via = mapped ? mapping(log, name) : Files.exists(xilinxLog) ? "unknown (synth_xilinx did not get to memory_libmap)"
                        : "not mapped (no synth_xilinx run of this Verilog)";
                out.add(new Memory(name, depth, width, (long) depth * width, rd, rd == 0 ? 0 : async,
                        bin(p, "WR_PORTS"), via));
            }
        }
        out.sort((a, b) -> Long.compare(b.bits(), a.bits()));
        return out;
    }

    private static String mapping(String log, String name) {
        String q = Pattern.quote(name);
        Matcher via = Pattern.compile("mapping memory \\S+?\\." + q + " via (\\S+)").matcher(log);
        if (via.find()) {
            String cell = via.group(1);
            String kind = cell.contains("LUTRAM") ? "LUTRAM" : cell.matches(".*(BRAM|RAMB).*") ? "BRAM"
                    : cell.contains("URAM") ? "URAM" : "RAM";
            return kind + " (" + cell + ")";
        }
        if (Pattern.compile("using FF mapping for memory \\S+?\\." + q + "\\s").matcher(log).find()) {
            return "flip-flops";
        }
        return "removed (not in memory_libmap's log)";
    }

    private static int bin(JsonNode params, String key) {
        return Integer.parseInt(params.get(key).asText(), 2);
    }

    /** The length of {@code ltp}'s longest path, i.e. the number of cells on it. */
    static int ltpLength(Path ltpTxt) throws IOException {
        Matcher m = Pattern.compile("Longest topological path in \\S+ \\(length=(-?\\d+)\\)").matcher(Files.readString(ltpTxt));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static SortedMap<String, Integer> select(SortedMap<String, Integer> cells, String regex) {
        SortedMap<String, Integer> m = new TreeMap<>();
        cells.forEach((t, n) -> {
            if (t.matches(regex)) {
                m.put(t, n);
            }
        });
        return m;
    }

    private static int sum(Map<String, Integer> m) {
        return m.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** {@code report.md}: the figures with what each means. */
    public String toMarkdown() {
        StringBuilder s = new StringBuilder();
        s.append("# Synthesis of ").append(top).append(", ").append(config).append("\n\n");
        s.append(yosysVersion).append("; commit ").append(commit).append("; ").append(date).append(".\n\n");
        s.append("Parameters: ");
        params.forEach((k, v) -> s.append(k).append('=').append(v).append(' '));
        s.append("\n\nVerilog: `").append(top).append(".sv` from firtool 1.155 with `--lowering-options=")
                .append(loweringOptions).append("` and the Verification layers disabled (no assertions); elaborated in ")
                .append(String.format("%.1f s", elaborationSeconds)).append(".\n\n");

        s.append("## `synth_xilinx -top ").append(top).append(" -flatten` (7-series)\n\n");
        s.append(runLine(xilinxRun));
        if (xilinx != null) {
            Xilinx x = xilinx;
            s.append("| figure | value | note |\n|---|---:|---|\n");
            s.append(row("LUTs", x.luts(), "logic LUTs: " + counts(x.lutsBySize())));
            s.append(row("flip-flops", x.flipFlops(), counts(x.flipFlopsByType())));
            s.append(row("block RAM primitives", x.ramb36() + x.ramb18(), x.ramb36() + " RAMB36E1, " + x.ramb18() + " RAMB18E1"));
            s.append(row("block RAM bits", x.bramBits(), "capacity of those primitives"));
            s.append(row("LUTRAM LUTs", x.lutramLuts(), x.lutramByType().isEmpty() ? "none" : counts(x.lutramByType())));
            s.append(row("LUTRAM bits", x.lutramBits(), "capacity, 64 per LUT"));
            s.append(row("DSPs", x.dsps(), "DSP48E1"));
            s.append(row("carry cells", x.carryCells(), "CARRY4"));
            s.append(row("MUXF7/MUXF8", x.muxf(), "wide-mux cells"));
            s.append(row("estimated LCs", x.estimatedLcs(), "`stat -tech xilinx`"));
            s.append(row("LUT levels", x.lutLevels(),
                    "`ltp -noff` over LUT, MUXF and CARRY4 cells: longest chain between FFs, RAMs and ports"));
            s.append(row("I/O buffers", x.ioBuffers(), "IBUF/OBUF/BUFG at the top's ports, not counted above"));
            s.append(row("cells", x.cells(), "all cells"));
        }
        s.append("\n## `synth -top ").append(top).append(" -flatten` without memory_map (generic gates)\n\n");
        s.append(runLine(genericRun));
        if (generic != null) {
            s.append("| figure | value | note |\n|---|---:|---|\n");
            s.append(row("cells", generic.cells(), "Yosys internal gates after abc, each memory one cell"));
            s.append(row("flip-flops", generic.flipFlops(), "$_DFF*/$_SDFF* cells, memory bits not included"));
            s.append(row("memories", generic.memories(), "$mem_v2 cells (memory_map left out), listed below"));
            s.append(row("memory bits", generic.memoryBits(), "their depth x width"));
            s.append(row("logic depth", generic.depth(),
                    "`ltp -noff`, memories left out: gates on the longest path between flip-flops, memories and ports"));
        }
        s.append("\n## Memories\n\n");
        if (memories.isEmpty()) {
            s.append("No inventory (the generic flow did not get past `memory -nomap`).\n");
        } else {
            s.append("Chisel `Mem` reads combinationally (asynchronous read ports); block RAM reads only on a clock edge, "
                    + "so such a memory can be LUTRAM at best, and LUTRAM has one write port.\n\n");
            s.append("| memory | depth x width | bits | read ports (async) | write ports | synth_xilinx made it |\n");
            s.append("|---|---|---:|---|---:|---|\n");
            for (Memory m : memories) {
                s.append("| ").append(m.name()).append(" | ").append(m.depth()).append(" x ").append(m.width()).append(" | ")
                        .append(m.bits()).append(" | ").append(m.readPorts()).append(" (").append(m.asyncReadPorts())
                        .append(") | ").append(m.writePorts()).append(" | ").append(m.mappedTo()).append(" |\n");
            }
        }
        return s.toString();
    }

    private static String runLine(Run r) {
        if (r == null) {
            return "Not run.\n\n";
        }
        String cpu = r.cpuSeconds() == null ? "" : String.format(" (%.0f s CPU)", r.cpuSeconds());
        String peak = r.peakMiB() == null ? "" : String.format(", peak %.0f MiB", r.peakMiB());
        String how = r.finished() ? "" : "; **did not finish**, last pass started: " + r.lastPass();
        return String.format("`%s`: %s in %.0f s%s%s%s.%n%n", r.script(), r.status(), r.seconds(), cpu, peak, how);
    }

    private static String row(String name, long value, String note) {
        return "| " + name + " | " + value + " | " + note + " |\n";
    }

    private static String counts(Map<String, Integer> m) {
        StringBuilder s = new StringBuilder();
        m.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return s.toString();
    }
}
