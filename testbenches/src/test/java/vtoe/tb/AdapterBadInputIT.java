package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import vtoe.cosim.AxiReadResponder;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
import vtoe.model.adapter.RxClass;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.tb.adapter.AdapterTb;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.HostStub;
import vtoe.tb.junit.SimRun;

/**
 * Bad input to the complete adapter, each class with its defined outcome: malformed, stray and
 * duplicate host answers; every class of bad received frame and out-of-range ACKs (counted and
 * dropped); a failing payload read; a PREPINNED descriptor without a PA; re-enabling a connection
 * that is still busy. In every case the other connections' data arrives intact and no pin is left.
 *
 * <p>Run just this: {@code ./scripts/test --only AdapterBadInputIT}
 */
class AdapterBadInputIT {
    static SimRun run(TestInfo info) {
        return SimRun.of("AdapterBadInputIT", info.getTestMethod().orElseThrow().getName(), 0xbad1);
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static final long VA1 = 0x7f00_0000_0000L + (1L << 32);

    /** Host answers that do not fit their request stop the connection; connection 2 is unaffected. */
    void badAnswer(TestInfo info, int mode, java.util.function.BiFunction<HostRequest, Integer, List<HostResponse>> answer,
            int reason, boolean hostPinned) {
        try (AdapterTb tb = new AdapterTb(run(info), AdapterTb.Timing.fast())) {
            tb.openConnection(ConnSetup.of(1, mode));
            tb.openConnection(ConnSetup.of(2, mode));
            int d = tb.params.dataBytes();
            tb.host.misbehave(r -> {
                if (r.conn() != 1 || r.va() != VA1 + 4096) {
                    return null;
                }
                if (hostPinned) {
                    tb.host.grantAnyway(r);
                }
                return answer.apply(r, d);
            });
            tb.send(1, data(8 * 4096, 1), 4096);
            tb.send(2, data(8 * 4096, 2), 4096);
            tb.finish(() -> tb.delivered(2) && !tb.events.isEmpty() && !tb.model.csu().busy(1), 2_000_000);
            tb.teardown(1);
            // Then possibly CONN_DISABLED: the stop caught the fetch in the middle of a chain.
            assertThat(tb.events.subList(1, tb.events.size())).allMatch(o -> o.txn().eventCode() == EventCode.CONN_DISABLED);
            var e = tb.events.get(0).txn();
            assertThat(e.eventCode()).isEqualTo(EventCode.HOST_BAD_RESPONSE);
            assertThat(e.conn()).isEqualTo(1);
            assertThat(e.detail() >> 8).isEqualTo(reason);
            assertThat(e.describe()).contains("did not fit the request");
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
            // At most the block before the bad answer: the stop drops segments still in flight.
            assertThat(tb.peer(1).receiver().bytesReceived()).isLessThanOrEqualTo(4096);
        }
    }

    @Test
    void pushAnswerWithTooFewBeats(TestInfo info) {
        badAnswer(info, CsrMap.MODE_PUSH, (r, d) -> List.of(
                new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(new byte[d]), 0, 0, true)), 1, false);
    }

    @Test
    void pushAnswerWithTooManyBeats(TestInfo info) {
        badAnswer(info, CsrMap.MODE_PUSH, (r, d) -> {
            List<HostResponse> l = new ArrayList<>();
            int beats = (r.len() + d - 1) / d + 1;
            for (int i = 0; i < beats; i++) {
                l.add(new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(new byte[d]), 0, 0, i == beats - 1));
            }
            return l;
        }, 1, false);
    }

    @Test
    void translateExtentsThatDoNotAddUp(TestInfo info) {
        badAnswer(info, CsrMap.MODE_TRANSLATE, (r, d) -> List.of(
                new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(new byte[d]), 0x300_0000, r.len() - 1, true)), 2, true);
    }

    @Test
    void translateEmptyExtent(TestInfo info) {
        badAnswer(info, CsrMap.MODE_TRANSLATE, (r, d) -> List.of(
                new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(new byte[d]), 0x300_0000, 0, false),
                new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(new byte[d]), 0x300_0000, r.len(), true)), 2, true);
    }

    @Test
    void strayAndDuplicateAnswersAreDroppedWithAnEvent(TestInfo info) {
        try (AdapterTb tb = new AdapterTb(run(info), AdapterTb.Timing.fast())) {
            tb.openConnection(ConnSetup.of(1, CsrMap.MODE_PUSH));
            int d = tb.params.dataBytes();
            // An answer nobody asked for, before any request.
            tb.hostResp.push(new HostResponse(13, HostResponse.OK, Bytes.wrap(new byte[d]), 0, 0, true));
            // And every answer to the third request is sent twice.
            int[] n = {0};
            int[] dupLen = {0};
            tb.host.misbehave(r -> {
                if (n[0]++ != 2) {
                    return null;
                }
                dupLen[0] = r.len();
                List<HostResponse> l = new ArrayList<>();
                byte[] all = tb.host.read(r.conn(), r.va(), r.len());
                int beats = (r.len() + d - 1) / d;
                for (int rep = 0; rep < 2; rep++) {
                    for (int i = 0; i < beats; i++) {
                        byte[] b = new byte[d];
                        System.arraycopy(all, i * d, b, 0, Math.min(d, r.len() - i * d));
                        l.add(new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(b), 0, 0, i == beats - 1));
                    }
                }
                return l;
            });
            tb.send(1, data(20_000, 3), 4096);
            tb.finish(2_000_000);
            assertThat(tb.events).extracting(e -> e.txn().eventCode()).containsOnly(EventCode.HOST_STRAY_RESPONSE);
            assertThat(tb.events.get(0).txn().detail()).isEqualTo(13);
            // The duplicate is dropped beat by beat: one event per beat of it.
            assertThat(tb.events).hasSize(1 + (dupLen[0] + d - 1) / d);
        }
    }

    /** Frames the adapter must count and drop, made from a valid ACK of connection 1 with one defect each. */
    static List<Bytes> badFrames(ConnSetup s, int ack) {
        UnaryOperator<byte[]> none = b -> b;
        TcpFrame good = new TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true, s.peerPort(), s.ourPort(),
                0x10000, ack, TcpFrame.ACK, 65535, Bytes.of());
        List<Bytes> l = new ArrayList<>();
        byte[] g = good.encode().toArray();
        l.add(Bytes.wrap(java.util.Arrays.copyOf(g, 40))); // TOO_SHORT
        l.add(mutate(g, b -> { b[12] = (byte) 0x86; b[13] = (byte) 0xdd; return b; })); // NOT_IPV4
        l.add(mutate(g, b -> { b[14] = 0x46; return b; })); // BAD_IP_HEADER
        l.add(mutate(g, b -> { b[16] = 0; b[17] = 30; return b; })); // BAD_IP_LENGTH
        l.add(mutate(g, b -> { b[20] |= 0x20; return b; })); // FRAGMENTED
        l.add(mutate(g, b -> { b[25] ^= 1; return b; })); // BAD_IP_CHECKSUM
        l.add(mutate(g, b -> { b[23] = 17; fixIp(b); return b; })); // NOT_TCP
        l.add(mutate(g, b -> { b[46] = 0x40; return b; })); // BAD_TCP_HEADER
        l.add(mutate(g, b -> { b[45] ^= 4; return b; })); // BAD_TCP_CHECKSUM
        l.add(new TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true, s.peerPort(), s.ourPort(), 0x10000,
                ack, TcpFrame.ACK | TcpFrame.FIN, 65535, Bytes.of()).encode()); // NOT_FOR_OFFLOAD
        l.add(new TcpFrame(s.ourMac() ^ 1, s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true, s.peerPort(), s.ourPort(), 0x10000,
                ack, TcpFrame.ACK, 65535, Bytes.of()).encode()); // UNKNOWN_CONN
        none.apply(g);
        return l;
    }

    static Bytes mutate(byte[] g, UnaryOperator<byte[]> f) {
        return Bytes.wrap(f.apply(g.clone()));
    }

    static void fixIp(byte[] b) {
        b[24] = 0;
        b[25] = 0;
        long sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        int c = (int) ~sum & 0xffff;
        b[24] = (byte) (c >> 8);
        b[25] = (byte) c;
    }

    @Test
    void badFramesAndOutOfRangeAcksAreCountedAndDropped(TestInfo info) {
        try (AdapterTb tb = new AdapterTb(run(info), AdapterTb.Timing.fast())) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_TRANSLATE).withRto(100_000);
            tb.openConnection(s);
            tb.send(1, data(100_000, 4), 8192);
            long t = tb.dut.cycle() + 3000;
            List<Bytes> bad = badFrames(s, s.iss() + 1460);
            for (int i = 0; i < bad.size(); i++) {
                Bytes f = bad.get(i);
                tb.sched.at(t + 100L * i, () -> tb.rx.send(f, tb.dut.cycle()));
            }
            // A valid ACK far above anything sent, and one below sndUna.
            Bytes above = new TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true, s.peerPort(), s.ourPort(),
                    0x10000, s.iss() + 50_000_000, TcpFrame.ACK, 65535, Bytes.of()).encode();
            Bytes old = new TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true, s.peerPort(), s.ourPort(),
                    0x10000, s.iss() - 100, TcpFrame.ACK, 65535, Bytes.of()).encode();
            tb.sched.at(t + 2000, () -> tb.rx.send(above, tb.dut.cycle()));
            tb.sched.at(t + 2100, () -> tb.rx.send(old, tb.dut.cycle()));
            tb.finish(3_000_000);
            int first = tb.csrResps.size();
            for (int reg = CsrMap.G_RX_COUNTER_BASE; reg <= CsrMap.G_ACK_OLD; reg++) {
                tb.csr.push(CsrRequest.read(CsrMap.global(reg)));
            }
            tb.finish(2_000_000);
            List<Long> counters = tb.csrResps.subList(first, tb.csrResps.size()).stream().map(o -> o.txn().data()).toList();
            for (RxClass c : RxClass.values()) {
                if (c != RxClass.OK) {
                    assertThat(counters.get(c.ordinal())).as("frames counted as %s", c).isEqualTo(1);
                }
            }
            assertThat(counters.get(RxClass.OK.ordinal())).isEqualTo(tb.peer(1).receiver().stats().acksSent() + 2);
            assertThat(counters.get(CsrMap.G_ACK_ABOVE - CsrMap.G_RX_COUNTER_BASE)).isEqualTo(1);
            assertThat(counters.get(CsrMap.G_ACK_OLD - CsrMap.G_RX_COUNTER_BASE)).isEqualTo(1);
            assertThat(tb.events).isEmpty();
        }
    }

    @Test
    void failingPayloadReadStopsTheConnection(TestInfo info) {
        // The host's fifth page is broken memory: reads of it return SLVERR.
        try (AdapterTb tb = new AdapterTb(run(info), AdapterTb.Timing.fast(),
                host -> List.of(new AxiReadResponder.ErrorRange(host.frameAt(4), host.frameAt(4) + HostStub.PAGE, 2)))) {
            tb.openConnection(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
            tb.openConnection(ConnSetup.of(2, CsrMap.MODE_PUSH));
            tb.send(1, data(10 * 4096, 5), 4096);
            tb.send(2, data(10 * 4096, 6), 4096);
            tb.finish(() -> tb.delivered(2) && !tb.events.isEmpty() && !tb.model.csu().busy(1), 2_000_000);
            tb.teardown(1);
            // One per tag whose reads touched the page.
            assertThat(tb.events).isNotEmpty().allMatch(e -> e.txn().eventCode() == EventCode.DMA_READ_ERROR && e.txn().conn() == 1);
            long pa = tb.events.get(0).txn().detail();
            assertThat(pa).isBetween(tb.host.frameAt(4), tb.host.frameAt(4) + HostStub.PAGE - 1);
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
        }
    }

    @Test
    void prepinnedDescriptorWithoutPaStopsTheChain(TestInfo info) {
        try (AdapterTb tb = new AdapterTb(run(info), AdapterTb.Timing.fast())) {
            tb.openConnection(ConnSetup.of(1, CsrMap.MODE_PREPINNED));
            long va = tb.postRaw(1, new Descriptor(VA1, 0, 100, ConnSetup.of(1, 0).iss(), 0));
            tb.finish(() -> !tb.events.isEmpty(), 200_000);
            assertThat(tb.events).extracting(e -> e.txn().eventCode()).containsExactly(EventCode.DESC_BAD_PA);
            assertThat(tb.events.get(0).txn().detail()).isEqualTo(va);
            assertThat(tb.frames).isEmpty();
        }
    }

    @Test
    void reEnablingAConnectionStillBusyIsRefused(TestInfo info) {
        // The host answers slowly: tags are still in flight when the driver disables and re-enables.
        try (AdapterTb tb = new AdapterTb(run(info), AdapterTb.Timing.fast().withHostLatency(() -> 5000))) {
            tb.openConnection(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
            tb.send(1, data(10_000, 7), 4096);
            tb.sched.run(2000);
            int first = tb.csrResps.size();
            tb.csrWrite(1, CsrMap.CTRL, CsrMap.ctrl(false, CsrMap.MODE_TRANSLATE));
            tb.csrWrite(1, CsrMap.CTRL, CsrMap.ctrl(true, CsrMap.MODE_TRANSLATE));
            tb.csr.push(CsrRequest.read(CsrMap.conn(1, CsrMap.STATUS)));
            tb.finish(() -> tb.csrResps.size() >= first + 3 && !tb.model.csu().busy(1), 2_000_000);
            tb.teardown(1);
            List<CsrResponse> r = tb.csrResps.subList(first, first + 3).stream().map(o -> o.txn()).toList();
            assertThat(r.get(0).ok()).isTrue();
            assertThat(r.get(1).resp()).as("enable while tags are in flight").isEqualTo(CsrResponse.SLVERR);
            assertThat(r.get(2).data() & 3).as("state: stopped").isEqualTo(2);
            assertThat(r.get(2).data() >> 16 & 1).as("busy").isEqualTo(1);
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
        }
    }
}
