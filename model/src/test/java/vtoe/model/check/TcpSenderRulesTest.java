package vtoe.model.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtoe.model.check.TcpSenderRules.Config;
import vtoe.model.check.TcpSenderRules.Rule;
import vtoe.model.check.TcpSenderRules.Tolerances;
import vtoe.model.check.TcpSenderRules.Violation;
import vtoe.model.net.InternetChecksum;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;

/**
 * The TCP sender-rules checker on planted streams: for every rule a stream that breaks exactly that
 * rule (and the message that says so), and good streams that must stay clean: plain sending across
 * the 2^32 wrap, RTO retransmission with backoff up to its cap, fast retransmit on three RFC 5681
 * duplicate ACKs, go-back-N after a timeout across a partial ACK, and zero-window probing.
 *
 * <p>Sequence numbers in the streams are relative to the connection's first snd.una, {@code 0xfffff000},
 * so every stream longer than 4 KiB wraps. The RTO is 1000 cycles, the MSS 1000 bytes, the window 8000.
 *
 * <p>Run just this: {@code mvn -B -q -o -pl model test -Dtest=TcpSenderRulesTest}
 */
class TcpSenderRulesTest {
    static final int ISS = 0xffff_f000;
    static final long OUR_MAC = 0x02_00_00_00_00_01L;
    static final long PEER_MAC = 0x02_00_00_00_01_01L;
    static final int OUR_IP = 0x0a00_0001;
    static final int PEER_IP = 0x0a00_0101;
    static final int OUR_PORT = 0x4001;
    static final int PEER_PORT = 5002;
    static final Config CFG = new Config("conn 1", OUR_MAC, PEER_MAC, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, ISS, 8000, 1000, 1000,
            2, 3);

    TcpSenderRules r = new TcpSenderRules().connection(CFG);

    // ---- the stream ----

    /** The byte at relative sequence number {@code rel} of the stream every test sends. */
    static byte streamByte(long rel) {
        return (byte) (rel * 131 + 17);
    }

    static TcpFrame segment(long rel, int len) {
        return segment(rel, len, TcpFrame.PSH | TcpFrame.ACK);
    }

    static TcpFrame segment(long rel, int len, int flags) {
        byte[] p = new byte[len];
        for (int i = 0; i < len; i++) {
            p[i] = streamByte(rel + i);
        }
        return new TcpFrame(PEER_MAC, OUR_MAC, OUR_IP, PEER_IP, 1, 64, true, OUR_PORT, PEER_PORT, ISS + (int) rel, 77,
                flags, 65535, Bytes.wrap(p));
    }

    static TcpFrame ackFrame(long rel, int window) {
        return new TcpFrame(OUR_MAC, PEER_MAC, PEER_IP, OUR_IP, 0, 64, true, PEER_PORT, OUR_PORT, 77, ISS + (int) rel, TcpFrame.ACK,
                window, Bytes.of());
    }

    void send(long cycle, long rel, int len) {
        r.fromSender(segment(rel, len).encode(), cycle);
    }

    void ack(long cycle, long rel, int window) {
        r.toSender(ackFrame(rel, window).encode(), cycle);
    }

    /** Sends {@code [from, to)} in MSS segments, one every 10 cycles from {@code cycle}. */
    void sendRange(long cycle, long from, long to) {
        for (long s = from; s < to; s += 1000, cycle += 10) {
            send(cycle, s, (int) Math.min(1000, to - s));
        }
    }

    /** The one violation the stream planted; it must be the only one. */
    Violation only(Rule rule) {
        List<Violation> v = r.violations();
        assertThat(v).as("violations").hasSize(1);
        assertThat(v.get(0).rule()).as(v.get(0).toString()).isEqualTo(rule);
        return v.get(0);
    }

    void assertClean() {
        assertThat(r.violations()).as(r.summary()).isEmpty();
        r.assertClean("no context");
    }

    // ---- good streams ----

    @Test
    void sendingWithinTheWindowAcrossTheWrapIsClean() {
        sendRange(10, 0, 8000);
        ack(300, 2000, 8000);
        sendRange(310, 8000, 10_000);
        ack(600, 10_000, 8000);
        sendRange(610, 10_000, 18_000);
        ack(900, 18_000, 8000);
        assertClean();
        TcpSenderRules.Counters n = r.counters();
        assertThat(n.segments()).isEqualTo(18);
        assertThat(n.newSegments()).isEqualTo(18);
        assertThat(n.payloadBytes()).isEqualTo(18_000);
        assertThat(n.retransmissions()).isZero();
        assertThat(n.acks()).isEqualTo(3);
    }

    @Test
    void timeoutRetransmissionsWithDoublingBackoffUpToItsCapAreClean() {
        r = new TcpSenderRules().connection(new Config("conn 1", OUR_MAC, PEER_MAC, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, ISS, 8000,
                1000, 1000, 2, 5));
        send(10, 0, 1000); // the timer starts: it cannot expire before 1010
        send(1100, 0, 1000); // expiry 1 at 1010; RTO becomes 2000
        send(3100, 0, 1000); // expiry 2 at 3010; RTO becomes 4000, the cap (maxBackoff 2)
        send(7100, 0, 1000); // expiry 3 at 7010; RTO stays 4000
        send(11_100, 0, 1000); // expiry 4 at 11010
        ack(11_500, 1000, 8000); // new data acknowledged: backoff starts over
        send(11_600, 1000, 1000);
        send(12_700, 1000, 1000); // one plain RTO after 11600
        assertClean();
        assertThat(r.counters().rtoRetransmissions()).isEqualTo(5);
    }

    @Test
    void aTimeoutPassCoversWhatWasSentAfterTheEarliestExpiry() {
        send(10, 0, 1000); // the timer cannot expire before 1010
        send(1500, 1000, 1000); // still sent before the sender's own timer fired
        send(2000, 0, 1000);
        send(2010, 1000, 1000); // the same pass goes on over it
        assertClean();
        assertThat(r.counters().rtoRetransmissions()).isEqualTo(2);
    }

    @Test
    void aFastRetransmitIsNotCountedAsATimeout() {
        send(10, 0, 1000);
        send(20, 1000, 1000);
        ack(30, 0, 8000);
        ack(40, 0, 8000);
        ack(50, 0, 8000);
        send(1500, 0, 1000); // after the timer could have fired, but the duplicates explain it
        send(3100, 0, 1000); // so this is the first timeout pass, not the second
        assertClean();
        assertThat(r.counters().fastRetransmissions()).isEqualTo(1);
        assertThat(r.counters().rtoRetransmissions()).isEqualTo(1);
    }

    @Test
    void fastRetransmitOnTheThirdDuplicateAckIsClean() {
        sendRange(10, 0, 5000);
        ack(200, 1000, 8000);
        ack(210, 1000, 8000);
        ack(220, 1000, 8000);
        ack(230, 1000, 8000);
        send(240, 1000, 1000);
        ack(400, 5000, 8000);
        assertClean();
        assertThat(r.counters().duplicateAcks()).isEqualTo(3);
        assertThat(r.counters().fastRetransmissions()).isEqualTo(1);
    }

    @Test
    void goBackNAfterATimeoutGoesOnAcrossAPartialAck() {
        sendRange(10, 0, 4000);
        send(1100, 0, 1000); // the expiry at 1010 licenses a pass over [0, 4000)
        send(1110, 1000, 1000);
        ack(1300, 2000, 8000); // partial: the pass goes on
        send(1310, 2000, 1000);
        send(1320, 3000, 1000);
        ack(1600, 4000, 8000);
        assertClean();
        assertThat(r.counters().rtoRetransmissions()).isEqualTo(4);
    }

    @Test
    void zeroWindowProbesAndTheProbeByteAfterTheWindowReopensAreClean() {
        r = new TcpSenderRules().connection(new Config("conn 1", OUR_MAC, PEER_MAC, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, ISS, 2000,
                1000, 1000, 2, 3));
        sendRange(10, 0, 2000);
        ack(200, 2000, 0); // everything acknowledged, window closed
        send(1200, 2000, 1); // a probe: one byte at the right edge
        ack(1400, 2000, 0); // the peer had no room for it
        send(3300, 2000, 1); // the probe again
        ack(3500, 2000, 0);
        ack(5000, 2000, 4000); // the window reopens, the probe byte still unacknowledged
        send(5100, 2000, 1000); // it comes again at the head of the next segment
        send(5110, 3000, 1000);
        ack(5400, 4000, 4000);
        assertClean();
        assertThat(r.counters().probes()).isEqualTo(2);
        assertThat(r.counters().probeRetransmissions()).isEqualTo(2);
    }

    @Test
    void aTimeoutPassMayBeginWithAFrameTheDuplicateAcksAlsoExplain() {
        sendRange(10, 0, 4000); // the timer cannot expire before 1010
        ack(100, 0, 8000);
        ack(110, 0, 8000);
        ack(120, 0, 8000); // third duplicate: snd.una may be fast-retransmitted
        send(1500, 0, 1000); // the expiry at 1010 explains it as well: the sender went back on its timer
        send(1510, 1000, 1000); // and its pass goes on, which a fast retransmit alone would not
        send(1520, 2000, 1000);
        assertClean();
        assertThat(r.counters().fastRetransmissions()).isEqualTo(1);
        assertThat(r.counters().rtoRetransmissions()).isEqualTo(2);
    }

    @Test
    void aPassAfterAFastRetransmitBeforeTheTimerCanExpireIsStillTooMuch() {
        sendRange(10, 0, 4000);
        ack(100, 0, 8000);
        ack(110, 0, 8000);
        ack(120, 0, 8000);
        send(500, 0, 1000); // the timer cannot expire before 1010: only the duplicates explain this
        send(510, 1000, 1000);
        assertThat(only(Rule.FAST_RETRANSMIT_EXTENT).message()).contains("resends [+1000, +2000)");
    }

    @Test
    void aTimeoutPassMayBeginWithAZeroWindowProbeAtSndUna() {
        sendRange(10, 0, 4000); // the timer cannot expire before 1010
        ack(200, 1000, 0); // the window closes with [1000, 4000) unacknowledged
        send(1200, 1000, 1); // the expiry: back to snd.una, one byte, as the closed window allows
        ack(1400, 1000, 0);
        ack(2000, 1000, 4000); // the window reopens
        send(2100, 1000, 1000); // the probe byte again at the head of the next segment
        send(2110, 2000, 1000); // the pass the expiry began goes on
        send(2120, 3000, 1000);
        assertClean();
        assertThat(r.counters().rtoRetransmissions()).isEqualTo(2);
    }

    @Test
    void aTimeoutPassMayBeginWithTheProbeByteSentAgainAfterTheWindowReopens() {
        sendRange(10, 0, 4000); // the timer cannot expire before 1010
        ack(200, 4000, 0); // all acknowledged, the window closed
        send(300, 4000, 1); // a probe at the right edge
        ack(400, 4000, 4000); // the window reopens without taking the probe byte
        sendRange(500, 4001, 6001); // new data after the probe byte, which the peer does not have
        ack(700, 4000, 4000);
        ack(710, 4000, 4000);
        ack(720, 4000, 4000); // three duplicates
        send(2000, 4000, 1000); // the probe byte again at the head of a segment, after the timer could expire
        send(2010, 5000, 1000); // and the timeout pass it began goes on
        assertClean();
        assertThat(r.counters().rtoRetransmissions()).isEqualTo(1);
    }

    @Test
    void aPassAfterAProbeBeforeTheTimerCanExpireHasNoCause() {
        sendRange(10, 0, 4000);
        ack(200, 1000, 0);
        send(500, 1000, 1); // a probe, before the timer can expire at 1010
        ack(600, 1000, 4000);
        send(610, 1000, 1000);
        send(620, 2000, 1000);
        assertThat(only(Rule.NO_CAUSE).message()).contains("resends [+2000, +3000)");
    }

    @Test
    void anAckToAnotherStationIsNeverReceived() {
        sendRange(10, 0, 2000);
        TcpFrame a = ackFrame(2000, 8000);
        r.toSender(new TcpFrame(a.dstMac() ^ 1L << 40, a.srcMac(), a.srcIp(), a.dstIp(), a.ipId(), a.ttl(), a.df(), a.srcPort(),
                a.dstPort(), a.seq(), a.ack(), a.flags(), a.window(), a.payload()).encode(), 300);
        send(1100, 0, 1000); // a timeout retransmission, not a resend of acknowledged data
        assertClean();
        assertThat(r.counters().peerFramesDropped()).isEqualTo(1);
    }

    @Test
    void anAckMayStillBeUnseenWithinTheAckReactionGrace() {
        r = new TcpSenderRules(Tolerances.strict().withAckReaction(100)).connection(CFG);
        sendRange(10, 0, 2000);
        ack(1050, 2000, 8000); // after the expiry at 1010, before the resend the sender chose on it
        send(1100, 0, 1000);
        assertClean();
        assertThat(r.counters().staleRetransmissions()).isEqualTo(1);
    }

    @Test
    void theTimerLeadAllowsATimerArmedBeforeTheFrameReachedTheWire() {
        r = new TcpSenderRules(Tolerances.strict().withTimerLead(10)).connection(CFG);
        send(10, 0, 1000);
        send(1000, 0, 1000); // the timer may have started at cycle 0
        assertClean();
    }

    @Test
    void framesHandedOverOutOfOrderAreJudgedInCycleOrder() {
        r = new TcpSenderRules(Tolerances.strict().withReorder(1000)).connection(CFG);
        sendRange(10, 0, 8000);
        send(300, 8000, 1000); // handed over at its last beat, after the ACK that came during it
        ack(200, 1000, 8000);
        assertClean();
    }

    // ---- one planted fault per rule ----

    @Test
    void rule1SendingBeyondTheWindow() {
        sendRange(10, 0, 8000);
        send(90, 8000, 1000);
        Violation v = only(Rule.WINDOW);
        assertThat(v.message()).contains("sends up to +9000", "1000 byte(s) beyond the peer's window", "right edge", "+8000",
                "the initial peer window 8000", "RFC 9293 3.8.6");
        assertThat(v.cycle()).isEqualTo(90);
        assertThat(v.connection()).contains("conn 1", "10.0.0.1:16385 > 10.0.1.1:5002");
    }

    @Test
    void rule1AnAckTakenInTheFramesFirstCycleDidNotShapeIt() {
        r = new TcpSenderRules(Tolerances.strict().withReorder(10)).connection(CFG);
        sendRange(10, 0, 8000);
        ack(100, 1000, 8000);
        send(100, 8000, 1000);
        assertThat(only(Rule.WINDOW).message()).contains("beyond the peer's window");

        r = new TcpSenderRules(Tolerances.strict().withReorder(10)).connection(CFG);
        sendRange(10, 0, 8000);
        ack(100, 1000, 8000);
        send(101, 8000, 1000);
        assertClean();
    }

    @Test
    void rule1AProbeIntoAZeroWindowIsOneByte() {
        r = new TcpSenderRules().connection(new Config("conn 1", OUR_MAC, PEER_MAC, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, ISS, 2000,
                1000, 1000, 2, 3));
        sendRange(10, 0, 2000);
        ack(200, 2000, 0);
        send(1200, 2000, 2);
        assertThat(only(Rule.WINDOW).message()).contains("2 byte(s) beyond", "one-byte probe into a zero window");
    }

    @Test
    void rule2ResendingOtherBytes() {
        send(10, 0, 1000);
        TcpFrame f = segment(0, 1000);
        byte[] p = f.payload().toArray();
        p[500] ^= 0x5a;
        r.fromSender(new TcpFrame(f.dstMac(), f.srcMac(), f.srcIp(), f.dstIp(), f.ipId(), f.ttl(), f.df(), f.srcPort(), f.dstPort(),
                f.seq(), f.ack(), f.flags(), f.window(), Bytes.wrap(p)).encode(), 1100);
        Violation v = only(Rule.DIFFERENT_BYTES);
        assertThat(v.message()).contains("resends [+0, +1000)", "byte +500 (", "differs from the first time it was sent",
                "0x%02x then".formatted(streamByte(500) & 0xff), "RFC 9293 3.4");
    }

    @Test
    void rule3ResendingBeforeTheTimerCanExpire() {
        sendRange(10, 0, 2000);
        ack(100, 0, 8000);
        ack(110, 0, 8000);
        send(500, 0, 1000);
        Violation v = only(Rule.NO_CAUSE);
        assertThat(v.message()).contains("resends [+0, +1000)", "without a cause", "2 duplicate ACK(s) since the last new ACK",
                "cannot expire before cycle 1010", "RFC 6298");
        assertThat(r.counters().unexplainedRetransmissions()).isEqualTo(1);
    }

    @Test
    void rule3AcksWhoseWindowChangesAreNotDuplicates() {
        sendRange(10, 0, 5000);
        ack(200, 1000, 8000);
        ack(210, 1000, 7000);
        ack(220, 1000, 6000);
        ack(230, 1000, 5000);
        send(240, 1000, 1000);
        assertThat(only(Rule.NO_CAUSE).message()).contains("0 duplicate ACK(s)");
    }

    @Test
    void rule3ASecondPassWithoutASecondExpiry() {
        sendRange(10, 0, 4000);
        send(1100, 0, 1000);
        send(1110, 1000, 1000);
        send(1200, 0, 1000);
        assertThat(only(Rule.NO_CAUSE).message()).contains("has already resent up to +2000");
    }

    @Test
    void rule3ATimeoutPassStartsAtSndUna() {
        sendRange(10, 0, 4000);
        send(1100, 2000, 1000);
        assertThat(only(Rule.NO_CAUSE).message()).contains("starts with the earliest unacknowledged segment at snd.una +0",
                "RFC 6298 5.4");
    }

    @Test
    void rule4TimingOutAgainWithoutBackingOff() {
        send(10, 0, 1000);
        send(1100, 0, 1000);
        send(2200, 0, 1000); // one RTO after the first timeout, but the RTO is now 2000
        Violation v = only(Rule.BACKOFF);
        assertThat(v.message()).contains("1100 cycles after the timeout retransmission at cycle 1100",
                "the RTO is 1000 << 1 = 2000 cycles", "RFC 6298 5.5", "cannot expire before cycle 3010", "doubles its RTO");
    }

    @Test
    void rule5ResendingAcknowledgedData() {
        sendRange(10, 0, 2000);
        ack(300, 2000, 8000);
        send(1400, 0, 1000);
        Violation v = only(Rule.BELOW_UNA);
        assertThat(v.message()).contains("resends [+0, +1000), all of it below snd.una +2000", "more than 0 cycles",
                "RFC 9293");
    }

    @Test
    void rule5WithoutTheGraceTheSameStaleResendIsWrong() {
        sendRange(10, 0, 2000);
        ack(1050, 2000, 8000);
        send(1100, 0, 1000);
        assertThat(only(Rule.BELOW_UNA).message()).contains("below snd.una +2000");
    }

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                Arguments.of("SYN", flags(TcpFrame.SYN | TcpFrame.ACK), "SYN on a data segment"),
                Arguments.of("RST", flags(TcpFrame.RST | TcpFrame.ACK), "RST (RFC 9293 3.5.2"),
                Arguments.of("FIN", flags(TcpFrame.FIN | TcpFrame.ACK), "FIN (RFC 9293 3.6"),
                Arguments.of("no ACK", flags(TcpFrame.PSH), "ACK flag missing"),
                Arguments.of("URG", flags(0x20 | TcpFrame.ACK), "URG (RFC 9293 3.8.5"),
                Arguments.of("ECE", flags(0x40 | TcpFrame.ACK), "ECE/CWR set"),
                Arguments.of("reserved bits", raw(f -> {
                    f[46] |= 0x02;
                    return fixTcp(f);
                }), "reserved TCP bits 0x2"),
                Arguments.of("TCP options", raw(TcpSenderRulesTest::withNopOptions), "4 bytes of options"),
                Arguments.of("IP more fragments", raw(f -> {
                    f[20] |= 0x20;
                    return fixIp(f);
                }), "IPv4 fragment: MF 1, offset 0"),
                Arguments.of("IP fragment offset", raw(f -> {
                    f[20] = 0;
                    f[21] = 2;
                    return fixIp(f);
                }), "IPv4 fragment: MF 0, offset 16 bytes"),
                Arguments.of("IP reserved flag", raw(f -> {
                    f[20] |= (byte) 0x80;
                    return fixIp(f);
                }), "reserved IPv4 flag bit"),
                Arguments.of("TTL 0", raw(f -> {
                    f[22] = 0;
                    return fixIp(f);
                }), "TTL 0"),
                Arguments.of("IP checksum", raw(f -> {
                    f[24] ^= 1;
                    return f;
                }), "wrong IPv4 header checksum"),
                Arguments.of("TCP checksum", raw(f -> {
                    f[50] ^= 1;
                    return f;
                }), "wrong TCP checksum"),
                Arguments.of("payload above MSS", (UnaryOperator<TcpFrame>) f -> segment(0, 1001), "1001 payload bytes, above the"
                        + " effective send MSS 1000"),
                Arguments.of("MAC", (UnaryOperator<TcpFrame>) f -> new TcpFrame(0x02_00_00_00_09_09L, f.srcMac(), f.srcIp(), f.dstIp(),
                        f.ipId(), f.ttl(), f.df(), f.srcPort(), f.dstPort(), f.seq(), f.ack(), f.flags(), f.window(), f.payload()),
                        "not the connection's"),
                Arguments.of("port", (UnaryOperator<TcpFrame>) f -> new TcpFrame(f.dstMac(), f.srcMac(), f.srcIp(), f.dstIp(),
                        f.ipId(), f.ttl(), f.df(), OUR_PORT + 1, f.dstPort(), f.seq(), f.ack(), f.flags(), f.window(), f.payload()),
                        "belongs to no registered connection; nearest is conn 1"),
                Arguments.of("padding past the minimum", raw(f -> Arrays.copyOf(f, f.length + 8)), "8 byte(s) after the 140-byte IP"
                        + " datagram"),
                Arguments.of("not IPv4", raw(f -> {
                    f[12] = (byte) 0x86;
                    f[13] = (byte) 0xdd;
                    return f;
                }), "is not a TCP/IPv4 segment: ethertype 0x86dd"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void rule6FieldsADataSenderMustNotSet(String name, Object mutation, String expected) {
        Bytes frame = mutation instanceof Raw raw ? Bytes.wrap(raw.f().apply(segment(0, 100).encode().toArray()))
                : ((UnaryOperator<TcpFrame>) mutation).apply(segment(0, 100)).encode();
        r.fromSender(frame, 10);
        assertThat(only(Rule.HEADER).message()).contains(expected);
    }

    @Test
    void aSegmentThatSkipsSequenceNumbers() {
        send(10, 1000, 1000);
        assertThat(only(Rule.SEQUENCE_GAP).message()).contains("starts at +1000", "[+0, +1000) were skipped");
    }

    /**
     * The skipped bytes sent afterwards, wholly below the later segment, are judged like any other
     * segment below the highest sent: a retransmission, here without a cause (the checker once threw there).
     */
    @Test
    void theSkippedBytesSentAfterwardsAreJudged() {
        send(10, 0, 500);
        send(200, 1000, 500);
        send(400, 500, 400);
        assertThat(r.violations()).extracting(TcpSenderRules.Violation::rule).containsExactly(Rule.SEQUENCE_GAP, Rule.NO_CAUSE);
        assertThat(r.violations().get(0).message()).contains("[+500, +1000) were skipped");
        assertThat(r.violations().get(1).message()).contains("resends [+500, +900)");
    }

    @Test
    void timingOutMoreOftenThanMaxRetries() {
        send(10, 0, 1000);
        send(1100, 0, 1000);
        send(3100, 0, 1000);
        send(7100, 0, 1000);
        send(11_100, 0, 1000); // the fourth, and maxRetries is 3
        Violation v = only(Rule.RETRY_LIMIT);
        assertThat(v.message()).contains("timeout retransmission number 4 of snd.una +0", "maxRetries 3");
        assertThat(v.cycle()).isEqualTo(11_100);
    }

    @Test
    void fastRetransmitResendsOnlyTheLostSegment() {
        sendRange(10, 0, 5000);
        ack(200, 1000, 8000);
        ack(210, 1000, 8000);
        ack(220, 1000, 8000);
        ack(230, 1000, 8000);
        send(240, 1000, 1000);
        send(250, 2000, 1000);
        assertThat(only(Rule.FAST_RETRANSMIT_EXTENT).message()).contains("resends [+2000, +3000)",
                "after it had already resent the lost segment", "RFC 5681 3.2");
    }

    // ---- reporting ----

    @Test
    void aReportOnlyRuleIsKeptApartAndDoesNotFail() {
        r.reportOnly(Rule.WINDOW, "finding F-1");
        sendRange(10, 0, 9000);
        r.assertClean("no context");
        assertThat(r.reported()).hasSize(1);
        assertThat(r.violationCounts()).containsEntry(Rule.WINDOW, 1L);
        assertThat(r.summary()).contains("report-only WINDOW (finding F-1): 1 violation(s)");
    }

    @Test
    void withNoFindingOpenEveryRuleFailsRuns() {
        assertThat(KnownSenderDeviations.OPEN).as("open findings").isEmpty();
        r = KnownSenderDeviations.apply(new TcpSenderRules()).connection(CFG);
        send(10, 0, 1000);
        send(20, 0, 1000); // no timeout, no duplicate ACK: NO_CAUSE, report-only while F3 was open
        only(Rule.NO_CAUSE);
        assertThat(r.reported()).isEmpty();
    }

    @Test
    void aFixedFindingsRuleFailsRunsAgain() {
        r = KnownSenderDeviations.apply(new TcpSenderRules()).connection(CFG);
        sendRange(10, 0, 2000);
        ack(300, 2000, 8000);
        send(400, 0, 1000); // below snd.una: finding F2, fixed, so BELOW_UNA is no longer report-only
        only(Rule.BELOW_UNA);
        assertThat(r.reported()).isEmpty();
    }

    @Test
    void assertCleanListsEveryViolationWithTheRunsContext() {
        sendRange(10, 0, 9000);
        send(100, 0, 1000);
        assertThatThrownBy(() -> r.assertClean("seed: 0x2a\nREPRODUCE: ./scripts/test --only X#y -Dseed=0x2a"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 violation(s)")
                .hasMessageContaining("[WINDOW] conn 1")
                .hasMessageContaining("[NO_CAUSE] conn 1")
                .hasMessageContaining("REPRODUCE: ./scripts/test --only X#y");
    }

    @Test
    void aFrameHandedOverTooLateIsReported() {
        send(100, 0, 1000);
        ack(50, 1000, 8000);
        assertThat(only(Rule.INPUT_ORDER).message()).contains("reorderCycles (0)");
    }

    // ---- frame surgery ----

    /** A raw mutation of an encoded frame. */
    record Raw(UnaryOperator<byte[]> f) {}

    static Raw raw(UnaryOperator<byte[]> f) {
        return new Raw(f);
    }

    static UnaryOperator<TcpFrame> flags(int flags) {
        return f -> new TcpFrame(f.dstMac(), f.srcMac(), f.srcIp(), f.dstIp(), f.ipId(), f.ttl(), f.df(), f.srcPort(), f.dstPort(),
                f.seq(), f.ack(), flags, f.window(), f.payload());
    }

    /** The frame with four NOP option bytes after its 20-byte TCP header, lengths and checksums fixed. */
    static byte[] withNopOptions(byte[] f) {
        byte[] g = new byte[f.length + 4];
        System.arraycopy(f, 0, g, 0, 54);
        Arrays.fill(g, 54, 58, (byte) 1);
        System.arraycopy(f, 54, g, 58, f.length - 54);
        int total = ((g[16] & 0xff) << 8 | (g[17] & 0xff)) + 4;
        g[16] = (byte) (total >>> 8);
        g[17] = (byte) total;
        g[46] = 0x60;
        return fixTcp(fixIp(g));
    }

    static byte[] fixIp(byte[] f) {
        f[24] = 0;
        f[25] = 0;
        int sum = InternetChecksum.of(Bytes.wrap(Arrays.copyOfRange(f, 14, 34)));
        f[24] = (byte) (sum >>> 8);
        f[25] = (byte) sum;
        return f;
    }

    static byte[] fixTcp(byte[] f) {
        int total = (f[16] & 0xff) << 8 | (f[17] & 0xff);
        int segLen = total - 20;
        f[50] = 0;
        f[51] = 0;
        long sum = InternetChecksum.add(0, Bytes.wrap(Arrays.copyOfRange(f, 26, 34)));
        sum = InternetChecksum.addWord(sum, 6);
        sum = InternetChecksum.addWord(sum, segLen);
        sum = InternetChecksum.add(sum, Bytes.wrap(Arrays.copyOfRange(f, 34, 34 + segLen)));
        int c = InternetChecksum.finish(sum);
        f[50] = (byte) (c >>> 8);
        f[51] = (byte) c;
        return f;
    }

    // ---- silly window (RFC 9293 3.8.6.2.1) ----

    @Test
    void aSliverOfTheWindowWhileDataIsInFlightIsSillyWindow() {
        send(10, 0, 1000);
        r.fromSender(segment(1000, 1, TcpFrame.ACK).encode(), 20); // the window's edge cut a segment to 1 byte
        Violation v = only(Rule.SILLY_WINDOW);
        assertThat(v.message()).contains("sends 1 new byte(s) in a segment without PSH", "less than the MSS 1000",
                "largest window the peer offered (8000)", "RFC 9293 3.8.6.2.1");
    }

    @Test
    void shortSegmentsThatArePushedOrGoWithNothingInFlightOrFillHalfTheWindowAreClean() {
        send(10, 0, 1000);
        send(20, 1000, 300); // pushed: the end of what the sender had
        ack(300, 1300, 8000);
        r.fromSender(segment(1300, 200, TcpFrame.ACK).encode(), 310); // nothing in flight: no ACK is coming to wait for
        ack(600, 1500, 8000);
        assertClean();
        r = new TcpSenderRules().connection(new Config("conn 1", OUR_MAC, PEER_MAC, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, ISS, 800,
                1000, 1000, 2, 3));
        r.fromSender(segment(0, 400, TcpFrame.ACK).encode(), 10);
        r.fromSender(segment(400, 400, TcpFrame.ACK).encode(), 20); // half the largest window (800) is no sliver
        assertClean();
    }

    // ---- window scaling (RFC 7323 2.3) ----

    static Config scaled(int peerWindow, int shift) {
        return new Config("conn 1", OUR_MAC, PEER_MAC, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, ISS, peerWindow, 1000, 1000, 2, 3, shift);
    }

    @Test
    void aScaledWindowCountsItsFieldInUnitsOfTwoToTheShift() {
        r = new TcpSenderRules().connection(scaled(131_072, 7));
        sendRange(10, 0, 131_072); // 128 KiB in flight: the window handed over, in bytes
        ack(1400, 100_000, 1024); // field 1024 << 7: 131072 bytes past 100000
        sendRange(1410, 131_072, 231_072);
        assertClean();
        send(2500, 231_072, 1000);
        Violation v = only(Rule.WINDOW);
        assertThat(v.message()).contains("1000 byte(s) beyond the peer's window", "+231072", "window 131072 = field 1024 << 7");
    }

    @Test
    void aSenderThatScalesTheWindowByTheWrongShiftOverrunsIt() {
        r = new TcpSenderRules().connection(scaled(8000, 2));
        sendRange(10, 0, 8000);
        ack(300, 2000, 3000); // 3000 << 2 = 12000 bytes past 2000
        sendRange(310, 8000, 14_000);
        assertClean();
        // A sender shifting by 3 takes the window to end at 26000.
        send(400, 14_000, 1000);
        Violation v = only(Rule.WINDOW);
        assertThat(v.message()).contains("sends up to +15000", "1000 byte(s) beyond", "+14000", "field 3000 << 2");
    }

    @Test
    void aSenderThatShiftsTheWindowHandedOverOverrunsIt() {
        // The window at hand-over is in bytes (the host saw the handshake); only ACK fields are scaled.
        r = new TcpSenderRules().connection(scaled(20_000, 3));
        sendRange(10, 0, 20_000);
        assertClean();
        send(300, 20_000, 1000); // as if the window were 20000 << 3
        assertThat(only(Rule.WINDOW).message()).contains("the initial peer window 20000", "1000 byte(s) beyond");
    }

    @Test
    void aWindowShiftAbove14OrAWindowItsFieldCannotReachIsRefused() {
        assertThatThrownBy(() -> scaled(8000, 15)).hasMessageContaining("bad connection configuration");
        assertThatThrownBy(() -> scaled(65536, 0)).hasMessageContaining("bad connection configuration");
        assertThat(scaled(65535 << 14, 14).sndWindShift()).isEqualTo(14);
        assertThat(CFG.sndWindShift()).as("the short constructor: no scaling").isZero();
    }
}
