package vtoe.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The timer wheel's rule ({@link TimerWheelModel}, the mirror of the RTL's {@code TimerWheel} and its
 * walk) on its own, driven as ConnStateUnit drives it: one op per cycle, a walk step whenever the walk
 * has a connection (nothing of higher priority here), timers armed, restarted with a smaller or larger
 * backoff and stopped at random. The bound: a due timer is found in a slot that starts no later than G
 * cycles after its deadline, and served after that only by the walk steps ahead of it.
 *
 * <p>Run just this: {@code mvn -B -o -pl model test -Dtest=TimerWheelModelTest}
 */
class TimerWheelModelTest {
    /** One connection's timer as ConnState keeps it (on, deadline, rto, backoff). */
    static final class Timer {
        boolean on;
        long deadline;
        long rto;
        int backoff;
    }

    record Served(int conn, long deadline, long slotTime, long cycle) {}

    /** Every expiry served, and the longest a timer still running at the end has been due. */
    record Run(List<Served> served, long overdueAtEnd) {}

    /** The walk with ConnStateUnit's rules, for {@code cycles}. */
    static Run run(long seed, int conns, int slotCycles, int slots, long cycles, long maxRto) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TimerWheelModel w = new TimerWheelModel(conns, slotCycles, slots);
        Timer[] tm = new Timer[conns];
        for (int c = 0; c < conns; c++) {
            tm[c] = new Timer();
            tm[c].rto = 1 + rnd.nextLong(maxRto);
        }
        List<Served> served = new ArrayList<>();
        for (long t = 1; t < cycles; t++) {
            w.catchUp(t - 1);
            int c;
            boolean walked = w.stepReady(t);
            long base = t;
            if (walked) {
                c = w.walkHead();
                base = t; // as the RTL: a put-back is keyed from now, not from the walked slot
                w.step(c, t);
                Timer x = tm[c];
                if (x.on && t >= x.deadline) {
                    served.add(new Served(c, x.deadline, w.slotTime(), t));
                    x.backoff = Math.min(x.backoff + 1, 6);
                    x.deadline = t + (x.rto << x.backoff); // the RTO's restart
                }
            } else if (rnd.nextInt(8) == 0) {
                // Some other op on a random connection: arm a stopped timer, now and then restart one (a new
                // ACK resets the backoff: the deadline moves earlier than the slot it is in), rarely stop one.
                c = rnd.nextInt(conns);
                Timer x = tm[c];
                int a = rnd.nextInt(1000);
                if (a < 5) {
                    x.on = false;
                } else if (a < 15) {
                    if (x.on) {
                        x.backoff = 0;
                        x.deadline = t + x.rto;
                    }
                } else if (!x.on) {
                    x.on = true;
                    x.deadline = t + (x.rto << x.backoff);
                }
            } else {
                continue;
            }
            if (tm[c].on && !w.contains(c)) {
                w.insert(c, w.key(tm[c].deadline, base, tm[c].rto), t);
            }
        }
        long overdue = Long.MIN_VALUE;
        for (Timer x : tm) {
            if (x.on) {
                overdue = Math.max(overdue, cycles - x.deadline);
            }
        }
        return new Run(served, overdue);
    }

    // With put-backs keyed from the walked slot, about one run in ten served an expiry some 1,100 cycles
    // late with about 190 connections, e.g. seed -2068499102070423522, 196 connections: due at 23022, its
    // slot at 23024, served at 24238. Keyed from now, 150 random runs were all within the bound (worst 56).
    @Test
    void aWalkThatFellBehindDoesNotFallARevolutionBehind() {
        Run r = run(-2068499102070423522L, 196, 16, 64, 200_000, 3000);
        for (Served s : r.served()) {
            assertThat(s.cycle() - s.deadline()).as("%s", s).isLessThanOrEqualTo(16 + 2L * 196 + 4);
        }
    }

    @Property(tries = 40)
    void aDueTimerIsFoundInTheSlotAfterItsDeadline(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int conns) {
        int g = 16;
        Run r = run(seed, conns, g, 64, 200_000, 3000);
        // A run may serve nothing: with one connection, its timer restarted (1% of its ops) more often than its RTO
        // lets it fall due (seed 23040, 1 connection, found by jqwik). Such a try proves nothing about serving, so it
        // does not count; jqwik fails the property if too many tries are discarded.
        Assume.that(!r.served().isEmpty());
        for (Served s : r.served()) {
            assertThat(s.slotTime()).as("slot of %s", s).isLessThanOrEqualTo(s.deadline() + g);
        }
        // Nothing is left behind: a due timer waits for its slot, then at most one walk step per connection
        // ahead of it (and a cycle per opening held up by an insertion), never a revolution of the wheel.
        assertThat(r.overdueAtEnd()).isLessThanOrEqualTo(g + 2L * conns + 4);
    }

    @Test
    void theBoundDoesNotGrowWithTheConnectionsTheWheelHolds() {
        // One timer due among many that are not: with 1 connection or 4096 it is served within its slot's G
        // cycles, the pipeline's two and the four others of its slot.
        for (int conns : new int[] {1, 4096}) {
            TimerWheelModel w = new TimerWheelModel(conns, 16, 1024);
            for (int c = 1; c < conns; c++) {
                // Far in the future, four to a slot: each slot that comes up puts its four back.
                w.insert(c, w.key(1_000_000 + 4L * c, 0, 2_000_000), 0);
            }
            long deadline = 1000;
            w.insert(0, w.key(deadline, 1, 999), 1);
            long found = -1;
            for (long t = 2; t < 5000 && found < 0; t++) {
                w.catchUp(t - 1);
                if (w.stepReady(t)) {
                    int c = w.walkHead();
                    long slot = w.slotTime();
                    w.step(c, t);
                    if (c == 0) {
                        found = t;
                        assertThat(slot).isLessThanOrEqualTo(deadline + 16);
                    } else {
                        w.insert(c, w.key(1_000_000 + 4L * c, slot, 2_000_000), t);
                    }
                }
            }
            assertThat(found).as("%d connections", conns).isBetween(deadline, deadline + 16 + 2 + 4);
        }
    }

    @Test
    void aSlotDoesNotOpenInACycleThatInserts() {
        TimerWheelModel w = new TimerWheelModel(4, 16, 8);
        w.insert(1, 1, 0); // slot 1: opens at 16
        w.catchUp(15);
        assertThat(w.walkHead()).isEqualTo(-1);
        w.insert(2, 1, 16); // inserted in cycle 16: the opening waits a cycle and takes it along
        w.catchUp(16);
        assertThat(w.walkHead()).isEqualTo(-1);
        w.catchUp(17);
        assertThat(w.walkHead()).isEqualTo(2);
        assertThat(w.stepReady(18)).isFalse();
        assertThat(w.stepReady(19)).isTrue();
        w.step(2, 19);
        assertThat(w.walkHead()).isEqualTo(1);
        w.step(1, 20);
        assertThat(w.walkHead()).isEqualTo(-1);
    }
}
