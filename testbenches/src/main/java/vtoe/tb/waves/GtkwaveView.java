package vtoe.tb.waves;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens a .gtkw (and the FST it names) in GTKWave itself, headless under Xvfb, and asks GTKWave
 * through its Tcl interface ({@code gtkwave -S}) what a person would see: the traces in the window, the
 * markers, the visible time range and the values at the marker, as GTKWave formats them (translate
 * filters applied). Optionally saves a PNG of the window (GTKWave's own File/Grab To File). This is
 * the proof that the generated waves work in the viewer, not just that the files exist.
 *
 * <p>Command line ({@code ./scripts/waves --screenshot} uses it): {@code GtkwaveView <x.gtkw> [<x.png>]}.
 */
public final class GtkwaveView {
    /** Window size given to Xvfb; the .gtkw asks for 1600x900. */
    public static final String SCREEN = "1700x1000x24";

    /**
     * What GTKWave showed.
     *
     * @param traces     every trace of the window, top to bottom (group names included), as GTKWave names them
     * @param flags      GTKWave's flags per trace (bit 0: highlighted)
     * @param marker     the primary marker's time, -1 if none
     * @param markerA    named marker A's time, -1 if none
     * @param values     value at the primary marker of each signal asked for, as displayed
     */
    public record Report(List<String> traces, List<Long> flags, long marker, long markerA, long windowStart, long windowEnd,
            Map<String, String> values, String output) {
        public boolean highlighted(String trace) {
            int i = traces.indexOf(trace);
            return i >= 0 && (flags.get(i) & 1) != 0;
        }
    }

    private GtkwaveView() {}

    public static Report open(Path gtkw, List<String> valuesOf, Path png) throws IOException, InterruptedException {
        Path dir = gtkw.toAbsolutePath().getParent();
        Path tcl = dir.resolve(gtkw.getFileName().toString().replaceFirst("\\.gtkw$", "") + ".probe.tcl");
        StringBuilder t = new StringBuilder();
        t.append("set n [gtkwave::getTotalNumTraces]\n");
        t.append("for {set i 0} {$i < $n} {incr i} {\n");
        t.append("  puts \"VTOE_TRACE [gtkwave::getTraceFlagsFromIndex $i] [gtkwave::getTraceNameFromIndex $i]\"\n}\n");
        t.append("puts \"VTOE_MARKER [gtkwave::getMarker]\"\n");
        t.append("puts \"VTOE_MARKER_A [gtkwave::getNamedMarker A]\"\n");
        t.append("puts \"VTOE_WINDOW [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime]\"\n");
        for (String v : valuesOf) {
            // The name in braces: "[1:0]" in double quotes would be a Tcl command substitution.
            t.append("set nm {").append(v).append("}\n");
            t.append("if {[catch {set v [gtkwave::getTraceValueAtMarkerFromName $nm]}]} {set v \"(none)\"}\n");
            t.append("puts \"VTOE_VALUE $nm = $v\"\n");
        }
        if (png != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
            t.append("gtkwave::/File/Grab_To_File {").append(png.toAbsolutePath()).append("}\n");
        }
        String body = t.toString();
        Files.writeString(tcl, "if {[catch {\n" + body + "} err]} {puts \"VTOE_ERROR $err\"}\ngtkwave::/File/Quit\n");
        ProcessBuilder pb = new ProcessBuilder("xvfb-run", "-a", "-s", "-screen 0 " + SCREEN, "gtkwave", "-S", tcl.toString(),
                gtkw.toAbsolutePath().toString()).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString()); // GTKWave and GTK write their settings there, not in the user's home
        Path log = tcl.resolveSibling(tcl.getFileName().toString().replaceFirst("\\.tcl$", ".out"));
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        // A script error leaves GTKWave open: never wait for it without a limit.
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("GTKWave did not finish within 120 s on " + gtkw + ":\n" + Files.readString(log));
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || !text.contains("VTOE_WINDOW") || text.contains("VTOE_ERROR")) {
            throw new IOException("GTKWave under Xvfb failed (exit " + p.exitValue() + ") on " + gtkw + ":\n" + text);
        }
        List<String> traces = new ArrayList<>();
        List<Long> flags = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        long marker = -1;
        long markerA = -1;
        long ws = -1;
        long we = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("VTOE_TRACE ")) {
                String[] f = line.substring(11).split(" ", 2);
                flags.add(Long.parseLong(f[0]));
                traces.add(f.length > 1 ? f[1] : "");
            } else if (line.startsWith("VTOE_MARKER_A ")) {
                markerA = Long.parseLong(line.substring(14).trim());
            } else if (line.startsWith("VTOE_MARKER ")) {
                marker = Long.parseLong(line.substring(12).trim());
            } else if (line.startsWith("VTOE_WINDOW ")) {
                String[] f = line.substring(12).trim().split(" ");
                ws = Long.parseLong(f[0]);
                we = Long.parseLong(f[1]);
            } else if (line.startsWith("VTOE_VALUE ")) {
                int eq = line.indexOf(" = ");
                values.put(line.substring(11, eq), line.substring(eq + 3));
            }
        }
        return new Report(traces, flags, marker, markerA, ws, we, values, text);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: GtkwaveView <x.gtkw> [<x.png>]");
            System.exit(2);
        }
        Report r = open(Path.of(args[0]), List.of(), args.length > 1 ? Path.of(args[1]) : null);
        System.out.println("GTKWave shows " + r.traces().size() + " traces; marker at " + r.marker() + " ns, window "
                + r.windowStart() + ".." + r.windowEnd() + " ns");
        if (args.length > 1) {
            System.out.println("screenshot: " + Path.of(args[1]).toAbsolutePath());
        }
    }
}
