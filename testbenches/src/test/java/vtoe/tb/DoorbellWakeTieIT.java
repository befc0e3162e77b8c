package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vtoe.cosim.AxisFrameMonitor;
import vtoe.cosim.StreamMonitor;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Op;
import vtoe.model.adapter.SerialDescriptorFetch;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.TraceRecord;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;

/**
 * The descriptor fetch's tie rule, RTL against TLM in lockstep: a doorbell and a wake that arrive in the same
 * cycle are served doorbell first (SerialDescriptorFetch's Idle state takes the older head by arrival cycle, a
 * doorbell on a tie; the TLM's {@code db.stamp <= wk.stamp}). No other test makes the two meet, so an RTL that
 * served the wake first on a tie (mutant M45) passed everything.
 *
 * <p>Connection A's peer has its ACKs held back, so A's retained ring fills and A's chain parks on its last
 * descriptor; connection B is idle. Each episode is one run: the held ACK that frees A's ring goes into
 * s_axis_rx, and B's doorbell is rung {@code k} cycles after that ACK's last beat. ConnStateUnit wakes A's chain
 * at the first RETIRE after the ACK; {@code k} sweeps {@value #K_FIRST}..{@value #K_LAST}, far wider than that
 * latency (measured here: 4 cycles), so in one episode the doorbell and the wake share a cycle. There B's
 * descriptor must be read before A's parked one; the lockstep compares m_dma_ar of DMA id 0 in order, so the
 * other order fails as a LOCKSTEP MISMATCH on m_dma_ar.
 *
 * <p>The test proves the tie happened: the TLM's count of tie decisions ({@link SerialDescriptorFetch#ties}) must
 * be 1 in exactly the episodes where B's doorbell handshake and A's wake (its first RETIRE in the trace) share a
 * cycle, 0 in the others, and at least one episode must have it. Every episode ends with
 * {@link AdapterTb#finish(long)}: both streams intact (SHA-256), no pin left, scoreboard and trace model empty.
 *
 * <p>Run just this: {@code mvn -B -o verify -pl testbenches -am -Dtest=none -Dit.test=DoorbellWakeTieIT
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}; against a mutant's library add
 * {@code -Dvtoe.lib=<its libvtoe_cosim.so>}.
 */
class DoorbellWakeTieIT {
    static final int A = 1;
    static final int B = 2;
    static final int BLOCK = 256;
    /** Far beyond an episode, so A's held ACKs never meet its retransmission timer. */
    static final long RTO = 200_000;
    static final int K_FIRST = 0;
    static final int K_LAST = 40;

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static SerialDescriptorFetch fetch(AdapterTb tb) {
        return (SerialDescriptorFetch) tb.model.fetch();
    }

    /**
     * One episode, as measured: the cycles of the ACK's last beat on s_axis_rx, of B's doorbell handshake and of
     * A's wake (its first RETIRE), and the TLM's tie count.
     */
    record Episode(int k, long ackLastBeat, long doorbell, long wake, long ties) {
        @Override
        public String toString() {
            return "k=%d: doorbell at +%d, wake at +%d after the ACK's last beat, ties %d".formatted(k, doorbell - ackLastBeat,
                    wake - ackLastBeat, ties);
        }
    }

    @Test
    void aDoorbellAndAWakeOfOneCycleServeTheDoorbellFirst() {
        long start = System.nanoTime();
        List<Episode> episodes = new ArrayList<>();
        for (int k = K_FIRST; k <= K_LAST; k++) {
            Episode e = episode(k);
            episodes.add(e);
            assertThat(e.doorbell() - e.ackLastBeat()).as("%s: B's doorbell k cycles after the ACK's last beat", e).isEqualTo(k);
            assertThat(e.ties()).as("%s: the TLM counts a tie exactly when the doorbell and the wake share a cycle", e)
                    .isEqualTo(e.doorbell() == e.wake() ? 1 : 0);
        }
        List<Episode> tied = episodes.stream().filter(e -> e.ties() > 0).toList();
        System.out.printf("DoorbellWakeTieIT: k=%d..%d, %d episodes in %.1f s; wake at +%s after the ACK's last beat; tie in %s%n",
                K_FIRST, K_LAST, episodes.size(), (System.nanoTime() - start) / 1e9,
                episodes.stream().map(e -> e.wake() - e.ackLastBeat()).distinct().toList(), tied);
        assertThat(tied).as("episodes where a doorbell and a wake arrived in the same cycle (all: %s)", episodes).isNotEmpty();
    }

    private Episode episode(int k) {
        try (AdapterTb tb = new AdapterTb(SimRun.of("DoorbellWakeTieIT", "aDoorbellAndAWakeOfOneCycleServeTheDoorbellFirst[k=" + k + "]",
                0xad), AdapterTb.Timing.fast())) {
            tb.openConnection(ConnSetup.of(A, CsrMap.MODE_TRANSLATE).withRto(RTO));
            tb.openConnection(ConnSetup.of(B, CsrMap.MODE_TRANSLATE));
            List<Bytes> held = new ArrayList<>();
            boolean[] hold = {true};
            tb.peer(A).fromPeer().dropIf(f -> {
                if (hold[0]) {
                    held.add(f);
                }
                return hold[0];
            });
            int retained = tb.params.retained();
            tb.send(A, data((retained + 1) * BLOCK, k), BLOCK);
            tb.sched.runUntil(() -> fetch(tb).parkedChains() == 1 && tb.peer(A).receiver().bytesReceived() == (long) retained * BLOCK
                    && tb.quiescent(), RTO / 2, tb::diagnostics);
            assertThat(held).as("A's peer acknowledged what it received").isNotEmpty();

            long[] ackLastBeat = {-1};
            long[] doorbell = {-1};
            new AxisFrameMonitor(tb.dut, "s_axis_rx").subscribe(o -> {
                if (ackLastBeat[0] < 0) {
                    ackLastBeat[0] = o.endCycle();
                }
            });
            new StreamMonitor<>(tb.dut, "s_doorbell", Doorbell.class).subscribe(o -> {
                if (doorbell[0] < 0) {
                    doorbell[0] = o.endCycle();
                }
            });
            // The last held ACK acknowledges all A sent; A's later ACKs pass. B's doorbell goes out k cycles after
            // the ACK's last beat (s_axis_rx and s_doorbell take a beat per cycle here: no pauses, no backpressure).
            hold[0] = false;
            Bytes ack = held.get(held.size() - 1);
            long first = tb.dut.cycle() + 1;
            long last = first + (ack.length() + tb.params.dataBytes() - 1) / tb.params.dataBytes() - 1;
            int traceFrom = tb.trace.size();
            tb.rx.send(ack, first);
            tb.sched.at(last + k, () -> tb.send(B, data(BLOCK, 1000 + k), BLOCK));
            tb.finish(RTO / 2);

            long resetCycles = tb.dut.options().resetCycles();
            long wake = tb.trace.subList(traceFrom, tb.trace.size()).stream()
                    .filter(r -> r.conn() == A && r.op() == Op.RETIRE.code).mapToLong(r -> r.time() + resetCycles).findFirst()
                    .orElseThrow(() -> new AssertionError("k=" + k + ": no RETIRE of connection A after its ACK"));
            List<TraceRecord> descsA = tb.trace.stream().filter(r -> r.conn() == A && r.op() == Op.DESC.code).toList();
            assertThat(descsA).as("k=%d: A's descriptors: %d taken, then the last parked once and taken after the wake", k,
                    retained + 1).extracting(TraceRecord::tag).containsExactly(expectedDescTags(retained));
            assertThat(tb.events).isEmpty();
            return new Episode(k, ackLastBeat[0], doorbell[0], wake, fetch(tb).ties());
        }
    }

    /** DESC trace tags of A: {@code retained} taken (0), the next parked (2), then taken (0). */
    private static Integer[] expectedDescTags(int retained) {
        Integer[] t = new Integer[retained + 2];
        java.util.Arrays.fill(t, 0);
        t[retained] = 2;
        return t;
    }
}
