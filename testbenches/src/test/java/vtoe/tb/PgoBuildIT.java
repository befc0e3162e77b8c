package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.cosim.NativeLibrary;
import vtoe.cosim.PgoBuild;
import vtoe.cosim.Replay;
import vtoe.model.payload.Sha256Digest;
import vtoe.tb.bench.CosimSpeedBench;
import vtoe.tb.junit.SimRun;

/**
 * The profile-guided build of the co-simulation library ({@code cosim/src/main/native/pgo-build.sh}), which
 * every co-simulation runs by default: it is the one loaded, it was made from the plain build now in
 * cosim/target (not left over from an older RTL), its build checked it on its training traces, and on runs
 * the training never saw (other seeds, every mode) it is the same machine as the plain build: a port trace
 * recorded on it replays on the plain build's {@code vtoe_replay} with every output of every cycle equal.
 * With {@code -Dvtoe.pgo=off} the build removes it and the plain library is loaded instead, which is checked too.
 *
 * <p>Run just this: {@code ./scripts/test --only PgoBuildIT}
 */
class PgoBuildIT {
    private static final Path DIR = Path.of("target", "port-traces", "PgoBuildIT");
    private static final String[] MODES = {"PUSH", "TRANSLATE", "PREPINNED"};

    private static boolean pgoOn() {
        return !"off".equals(System.getProperty("vtoe.pgo", "on"));
    }

    private static PgoBuild build() {
        return PgoBuild.onClasspath().orElseThrow(() -> new AssertionError("no PGO build (native/linux-x86_64/pgo.json) on the "
                + "classpath: the testbenches build makes one in target/classes unless -Dvtoe.pgo=off; see target/pgo/ for its logs"));
    }

    @Test
    void theLoadedLibraryIsTheCurrentPgoBuild() throws IOException {
        if (!pgoOn()) {
            assertThat(PgoBuild.onClasspath()).as("-Dvtoe.pgo=off removes the PGO build").isEmpty();
            assertThat(NativeLibrary.load()).as("the plain build, from the cosim module").contains("cosim").contains("libvtoe_cosim.so")
                    .doesNotContain("testbenches");
            return;
        }
        PgoBuild b = build();
        assertThat(b.loaded()).as("loaded %s, not the PGO build %s", NativeLibrary.load(), b.library()).isTrue();
        assertThat(sha256(b.plainLibrary())).as("the PGO build was made from the plain library now in cosim/target")
                .isEqualTo(b.info().get("plainLibrarySha256").asText());
        JsonNode checked = b.info().get("checked");
        assertThat(checked).as("its build replayed the idle and the three busy training traces").hasSize(4);
        for (JsonNode c : checked) {
            assertThat(c.get("replay").get("checked").asBoolean()).isTrue();
            assertThat(c.get("replay").get("match").asBoolean()).as("%s", c).isTrue();
        }
        assertThat(b.info().get("training").get("profiles").asInt()).as("profile files written by the training").isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void aRunTheTrainingNeverSawIsTheSameOnThePlainBuild(int mode) {
        assumeTrue(pgoOn(), "-Dvtoe.pgo=off: only the plain build exists, nothing to compare it with");
        PgoBuild b = build();
        Path trace = DIR.resolve(MODES[mode] + ".ptrace");
        // Seeds and a size the training (seeds 101..103, 1 MiB) and the benchmark (7..9, 2 MiB) do not use.
        var w = CosimSpeedBench.world(SimRun.of("PgoBuildIT", MODES[mode], 0x9e0 + mode).withPortTrace(trace),
                CosimSpeedBench.spec(mode, 512 << 10));
        assertThat(w.intact()).isTrue();
        Replay.Result plain = Replay.run(b.plainReplay(), trace, true, 1, false);
        assertThat(plain.mismatch()).as("the plain build against the PGO build's recording").isNull();
        assertThat(plain.match()).isTrue();
        assertThat(plain.runs()).singleElement().satisfies(r -> assertThat(r.cycles()).isEqualTo(w.cycles()));
        Replay.Result pgo = Replay.run(b.replay(), trace, true, 1, false);
        assertThat(pgo.match()).as("the PGO build's own vtoe_replay").isTrue();
    }

    private static String sha256(Path f) throws IOException {
        Sha256Digest d = new Sha256Digest();
        d.update(Files.readAllBytes(f));
        return d.hex();
    }
}
