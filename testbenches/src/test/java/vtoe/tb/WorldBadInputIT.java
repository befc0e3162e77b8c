package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.RxClass;
import vtoe.model.host.AddressSpace;
import vtoe.model.net.Link;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.EventCode;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.world.WorldTb;

/**
 * Bad input from the world, on the RTL with the TLM in lockstep: a driver asked to send from an
 * unmapped VA, an application that frees its buffer while the send is under way, a storage
 * controller that fails a page-in, and a receiver (or link) that sends garbage. Each gives its
 * defined error (an exception naming the VA, or a HOST_FAULT event and a clean stop), the other
 * connection's stream still arrives intact, and no pin is left behind.
 *
 * <p>Run just this: {@code ./scripts/test --only WorldBadInputIT}
 */
class WorldBadInputIT {
    static WorldTb tb(TestInfo info, String variant, World.Config cfg) {
        return new WorldTb(SimRun.of("WorldBadInputIT", info.getTestMethod().orElseThrow().getName() + variant, 0xbad5),
                AdapterTb.Timing.fast(), cfg);
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void sendFromAnUnmappedVaIsRefusedAndNothingIsPosted(TestInfo info) {
        try (WorldTb tb = tb(info, "", World.Config.defaults())) {
            tb.open(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
            Driver d = tb.world.driver();
            long va = d.bufferBase(1);
            assertThatThrownBy(() -> d.post(1, va, 10_000)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0x" + Long.toHexString(va)).hasMessageContaining("not mapped")
                    .hasMessageContaining("nothing was posted");
            assertThat(d.bytesPosted(1)).isZero();
            // The application maps and fills its buffer, then the same call works (zero-copy send).
            AddressSpace as = d.addressSpace(1);
            as.map(va, 12_288);
            byte[] b = data(10_000, 1);
            as.write(va, b);
            d.post(1, va, 10_000);
            tb.finish(2_000_000);
            assertThat(tb.world.peer(1).receiver().bytesReceived()).isEqualTo(10_000);
            assertThat(tb.events).isEmpty();
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE})
    void bufferFreedDuringTheSendFaultsOnlyThatConnection(int mode, TestInfo info) {
        try (WorldTb tb = tb(info, "[" + mode + "]", World.Config.defaults())) {
            tb.open(ConnSetup.of(1, mode));
            tb.open(ConnSetup.of(2, mode));
            tb.world.send(1, data(40_000, 2));
            tb.world.send(2, data(40_000, 3));
            // The application unmaps the second half of its buffer before the adapter gets to it.
            long va = tb.world.driver().bufferBase(1) + 5 * 4096;
            tb.world.driver().addressSpace(1).unmap(va, 4 * 4096);
            tb.finish(5_000_000);
            assertThat(tb.events).extracting(e -> e.txn().eventCode()).first().isEqualTo(EventCode.HOST_FAULT);
            assertThat(tb.events.get(0).txn().conn()).isEqualTo(1);
            assertThat(tb.world.driver().stopped(1)).isTrue();
            assertThat(tb.world.driver().errors()).anyMatch(e -> e.contains("FAULT") && e.contains("not mapped"));
            assertThat(tb.world.delivered(2)).as("the other connection is unaffected").isTrue();
            assertThat(tb.world.peer(1).receiver().bytesReceived()).isLessThanOrEqualTo(5 * 4096);
            assertThat(tb.world.vm().pinnedPages()).isZero();
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED})
    void storageFailingAPageInStopsThatConnectionCleanly(int mode, TestInfo info) {
        // Little RAM and a memory hog, so connection 1's pages are swapped out before the adapter asks for them.
        World.Config cfg = World.Config.defaults().withFrames(48).withMemoryHog(60, 20)
                .withStorage(new Latency(300, 0.3), new Latency(300, 0.3)).withDriver(new Driver.Config(8192, 16384, 16 << 10, 20_000));
        try (WorldTb tb = tb(info, "[" + mode + "]", cfg)) {
            tb.open(ConnSetup.of(1, mode));
            tb.open(ConnSetup.of(2, mode));
            AddressSpace as1 = tb.world.driver().addressSpace(1);
            tb.world.storageController().failReadsIf(as1::ownsSlot);
            tb.world.send(1, data(400_000, 4));
            tb.world.send(2, data(100_000, 5));
            tb.finish(20_000_000);
            assertThat(tb.world.storageController().failedReads()).isPositive();
            assertThat(tb.world.driver().stopped(1)).isTrue();
            assertThat(tb.world.driver().errors()).anyMatch(e -> e.contains("page-in of VA") && e.contains("swap slot"));
            if (mode != CsrMap.MODE_PREPINNED) {
                // PREPINNED pins before posting: a failed pin stops the driver's posting, not the adapter.
                assertThat(tb.events).extracting(e -> e.txn().eventCode()).contains(EventCode.HOST_FAULT);
            }
            assertThat(tb.world.delivered(2)).as("the other connection is unaffected").isTrue();
            assertThat(tb.world.vm().pinnedPages()).as(tb.world.vm().pinLedger().toString()).isZero();
        }
    }

    /**
     * A receiver gone bad: its link corrupts one frame in twenty and it also sends frames of garbage
     * (random bytes, truncated headers, a valid ACK for a connection that is not open) into the
     * adapter. The adapter counts and drops them all; the stream arrives intact.
     */
    @Test
    void garbageFromTheReceiverIsCountedAndDropped(TestInfo info) {
        Link.Config bad = Link.Config.ideal(500).withImpairments(0.0, 0.0, 0.0, 0, 0.05);
        try (WorldTb tb = tb(info, "", World.Config.defaults())) {
            tb.open(ConnSetup.of(1, CsrMap.MODE_TRANSLATE).withLinks(bad, bad));
            UniformRandomProvider rng = tb.streams().stream("garbage");
            TcpFrame foreign = new TcpFrame(0x02_00_00_00_00_01L, 0x02_00_00_00_01_05L, 0x0a00_0105, 0x0a00_0001, 0, 64, true, 5006,
                    0x4000 | 5, 1, 1, TcpFrame.ACK, 1000, Bytes.wrap(new byte[0]));
            for (int i = 0; i < 60; i++) {
                long at = 2_000 + i * 1_500L;
                byte[] g = switch (i % 3) {
                    case 0 -> {
                        byte[] b = new byte[14 + rng.nextInt(200)];
                        rng.nextBytes(b);
                        yield b;
                    }
                    case 1 -> java.util.Arrays.copyOf(foreign.encode().toArray(), 20 + rng.nextInt(30));
                    default -> foreign.encode().toArray();
                };
                tb.h.sched.at(at, () -> tb.h.rx.send(Bytes.wrap(g), tb.h.sched.now()));
            }
            tb.world.send(1, data(200_000, 6));
            tb.finish(10_000_000);
            var parser = tb.h.model.parser();
            assertThat(parser.count(RxClass.TOO_SHORT) + parser.count(RxClass.NOT_IPV4) + parser.count(RxClass.BAD_IP_HEADER))
                    .as("garbage counted").isPositive();
            assertThat(parser.count(RxClass.UNKNOWN_CONN)).as("ACKs for a connection not open").isPositive();
            assertThat(parser.count(RxClass.BAD_TCP_CHECKSUM) + parser.count(RxClass.BAD_IP_CHECKSUM)).as("corrupted ACKs")
                    .isPositive();
            assertThat(tb.world.peer(1).receiver().stats().badFrames()).as("corrupted data frames dropped by the receiver")
                    .isPositive();
            assertThat(tb.events).isEmpty();
        }
    }
}
