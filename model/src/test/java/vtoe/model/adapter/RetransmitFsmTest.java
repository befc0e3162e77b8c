package vtoe.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The duplicate-ACK rules of {@link RetransmitFsm} (the RTL's {@code vtoe.rtl.RetransmitFsm} follows
 * the same statements; the lockstep ITs hold the two together): one fast retransmit per episode, and
 * none on duplicate ACKs of data sent before a go-back (RFC 6582 section 4, finding F4 of
 * {@link vtoe.model.check.KnownSenderDeviations}).
 *
 * <p>Run just this: {@code mvn -B -o -pl model test -Dtest=RetransmitFsmTest}
 */
class RetransmitFsmTest {
    static final int WND = 65535;
    static final RingEntry HEAD = new RingEntry(0, 0, 0, 1 << 20, 0);

    /** An open connection at {@code iss} that has sent {@code sent} bytes, none acknowledged. */
    static ConnState sending(int iss, int sent) {
        ConnState s = new ConnState();
        s.state = ConnState.ACTIVE;
        s.sndUna = s.recover = iss;
        s.sndNxt = s.sndMax = s.sentEnd = iss + sent;
        s.fetchedEnd = iss + sent;
        s.peerWnd = WND;
        s.mss = 1460;
        s.rto = 1000;
        return s;
    }

    static AckResult ack(ConnState s, int ack) {
        return RetransmitFsm.onAck(s, HEAD, ack, WND, false).result();
    }

    static AckResult dups(ConnState s, int n) {
        AckResult last = null;
        for (int i = 0; i < n; i++) {
            last = ack(s, s.sndUna);
            if (last == AckResult.FAST_RETX) {
                return last;
            }
        }
        return last;
    }

    @Test
    void theThirdDuplicateFastRetransmitsOnceAnEpisode() {
        ConnState s = sending(1000, 20 * 1460);
        assertThat(ack(s, 1000)).isEqualTo(AckResult.DUP);
        assertThat(ack(s, 1000)).isEqualTo(AckResult.DUP);
        assertThat(ack(s, 1000)).isEqualTo(AckResult.FAST_RETX);
        assertThat(s.fastRetx).isTrue();
        s.fastRetx = false; // the segmenter cut it
        assertThat(dups(s, 10)).isEqualTo(AckResult.DUP);
        assertThat(s.fastRetx).isFalse();
    }

    @Test
    void duplicatesOfDataSentBeforeATimeoutDoNotFastRetransmit() {
        ConnState s = sending(1000, 20 * 1460);
        assertThat(dups(s, 3)).isEqualTo(AckResult.FAST_RETX);
        s.fastRetx = false;
        RetransmitFsm.onTimer(s, 8, 6);
        assertThat(s.sndNxt).isEqualTo(1000);
        assertThat(s.recover).isEqualTo(1000 + 20 * 1460);
        // The go-back resends 1000.. again; the peer, still missing it, repeats its ACK (the old design fast-retransmitted here).
        s.sndNxt = 1000 + 5 * 1460; // the go-back's frames end below sentEnd
        assertThat(dups(s, 10)).isEqualTo(AckResult.DUP);
        assertThat(s.fastRetx).isFalse();
        // A partial ACK, still short of recover: its duplicates are of data sent before the timeout, too.
        assertThat(ack(s, 1000 + 1460)).isEqualTo(AckResult.NEW);
        assertThat(dups(s, 10)).isEqualTo(AckResult.DUP);
        // Once an ACK covers recover, a new loss is news again.
        s.sndNxt = s.sndMax = s.sentEnd = 1000 + 30 * 1460;
        assertThat(ack(s, 1000 + 20 * 1460)).isEqualTo(AckResult.NEW);
        assertThat(dups(s, 3)).isEqualTo(AckResult.FAST_RETX);
    }

    @Test
    void aPartialAckAfterAFastRetransmitStartsANewEpisode() {
        // Only a go-back sets recover: two holes in one window are repaired by two fast retransmits (RFC 5681).
        ConnState s = sending(1000, 20 * 1460);
        assertThat(dups(s, 3)).isEqualTo(AckResult.FAST_RETX);
        s.fastRetx = false;
        assertThat(ack(s, 1000 + 4 * 1460)).isEqualTo(AckResult.NEW);
        assertThat(dups(s, 3)).isEqualTo(AckResult.FAST_RETX);
    }

    @Test
    void repeatedAcksWhileNothingHasLeftAreNotDuplicates() {
        // Three segments cut, none of their frames out yet (the host has not answered): nothing is outstanding.
        ConnState s = sending(1000, 3 * 1460);
        s.sentEnd = 1000;
        for (int i = 0; i < 5; i++) {
            assertThat(ack(s, 1000)).isEqualTo(AckResult.WINDOW);
        }
        assertThat(s.dupAcks).isZero();
        s.sentEnd = 1000 + 1460; // the first frame has left
        assertThat(dups(s, 3)).isEqualTo(AckResult.FAST_RETX);
    }

    @Test
    void aZeroWindowGoBackSetsRecoverToo() {
        ConnState s = sending(1000, 1460);
        s.peerWnd = 0;
        RetransmitFsm.TimerOutcome o = RetransmitFsm.onTimer(s, 8, 6);
        assertThat(o.kind()).isEqualTo(TimerKind.ZERO_WINDOW);
        assertThat(s.recover).isEqualTo(1000 + 1460);
    }

    /** recover is dragged along by new ACKs, so sequence numbers that wrap (and travel far) never block a fast retransmit. */
    @Property
    void recoverStaysBetweenUnaAndMaxAcrossTheWrap(@ForAll int iss) {
        ConnState s = sending(iss, 0);
        for (int i = 0; i < 5; i++) {
            int step = 0x3000_0000; // five steps: more than 2^31 beyond iss
            s.sndNxt = s.sndMax = s.sentEnd = s.sndUna + step + 2920;
            assertThat(ack(s, s.sndUna + step)).isEqualTo(AckResult.NEW);
            assertThat(s.recover - s.sndUna).isZero();
        }
        assertThat(dups(s, 3)).isEqualTo(AckResult.FAST_RETX);
    }
}
