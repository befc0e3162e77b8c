package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.model.adapter.AckResult;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Op;
import vtoe.model.adapter.TimerKind;
import vtoe.model.check.TcpSenderRules.Rule;
import vtoe.model.net.Link;
import vtoe.model.net.ParseResult;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.Observed;
import vtoe.model.txn.TraceRecord;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.adapter.HostStub;
import vtoe.model.world.ConnSetup;
import vtoe.tb.junit.SimRun;

/**
 * Directed co-simulations of the complete adapter, RTL against TLM in lockstep on every port and the
 * trace: each mode with block sizes at the MSS edges, every retransmit path (RTO, fast retransmit,
 * backoff, retry limit), a host FAULT, a closed and reopened window, several connections at once.
 * Every run also ends with the end-to-end checks of {@link AdapterTb#finish(long)}: stream intact
 * (SHA-256), no pin left, no read outside a grant, no scoreboard leftovers.
 *
 * <p>Run just this: {@code ./scripts/test --only AdapterDirectedIT}
 */
class AdapterDirectedIT {
    static AdapterTb tb(TestInfo info, String variant) {
        return new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName() + variant, 0xad),
                AdapterTb.Timing.fast());
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<TcpFrame> dataFrames(AdapterTb tb) {
        List<TcpFrame> l = new ArrayList<>();
        for (Observed<vtoe.model.txn.Frame> f : tb.frames) {
            ParseResult r = TcpFrame.parse(f.txn().bytes());
            assertThat(r.ok()).as("frame at cycle %d parses: %s", f.endCycle(), r).isTrue();
            l.add(r.frame());
        }
        return l;
    }

    static List<TraceRecord> ops(AdapterTb tb, Op op) {
        return tb.trace.stream().filter(r -> r.op() == op.code).toList();
    }

    static final int MSS = 1460;

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED})
    void blocksAtTheMssEdgesArriveIntactInEachMode(int mode, TestInfo info) {
        try (AdapterTb tb = tb(info, "[" + mode + "]")) {
            tb.openConnection(ConnSetup.of(2, mode));
            int[] sizes = {1, MSS - 1, MSS, MSS + 1, 2 * MSS, 4096, 65536, 7};
            int total = 0;
            int segments = 0;
            for (int i = 0; i < sizes.length; i++) {
                tb.send(2, data(sizes[i], i), sizes[i]);
                total += sizes[i];
            }
            tb.finish(2_000_000);
            List<TcpFrame> fs = dataFrames(tb);
            assertThat(fs).allMatch(f -> f.payload().length() <= MSS && f.payload().length() > 0);
            assertThat(fs.stream().mapToInt(f -> f.payload().length()).sum()).isEqualTo(total);
            assertThat(tb.peer(2).receiver().bytesReceived()).isEqualTo(total);
            // Blocks never share a segment, and the last segment of a block carries PSH.
            long psh = fs.stream().filter(f -> (f.flags() & TcpFrame.PSH) != 0).count();
            if (mode != CsrMap.MODE_PREPINNED) {
                for (int s : sizes) {
                    segments += (s + MSS - 1) / MSS;
                }
                assertThat(fs).hasSize(segments);
                assertThat(psh).isEqualTo(sizes.length);
            }
            // Step 2/3 of the method, by mode: who identified the bytes.
            switch (mode) {
                case CsrMap.MODE_PUSH -> {
                    assertThat(tb.hostReqs).hasSize(fs.size()).allMatch(o -> o.txn().kind() == HostRequest.SEND);
                    assertThat(tb.releases).isEmpty();
                }
                case CsrMap.MODE_TRANSLATE -> {
                    assertThat(tb.hostReqs).hasSize(fs.size());
                    assertThat(tb.releases).hasSize(fs.size()).noneMatch(o -> o.txn().prepinned());
                }
                default -> {
                    assertThat(tb.hostReqs).isEmpty();
                    assertThat(tb.releases).isNotEmpty().allMatch(o -> o.txn().prepinned());
                }
            }
            assertThat(tb.events).isEmpty();
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED})
    void rtoResendsFromSndUnaWithTheVaOfTheUnacknowledgedData(int mode, TestInfo info) {
        try (AdapterTb tb = tb(info, "[" + mode + "]")) {
            ConnSetup s = ConnSetup.of(1, mode).withRto(6000);
            tb.openConnection(s);
            // Four segments; the last is lost once, so no duplicate ACKs can follow it: only the RTO helps.
            int[] dropped = {0};
            int lastSeq = s.iss() + 3 * MSS;
            tb.peer(1).toPeer().dropIf(f -> {
                ParseResult r = TcpFrame.parse(f);
                return r.ok() && r.frame().seq() == lastSeq && dropped[0]++ == 0;
            });
            byte[] d = data(4 * MSS, 3);
            tb.send(1, d, 4 * MSS);
            tb.finish(2_000_000);
            List<TraceRecord> timers = ops(tb, Op.TIMER);
            assertThat(timers).hasSize(1);
            assertThat(timers.get(0).aux() & 0xf).isEqualTo(TimerKind.RTO.ordinal());
            List<Observed<HostRequest>> retx = tb.hostReqs.stream().filter(o -> o.txn().kind() == HostRequest.RETRANSMIT).toList();
            // Step 5: the adapter asks the host again, with the VA of the unacknowledged bytes.
            assertThat(retx).hasSize(1);
            long blockVa = 0x7f00_0000_0000L + (1L << 32);
            assertThat(retx.get(0).txn().va()).isEqualTo(blockVa + 3 * MSS);
            assertThat(retx.get(0).txn().len()).isEqualTo(MSS);
            assertThat(retx.get(0).startCycle() - timers.get(0).time()).isBetween(0L, 200L);
            assertThat(dataFrames(tb).stream().filter(f -> f.seq() == lastSeq)).hasSize(2);
        }
    }

    @Test
    void threeDuplicateAcksTriggerAFastRetransmitBeforeTheRto(TestInfo info) {
        try (AdapterTb tb = tb(info, "")) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_TRANSLATE).withRto(1_000_000);
            tb.openConnection(s);
            int secondSeq = s.iss() + MSS;
            int[] n = {0};
            tb.peer(1).toPeer().dropIf(f -> {
                ParseResult r = TcpFrame.parse(f);
                return r.ok() && r.frame().seq() == secondSeq && n[0]++ == 0;
            });
            tb.send(1, data(12 * MSS, 4), 12 * MSS);
            tb.finish(1_000_000);
            assertThat(ops(tb, Op.TIMER)).as("no RTO: the fast retransmit repaired the hole").isEmpty();
            assertThat(ops(tb, Op.ACK)).anyMatch(r -> (r.aux() & 0xf) == 2 && r.seq() == secondSeq);
            List<Observed<HostRequest>> retx = tb.hostReqs.stream().filter(o -> o.txn().kind() == HostRequest.RETRANSMIT).toList();
            assertThat(retx).hasSize(1);
            assertThat(retx.get(0).txn().len()).isEqualTo(MSS);
            assertThat(tb.dut.cycle()).isLessThan(1_000_000);
        }
    }

    /**
     * Finding F4 of {@link vtoe.model.check.KnownSenderDeviations}: the lost segment is lost again on
     * its fast retransmit and on the timeout pass, so the pass's later segments bring the peer's
     * duplicate ACKs of the same hole once more. Those ACK data sent before the timeout: RFC 6582
     * section 4 ("recover") says they must not fast-retransmit again; only the backed-off timer may.
     */
    @Test
    void duplicateAcksAfterATimeoutDoNotFastRetransmitAgain(TestInfo info) {
        try (AdapterTb tb = tb(info, "")) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_TRANSLATE).withRto(20_000);
            tb.openConnection(s);
            int secondSeq = s.iss() + MSS;
            int[] n = {0};
            // First transmission, fast retransmit and the timeout pass's first segment: all lost.
            tb.peer(1).toPeer().dropIf(f -> {
                ParseResult r = TcpFrame.parse(f);
                return r.ok() && r.frame().seq() == secondSeq && n[0]++ < 3;
            });
            tb.send(1, data(12 * MSS, 12), 12 * MSS);
            tb.finish(2_000_000);
            assertThat(n[0]).as("transmissions of the lost segment").isEqualTo(4);
            List<TraceRecord> fast = ops(tb, Op.ACK).stream().filter(r -> (r.aux() & 0xf) == AckResult.FAST_RETX.ordinal()).toList();
            assertThat(fast).as("fast retransmits (one per duplicate-ACK episode)").hasSize(1);
            List<TraceRecord> timers = ops(tb, Op.TIMER);
            assertThat(timers).as("the second timeout, not a duplicate ACK, repairs the hole").hasSize(2);
            assertThat(timers).allMatch(r -> (r.aux() & 0xf) == TimerKind.RTO.ordinal());
            // Duplicate ACKs did come after the first timeout: the rule, not their absence, held the fast retransmit back.
            assertThat(ops(tb, Op.ACK).stream().filter(r -> r.time() > timers.get(0).time() && r.seq() == secondSeq
                    && (r.aux() & 0xf) == AckResult.DUP.ordinal())).hasSizeGreaterThanOrEqualTo(3);
            assertThat(tb.h.senderRules.violationCounts()).as(tb.h.senderRules.summary()).doesNotContainKey(Rule.NO_CAUSE);
        }
    }

    /**
     * Finding F1 of {@link vtoe.model.check.KnownSenderDeviations}: the timer must run from the frame,
     * not from the decision to send it (RFC 6298 5.1). The host takes longer to answer for the
     * segment than the RTO, then answers its retransmission at once; a timer armed at the decision
     * expired before the first frame had even left, and the retransmission followed it back to back.
     */
    @Test
    void theRtoRunsFromTheFrameNotFromTheDecision(TestInfo info) {
        long rto = 6000;
        long slow = 8000;
        long[] answers = {0};
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName(), 0xad),
                AdapterTb.Timing.fast().withHostLatency(() -> answers[0]++ == 0 ? slow : 50))) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_PUSH).withRto(rto);
            tb.openConnection(s);
            int[] n = {0};
            tb.peer(1).toPeer().dropIf(f -> n[0]++ == 0); // the first transmission is lost
            tb.send(1, data(1000, 13), 1000);
            tb.finish(2_000_000);
            List<Observed<vtoe.model.txn.Frame>> sent = tb.frames;
            assertThat(sent).as("the segment and its one retransmission").hasSize(2);
            long gap = sent.get(1).startCycle() - sent.get(0).startCycle();
            assertThat(gap).as("wire gap between the transmissions (the old design: about one frame)").isGreaterThanOrEqualTo(rto);
            List<TraceRecord> timers = ops(tb, Op.TIMER);
            assertThat(timers).hasSize(1);
            assertThat(timers.get(0).time()).as("expiry against the first frame's start").isGreaterThanOrEqualTo(sent.get(0).startCycle() + rto);
            assertThat(tb.h.senderRules.violationCounts()).as(tb.h.senderRules.summary()).doesNotContainKey(Rule.NO_CAUSE);
        }
    }

    /**
     * A duplicate ACK needs outstanding data, data that has been sent (RFC 5681 section 2 (a)). The
     * segment is cut but its bytes take the host 8000 cycles; meanwhile the peer repeats its ACK of
     * snd.una (a duplicating link does that). The old design counted them against the cut segment
     * and fast-retransmitted it, so it reached the wire twice, back to back, with no loss at all.
     */
    @Test
    void repeatedAcksBeforeTheFrameHasLeftAreNotDuplicates(TestInfo info) {
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName(), 0xad),
                AdapterTb.Timing.fast().withHostLatency(() -> 8000))) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_PUSH).withRto(100_000);
            tb.openConnection(s);
            tb.send(1, data(1000, 14), 1000);
            Bytes ack = new TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true, s.peerPort(), s.ourPort(), 0x10000,
                    s.iss(), TcpFrame.ACK, s.peerWnd(), Bytes.of()).encode();
            long t = tb.dut.cycle() + 2000;
            for (int i = 0; i < 4; i++) {
                tb.sched.at(t + 100L * i, () -> tb.rx.send(ack, tb.dut.cycle()));
            }
            tb.finish(2_000_000);
            List<TraceRecord> acks = ops(tb, Op.ACK).stream().filter(r -> r.seq() == s.iss()).toList();
            assertThat(acks).hasSize(4).allMatch(r -> (r.aux() & 0xf) == AckResult.WINDOW.ordinal());
            assertThat(ops(tb, Op.SEG).get(0).time()).as("the segment was cut before the ACKs came").isLessThan(acks.get(0).time());
            assertThat(tb.frames.get(0).startCycle()).as("and its frame left after them").isGreaterThan(acks.get(3).time());
            assertThat(tb.hostReqs).as("no retransmission").hasSize(1);
            assertThat(tb.frames).hasSize(1);
            assertThat(tb.h.senderRules.violationCounts()).as(tb.h.senderRules.summary()).doesNotContainKey(Rule.NO_CAUSE);
        }
    }

    /**
     * Finding F2: a retransmission decided before the ACK that covers it must not reach the wire
     * (RFC 9293 3.10.7.4 takes acknowledged segments off the retransmission queue). The peer's ACK
     * takes 10,000 cycles to come back, so the RTO of 6000 expires and the segment is cut again; the
     * host takes 8000 cycles to push its bytes again, and the ACK arrives in between. The old design
     * sent the retransmission anyway, wholly below snd.una; now the framer drops it and hands the tag
     * back unsent.
     */
    @Test
    void aRetransmissionAcknowledgedBeforeItsFrameLeavesIsDropped(TestInfo info) {
        long[] answers = {0};
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName(), 0xae),
                AdapterTb.Timing.fast().withHostLatency(() -> answers[0]++ == 0 ? 50 : 8000))) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_PUSH).withRto(6000).withLinks(Link.Config.ideal(200), Link.Config.ideal(10_000));
            tb.openConnection(s);
            tb.send(1, data(1000, 15), 1000);
            tb.finish(2_000_000);
            List<Observed<HostRequest>> retx = tb.hostReqs.stream().filter(o -> o.txn().kind() == HostRequest.RETRANSMIT).toList();
            assertThat(retx).as("the timeout cut the segment again").hasSize(1);
            List<TraceRecord> acks = ops(tb, Op.ACK).stream().filter(r -> r.seq() == s.iss() + 1000).toList();
            assertThat(acks).as("the ACK of the whole segment").isNotEmpty();
            assertThat(acks.get(0).time()).as("came after the retransmission was decided").isGreaterThan(retx.get(0).endCycle());
            List<TraceRecord> done = ops(tb, Op.TAG_DONE);
            assertThat(done).as("both cuts handed their tags back").hasSize(2);
            assertThat(done.get(1).aux()).as("the retransmission's tag went back unsent").isZero();
            assertThat(done.get(1).time()).as("after the ACK").isGreaterThan(acks.get(0).time());
            assertThat(tb.frames).as("only the first transmission reached the wire").hasSize(1);
            assertThat(tb.h.senderRules.violationCounts()).as(tb.h.senderRules.summary()).doesNotContainKey(Rule.BELOW_UNA);
        }
    }

    /**
     * Finding F3, first shape: a go-back that has not reached the wire when an ACK of new data comes is
     * cancelled. The ACKs take 10,000 cycles to come back, so the RTO of 6000 expires and all three
     * segments are cut again; their bytes take the host 8000 cycles. In between, the ACK of the first
     * segment restarts the timer (RFC 6298 5.3); the second segment was lost, the third arrived. The
     * old design sent the pass anyway, after that ACK, with no expiry behind it on the wire (NO_CAUSE).
     * Now the ACK starts a new epoch, the framer drops the pass, and the restarted timer goes back to
     * the lost segment one RTO later: it reaches the wire once more, and only then.
     * Run just this: {@code ./scripts/test --only AdapterDirectedIT#aGoBackThatAnAckOfNewDataOvertakesIsCancelled}
     */
    @Test
    void aGoBackThatAnAckOfNewDataOvertakesIsCancelled(TestInfo info) {
        long[] answers = {0};
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName(), 0xaf),
                AdapterTb.Timing.fast().withHostLatency(() -> answers[0]++ < 3 ? 50 : 8000))) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_PUSH).withRto(6000).withLinks(Link.Config.ideal(200), Link.Config.ideal(10_000));
            tb.openConnection(s);
            int[] n = {0};
            tb.peer(1).toPeer().dropIf(f -> n[0]++ == 1); // the second segment's first transmission is lost
            tb.send(1, data(3000, 16), 3000);
            tb.finish(2_000_000);
            List<TraceRecord> timers = ops(tb, Op.TIMER);
            // The spurious expiry, the one the lost segment needs, and maybe a third before the ACK of its
            // retransmission has come back (10,000 cycles against an RTO of 12,000): that pass is cancelled too.
            assertThat(timers).hasSizeBetween(2, 3);
            List<TraceRecord> firstAck = ops(tb, Op.ACK).stream().filter(r -> r.seq() == s.iss() + 1460).toList();
            assertThat(firstAck).isNotEmpty();
            assertThat(firstAck.get(0).time()).as("the ACK of new data came after the first expiry").isGreaterThan(timers.get(0).time());
            List<Observed<vtoe.model.txn.Frame>> sent = tb.frames;
            List<Long> secondSegment = sent.stream().filter(f -> tcpSeq(f.txn().bytes()) == s.iss() + 1460)
                    .map(Observed::startCycle).toList();
            assertThat(secondSegment).as("the lost segment: its first transmission and one retransmission").hasSize(2);
            assertThat(secondSegment.get(1)).as("retransmitted after the second expiry, not by the cancelled pass")
                    .isGreaterThan(timers.get(1).time());
            assertThat(ops(tb, Op.TAG_DONE).stream().filter(r -> r.aux() == 0).filter(r -> r.time() < timers.get(1).time()))
                    .as("the cancelled pass went back unsent").hasSize(3);
            assertThat(tb.peer(1).receiver().sha256()).isEqualTo(tb.sentSha256(1));
            assertThat(tb.h.senderRules.violationCounts()).as(tb.h.senderRules.summary()).doesNotContainKey(Rule.NO_CAUSE);
        }
    }

    /**
     * Finding F3, second shape: an expiry while the last go-back has not reached the wire only backs
     * off. The retransmission's bytes take the host 7000 cycles; the RTO of 2000, doubled to 4000,
     * expires again before they come. The old design went back a second time, so two retransmissions of
     * snd.una left back to back, the second long before its doubled RTO (BACKOFF).
     */
    @Test
    void anExpiryBeforeTheGoBackHasLeftOnlyBacksOff(TestInfo info) {
        long[] answers = {0};
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName(), 0xb0),
                AdapterTb.Timing.fast().withHostLatency(() -> answers[0]++ == 0 ? 50 : 7000))) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_PUSH).withRto(2000);
            tb.openConnection(s);
            int[] n = {0};
            tb.peer(1).toPeer().dropIf(f -> n[0]++ == 0);
            tb.send(1, data(1000, 17), 1000);
            tb.finish(2_000_000);
            List<TraceRecord> timers = ops(tb, Op.TIMER);
            assertThat(timers).as("two expiries before the retransmission left").hasSizeGreaterThanOrEqualTo(2);
            assertThat((timers.get(1).aux() >> 4) & 0xf).as("the second expiry backed off").isEqualTo(2);
            assertThat(tb.hostReqs.stream().filter(o -> o.txn().kind() == HostRequest.RETRANSMIT))
                    .as("one go-back: the second expiry did not cut the segment again").hasSize(1);
            assertThat(tb.frames).as("the segment and its one retransmission").hasSize(2);
            assertThat(tb.peer(1).receiver().sha256()).isEqualTo(tb.sentSha256(1));
            assertThat(tb.h.senderRules.violationCounts()).as(tb.h.senderRules.summary()).doesNotContainKey(Rule.BACKOFF)
                    .doesNotContainKey(Rule.NO_CAUSE);
        }
    }

    /** The TCP sequence number of an Ethernet/IPv4/TCP frame without IP options. */
    private static int tcpSeq(Bytes frame) {
        return (frame.get(38) & 0xff) << 24 | (frame.get(39) & 0xff) << 16 | (frame.get(40) & 0xff) << 8 | (frame.get(41) & 0xff);
    }

    @Test
    void rtoBacksOffExponentiallyWhileTheLinkIsDown(TestInfo info) {
        try (AdapterTb tb = tb(info, "")) {
            long rto = 4000;
            ConnSetup s = ConnSetup.of(3, CsrMap.MODE_PUSH).withRto(rto);
            tb.openConnection(s);
            boolean[] down = {true};
            tb.peer(3).toPeer().dropIf(f -> down[0]);
            tb.send(3, data(2000, 5), 2000);
            tb.sched.at(tb.dut.cycle() + rto * (1 + 2 + 4 + 8) + 2000, () -> down[0] = false);
            tb.finish(2_000_000);
            List<TraceRecord> timers = ops(tb, Op.TIMER);
            assertThat(timers).hasSizeGreaterThanOrEqualTo(4);
            for (int i = 0; i < 4; i++) {
                assertThat((timers.get(i).aux() >> 4) & 0xf).as("backoff after expiry %d", i + 1).isEqualTo(i + 1);
                assertThat((timers.get(i).aux() >> 8) & 0xff).as("retries after expiry %d", i + 1).isEqualTo(i + 1);
            }
            for (int i = 1; i < 4; i++) {
                long gap = timers.get(i).time() - timers.get(i - 1).time();
                // Re-armed at expiry with rto << backoff; the timer wheel adds at most its slot of G cycles and the
                // two pipeline stages (the connection is alone: nothing else is due or queued at the deadline).
                assertThat(gap).as("gap before expiry %d", i + 1).isBetween(rto << i, (rto << i) + tb.params.timerSlotCycles() + 2);
            }
        }
    }

    /**
     * Connection 1 (RTO 500 cycles) sends into a black hole beside connection 2's delivered stream, backing off
     * until its retry limit stops it; runs until then and tears connection 1 down (GatedClockIT records it too).
     */
    static void retryLimit(AdapterTb tb, int mode) {
        tb.openConnection(ConnSetup.of(1, mode).withRto(500));
        tb.openConnection(ConnSetup.of(2, mode));
        tb.peer(1).toPeer().dropIf(f -> true); // a black hole
        tb.send(1, data(30_000, 6), 8192);
        tb.send(2, data(30_000, 7), 8192);
        tb.finish(() -> tb.delivered(2) && tb.events.stream().anyMatch(e -> e.txn().code() == EventCode.RETRY_LIMIT.code())
                && !tb.model.csu().busy(1), 5_000_000);
        tb.teardown(1);
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED})
    void retryLimitStopsTheConnectionAndReleasesEverything(int mode, TestInfo info) {
        try (AdapterTb tb = tb(info, "[" + mode + "]")) {
            retryLimit(tb, mode);
            assertThat(tb.events).extracting(e -> e.txn().eventCode()).containsExactly(EventCode.RETRY_LIMIT);
            assertThat(tb.events.get(0).txn().conn()).isEqualTo(1);
            assertThat(tb.events.get(0).txn().describe()).contains("no acknowledgement");
            assertThat(ops(tb, Op.TIMER).stream().filter(r -> r.conn() == 1)).hasSize(tb.params.maxRetries() + 1);
            assertThat(tb.model.csu().state(1).state).isEqualTo(2);
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
            assertThat(tb.host.violations()).isEmpty();
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE})
    void hostFaultStopsOnlyThatConnection(int mode, TestInfo info) {
        try (AdapterTb tb = tb(info, "[" + mode + "]")) {
            tb.openConnection(ConnSetup.of(1, mode));
            tb.openConnection(ConnSetup.of(2, mode));
            long badVa = 0x7f00_0000_0000L + (1L << 32) + 3 * 4096; // a block start: always a segment start
            tb.host.faultIf(r -> r.conn() == 1 && r.va() == badVa);
            tb.send(1, data(20 * MSS, 8), 4096);
            tb.send(2, data(20 * MSS, 9), 4096);
            tb.finish(() -> tb.delivered(2) && !tb.events.isEmpty() && !tb.model.csu().busy(1), 2_000_000);
            tb.teardown(1);
            // The fault stops the connection; if its chain was still being fetched, the fetch says so too.
            assertThat(tb.events.get(0).txn().eventCode()).isEqualTo(EventCode.HOST_FAULT);
            assertThat(tb.events.subList(1, tb.events.size())).extracting(e -> e.txn().eventCode())
                    .allMatch(c -> c == EventCode.CONN_DISABLED);
            assertThat(tb.events.get(0).txn().detail()).isEqualTo(badVa);
            assertThat(tb.host.faults()).isEqualTo(1);
            assertThat(tb.peer(1).receiver().bytesReceived()).isLessThanOrEqualTo(3L * 4096);
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
            // The driver re-opens the connection once it is idle, and it works again.
            tb.csrWrite(1, CsrMap.CTRL, CsrMap.ctrl(false, mode));
            tb.sched.run(200);
        }
    }

    @Test
    void aClosedWindowHoldsDataBackUntilItReopens(TestInfo info) {
        try (AdapterTb tb = tb(info, "")) {
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_PUSH).withWindow(8192, 8192).withRto(3000);
            tb.openConnection(s);
            tb.peer(1).receiver().pause();
            tb.send(1, data(40_000, 10), 4096);
            long reopen = tb.dut.cycle() + 60_000;
            tb.sched.at(reopen, () -> tb.peer(1).receiver().resume());
            tb.finish(3_000_000);
            // While closed, the adapter only probed the window; nothing beyond 8192 + probes got through.
            List<TraceRecord> timers = ops(tb, Op.TIMER).stream().filter(r -> r.time() < reopen).toList();
            assertThat(timers).isNotEmpty().allMatch(r -> (r.aux() & 0xf) == TimerKind.ZERO_WINDOW.ordinal()
                    || (r.aux() & 0xf) == TimerKind.PERSIST.ordinal());
            assertThat(ops(tb, Op.ACK)).anyMatch(r -> r.len() == 0);
            assertThat(tb.events).isEmpty();
        }
    }

    /**
     * Found by the 10,000-seed sign-off (WorldRandomIT seed 0x1c99f75e0a8ff3ef): the persist timer ran
     * from the decision to probe, not from the probe's frame (RFC 6298 5.1 arms a timer by the frame).
     * The host takes longer to push the first probe's byte than the backed-off timer, so a second probe
     * of the same byte was cut before the first had left; the window reopened meanwhile, the host
     * answered the second at once, and the byte went out twice, back to back, with no cause on the
     * wire. Now the timer does not run while a frame of the connection is still being made: the probe
     * waits for the first to leave, and the timer starts from it.
     */
    @Test
    void aPersistExpiryBeforeTheProbeHasLeftWaitsForIt(TestInfo info) {
        long rto = 3000;
        long slow = 30_000;
        AdapterTb[] ref = new AdapterTb[1];
        boolean[] slowed = {false};
        LongSupplier latency = () -> {
            // The first 1-byte request is the first probe: its bytes take the host longer than two expiries.
            HostRequest r = ref[0].hostReqs.get(ref[0].hostReqs.size() - 1).txn();
            if (r.len() == 1 && !slowed[0]) {
                slowed[0] = true;
                return slow;
            }
            return 50;
        };
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName(), 0xad),
                AdapterTb.Timing.fast().withHostLatency(latency))) {
            ref[0] = tb;
            ConnSetup s = ConnSetup.of(1, CsrMap.MODE_PUSH).withWindow(8192, 8192).withRto(rto);
            tb.openConnection(s);
            tb.peer(1).receiver().pause();
            tb.send(1, data(20_000, 15), 4096);
            long reopen = tb.dut.cycle() + 20_000; // while the first probe's bytes are still with the host
            tb.sched.at(reopen, () -> tb.peer(1).receiver().resume());
            tb.finish(3_000_000);
            assertThat(slowed[0]).as("a probe was asked for").isTrue();
            List<TraceRecord> probes = ops(tb, Op.SEG).stream().filter(r -> r.len() == 1).toList();
            List<TraceRecord> done = ops(tb, Op.TAG_DONE);
            for (int i = 1; i < probes.size(); i++) {
                TraceRecord prev = probes.get(i - 1);
                long left = done.stream().filter(d -> d.tag() == prev.tag() && d.time() > prev.time()).mapToLong(TraceRecord::time).min()
                        .orElse(Long.MAX_VALUE);
                assertThat(probes.get(i).time()).as("probe %d cut after probe %d's frame left (at %d)", i, i - 1, left).isGreaterThan(left);
            }
            assertThat(tb.h.senderRules.violationCounts()).as(tb.h.senderRules.summary()).isEmpty();
            assertThat(tb.events).isEmpty();
        }
    }

    /**
     * Host memory across the 4 GiB line (AdapterTb.Timing.PA_ACROSS_4G): the send buffer's first pages sit just
     * below it and the rest above, physically contiguous, so PREPINNED blocks and TRANSLATE extents run across
     * it. Every byte must still arrive, read from where the host put it: a PA cut to 32 bits, or a segment
     * PA inside a block computed without the carry out of bit 31, reads the wrong memory (mutants M15-M17).
     */
    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED})
    void sendBuffersAcrossTheFourGibLineArriveIntact(int mode, TestInfo info) {
        long line = 1L << 32;
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName() + "[" + mode + "]",
                0xad), AdapterTb.Timing.fast().withPaBase(AdapterTb.Timing.PA_ACROSS_4G))) {
            // The placement this test needs: the buffer's first frame below the line, contiguous up to one at it.
            int atLine = -1;
            for (int i = 1; i < 8 && atLine < 0; i++) {
                if (tb.host.frameAt(i) == line && tb.host.frameAt(i - 1) == line - HostStub.PAGE) {
                    atLine = i;
                }
            }
            assertThat(tb.host.frameAt(0)).as("first frame below 4 GiB").isLessThan(line);
            assertThat(atLine).as("a frame at 4 GiB right after one below it, among the first eight").isPositive();
            tb.openConnection(ConnSetup.of(5, mode));
            byte[] d = data(200_000, 5);
            tb.send(5, d, 65536);
            tb.finish(5_000_000);
            assertThat(tb.peer(5).receiver().sha256()).isEqualTo(tb.sentSha256(5));
            List<Long> payloadReads = tb.dmaReads.stream().filter(o -> o.txn().id() != 0).map(o -> o.txn().addr()).toList();
            assertThat(payloadReads).as("payload read below the line").anyMatch(a -> a < line);
            assertThat(payloadReads).as("payload read above the line").anyMatch(a -> a >= line);
            assertThat(payloadReads).as("a read whose low 32 bits are zero").anyMatch(a -> a == line);
            assertThat(tb.events).isEmpty();
        }
    }

    /**
     * A send buffer whose VAs cross a 4 GiB line (its first 3,000 bytes below it), posted as one block: the adapter
     * computes each segment's VA inside the block as block VA + (seq - block seq), which must carry into bit 32.
     * The host is asked for VAs on both sides of the line, and every byte arrives (mutant M18 drops the carry).
     */
    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE})
    void aBlockWhoseVasCrossTheFourGibLineIsSentIntact(int mode, TestInfo info) {
        try (AdapterTb tb = new AdapterTb(SimRun.of("AdapterDirectedIT", info.getTestMethod().orElseThrow().getName() + "[" + mode + "]",
                0xae), AdapterTb.Timing.fast())) {
            long base = AdapterTb.bufferVaAcross4G(5, 3000);
            long line = base + 3000;
            assertThat(line & 0xffff_ffffL).as("the line's low 32 bits").isZero();
            tb.openConnection(ConnSetup.of(5, mode).withMss(1460), base);
            byte[] d = data(20_000, 7);
            tb.send(5, d, 65536);
            tb.finish(5_000_000);
            assertThat(tb.peer(5).receiver().sha256()).isEqualTo(tb.sentSha256(5));
            List<Long> vas = tb.hostReqs.stream().map(o -> o.txn().va()).toList();
            assertThat(vas).as("VAs asked for below the line").anyMatch(va -> va < line);
            assertThat(vas).as("VAs asked for above the line").anyMatch(va -> va > line);
            assertThat(vas).as("every VA inside the buffer").allMatch(va -> va >= base && va < base + d.length);
            assertThat(tb.events).isEmpty();
        }
    }

    @Test
    void fourConnectionsInDifferentModesShareTheAdapter(TestInfo info) {
        try (AdapterTb tb = tb(info, "")) {
            int[] modes = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED, CsrMap.MODE_TRANSLATE};
            for (int c = 0; c < 4; c++) {
                tb.openConnection(ConnSetup.of(c + 8, modes[c]).withMss(536 + 300 * c));
            }
            for (int c = 0; c < 4; c++) {
                tb.send(c + 8, data(50_000 + 1000 * c, 20 + c), 3000 + 5000 * c);
            }
            tb.finish(5_000_000);
            // Round-robin: every connection got segments cut while the others still had data.
            List<Integer> segConns = ops(tb, Op.SEG).stream().map(TraceRecord::conn).limit(40).toList();
            assertThat(segConns).contains(8, 9, 10, 11);
            for (int c = 8; c < 12; c++) {
                assertThat(tb.peer(c).receiver().sha256()).isEqualTo(tb.sentSha256(c));
            }
        }
    }

    /**
     * The timer wheel's bound (README, "The connection engine"): an expiry is served within G cycles
     * of its deadline, plus one cycle for each op the unit does meanwhile (the wheel's steps through
     * connections ahead of it, ops of higher priority) and the two pipeline stages, however many
     * connections there are. 48 connections lose their first segment. With RTOs that shrink as their
     * frames leave later, the deadlines fall one cycle apart, several to a slot; with RTOs 500 cycles
     * apart, each expiry comes alone and gets G + 2 cycles, where the scan this replaced looked at one
     * connection per cycle and let it wait up to numConns (64) cycles with nothing else to do.
     */
    @ParameterizedTest(name = "RTO step {0}")
    @ValueSource(longs = {-33, 500})
    void eachExpiryIsServedWithinItsWheelSlotWhateverTheConnections(long rtoStep, TestInfo info) {
        try (AdapterTb tb = tb(info, "[" + rtoStep + "]")) {
            int n = 48;
            long[] rto = new long[n];
            for (int c = 0; c < n; c++) {
                rto[c] = 6000 + rtoStep * c;
                tb.openConnection(ConnSetup.of(c, CsrMap.MODE_PUSH).withRto(rto[c]));
                int[] seen = {0};
                tb.peer(c).toPeer().dropIf(f -> seen[0]++ == 0);
            }
            for (int c = 0; c < n; c++) {
                tb.send(c, data(200, 40 + c), 200);
            }
            tb.finish(5_000_000);
            long g = tb.params.timerSlotCycles();
            List<TraceRecord> trace = tb.trace;
            java.util.Map<Long, Integer> perSlot = new java.util.HashMap<>();
            int checked = 0;
            for (int c = 0; c < n; c++) {
                int conn = c;
                // The frame's TAG_DONE starts the timer (RFC 6298 5.1): due rto cycles later, the first expiry.
                long deadline = trace.stream().filter(r -> r.conn() == conn && r.op() == Op.TAG_DONE.code && r.aux() == 1)
                        .findFirst().orElseThrow().time() + rto[c];
                long served = trace.stream().filter(r -> r.conn() == conn && r.op() == Op.TIMER.code).findFirst().orElseThrow().time();
                long busy = trace.stream().filter(r -> r.time() >= deadline && r.time() < served).count();
                assertThat(served).as("connection %d: expiry served, deadline %d", c, deadline)
                        .isBetween(deadline, deadline + g + 2 + busy);
                perSlot.merge(deadline / g, 1, Integer::sum);
                checked++;
            }
            assertThat(checked).isEqualTo(n);
            if (rtoStep < 0) {
                assertThat(perSlot.values()).as("several deadlines in one slot of %d cycles", g).anyMatch(k -> k >= 3);
            } else {
                assertThat(perSlot.values()).as("one deadline per slot").allMatch(k -> k == 1);
            }
            assertThat(tb.model.csu().timersServed()).isGreaterThanOrEqualTo(n);
        }
    }

    @Test
    void bytesEveryFrameCarriesAreTheHostsBytes(TestInfo info) {
        try (AdapterTb tb = tb(info, "")) {
            tb.openConnection(ConnSetup.of(0, CsrMap.MODE_TRANSLATE));
            byte[] d = data(10_000, 11);
            tb.send(0, d, 10_000);
            tb.finish(1_000_000);
            int iss = ConnSetup.of(0, 0).iss();
            for (TcpFrame f : dataFrames(tb)) {
                int off = f.seq() - iss;
                assertThat(f.payload()).isEqualTo(Bytes.of(java.util.Arrays.copyOfRange(d, off, off + f.payload().length())));
            }
        }
    }
}
