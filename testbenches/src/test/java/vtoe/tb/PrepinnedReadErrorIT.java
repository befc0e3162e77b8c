package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import vtoe.cosim.AxiReadResponder;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Op;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.adapter.HostStub;
import vtoe.tb.junit.SimRun;

/**
 * A PREPINNED connection stopped by a failing payload read (issue 17). The host pinned every block up
 * front and unpins each one when the adapter releases it, so the adapter must not release a block
 * while a segment it already cut may still read from it: a stopped connection drains its retained
 * blocks only after its last tag in flight is done. The host stub fails the run on any DMA read
 * outside a block still pinned; these tests also check the order in the adapter's own trace, so that
 * they fail on the cause and not only when a late read happens to land after the release.
 *
 * <p>Run just this: {@code ./scripts/test --only PrepinnedReadErrorIT}
 */
class PrepinnedReadErrorIT {
    /** Slow, narrow host memory: many reads of the cut segments are still queued when the error returns. */
    static final AdapterTb.Timing SLOW_DMA = AdapterTb.Timing.fast()
            .withDma(AxiReadResponder.Config.fixed(300).withMaxOutstanding(2));

    static SimRun run(TestInfo info) {
        return SimRun.of("PrepinnedReadErrorIT", info.getTestMethod().orElseThrow().getName(), 0x17);
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Blocks of 2000 bytes: two segments each, so the last segment of some block is in flight at the stop. */
    @Test
    void aBlockWithItsLastSegmentInFlight(TestInfo info) {
        Outcome o = stopByReadError(info, 2000, 2);
        assertThat(o.releasedByTheirLastSegmentAfterTheStop)
                .as("blocks whose last segment was in flight at the stop (released by that segment, not drained)")
                .isPositive();
        assertThat(o.drained).as("blocks drained after the stop").isPositive();
    }

    /** Blocks of up to 12 KiB split where the pages are not contiguous: the stop finds several extents retained. */
    @Test
    void severalExtentsRetained(TestInfo info) {
        Outcome o = stopByReadError(info, 3 * HostStub.PAGE, 5);
        assertThat(o.descriptors).as("descriptors posted (blocks split at physical discontinuities)")
                .isGreaterThan((40 * HostStub.PAGE) / (3 * HostStub.PAGE) + 1);
        assertThat(o.drained).as("extents drained after the stop").isGreaterThanOrEqualTo(2);
    }

    record Outcome(int drained, int releasedByTheirLastSegmentAfterTheStop, int descriptors) {}

    /**
     * Connection 1 (PREPINNED) sends 40 pages in blocks of {@code blockBytes}; reads of its page
     * {@code badPage} fail. Connection 2 (TRANSLATE) must be untouched.
     */
    static Outcome stopByReadError(TestInfo info, int blockBytes, int badPage) {
        try (AdapterTb tb = new AdapterTb(run(info), SLOW_DMA,
                host -> List.of(new AxiReadResponder.ErrorRange(host.frameAt(badPage), host.frameAt(badPage) + HostStub.PAGE, 2)))) {
            tb.openConnection(ConnSetup.of(1, CsrMap.MODE_PREPINNED));
            tb.openConnection(ConnSetup.of(2, CsrMap.MODE_TRANSLATE));
            tb.send(1, data(40 * HostStub.PAGE, 11), blockBytes);
            tb.send(2, data(8 * HostStub.PAGE, 12), HostStub.PAGE);
            tb.finish(() -> tb.delivered(2) && !tb.events.isEmpty() && !tb.model.csu().busy(1), 4_000_000);
            tb.teardown(1);
            assertThat(tb.host.violations()).as("host-side violations").isEmpty();
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
            // After the stop: the same error from other reads in flight, the fetch cut short, and doorbells
            // the testbench's driver still rings for the stopped connection.
            assertThat(tb.events).isNotEmpty().allMatch(e -> e.txn().conn() == 1 && java.util.Set.of(EventCode.DMA_READ_ERROR,
                    EventCode.CONN_DISABLED, EventCode.DOORBELL_DISABLED).contains(e.txn().eventCode()));
            assertThat(tb.events.get(0).txn().eventCode()).isEqualTo(EventCode.DMA_READ_ERROR);
            assertThat(tb.events.get(0).txn().detail()).isBetween(tb.host.frameAt(badPage), tb.host.frameAt(badPage) + HostStub.PAGE - 1);

            List<TraceRecord> mine = tb.trace.stream().filter(r -> r.conn() == 1).toList();
            long stop = mine.stream().filter(r -> r.op() == Op.FAULT.code).mapToLong(TraceRecord::time).min().orElseThrow();
            long lastTagDone = mine.stream().filter(r -> r.op() == Op.TAG_DONE.code).mapToLong(TraceRecord::time).max().orElseThrow();
            List<TraceRecord> drains = mine.stream().filter(r -> r.op() == Op.DRAIN.code).toList();
            assertThat(lastTagDone).as("a tag of connection 1 was still in flight at its stop").isGreaterThan(stop);
            assertThat(drains).as("the drain of a stopped PREPINNED connection waits for its last tag")
                    .allMatch(r -> r.time() > lastTagDone);
            // Segments cut with their block's release that finished only after the stop.
            int lateLast = 0;
            for (TraceRecord s : mine) {
                if (s.op() == Op.SEG.code && (s.aux() & 16) != 0) {
                    TraceRecord done = mine.stream()
                            .filter(r -> r.op() == Op.TAG_DONE.code && r.tag() == s.tag() && r.time() > s.time()).findFirst()
                            .orElseThrow();
                    lateLast += done.time() > stop ? 1 : 0;
                }
            }
            // Every block pinned for connection 1 was released exactly once, by a segment or by the drain or by
            // the driver's teardown for blocks the adapter never took.
            List<Release> rel = tb.releases.stream().map(Observed::txn).filter(r -> r.conn() == 1).toList();
            assertThat(rel).doesNotHaveDuplicates();
            assertThat(tb.peer(2).receiver().sha256()).isEqualTo(tb.sentSha256(2));
            int descriptors = (int) mine.stream().filter(r -> r.op() == Op.DESC.code && r.tag() != 2).count(); // a parked one is offered again
            return new Outcome((int) drains.stream().filter(r -> r.tag() == 1).count(), lateLast,
                    Math.max(descriptors, tb.blocksPosted(1)));
        }
    }
}
