package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.model.AdapterParams;
import vtoe.model.net.Link;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.RunProbe;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.world.WorldTb;

/**
 * Directed end-to-end co-simulations of the adapter in its world: the driver over a paging virtual
 * memory, lossy links, the destination receiver; the TLM in lockstep on every port. Each run ends
 * with the world's verdict (stream intact, no pin left, no pinned page evicted, no read outside a
 * grant, virtual-memory invariants) and the scoreboard's leftovers check, and the TCP sender-rules
 * checker judges every frame.
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
            // PUSH and TRANSLATE segments say on the ports when their bytes are in, PREPINNED ones do not.
            if (mode == vtoe.model.adapter.CsrMap.MODE_PREPINNED) {
                assertThat(tb.h.fairness.judged()).as(tb.h.fairness.summary()).isZero();
            } else {
                assertThat(tb.h.fairness.judged()).as(tb.h.fairness.summary()).isGreaterThan(500);
            }
        }
    }

    /**
     * RFC 7323 window scaling as an offload engine gets it: the host's handshake negotiated shift 4 and hands it over
     * with a 512 KiB window. Over a 40000-cycle RTT the adapter must keep more than 64 KiB in flight to fill it, which
     * it can only do by reading every ACK's window field shifted; a little loss each way runs retransmissions under
     * the scaled window too. The sender-rules checker applies the scale from the RFC, the lockstep TLM from its model.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void scaledWindowKeepsMoreThan64KiBInFlight(int mode, TestInfo info) {
        Link.Config link = Link.Config.ideal(20_000).withLoss(0.002);
        RunProbe probe = new RunProbe(AdapterParams.adapterDefaults());
        SimRun run = SimRun.of("WorldEndToEndIT", info.getTestMethod().orElseThrow().getName() + "[" + MODES[mode] + "]", 0x5ca1e0 + mode);
        try (WorldTb tb = new WorldTb(run, AdapterTb.Timing.fast(), World.Config.defaults(), List.of(probe))) {
            ConnSetup s = ConnSetup.of(1, mode).withLinks(link, link).withRto(150_000).withScaledWindow(512 << 10);
            assertThat(s.wndShift()).isEqualTo(4);
            tb.open(s);
            tb.world.send(1, data(2 << 20, mode));
            tb.finish(20_000_000);
            World.Figures f = tb.world.figures();
            RunProbe.Figures pf = probe.figures();
            System.out.println(MODES[mode] + ": " + f + ", unacknowledged peak " + pf.unackedPeakBytes() + " bytes in "
                    + tb.h.dut.cycle() + " cycles");
            assertThat(f.sha256Match()).isTrue();
            assertThat(pf.unackedPeakBytes()).as("more in flight than an unscaled window allows").isGreaterThan(65535);
            assertThat(pf.unackedPeakBytes()).as("never more than the scaled window").isLessThanOrEqualTo(512 << 10);
            assertThat(tb.h.senderRules.counters().acks()).as("ACKs judged with their scaled windows").isPositive();
        }
    }
}
