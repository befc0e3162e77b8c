package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import vtoe.tb.junit.SeedExtension;
import vtoe.tb.junit.SeededTest;
import vtoe.tb.junit.SimRun;

/**
 * The seed extension: one seed per invocation shown in the display name, stable seeds derived from
 * the master, {@code -Dseed} and {@code -Dseeds} overrides, and a REPRODUCE line on failure.
 *
 * <p>Run just this: {@code ./scripts/test --only SeedExtensionTest}
 */
class SeedExtensionTest {
    static final List<Long> SEEN = new ArrayList<>();

    static class Fixture {
        @SeededTest(3)
        void passes(SimRun run) {
            SEEN.add(run.seed());
        }

        @SeededTest(2)
        void fails(SimRun run) {
            throw new AssertionError("boom at " + run.seedHex());
        }
    }

    @AfterEach
    void clear() {
        SEEN.clear();
        System.clearProperty("seed");
        System.clearProperty("seeds");
    }

    private static Events run() {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixture.class)).execute().testEvents();
    }

    @Test
    void eachInvocationGetsADerivedSeedInItsName() {
        Events ev = run();
        long m = SeedExtension.masterSeed();
        List<String> names = ev.succeeded().map(e -> e.getTestDescriptor().getDisplayName()).toList();
        assertThat(names).containsExactly("[1] seed=0x" + Long.toHexString(SeedExtension.derive(m, "Fixture", "passes", 0)),
                "[2] seed=0x" + Long.toHexString(SeedExtension.derive(m, "Fixture", "passes", 1)),
                "[3] seed=0x" + Long.toHexString(SeedExtension.derive(m, "Fixture", "passes", 2)));
        assertThat(SEEN).doesNotHaveDuplicates().hasSize(3);
        List<Long> first = List.copyOf(SEEN);
        SEEN.clear();
        run();
        assertThat(SEEN).as("same master, same seeds").isEqualTo(first);
    }

    @Test
    void seedPropertyRunsExactlyThatCase() {
        System.setProperty("seed", "0x2a");
        Events ev = run();
        assertThat(SEEN).containsExactly(42L);
        assertThat(ev.succeeded().map(e -> e.getTestDescriptor().getDisplayName()).toList()).containsExactly("[1] seed=0x2a");
    }

    @Test
    void seedsPropertyChangesTheCount() {
        System.setProperty("seeds", "5");
        run();
        assertThat(SEEN).hasSize(5);
    }

    @Test
    void failurePrintsAndCarriesOneReproduceLine() {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        Events ev;
        try {
            ev = run();
        } finally {
            System.setErr(err);
        }
        long m = SeedExtension.masterSeed();
        String seed = "0x" + Long.toHexString(SeedExtension.derive(m, "Fixture", "fails", 0));
        String line = "REPRODUCE: ./scripts/test --only Fixture#fails -Dseed=" + seed + " -Dwaves=1";
        assertThat(buf.toString()).contains(line);
        assertThat(ev.failed().count()).isEqualTo(2);
        Throwable t = ev.failed().list().get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .orElseThrow().getThrowable().orElseThrow();
        assertThat(t).hasMessageContaining("boom at " + seed);
        assertThat(t.getSuppressed()).extracting(Throwable::getMessage).containsExactly(line);
    }
}
