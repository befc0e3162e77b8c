package vtoe.tb.rtlcfg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import vtoe.model.AdapterParams;

/**
 * A finished build of one {@link RtlConfig} in the cache: the co-simulation library to load with
 * {@code -Dvtoe.lib=<library>}, and the elaborated {@code params.json} it was built from.
 *
 * @param config  the configuration
 * @param dir     {@code target/rtl-builds/<key>/}
 * @param library the JNI library holding VtoeAdapter of this configuration
 * @param inputs  hash of everything the build was made from ({@link BuildInputs})
 * @param seconds wall seconds per step of the build that made it (elaborate, verilate, compile)
 * @param reused  true when the cache already held it, false when this call built it
 */
public record RtlBuild(RtlConfig config, Path dir, Path library, String inputs, Map<String, Double> seconds, boolean reused) {
    /** The top a configuration build holds. */
    public static final String TOP = "VtoeAdapter";

    /** The elaboration's params.json (the same text the library reports through {@code Dut.elaboration()}). */
    public Path paramsJson() {
        return dir.resolve("verilog").resolve(TOP).resolve("params.json");
    }

    /** The parameters the RTL of this build was elaborated with, read back from its params.json. */
    public AdapterParams params() {
        try {
            JsonNode n = new ObjectMapper().readTree(paramsJson().toFile());
            return AdapterParams.fromJson(n.get("params"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + paramsJson(), e);
        }
    }

    /** The JVM option that makes the co-simulation load this build. */
    public String libraryOption() {
        return "-Dvtoe.lib=" + library.toAbsolutePath();
    }
}
