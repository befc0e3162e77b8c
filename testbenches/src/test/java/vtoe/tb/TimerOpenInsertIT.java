package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vtoe.cosim.StreamMonitor;
import vtoe.model.adapter.ConnState;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Op;
import vtoe.model.adapter.TimerWheelModel;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.TraceRecord;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;

/**
 * The timer wheel's one write port, RTL against TLM in lockstep: a slot due to open in a cycle that inserts a
 * connection into the wheel opens a cycle later (TimerWheel's {@code open} waits for a cycle without an insertion,
 * as the table that would clear the opened slot's list is busy with the insertion; TimerWheelModel's
 * {@code catchUp} defers such an opening). No other test makes a timer start meet the opening of a non-empty slot
 * (0 in 30 random runs), so a wheel that opened anyway (mutant M34) passed everything: its opened list is never
 * cleared from the table, and a wheel turn later the same slot index hands the walk that stale list.
 *
 * <p>Connection B sends one block whose ACKs the peer's link holds back, so B's retransmission timer runs and B sits
 * alone in the wheel, in the slot after the one holding its deadline ({@link TimerWheelModel#key}); the test reads
 * that deadline from the TLM's mirror to aim its stimulus (the judge stays the lockstep) and computes the cycle the
 * slot is due to open. Connection A is idle until its doorbell handshake, {@code k} cycles after that opening cycle
 * ({@code k} &lt; 0: before); A's timer starts, that is A is inserted into the wheel, at A's first TAG_DONE, a
 * fixed latency after its doorbell (measured here: {@value #LATENCY} cycles). Each episode is one run; {@code k}
 * sweeps {@value #K_FIRST}..{@value #K_LAST}, {@value #LATENCY} &plusmn; {@value #SLACK} cycles before the opening,
 * so in one episode A's insertion and B's opening share a cycle. There the slot must open a cycle later: an RTL
 * that opens at once looks at B a cycle before the TLM allows (a TRACE CHECK FAILED on m_trace: the timer wheel has
 * no connection to look at in this cycle). A turn later it would walk B again from the stale list; every episode
 * runs more than one wheel turn ({@code timerSlots x timerSlotCycles} cycles) past the opening before it ends (B's
 * ACKs pass again from the opening on, so its expiry's retransmission is acknowledged), so that walk is seen too
 * (against M34 with a TLM bent to open at once as well, it is: ConnStateUnit's assertion that the wheel walked a
 * connection that is not in it, one turn and three cycles after the opening).
 *
 * <p>The test proves the meeting happened: the TLM's count of deferred openings of a non-empty slot
 * ({@link TimerWheelModel#deferredOpenings}) must be 1 in exactly the episodes where A's first TAG_DONE falls on
 * B's opening cycle, 0 in the others, and at least one episode must have it. Every episode ends with
 * {@link AdapterTb#finish(long)}: both streams intact (SHA-256), no pin left, scoreboard and trace model empty.
 *
 * <p>Run just this: {@code mvn -B -o verify -pl testbenches -am -Dtest=none -Dit.test=TimerOpenInsertIT
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}; against a mutant's library add
 * {@code -Dvtoe.lib=<its libvtoe_cosim.so>}.
 */
class TimerOpenInsertIT {
    static final int A = 1;
    static final int B = 2;
    static final int BLOCK = 256;
    /** B's timer: expires well after the run's start, so that A's doorbell can be aimed before B's slot opens. */
    static final long RTO_B = 4000;
    /** Far beyond an episode, so A's timer never expires (A's entry is walked once and dropped). */
    static final long RTO_A = 200_000;
    /** Cycles from A's doorbell handshake to A's first TAG_DONE, where its timer starts (measured, Timing.fast()). */
    static final int LATENCY = 182;
    /** The sweep's half-width around -LATENCY, for small changes of that latency. */
    static final int SLACK = 32;
    static final int K_FIRST = -LATENCY - SLACK;
    static final int K_LAST = -LATENCY + SLACK;

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * One episode, as measured (cycles on the testbench's clock): B's slot's due opening, A's doorbell handshake, A's
     * first TAG_DONE (its insertion into the wheel), and the TLM's count of deferred openings of a non-empty slot.
     */
    record Episode(int k, long open, long doorbell, long insert, long deferred) {
        long latency() {
            return insert - doorbell;
        }

        @Override
        public String toString() {
            return "k=%d: doorbell at %+d, A inserted at %+d from B's slot's opening at cycle %d, deferred openings %d".formatted(k,
                    doorbell - open, insert - open, open, deferred);
        }
    }

    @Test
    void aSlotDueInACycleThatInsertsOpensACycleLater() {
        long start = System.nanoTime();
        List<Episode> episodes = new ArrayList<>();
        for (int k = K_FIRST; k <= K_LAST; k++) {
            Episode e = episode(k);
            episodes.add(e);
            assertThat(e.doorbell() - e.open()).as("%s: A's doorbell k cycles from B's slot's opening", e).isEqualTo(k);
            assertThat(e.deferred()).as("%s: the TLM defers the opening exactly when A's insertion falls on it", e)
                    .isEqualTo(e.insert() == e.open() ? 1 : 0);
        }
        List<Episode> met = episodes.stream().filter(e -> e.deferred() > 0).toList();
        System.out.printf("TimerOpenInsertIT: k=%d..%d, %d episodes in %.1f s; A's doorbell to its timer start %s cycles; met in %s%n",
                K_FIRST, K_LAST, episodes.size(), (System.nanoTime() - start) / 1e9,
                episodes.stream().map(Episode::latency).distinct().toList(), met);
        assertThat(met).as("episodes where a timer start fell on the opening of a non-empty slot (all: %s)", episodes).isNotEmpty();
    }

    private Episode episode(int k) {
        try (AdapterTb tb = new AdapterTb(SimRun.of("TimerOpenInsertIT", "aSlotDueInACycleThatInsertsOpensACycleLater[k=" + k + "]",
                0x34), AdapterTb.Timing.fast())) {
            tb.openConnection(ConnSetup.of(A, CsrMap.MODE_TRANSLATE).withRto(RTO_A));
            tb.openConnection(ConnSetup.of(B, CsrMap.MODE_TRANSLATE).withRto(RTO_B));
            boolean[] hold = {true};
            int[] held = {0};
            tb.peer(B).fromPeer().dropIf(f -> {
                if (hold[0]) {
                    held[0]++;
                }
                return hold[0];
            });
            TimerWheelModel wheel = tb.model.csu().wheel();
            tb.send(B, data(BLOCK, 2000 + k), BLOCK);
            tb.sched.runUntil(() -> wheel.contains(B) && tb.quiescent(), RTO_B / 2, tb::diagnostics);
            assertThat(wheel.entries()).as("k=%d: B alone in the wheel", k).isEqualTo(1);

            // B's entry: in the slot after the one holding its deadline (its timer started with the RTO as it is).
            long reset = tb.dut.options().resetCycles();
            ConnState sb = tb.model.csu().state(B);
            long deadline = sb.deadline - reset; // RTL time, as the wheel's
            long slot = wheel.key(deadline, deadline - sb.rto, sb.rto);
            long open = slot * wheel.slotCycles() + reset; // due to open then: the walk is empty, B the only entry
            long turn = (long) tb.params.timerSlots() * tb.params.timerSlotCycles();
            assertThat(open - tb.dut.cycle()).as("k=%d: B's slot opens after A's doorbell can be aimed", k).isGreaterThan(-k + 16);

            long[] doorbell = {-1};
            new StreamMonitor<>(tb.dut, "s_doorbell", Doorbell.class).subscribe(o -> {
                if (o.txn().conn() == A && doorbell[0] < 0) {
                    doorbell[0] = o.endCycle();
                }
            });
            // s_doorbell takes a doorbell in the cycle it is pushed in (no backpressure here).
            tb.sched.at(open + k, () -> tb.send(A, data(BLOCK, 1000 + k), BLOCK));
            tb.sched.at(open, () -> hold[0] = false); // the expiry's retransmission is acknowledged
            tb.sched.runUntil(() -> tb.dut.cycle() > open + turn + 2L * wheel.slotCycles(), 2 * turn, tb::diagnostics);
            tb.finish(RTO_A / 2);

            long insert = tb.trace.stream().filter(r -> r.conn() == A && r.op() == Op.TAG_DONE.code).mapToLong(r -> r.time() + reset)
                    .findFirst().orElseThrow(() -> new AssertionError("k=" + k + ": no TAG_DONE of connection A"));
            List<TraceRecord> timersB = tb.trace.stream().filter(r -> r.conn() == B && r.op() == Op.TIMER.code).toList();
            assertThat(held[0]).as("k=%d: B's peer's ACKs held back until the opening", k).isPositive();
            assertThat(timersB).as("k=%d: B's timer expired once (found in its slot) and its retransmission was acknowledged", k)
                    .hasSize(1);
            assertThat(tb.events).isEmpty();
            return new Episode(k, open, doorbell[0], insert, wheel.deferredOpenings());
        }
    }
}
