package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.model.net.Link;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.world.WorldTb;

/**
 * Directed end-to-end co-simulations of the adapter in its world: the driver over a paging virtual
 * memory, lossy links, the destination receiver; the TLM in lockstep on every port. Each run ends
 * with the world's verdict (stream intact, no pin left, no pinned page evicted, no read outside a
 * grant, virtual-memory invariants) and the scoreboard's leftovers check.
 *
 * <p>Run just this: {@code ./scripts/test --only WorldEndToEndIT}
 */
class WorldEndToEndIT {
    static final String[] MODES = {"PUSH", "TRANSLATE", "PREPINNED"};

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static WorldTb tb(TestInfo info, int mode, World.Config cfg) {
        return new WorldTb(SimRun.of("WorldEndToEndIT", info.getTestMethod().orElseThrow().getName() + "[" + MODES[mode] + "]",
                0xe2e0 + mode), AdapterTb.Timing.fast(), cfg);
    }

    /**
     * More data than RAM: 1 MiB through 48 frames (192 KiB), 1% loss each way, and another process
     * writing 64 pages of its own in turn, so send-buffer pages are written out to storage between
     * their first send and their retransmission and come back through the storage controller when the
     * adapter asks for them again.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void ramPressureLossyLink(int mode, TestInfo info) {
        World.Config cfg = World.Config.defaults().withFrames(48).withMemoryHog(64, 20)
                .withStorage(new Latency(400, 0.5), new Latency(400, 0.5)).withDriver(new Driver.Config(8192, 16384, 32 << 10, 20_000));
        Link.Config link = Link.Config.ideal(3000).withImpairments(0.01, 0.002, 0.01, 1500, 0);
        try (WorldTb tb = tb(info, mode, cfg)) {
            tb.open(ConnSetup.of(1, mode).withLinks(link, link).withRto(20_000));
            tb.world.send(1, data(1 << 20, mode));
            tb.finish(6_000_000);
            World.Figures f = tb.world.figures();
            System.out.println(MODES[mode] + ": " + f + " in " + tb.h.dut.cycle() + " cycles");
            assertThat(f.sha256Match()).isTrue();
            assertThat(f.retransmissions()).as("retransmissions went back to the host").isPositive();
            assertThat(f.pageOuts()).as("pages were swapped out").isPositive();
            assertThat(f.retransmitsFromSwap()).as("some retransmission found its pages swapped out: %s", f).isPositive();
            assertThat(f.maxPinnedPages()).as("pins stay bounded by what is in flight").isLessThan(48);
            assertThat(tb.world.vm().stats().pinnedPages()).isZero();
        }
    }
}
