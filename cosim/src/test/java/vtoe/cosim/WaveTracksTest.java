package vtoe.cosim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The transaction tracks' value changes: every track defined from the first traced cycle, a label
 * held until the next on its track, labels of one cycle joined, the first failure kept.
 *
 * <p>Run just this: {@code ./scripts/test --only WaveTracksTest}
 */
class WaveTracksTest {
    @Test
    void labelsHoldUntilTheNextAndShareACycle() {
        WaveTracks t = new WaveTracks();
        t.span("m_hostreq_rtl", 10, 12, "a");
        t.span("m_hostreq_rtl", 20, 20, "b");
        t.span("m_hostreq_rtl", 20, 21, "c");
        WaveTracks.Changes c = t.changes(4, 0);
        assertThat(c.times).containsExactly(0L, 40L, 80L);
        assertThat(c.texts).containsExactly(WaveTracks.IDLE, "12: a", "20: b | 21: c");
    }

    @Test
    void theFirstFailureWinsAndIsATrack() {
        WaveTracks t = new WaveTracks();
        t.fail(100, "LOCKSTEP MISMATCH on m_event at cycle 100\nmore lines", 3, "m_event_rtl", "m_event_tlm");
        t.fail(200, "WATCHDOG");
        assertThat(t.failure().cycle()).isEqualTo(100);
        assertThat(t.failure().what()).isEqualTo("LOCKSTEP MISMATCH on m_event at cycle 100");
        assertThat(t.failure().conn()).isEqualTo(3);
        assertThat(t.highlighted()).containsExactly("m_event_rtl", "m_event_tlm");
        assertThat(t.names()).contains("failure");
    }

    @Test
    void spansBeforeTheFirstTracedCycleAreLeftOut() {
        WaveTracks t = new WaveTracks();
        t.value("conn2", 5, "ACTIVE");
        t.span("s_csr", 2, 2, "csr W 0x10");
        t.span("s_csr", 6, 6, "csr W 0x20");
        t.span("s_csr", 50, 50, "csr R");
        WaveTracks.Changes c = t.changes(4, 40);
        // What held at cycle 40 starts the trace; what was over by then is not written.
        assertThat(c.texts).containsExactly(WaveTracks.IDLE, "ACTIVE", WaveTracks.IDLE, "6: csr W 0x20", "50: csr R");
        assertThat(c.times).allMatch(x -> x >= 160);
    }
}
