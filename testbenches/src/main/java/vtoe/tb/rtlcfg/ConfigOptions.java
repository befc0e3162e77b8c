package vtoe.tb.rtlcfg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The adapter configuration options of {@code ./scripts/rtl-build} and {@code ./scripts/synth}: a picocli
 * mixin, so that both take the same names, defaults and {@code --set} syntax.
 */
public final class ConfigOptions {
    @Option(names = "--conns", split = ",", paramLabel = "N[,N...]",
            description = "connections (numConns); several values make one configuration each (default: 64)")
    public List<Integer> conns = List.of(64);

    @Option(names = "--data-bytes", description = "bytes per beat (dataBytes; default: ${DEFAULT-VALUE})")
    public int dataBytes = 8;

    @Option(names = "--tags", description = "segments in flight (tags; default: ${DEFAULT-VALUE})")
    public int tags = 16;

    @Option(names = "--retained", description = "retained entries per connection (retained; default: ${DEFAULT-VALUE})")
    public int retained = 16;

    @Option(names = "--set", paramLabel = "PARAM=VALUE", description = "any other AdapterParams field (repeatable)")
    public List<String> set = new ArrayList<>();

    /** The AdapterParams assignments of the configuration with {@code numConns} connections; a malformed --set is refused. */
    public Map<String, String> assignments(int numConns) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("numConns", Integer.toString(numConns));
        a.put("dataBytes", Integer.toString(dataBytes));
        a.put("tags", Integer.toString(tags));
        a.put("retained", Integer.toString(retained));
        for (String kv : set) {
            String[] p = kv.split("=", 2);
            if (p.length != 2 || p[0].isBlank() || !p[1].strip().matches("-?\\d+")) {
                throw new IllegalArgumentException("--set takes PARAM=INTEGER, not '" + kv + "'");
            }
            a.put(p[0].strip(), p[1].strip());
        }
        return a;
    }
}
