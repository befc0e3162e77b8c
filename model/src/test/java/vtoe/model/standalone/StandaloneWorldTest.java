package vtoe.model.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.model.AdapterParams;
import vtoe.model.net.Link;
import vtoe.model.sim.Streams;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.World;

/**
 * The standalone TLM in the world, no RTL: each mode over a lossy link with swapping, checked by the
 * same end-of-run verdict as the co-simulation (stream intact, no pin left, nothing evicted while
 * pinned, no read outside a grant). A host of more than 2 GiB of RAM runs with real bytes too: the
 * standalone TLM's physical memory is sparse, and costs what the run writes.
 *
 * <p>Run just this: {@code ./scripts/test --only StandaloneWorldTest}
 */
class StandaloneWorldTest {
    static final String[] MODES = {"PUSH", "TRANSLATE", "PREPINNED"};

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void lossyTransferWithSwapArrivesIntact(int mode) {
        World.Config cfg = World.Config.defaults().withFrames(48).withMemoryHog(64, 20)
                .withStorage(new Latency(400, 0.5), new Latency(400, 0.5)).withDriver(new Driver.Config(8192, 16384, 32 << 10, 20_000));
        Link.Config link = Link.Config.ideal(3000).withImpairments(0.01, 0.002, 0.01, 1500, 0);
        StandaloneWorld w = new StandaloneWorld(AdapterParams.adapterDefaults(), cfg, StandaloneAdapter.Timing.defaults(),
                // Seeds whose losses hit pages the hog has swapped out in every mode: whether a retransmission finds
                // its pages gone depends on when the losses fall (with seed 0x5a, PUSH's all came while the
                // pages were still in RAM once the segmenter stopped cutting slivers of the window).
                new Streams(0x5a + 100 + mode), () -> "mode " + MODES[mode]);
        w.open(ConnSetup.of(1, mode).withLinks(link, link).withRto(20_000));
        w.open(ConnSetup.of(2, mode).withLinks(link, link).withRto(20_000));
        byte[] a = new byte[1 << 20];
        byte[] b = new byte[300_001];
        new Random(mode).nextBytes(a);
        new Random(mode + 10).nextBytes(b);
        w.world.send(1, a);
        w.world.send(2, b);
        assertThat(w.finish(50_000_000)).isEmpty();
        World.Figures f = w.world.figures();
        System.out.println(MODES[mode] + ": " + f + " in " + w.cycle() + " cycles, " + w.adapter.ops() + " ops");
        assertThat(f.sha256Match()).isTrue();
        assertThat(f.retransmissions()).isPositive();
        assertThat(f.retransmitsFromSwap()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void aHostOfThreeGibOfRamSendsRealBytes(int mode) {
        World.Config cfg = World.Config.defaults().withFrames((int) ((3L << 30) / Driver.PAGE));
        StandaloneWorld w = new StandaloneWorld(AdapterParams.adapterDefaults(), cfg, StandaloneAdapter.Timing.defaults(),
                new Streams(0x3ab + mode), () -> "3 GiB host, mode " + MODES[mode]);
        assertThat(w.mem.size()).isGreaterThan(3L << 30);
        w.open(ConnSetup.of(1, mode).withLinks(Link.Config.ideal(1000), Link.Config.ideal(1000)));
        byte[] a = new byte[256 << 10];
        new Random(mode).nextBytes(a);
        w.world.send(1, a);
        assertThat(w.finish(50_000_000)).isEmpty();
        assertThat(w.world.figures().sha256Match()).isTrue();
    }

    @Test
    void aHostBeyondTheSparseMemoryIsRefusedWithTheLimitAndTheWayOut() {
        World.Config cfg = World.Config.defaults().withFrames(300_000_000); // 1.1 TiB
        assertThatThrownBy(() -> new StandaloneWorld(AdapterParams.adapterDefaults(), cfg, StandaloneAdapter.Timing.defaults(),
                new Streams(1), () -> "1.1 TiB host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("300000000 frames").hasMessageContaining("1024 GiB").hasMessageContaining("payload-free run has no such limit");
    }
}
