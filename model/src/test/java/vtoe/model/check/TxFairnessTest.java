package vtoe.model.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vtoe.model.adapter.CsrMap;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;

/**
 * The tx fairness judge on hand-made port events: a round robin passes, a segment overtaken by more
 * frames than there are tags fails with its story, the order of reports does not matter, and segments
 * whose readiness the ports do not show are left unjudged rather than guessed.
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=TxFairnessTest}
 */
class TxFairnessTest {
    private static final int TAGS = 2;
    private static final int MSS = 100;

    /** Events as a harness would report them; {@link #feed} hands them to a judge in any order. */
    private final List<java.util.function.Consumer<TxFairness>> events = new ArrayList<>();

    private static TxFairness judge(boolean push) {
        TxFairness j = new TxFairness(TAGS, 8);
        for (int c = 0; c < 3; c++) {
            j.connection(c, push ? CsrMap.MODE_PUSH : CsrMap.MODE_TRANSLATE, 1000 + c, 80);
            j.block(c, va(c, 0), 1 << 20, 0);
        }
        return j;
    }

    private static long va(int conn, long offset) {
        return 0x10_0000_0000L * (conn + 1) + offset;
    }

    private void request(int tag, int conn, int segment, long cycle) {
        events.add(j -> j.hostRequest(new HostRequest(tag, conn, va(conn, (long) segment * MSS), MSS, HostRequest.SEND), cycle));
    }

    private void pushed(int tag, long cycle) {
        events.add(j -> j.hostResponse(new HostResponse(tag, HostResponse.OK, null, 0, 0, true), cycle));
    }

    private void frame(int conn, int segment, long start) {
        Bytes f = new TcpFrame(1, 2, 3, 4, 0, 64, true, 1000 + conn, 80, segment * MSS, 0, TcpFrame.ACK, 100,
                Bytes.wrap(new byte[MSS])).encode();
        events.add(j -> j.frame(f, start, start + 20));
    }

    private TxFairness feed(boolean push, boolean shuffled) {
        TxFairness j = judge(push);
        List<java.util.function.Consumer<TxFairness>> order = new ArrayList<>(events);
        if (shuffled) {
            Collections.shuffle(order, new Random(7));
        }
        order.forEach(e -> e.accept(j));
        return j;
    }

    /** Connection 0 keeps one tag busy with back-to-back segments; connection 1's segment waits behind {@code others} of them. */
    private void overtaken(int others) {
        request(1, 1, 0, 10);
        pushed(1, 50);
        long t = 200;
        frame(1, 0, pushedFrames(t, others, 30, 5));
    }

    /**
     * Connection 0 sends {@code n} pushed segments back to back in tag 0, a frame every {@code step} cycles from
     * {@code t}, each asked for {@code lead} cycles before its frame; returns the cycle after the last.
     */
    private long pushedFrames(long t, int n, int step, int lead) {
        for (int i = 0; i < n; i++, t += step) {
            request(0, 0, i, t - lead);
            pushed(0, t - lead + 2);
            frame(0, i, t);
        }
        return t;
    }

    @Test
    void aSegmentOvertakenByNoMoreFramesThanTagsPasses() {
        overtaken(TAGS);
        TxFairness j = feed(true, false);
        j.verdict("ctx");
        assertThat(j.judged()).isEqualTo(TAGS + 1);
        assertThat(j.worst()).isEqualTo(TAGS);
    }

    @Test
    void aSegmentOvertakenByMoreFramesThanTagsFailsWithTheFramesThatOvertookIt() {
        overtaken(TAGS + 1);
        TxFairness j = feed(true, false);
        assertThatThrownBy(() -> j.verdict("seed: 0x1")).isInstanceOf(ProtocolError.class)
                .hasMessageContaining("TX FAIRNESS: connection 1's segment seq 0")
                .hasMessageContaining("3 other frames started")
                .hasMessageContaining("at most 2")
                .hasMessageContaining("seed: 0x1");
    }

    @Test
    void theOrderInWhichMonitorsReportDoesNotChangeTheVerdict() {
        overtaken(TAGS + 1);
        TxFairness j = feed(true, true);
        assertThatThrownBy(() -> j.verdict("")).isInstanceOf(ProtocolError.class).hasMessageContaining("3 other frames");
    }

    @Test
    void framesThatStartWithinTheSlackOfReadinessDoNotCount() {
        request(1, 1, 0, 10);
        pushed(1, 190);
        // The first three start within SLACK_CYCLES of cycle 190.
        frame(1, 0, pushedFrames(200, TAGS + 1, 20, 15));
        TxFairness j = feed(true, false);
        j.verdict("");
        assertThat(j.worst()).isLessThanOrEqualTo(TAGS);
    }

    @Test
    void aSegmentIsReadyOnlyOnceItsConnectionsPreviousFrameHasEnded() {
        // Connection 1's second segment has its bytes early, but its first segment leaves late: what overtook
        // it before that was in-order waiting, not unfairness.
        request(1, 1, 0, 10);
        request(2, 1, 1, 11);
        pushed(2, 20);
        pushed(1, 30);
        long t = pushedFrames(200, TAGS + 1, 30, 5);
        frame(1, 0, t);
        frame(1, 1, t + 30);
        TxFairness j = new TxFairness(3, 8);
        for (int c = 0; c < 3; c++) {
            j.connection(c, CsrMap.MODE_PUSH, 1000 + c, 80);
            j.block(c, va(c, 0), 1 << 20, 0);
        }
        events.forEach(e -> e.accept(j));
        j.verdict(""); // counted from its bytes alone, the second segment would have 4 frames ahead of it, over the bound of 3
        assertThat(j.judged()).isEqualTo(TAGS + 3);
        assertThat(j.worst()).isEqualTo(TAGS + 1);
    }

    @Test
    void aFaultedSegmentIsNotJudged() {
        overtaken(TAGS + 1);
        events.add(j -> j.hostResponse(new HostResponse(1, HostResponse.FAULT, null, 0, 0, true), 40));
        TxFairness j = feed(true, false);
        j.verdict("");
        assertThat(j.judged()).isEqualTo(TAGS + 1);
    }

    @Test
    void prepinnedSegmentsAreNotJudgedButEveryFrameCountsAsAnOthersFrame() {
        overtaken(TAGS + 1);
        TxFairness prepinned = new TxFairness(TAGS, 8);
        for (int c = 0; c < 3; c++) {
            prepinned.connection(c, CsrMap.MODE_PREPINNED, 1000 + c, 80);
            prepinned.block(c, va(c, 0), 1 << 20, 0);
        }
        events.forEach(e -> e.accept(prepinned));
        prepinned.verdict("");
        assertThat(prepinned.judged()).isZero();
        // A PUSH connection overtaken by a PREPINNED connection's frames: those frames count.
        TxFairness mixed = new TxFairness(TAGS, 8);
        mixed.connection(0, CsrMap.MODE_PREPINNED, 1000, 80);
        mixed.connection(1, CsrMap.MODE_PUSH, 1001, 80);
        for (int c = 0; c < 2; c++) {
            mixed.block(c, va(c, 0), 1 << 20, 0);
        }
        events.forEach(e -> e.accept(mixed));
        assertThatThrownBy(() -> mixed.verdict("")).hasMessageContaining("connection 1's segment seq 0").hasMessageContaining("3 other frames");
    }

    /** Connection 0 sends {@code n} TRANSLATE segments in tag 0 (DMA id 1), a frame every 30 cycles from {@code t}; returns the cycle after. */
    private long translatedFrames(long t, int n) {
        for (int i = 0; i < n; i++, t += 30) {
            int seg = i;
            long c = t;
            request(0, 0, seg, c - 9);
            events.add(j -> j.hostResponse(new HostResponse(0, HostResponse.OK, null, 0x8000 + seg * 0x1000L, MSS, true), c - 8));
            events.add(j -> j.dmaRead(new DmaReadRequest(1, 0x8000 + seg * 0x1000L, 12), c - 7));
            events.add(j -> j.dmaBeat(1, true, c - 2));
            frame(0, seg, c);
        }
        return t;
    }

    @Test
    void translateSegmentsAreReadyWhenTheirOwnBurstsHaveCoveredTheirExtents() {
        // Connection 1's 100 bytes in tag 1 (DMA id 2): extents of 60 and 40 bytes, read in two bursts; ready at the second's last beat.
        request(1, 1, 0, 10);
        events.add(j -> j.hostResponse(new HostResponse(1, HostResponse.OK, null, 0x1000, 60, false), 12));
        events.add(j -> j.hostResponse(new HostResponse(1, HostResponse.OK, null, 0x3000, 40, true), 13));
        events.add(j -> j.dmaRead(new DmaReadRequest(2, 0x1000, 7), 20)); // 64 bytes
        events.add(j -> j.dmaRead(new DmaReadRequest(2, 0x3000, 4), 21)); // 40 bytes
        events.add(j -> j.dmaBeat(2, true, 30));
        events.add(j -> j.dmaBeat(2, true, 100));
        frame(1, 0, translatedFrames(200, TAGS + 1));
        TxFairness j = feed(false, false);
        assertThatThrownBy(() -> j.verdict("")).hasMessageContaining("bytes in at 100").hasMessageContaining("3 other frames");
    }

    @Test
    void anotherTagsBurstOverTheSameBytesDoesNotMakeASegmentReady() {
        // FaultRandomIT 0x108184b3f2ca7580: tag 0's read of the 8-byte word that also holds tag 1's one byte is not tag 1's
        // data; tag 1's own burst ends late, and only the frames after that count against it.
        events.add(j -> j.hostRequest(new HostRequest(1, 1, va(1, 0), 1, HostRequest.SEND), 10));
        events.add(j -> j.hostResponse(new HostResponse(1, HostResponse.OK, null, 0x1007, 1, true), 12));
        events.add(j -> j.dmaRead(new DmaReadRequest(1, 0x1000, 0), 15)); // id 1 = tag 0: bytes 0x1000..0x1007
        events.add(j -> j.dmaBeat(1, true, 40));
        long t = translatedFrames(200, TAGS + 1);
        events.add(j -> j.dmaRead(new DmaReadRequest(2, 0x1000, 0), t - 40)); // tag 1's own read
        events.add(j -> j.dmaBeat(2, true, t - 20));
        Bytes f = new TcpFrame(1, 2, 3, 4, 0, 64, true, 1001, 80, 0, 0, TcpFrame.ACK, 100, Bytes.wrap(new byte[1])).encode();
        events.add(j -> j.frame(f, t, t + 8));
        TxFairness j = feed(false, false);
        j.verdict("");
        assertThat(j.judged()).isEqualTo(TAGS + 2);
        assertThat(j.worst()).isZero();
    }

    @Test
    void aSegmentDroppedUnframedIsNotMatchedWithALaterFrameOfItsBytes() {
        // FaultRandomIT 0xada0f35ce05897be: connection 1's retransmission in tag 1 is dropped (overtaken by a
        // go-back), tag 1 then carries a PREPINNED segment (its burst, no m_hostreq), and a later retransmission
        // of the same bytes in tag 0 is framed after many others' frames: it, not the dropped one, owns that frame.
        events.add(j -> j.hostRequest(new HostRequest(1, 1, va(1, 0), MSS, HostRequest.RETRANSMIT), 10));
        pushed(1, 20);
        events.add(j -> j.dmaRead(new DmaReadRequest(2, 0x9000, 12), 60)); // tag 1 again: a PREPINNED segment
        long t = pushedFrames(200, TAGS + 3, 30, 5); // connection 0's frames, in tag 0
        events.add(j -> j.hostRequest(new HostRequest(0, 1, va(1, 0), MSS, HostRequest.RETRANSMIT), t + 1));
        pushed(0, t + 2);
        frame(1, 0, t + 10);
        TxFairness j = feed(true, false);
        j.verdict("");
        assertThat(j.worst()).isZero();
        // Connection 0's frames are judged; the new retransmission is not (its previous segment was dropped).
        assertThat(j.judged()).isEqualTo(TAGS + 3);

        // Without the PREPINNED burst the dropped segment's tag is still in flight, and the ports cannot tell it was
        // dropped: the older request owns the frame, as before (and is judged late).
        events.remove(2);
        TxFairness k = feed(true, false);
        assertThatThrownBy(() -> k.verdict("")).hasMessageContaining("connection 1's segment seq 0").hasMessageContaining("RETRANSMIT at cycle 10");
    }
}
