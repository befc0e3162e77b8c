package vtoe.tb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Every connection the adapter has, eligible at once: 64 connections of the 64-connection build,
 * 32 KiB each (the bench's scale point). With every connection in the send queue, the queue is full
 * when its head is served and goes straight back to the tail. The engine before the pipelined one
 * did both in one cycle on a Queue that takes no entry while full, and stopped on its own assertion
 * ("send queue full: a connection was queued twice"), found by the bench, never by a test.
 *
 * <p>Run just this: {@code ./scripts/test --only EveryConnectionQueuedIT}
 */
class EveryConnectionQueuedIT {
    @Test
    void sixtyFourConnectionsOnTheSixtyFourConnectionBuildAllDeliver() {
        int conns = vtoe.tb.adapter.AdapterTb.elaboratedParams().numConns();
        WorldPair.Run r = WorldPair.rtl(ScaleBench.scenario(conns, 32768), 1);
        assertThat(r.failures()).as("verdict of %d connections", conns).isEmpty();
        assertThat(r.bytes()).isEqualTo(conns * 32768L);
    }
}
