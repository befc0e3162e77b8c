package vtoe.model.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.net.Link;
import vtoe.model.sim.Streams;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.RunProbe;
import vtoe.model.world.World;

/**
 * The COPY_RETAIN baseline and the wire probe on the standalone TLM: retransmissions come from the
 * adapter's copy and never reach the host, the stream still arrives intact with every world check
 * passing (no pin left, no read outside a grant: the copy's reads and releases stay on the adapter),
 * and the probe's figures agree with what was sent.
 *
 * <p>Run just this: {@code ./scripts/test --only RetainedCopyTest}
 */
class RetainedCopyTest {
    private static final AdapterParams P = AdapterParams.adapterDefaults();

    private record Run(StandaloneWorld w, RunProbe probe, RetainedCopy copy, int bytes) {}

    private static Run run(int mode, boolean copy, int bytes) {
        World.Config cfg = World.Config.defaults().withFrames(96).withMemoryHog(64, 20)
                .withStorage(new Latency(400, 0.5), new Latency(400, 0.5)).withDriver(new Driver.Config(8192, 16384, 32 << 10, 20_000));
        BitSet conns = new BitSet();
        conns.set(1);
        RetainedCopy c = copy ? new RetainedCopy(P, conns, 1 << 17, 50) : null;
        RunProbe probe = new RunProbe(P, pa -> c != null && c.holds(pa));
        StandaloneWorld w = new StandaloneWorld(P, cfg, StandaloneAdapter.Timing.defaults(), new Streams(0xc0b1 + mode), () -> "copy test",
                c == null ? List.of(probe) : List.of(probe, c));
        Link.Config link = Link.Config.ideal(3000).withLoss(0.02);
        w.open(ConnSetup.of(1, mode).withLinks(link, link).withRto(20_000));
        byte[] d = new byte[bytes];
        new Random(mode).nextBytes(d);
        w.world.send(1, d);
        assertThat(w.finish(100_000_000)).isEmpty();
        return new Run(w, probe, c, bytes);
    }

    @Test
    void retransmissionsComeFromTheCopyNotTheHost() {
        Run r = run(CsrMap.MODE_PREPINNED, true, 600_000);
        World.Figures f = r.w.world.figures();
        assertThat(f.sha256Match()).isTrue();
        RetainedCopy.Figures cf = r.copy.figures();
        RunProbe.Figures pf = r.probe.figures();
        assertThat(cf.retransmitsAnswered()).as("retransmissions answered from the copy").isPositive();
        // Only window probes (a byte never sent before, asked for as a retransmission) may reach the host.
        Driver.Stats ds = r.w.world.driver().stats();
        assertThat(ds.retransmitRequests()).as("retransmission requests that reached the host").isEqualTo(ds.hostRequests())
                .isLessThan(cf.retransmitsAnswered() / 4);
        assertThat(cf.bytesWritten()).as("every byte is copied once, on its first send").isEqualTo(r.bytes);
        assertThat(cf.bytesRead()).isPositive();
        assertThat(pf.retransmitRequests()).isEqualTo(cf.retransmitsAnswered() + ds.retransmitRequests());
        assertThat(pf.retransmittedFrames()).isPositive();
        assertThat(pf.retransmitLatency().getTotalCount()).isPositive();
        // Only first sends cross the host bus: the copy's reads are the adapter's own.
        assertThat(pf.hostBusBytes()).isGreaterThanOrEqualTo(r.bytes).isLessThan(r.bytes + 2L * 4096 * 600_000 / 8192);
        assertThat(pf.unackedPeakBytes()).isPositive().isLessThanOrEqualTo(65536);
    }

    @Test
    void withoutTheCopyTheHostServesRetransmissionsAndMoreBytesCrossTheBus() {
        Run r = run(CsrMap.MODE_PREPINNED, false, 600_000);
        RunProbe.Figures pf = r.probe.figures();
        long asked = r.w.world.driver().stats().retransmitRequests();
        assertThat(asked).isPositive().isEqualTo(pf.retransmitRequests());
        assertThat(pf.hostBusBytes()).as("first sends plus every retransmission read again from host memory")
                .isGreaterThanOrEqualTo(r.bytes + pf.retransmittedBytes());
    }

    @Test
    void pushedBytesCountAsHostBusTraffic() {
        Run r = run(CsrMap.MODE_PUSH, false, 200_000);
        RunProbe.Figures pf = r.probe.figures();
        // Every framed byte was pushed; a retransmission pushed and then dropped (its ACK overtook it) pushed more.
        assertThat(pf.hostBusBytes()).isBetween(pf.txPayloadBytes(), pf.txPayloadBytes() + 65536);
        assertThat(pf.sendLatency().getTotalCount()).as("first-send latencies timed").isPositive();
    }

    @Test
    void aRingTooSmallForTheWindowIsRefused() {
        BitSet one = new BitSet();
        one.set(0);
        assertThatThrownBy(() -> new RetainedCopy(P, one, 1 << 16, 50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("above the largest window");
        BitSet far = new BitSet();
        far.set(P.numConns());
        assertThatThrownBy(() -> new RetainedCopy(P, far, 1 << 17, 50)).hasMessageContaining("does not exist");
    }
}
