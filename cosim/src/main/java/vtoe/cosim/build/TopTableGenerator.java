package vtoe.cosim.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build step of the cosim module: reads the port list of every elaborated top from its Verilog and
 * writes the C++ port table ({@code top_<Top>.cpp}) the simulator uses, plus {@code tops.cmake}.
 *
 * <p>Ports are grouped into ready/valid buses by name: {@code <bus>_valid}, {@code <bus>_ready} and
 * {@code <bus>_bits_<field>} (or {@code <bus>_bits}); {@code s_} buses are inputs, {@code m_} buses
 * outputs. Anything else besides clock and reset is an error, so a port the bus models cannot drive
 * fails the build rather than the first test. Files are only rewritten when their content changes,
 * so CMake does not recompile unchanged tops.
 *
 * <p>Run by exec-maven-plugin in process-classes: {@code TopTableGenerator <verilog root> <out dir>}.
 */
public final class TopTableGenerator {
    record Port(String name, boolean input, int width) {}

    record Field(String name, String signal, int width) {}

    record Bus(String name, boolean input, List<Field> fields) {}

    private static final Pattern HEADER = Pattern.compile("module\\s+(\\w+)\\s*\\((.*?)\\);", Pattern.DOTALL);
    private static final Pattern DECL =
            Pattern.compile("^\\s*(?:(input|output)\\s+)?(?:\\[(\\d+):(\\d+)\\]\\s+)?(\\w+)\\s*,?\\s*$");

    private TopTableGenerator() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: TopTableGenerator <verilog root> <out dir>");
        }
        Path root = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        List<String> tops = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")).sorted().toList()) {
                String top = dir.getFileName().toString();
                Path sv = dir.resolve(top + ".sv");
                Path params = dir.resolve("params.json");
                if (!Files.exists(sv) || !Files.exists(params)) {
                    throw new IllegalStateException(dir + " lacks " + top + ".sv or params.json; re-run the rtl build");
                }
                List<Bus> buses = buses(top, ports(top, Files.readString(sv)));
                writeIfChanged(out.resolve("top_" + top + ".cpp"), cpp(top, buses, Files.readString(params).strip()));
                tops.add(top);
            }
        }
        if (tops.isEmpty()) {
            throw new IllegalStateException("no elaborated tops under " + root + "; build the rtl module first");
        }
        writeIfChanged(out.resolve("tops.cmake"), "set(VTOE_TOPS " + String.join(" ", tops) + ")\n");
        System.out.println("port tables for " + tops + " in " + out);
    }

    static List<Port> ports(String top, String verilog) {
        Matcher m = HEADER.matcher(verilog);
        while (m.find()) {
            if (!m.group(1).equals(top)) {
                continue;
            }
            List<Port> ports = new ArrayList<>();
            Boolean input = null;
            int width = 1;
            for (String line : m.group(2).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                Matcher d = DECL.matcher(line);
                if (!d.matches()) {
                    throw new IllegalStateException("cannot parse port declaration of " + top + ": '" + line.strip() + "'");
                }
                if (d.group(1) != null) {
                    input = d.group(1).equals("input");
                    width = d.group(2) == null ? 1 : Integer.parseInt(d.group(2)) - Integer.parseInt(d.group(3)) + 1;
                } else if (input == null) {
                    throw new IllegalStateException("port without direction in " + top + ": '" + line.strip() + "'");
                }
                ports.add(new Port(d.group(4), input, width));
            }
            return ports;
        }
        throw new IllegalStateException("module " + top + " not found in its Verilog file");
    }

    static List<Bus> buses(String top, List<Port> ports) {
        Map<String, Port> byName = new LinkedHashMap<>();
        ports.forEach(p -> byName.put(p.name(), p));
        List<Bus> buses = new ArrayList<>();
        List<String> claimed = new ArrayList<>(List.of("clock", "reset"));
        for (Port p : ports) {
            if (!p.name().endsWith("_valid")) {
                continue;
            }
            String bus = p.name().substring(0, p.name().length() - "_valid".length());
            boolean input = bus.startsWith("s_");
            if (!input && !bus.startsWith("m_")) {
                throw new IllegalStateException(top + ": bus " + bus + " must be named s_<bus> (input) or m_<bus> (output)");
            }
            if (p.input() != input) {
                throw new IllegalStateException(top + ": " + p.name() + " has the wrong direction for an " + (input ? "s_" : "m_") + " bus");
            }
            Port ready = byName.get(bus + "_ready");
            if (ready == null || ready.input() == input) {
                throw new IllegalStateException(top + ": bus " + bus + " lacks a " + bus + "_ready in the opposite direction");
            }
            List<Field> fields = new ArrayList<>();
            for (Port f : ports) {
                String n = f.name();
                if (n.equals(bus + "_bits") || n.startsWith(bus + "_bits_")) {
                    if (f.input() != input) {
                        throw new IllegalStateException(top + ": payload " + n + " runs against its bus direction");
                    }
                    String field = n.equals(bus + "_bits") ? "bits" : n.substring((bus + "_bits_").length());
                    fields.add(new Field(field, n, f.width()));
                    claimed.add(n);
                }
            }
            claimed.add(p.name());
            claimed.add(ready.name());
            buses.add(new Bus(bus, input, fields));
        }
        for (Port p : ports) {
            if (!claimed.contains(p.name())) {
                throw new IllegalStateException(top + ": port " + p.name() + " belongs to no ready/valid bus; the bus models cannot drive it");
            }
        }
        return buses;
    }

    static String cpp(String top, List<Bus> buses, String paramsJson) {
        StringBuilder s = new StringBuilder();
        s.append("// Generated by vtoe.cosim.build.TopTableGenerator from ").append(top).append(".sv. Do not edit.\n");
        String root = "V" + top + "___024root";
        s.append("#include \"V").append(top).append(".h\"\n#include \"V").append(top).append("__Syms.h\"\n#include \"")
                .append(root).append(".h\"\n#include \"verilated_fst_c.h\"\n#include \"top_api.h\"\n\n");
        s.append("// The model's scheduling steps (Verilator 5.006, the pinned version), for rise() below.\n");
        for (String step : List.of("eval_triggers__act", "eval_act", "eval_nba")) {
            s.append("void ").append(root).append("___").append(step).append("(").append(root).append("*);\n");
        }
        s.append("\nnamespace {\nusing M = V").append(top).append(";\n\n");
        for (Bus b : buses) {
            s.append("const vtoe::FieldDesc F_").append(b.name()).append("[] = {");
            for (Field f : b.fields()) {
                s.append("{\"").append(f.name()).append("\", ").append(f.width()).append("}, ");
            }
            if (b.fields().isEmpty()) {
                s.append("{\"\", 0}");
            }
            s.append("};\n");
        }
        s.append("const vtoe::PortDesc PORTS[] = {\n");
        for (Bus b : buses) {
            int words = b.fields().stream().mapToInt(f -> (f.width() + 63) / 64).sum();
            s.append("    {\"").append(b.name()).append("\", ").append(b.input()).append(", ").append(b.fields().size())
                    .append(", F_").append(b.name()).append(", ").append(words).append("},\n");
        }
        s.append("};\n\n");
        s.append("void* create(VerilatedContext* c) { return new M(c, \"TOP\"); }\n");
        s.append("void destroy(void* m) { delete static_cast<M*>(m); }\n");
        s.append("void eval(void* m) { static_cast<M*>(m)->eval(); }\n");
        s.append("void finalize(void* m) { static_cast<M*>(m)->final(); }\n");
        s.append("void setClock(void* m, uint8_t v) { static_cast<M*>(m)->clock = v; }\n");
        s.append("void setReset(void* m, uint8_t v) { static_cast<M*>(m)->reset = v; }\n");
        s.append("void trace(void* m, VerilatedFstC* t, int l) { static_cast<M*>(m)->trace(t, l); }\n\n");
        rise(s, root, gatedClocks(top, paramsJson));
        bitAccessor(s, buses, "getValid", "_valid", true);
        bitAccessor(s, buses, "getReady", "_ready", true);
        bitAccessor(s, buses, "setValid", "_valid", false);
        bitAccessor(s, buses, "setReady", "_ready", false);
        payloadAccessor(s, buses, true);
        payloadAccessor(s, buses, false);
        s.append("const char PARAMS[] = R\"json(").append(paramsJson).append(")json\";\n\n");
        s.append("const vtoe::TopApi API = {\"").append(top).append("\", PARAMS, ").append(buses.size())
                .append(", PORTS, create, destroy, eval, rise, finalize, setClock, setReset, trace,\n")
                .append("    getValid, getReady, setValid, setReady, getPayload, setPayload};\n");
        s.append("const vtoe::TopRegistrar registrar(&API);\n}  // namespace\n");
        return s.toString();
    }

    /**
     * The C++ statements that set a top's gated clocks from the real one, or null if it has none. Verilator
     * computes a clock derived from the {@code clock} input only in the input pass that {@link #rise}
     * leaves out, so rise() computes them itself, as ClockGate.scala does: gated = clock &amp; (enable
     * sampled on the falling edge | reset). The names are the Verilated model's for VtoeAdapter's instances
     * {@code blockGate} and {@code wheelGate}; a rename fails the C++ compile, and GatedClockIT replays the
     * same traces through rise() and through Verilator's own eval().
     */
    static String gatedClocks(String top, String paramsJson) {
        if (!top.equals("VtoeAdapter") || !paramsJson.contains("\"clockGate\": 1")) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        for (String gate : List.of("blockGate", "wheelGate")) {
            s.append("    r->VtoeAdapter__DOT___").append(gate).append("_io_gated = r->clock & (r->VtoeAdapter__DOT__")
                    .append(gate).append("__DOT__enFall | r->reset);\n");
        }
        return s.toString();
    }

    /**
     * The rising edge without Verilator's input-combinational pass: eval() runs that pass ('ico') first on
     * every call, but at the rising edge the inputs are those the falling edge's eval() (or the last
     * rising edge, when nothing changed since) already computed it from, so it would only recompute the
     * same values, and the edge's own region ('nba') updates every combinational signal the new state
     * reaches. The loop is the generated {@code _eval}'s, minus that pass.
     *
     * <p>When the falling edge was not evaluated (no input changed), it is processed first with the same
     * loop, so that logic on the falling edge runs: VtoeAdapter's clock gate samples its enable there.
     * Where nothing is on the falling edge, that costs one look at the triggers.
     */
    private static void rise(StringBuilder s, String root, String gatedClocks) {
        s.append("void settle(").append(root).append("* r) {\n")
                .append("    uint32_t nbaIter = 0;\n")
                .append("    for (bool more = true; more;) {\n")
                .append("        more = false;\n")
                .append("        r->__VnbaTriggered.clear();\n")
                .append("        r->__VactIterCount = 0;\n")
                .append("        r->__VactContinue = 1;\n")
                .append("        while (r->__VactContinue) {\n")
                .append("            r->__VactContinue = 0;\n")
                .append("            ").append(root).append("___eval_triggers__act(r);\n")
                .append("            if (r->__VactTriggered.any()) {\n")
                .append("                r->__VactContinue = 1;\n")
                .append("                if (VL_UNLIKELY(r->__VactIterCount++ > 100)) VL_FATAL_MT(__FILE__, __LINE__, \"\", \"Active region did not converge.\");\n")
                .append("                r->__VnbaTriggered.set(r->__VactTriggered);\n")
                .append("                ").append(root).append("___eval_act(r);\n")
                .append("            }\n")
                .append("        }\n")
                .append("        if (r->__VnbaTriggered.any()) {\n")
                .append("            more = true;\n")
                .append("            if (VL_UNLIKELY(nbaIter++ > 100)) VL_FATAL_MT(__FILE__, __LINE__, \"\", \"NBA region did not converge.\");\n")
                .append("            ").append(root).append("___eval_nba(r);\n")
                .append("        }\n")
                .append("    }\n")
                .append("}\n\n");
        s.append("void rise(void* m) {\n")
                .append("    ").append(root).append("* r = static_cast<M*>(m)->rootp;\n")
                .append("    r->vlSymsp->__Vm_activity = true;\n")
                .append("    // The model last saw the clock high: the falling edge that needed no eval() is one all the same.\n")
                .append("    if (r->__Vtrigrprev__TOP__clock) {\n")
                .append("        r->clock = 0;\n")
                .append("        settle(r);\n")
                .append("    }\n")
                .append("    r->clock = 1;\n")
                .append(gatedClocks == null ? "" : gatedClocks)
                .append("    settle(r);\n")
                .append("    Verilated::endOfThreadMTask(r->vlSymsp->__Vm_evalMsgQp);\n")
                .append("    Verilated::endOfEval(r->vlSymsp->__Vm_evalMsgQp);\n")
                .append("}\n\n");
    }

    private static void bitAccessor(StringBuilder s, List<Bus> buses, String fn, String suffix, boolean get) {
        s.append(get ? "uint8_t " : "void ").append(fn).append("(void* vm, int p").append(get ? "" : ", uint8_t v")
                .append(") {\n    M* t = static_cast<M*>(vm);\n    switch (p) {\n");
        for (int i = 0; i < buses.size(); i++) {
            Bus b = buses.get(i);
            // Only the side the testbench drives is written: valid of inputs, ready of outputs.
            boolean driven = suffix.equals("_valid") == b.input();
            if (get) {
                s.append("        case ").append(i).append(": return t->").append(b.name()).append(suffix).append(";\n");
            } else if (driven) {
                s.append("        case ").append(i).append(": t->").append(b.name()).append(suffix).append(" = v; break;\n");
            }
        }
        s.append("        default: ").append(get ? "return 0;" : "(void)t; (void)v; break;").append("\n    }\n}\n\n");
    }

    private static void payloadAccessor(StringBuilder s, List<Bus> buses, boolean get) {
        s.append(get ? "void getPayload(void* vm, int p, uint64_t* w) {\n"
                     : "void setPayload(void* vm, int p, const uint64_t* w) {\n");
        s.append("    M* t = static_cast<M*>(vm);\n    switch (p) {\n");
        for (int i = 0; i < buses.size(); i++) {
            Bus b = buses.get(i);
            if (!get && !b.input()) {
                continue;
            }
            s.append("        case ").append(i).append(":\n");
            int at = 0;
            for (Field f : b.fields()) {
                String sig = "t->" + f.signal();
                if (f.width() <= 64) {
                    String mask = f.width() == 64 ? "~0ull" : "((1ull << " + f.width() + ") - 1)";
                    if (get) {
                        s.append("            w[").append(at).append("] = static_cast<uint64_t>(").append(sig).append(");\n");
                    } else {
                        s.append("            ").append(sig).append(" = w[").append(at).append("] & ").append(mask).append(";\n");
                    }
                } else {
                    // VlWide: 32-bit words, least significant first.
                    int words32 = (f.width() + 31) / 32;
                    for (int k = 0; k < words32; k++) {
                        int w64 = at + k / 2;
                        boolean hi = (k % 2) == 1;
                        int bitsInWord = Math.min(32, f.width() - 32 * k);
                        String mask = bitsInWord == 32 ? "0xffffffffull" : "((1ull << " + bitsInWord + ") - 1)";
                        if (get) {
                            s.append("            w[").append(w64).append("] ").append(hi ? "|= " : "= ")
                                    .append("static_cast<uint64_t>(").append(sig).append("[").append(k).append("])")
                                    .append(hi ? " << 32" : "").append(";\n");
                        } else {
                            s.append("            ").append(sig).append("[").append(k).append("] = static_cast<uint32_t>((w[")
                                    .append(w64).append("]").append(hi ? " >> 32" : "").append(") & ").append(mask).append(");\n");
                        }
                    }
                }
                at += (f.width() + 63) / 64;
            }
            s.append("            break;\n");
        }
        s.append("        default: (void)t; (void)w; break;\n    }\n}\n\n");
    }

    private static void writeIfChanged(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return;
        }
        Files.write(file, bytes);
    }
}
