package vtoe.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The profile-guided flavour of the co-simulation library that the testbenches build puts first on the
 * classpath ({@code cosim/src/main/native/pgo-build.sh}), as its {@code pgo.json} describes it: where it and
 * its {@code vtoe_replay} are, and the plain build it was made from (kept in cosim/target, which
 * {@code -Dvtoe.pgo=off} brings back). The benchmark times the two side by side; tests check that the
 * flavour is current and is the same machine as the plain build.
 *
 * @param library      the PGO libvtoe_cosim.so
 * @param replay       the PGO vtoe_replay (the same compiled model)
 * @param plainLibrary the plain build's library the PGO one was trained on
 * @param plainReplay  the plain build's vtoe_replay
 * @param info         the whole pgo.json (training workload, the build's own replay checks, build seconds)
 */
public record PgoBuild(Path library, Path replay, Path plainLibrary, Path plainReplay, JsonNode info) {
    static final String RESOURCE = "/native/linux-x86_64/pgo.json";

    /** The PGO build on the classpath, if the build made one (absent with -Dvtoe.pgo=off or inside a jar). */
    public static Optional<PgoBuild> onClasspath() {
        var url = PgoBuild.class.getResource(RESOURCE);
        if (url == null || !url.getProtocol().equals("file")) {
            return Optional.empty();
        }
        try {
            Path json = Path.of(url.toURI());
            JsonNode j = new ObjectMapper().readTree(json.toFile());
            Path plain = Path.of(j.get("plainLibrary").asText());
            return Optional.of(new PgoBuild(json.resolveSibling("libvtoe_cosim.so"), json.resolveSibling("vtoe_replay"), plain,
                    plain.resolveSibling("vtoe_replay"), j));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the co-simulation runs this build: the library this JVM loaded is the PGO one. */
    public boolean loaded() {
        return Path.of(NativeLibrary.load()).equals(library.toAbsolutePath().normalize());
    }
}
