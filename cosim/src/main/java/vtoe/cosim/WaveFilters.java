package vtoe.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GTKWave translate filter files ({@code value name} per line) made from the code tables the RTL
 * elaboration writes into params.json (event codes, ConnStateUnit ops, ACK results, timer kinds,
 * connection states, host request kinds and response status, receive classes), so the waves show
 * names and the names cannot drift from the RTL. Values are decimal: the .gtkw shows filtered
 * signals in decimal, which GTKWave prints without leading zeros, so a line matches whatever the width.
 */
public final class WaveFilters {
    /** The tables of params.json that name values. */
    public static final String[] TABLES = {"eventCodes", "ops", "rxClasses", "ackResults", "timerKinds", "connStates",
            "hostReqKinds", "hostRespStatus"};

    private WaveFilters() {}

    /** Writes one filter file per table found beside the FST; returns table name to file. */
    public static Map<String, Path> write(Path fst, JsonNode elaboration) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        if (elaboration == null) {
            return out;
        }
        String base = fst.getFileName().toString().replaceFirst("\\.fst$", "");
        Path dir = fst.toAbsolutePath().resolveSibling(base + ".filters");
        for (String t : TABLES) {
            JsonNode table = elaboration.get(t);
            if (table == null || !table.isObject()) {
                continue;
            }
            StringBuilder s = new StringBuilder("# ").append(t).append(" from the RTL's params.json\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                s.append(e.getValue().asLong()).append(' ').append(e.getKey()).append('\n');
            }
            Files.createDirectories(dir);
            Path f = dir.resolve(t + ".txt");
            Files.writeString(f, s.toString());
            out.put(t, f);
        }
        return out;
    }

    /** Which table names the values of a signal, by its RTL name; null: none. */
    public static String tableFor(String signal) {
        String leaf = signal.substring(signal.lastIndexOf('.') + 1).replaceFirst("\\[.*$", "");
        String l = leaf.toLowerCase(java.util.Locale.ROOT);
        if (l.endsWith("_code") || l.equals("code") || l.endsWith("eventcode")) {
            return "eventCodes";
        }
        if (l.endsWith("_op") || l.equals("op") || l.endsWith("_bits_op")) {
            return "ops";
        }
        if (l.contains("ackresult") || l.endsWith("_result")) {
            return "ackResults";
        }
        if (l.contains("timerkind")) {
            return "timerKinds";
        }
        if (l.contains("rxclass") || l.endsWith("_class") || l.equals("class")) {
            return "rxClasses";
        }
        if ((l.contains("hostreq") || l.contains("job_bits")) && l.endsWith("_kind")) {
            return "hostReqKinds";
        }
        if (l.contains("hostresp") && l.endsWith("_status")) {
            return "hostRespStatus";
        }
        if (l.endsWith("connstate") || l.equals("fin_state") || l.equals("lastwrdata_state")) {
            return "connStates";
        }
        return null;
    }
}
