package vtoe.cosim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a GTKWave save file beside an FST: clock and reset, then one group per bus with valid,
 * ready and the payload fields, so that {@code gtkwave x.fst x.gtkw} opens ready to read.
 * Hand-written because the format is a few plain-text lines and no Java library writes it.
 */
public final class GtkwSaveFile {
    private static final String BIT = "@28"; // binary, one bit
    private static final String HEX = "@22"; // hexadecimal
    private static final String GROUP_OPEN = "@800200";
    private static final String GROUP_CLOSE = "@1000200";

    private GtkwSaveFile() {}

    public static Path pathFor(Path fst) {
        String n = fst.getFileName().toString();
        return fst.resolveSibling((n.endsWith(".fst") ? n.substring(0, n.length() - 4) : n) + ".gtkw");
    }

    public static void write(Path fst, List<PortInfo> ports) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("[dumpfile] \"").append(fst.toAbsolutePath()).append("\"\n");
        s.append("[savefile] \"").append(pathFor(fst).toAbsolutePath()).append("\"\n");
        s.append("[timestart] 0\n[size] 1600 900\n[signals_width] 320\n[sst_expanded] 1\n");
        s.append(BIT).append("\nTOP.clock\nTOP.reset\n");
        for (PortInfo p : ports) {
            s.append(GROUP_OPEN).append("\n-").append(p.name()).append("\n");
            s.append(BIT).append("\nTOP.").append(p.name()).append("_valid\nTOP.").append(p.name()).append("_ready\n");
            for (FieldInfo f : p.fields()) {
                String sig = "TOP." + p.name() + (f.name().equals("bits") ? "_bits" : "_bits_" + f.name());
                if (f.width() == 1) {
                    s.append(BIT).append("\n").append(sig).append("\n");
                } else {
                    s.append(HEX).append("\n").append(sig).append("[").append(f.width() - 1).append(":0]\n");
                }
            }
            s.append(GROUP_CLOSE).append("\n-").append(p.name()).append("\n");
        }
        Files.writeString(pathFor(fst), s.toString());
    }
}
