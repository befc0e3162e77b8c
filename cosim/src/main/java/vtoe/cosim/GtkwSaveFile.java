package vtoe.cosim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a GTKWave save file beside an FST. When the Dut opens: clock and reset, then one group per
 * bus with valid, ready and the payload fields. When it closes (waves with transaction tracks, see
 * {@link WaveTracks}): first the failure and the transaction tracks, then the buses with codes shown
 * by name through translate filter files ({@link WaveFilters}), then one group per block of the
 * adapter with its handshakes and key state; on a failure it opens zoomed around the failing cycle,
 * with the primary marker and named marker A there and the mismatching pair highlighted.
 * Hand-written because the format is a few plain-text lines and no Java library writes it.
 */
public final class GtkwSaveFile {
    private static final int HIGHLIGHT = 0x1;
    private static final int HEX = 0x22; // hexadecimal, right-justified
    private static final int DEC = 0x24; // decimal, right-justified
    private static final int BIN = 0x28; // binary
    private static final int TRANSLATED = 0x2000; // shown through the current translate filter file
    private static final int GROUP_OPEN = 0x800200;
    private static final int GROUP_CLOSE = 0x1000200;
    private static final int WIDTH_PX = 1600;
    private static final double ZOOM0_NS = 4.6;
    /** Cycles shown on each side of a failure. */
    public static final long ZOOM_CYCLES = 60;

    /** The blocks of the adapter by instance name (VtoeAdapter.sv), in data-path order. */
    public static final Map<String, String> BLOCKS = blocks();

    private static Map<String, String> blocks() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fetch", "DescriptorFetch");
        m.put("csu", "ConnStateUnit");
        m.put("hh", "HostHandshake");
        m.put("dma", "DmaEngine");
        m.put("framer", "TxFramer");
        m.put("parser", "AckParser");
        m.put("csr", "CsrFile");
        return m;
    }

    // A block's signals worth a designer's first look: handshakes, FSM state, pointers, counters, timers.
    private static final Pattern KEY = Pattern.compile(
            "(?i).*(valid|ready|state|_s$|busy|head|tail|una|nxt|max|wnd|window|backoff|retries|timer|due|slot|count|op$|_op|conn$|tag$|"
                    + "seq|kind|code|result|phase|stage|pending|free|full|empty|stop|active).*");
    private static final int MAX_PER_BLOCK = 64;

    private GtkwSaveFile() {}

    public static Path pathFor(Path fst) {
        String n = fst.getFileName().toString();
        return fst.resolveSibling((n.endsWith(".fst") ? n.substring(0, n.length() - 4) : n) + ".gtkw");
    }

    /** The save file written when tracing starts: the ports only. */
    public static void write(Path fst, List<PortInfo> ports) throws IOException {
        StringBuilder s = header(fst, 0, -1);
        s.append(flags(BIN)).append("TOP.clock\nTOP.reset\n");
        for (PortInfo p : ports) {
            port(s, p, Set.of(), Map.of());
        }
        Files.writeString(pathFor(fst), s.toString());
    }

    /**
     * The save file written after the run: {@code vars} are every variable of the FST (as returned by
     * {@code fstAddTracks}), {@code filters} the translate filter file per code table.
     */
    public static void write(Path fst, List<PortInfo> ports, List<String> vars, WaveTracks tracks, Map<String, Path> filters,
            long fromCycle) throws IOException {
        Set<String> present = Set.copyOf(vars);
        WaveTracks.Failure f = tracks.failure();
        StringBuilder s = f == null ? header(fst, fromCycle * Dut.TIME_PER_CYCLE, -1)
                : header(fst, Math.max(fromCycle, f.cycle() - ZOOM_CYCLES) * Dut.TIME_PER_CYCLE, f.cycle() * Dut.TIME_PER_CYCLE);
        if (f != null) {
            s.append("[markername] A").append(f.what().replaceAll("[\\r\\n]", " ")).append('\n');
        }
        s.append(flags(BIN)).append("TOP.clock\nTOP.reset\n");
        // The transactions first: what happened, in the design's words.
        s.append(flags(GROUP_OPEN)).append("-transactions\n");
        List<String> order = new ArrayList<>(tracks.names());
        order.removeIf(t -> t.startsWith(CONN_TRACK));
        if (order.remove("failure")) {
            order.add(0, "failure");
        }
        for (String t : order) {
            String v = WaveTracks.SCOPE + "." + t;
            if (present.contains(v)) {
                s.append(flags(HEX | (tracks.highlighted().contains(t) ? HIGHLIGHT : 0))).append(v).append('\n');
            }
        }
        s.append(flags(GROUP_CLOSE)).append("-transactions\n");
        for (PortInfo p : ports) {
            port(s, p, present, filters);
        }
        blocks(s, vars, filters, connTrack(tracks, present));
        Files.writeString(pathFor(fst), s.toString());
    }

    private static StringBuilder header(Path fst, long start, long marker) {
        StringBuilder s = new StringBuilder();
        s.append("[dumpfile] \"").append(fst.toAbsolutePath()).append("\"\n");
        s.append("[savefile] \"").append(pathFor(fst).toAbsolutePath()).append("\"\n");
        s.append("[timestart] ").append(start).append('\n');
        s.append("[size] ").append(WIDTH_PX).append(" 900\n");
        if (marker >= 0) {
            // GTKWave's zoom z shows ZOOM0_NS * 2^-z time units across the wave area of a window this
            // wide (measured with GTKWave 3.3.118 through getWindowEndTime: z = 0, -5, -8 show 4.6, 147, 1177 ns).
            double span = 2.0 * ZOOM_CYCLES * Dut.TIME_PER_CYCLE;
            s.append(String.format(java.util.Locale.ROOT, "*%.6f %d", -Math.log(span / ZOOM0_NS) / Math.log(2), marker));
            s.append(' ').append(marker); // named marker A
            s.append(" -1".repeat(25)).append('\n');
        }
        s.append("[signals_width] 380\n[sst_expanded] 1\n");
        return s;
    }

    private static String flags(int f) {
        return "@" + Integer.toHexString(f) + "\n";
    }

    private static void port(StringBuilder s, PortInfo p, Set<String> present, Map<String, Path> filters) {
        s.append(flags(GROUP_OPEN)).append("-").append(p.name()).append("\n");
        s.append(flags(BIN)).append("TOP.").append(p.name()).append("_valid\nTOP.").append(p.name()).append("_ready\n");
        for (FieldInfo f : p.fields()) {
            String sig = "TOP." + p.name() + (f.name().equals("bits") ? "_bits" : "_bits_" + f.name());
            if (f.width() == 1) {
                s.append(flags(BIN)).append(sig).append("\n");
            } else {
                signal(s, sig + "[" + (f.width() - 1) + ":0]", filters);
            }
        }
        s.append(flags(GROUP_CLOSE)).append("-").append(p.name()).append("\n");
    }

    // A vector, by name when a code table names its values.
    private static void signal(StringBuilder s, String v, Map<String, Path> filters) {
        String t = WaveFilters.tableFor(v);
        Path filter = t == null ? null : filters.get(t);
        if (filter != null) {
            s.append("^1 ").append(filter.toAbsolutePath()).append('\n').append(flags(DEC | TRANSLATED)).append(v).append('\n');
        } else {
            s.append(flags(HEX)).append(v).append('\n');
        }
    }

    /** Tracks of one connection's state (as the TLM holds it after each trace record): {@code conn<N>}. */
    public static final String CONN_TRACK = "conn";

    // The connection shown in ConnStateUnit's group: the failing one, else the first with a track.
    private static String connTrack(WaveTracks tracks, Set<String> present) {
        WaveTracks.Failure f = tracks.failure();
        if (f != null && f.conn() >= 0 && present.contains(WaveTracks.SCOPE + "." + CONN_TRACK + f.conn())) {
            return WaveTracks.SCOPE + "." + CONN_TRACK + f.conn();
        }
        return tracks.names().stream().filter(n -> n.matches(CONN_TRACK + "\\d+")).map(n -> WaveTracks.SCOPE + "." + n)
                .filter(present::contains).findFirst().orElse(null);
    }

    // What a designer looks at first in a block, in this order, where the block has it.
    private static final Map<String, List<String>> FIRST = Map.of(
            "csu", List.of("s1_conn", "s1Op", "fin_state", "fin_sndUna", "fin_sndNxt", "fin_sndMax", "fin_peerWnd", "r_head",
                    "fin_tail", "r_cursor", "fin_timerOn", "fin_deadline", "fin_backoff", "fin_retries", "fin_dupAcks",
                    "fin_tagsInFlight", "now"));

    private static void blocks(StringBuilder s, List<String> vars, Map<String, Path> filters, String connTrack) {
        // TOP.<top>.<instance>.<signal>: the instance's own signals, not those of its children.
        Map<String, List<String>> byInst = new LinkedHashMap<>();
        for (String b : BLOCKS.keySet()) {
            byInst.put(b, new ArrayList<>());
        }
        Map<String, String> byLeaf = new LinkedHashMap<>();
        for (String v : vars) {
            String[] parts = v.split("\\.");
            if (parts.length == 4 && parts[0].equals("TOP") && byInst.containsKey(parts[2])) {
                byLeaf.put(parts[2] + "." + parts[3].replaceFirst("\\[.*$", ""), v);
            }
        }
        for (var e : FIRST.entrySet()) {
            for (String leaf : e.getValue()) {
                String v = byLeaf.get(e.getKey() + "." + leaf);
                if (v != null) {
                    byInst.get(e.getKey()).add(v);
                }
            }
        }
        for (String v : vars) {
            String[] parts = v.split("\\.");
            if (parts.length == 4 && parts[0].equals("TOP") && byInst.containsKey(parts[2])) {
                List<String> l = byInst.get(parts[2]);
                if (l.size() < MAX_PER_BLOCK && KEY.matcher(parts[3]).matches() && !l.contains(v)) {
                    l.add(v);
                }
            }
        }
        for (var e : byInst.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            String name = BLOCKS.get(e.getKey());
            s.append(flags(GROUP_OPEN)).append("-").append(name).append("\n");
            if (e.getKey().equals("csu") && connTrack != null) {
                s.append(flags(HEX)).append(connTrack).append('\n');
            }
            for (String v : e.getValue()) {
                if (v.endsWith("]")) {
                    signal(s, v, filters);
                } else {
                    s.append(flags(BIN)).append(v).append('\n');
                }
            }
            s.append(flags(GROUP_CLOSE)).append("-").append(name).append("\n");
        }
    }
}
