package vtoe.model.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The event kernel's ordering: by cycle, then the ordinary actions of a cycle before its end-of-cycle
 * ones, then in scheduling order; never into the past.
 *
 * <p>Run just this: {@code ./scripts/test --only EventKernelTest}
 */
class EventKernelTest {
    @Test
    void cycleThenPhaseThenSchedulingOrder() {
        EventKernel k = new EventKernel();
        List<String> log = new ArrayList<>();
        k.atEndOf(5, () -> log.add("end5a"));
        k.at(5, () -> {
            log.add("at5a");
            k.at(5, () -> log.add("at5c"));
            k.atEndOf(5, () -> log.add("end5b"));
        });
        k.at(5, () -> log.add("at5b"));
        k.at(3, () -> log.add("at3"));
        k.atEndOf(3, () -> k.at(4, () -> log.add("at4")));
        k.runAll();
        assertThat(log).containsExactly("at3", "at4", "at5a", "at5b", "at5c", "end5a", "end5b");
        assertThat(k.now()).isEqualTo(5);
        assertThat(k.executed()).isEqualTo(8);
    }

    @Test
    void manyEventsComeOutSorted() {
        EventKernel k = new EventKernel();
        Random r = new Random(7);
        List<long[]> got = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long c = r.nextInt(1000);
            long id = i;
            if (r.nextBoolean()) {
                k.at(c, () -> got.add(new long[] {k.now(), 0, id}));
            } else {
                k.atEndOf(c, () -> got.add(new long[] {k.now(), 1, id}));
            }
        }
        k.runAll();
        assertThat(got).hasSize(20_000);
        for (int i = 1; i < got.size(); i++) {
            long[] a = got.get(i - 1);
            long[] b = got.get(i);
            boolean ordered = a[0] != b[0] ? a[0] < b[0] : a[1] != b[1] ? a[1] < b[1] : a[2] < b[2];
            assertThat(ordered).as("event %d after %d", b[2], a[2]).isTrue();
        }
    }

    @Test
    void stopsAtTheCycleLimitAndRefusesThePast() {
        EventKernel k = new EventKernel();
        k.at(10, () -> {});
        k.at(20, () -> {});
        assertThat(k.runUntil(() -> false, 15)).isFalse();
        assertThat(k.now()).isEqualTo(15);
        assertThat(k.pending()).isEqualTo(1);
        assertThatThrownBy(() -> k.at(14, () -> {})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> k.atEndOf(14, () -> {})).isInstanceOf(IllegalStateException.class);
        assertThat(k.runUntil(() -> false, 100)).isTrue();
        assertThat(k.now()).isEqualTo(20);
    }

    /**
     * Against a reference (every event sorted by cycle, phase and scheduling order) with what the
     * wheel has to get right: events scheduled from events, near (in the wheel) and far (in the heap
     * beside it) at the same cycle, keys that wrap around the wheel, and an action for the current
     * cycle given from its end phase.
     */
    @Test
    void wheelAndHeapTogetherKeepTheOrderOfAReference() {
        for (long seed = 1; seed <= 20; seed++) {
            EventKernel k = new EventKernel();
            long seed0 = seed;
            Random r = new Random(seed);
            List<long[]> scheduled = new ArrayList<>(); // {key, seq}
            List<Long> ran = new ArrayList<>();
            long[] seqs = {0};
            Runnable[] spawn = new Runnable[1];
            spawn[0] = () -> {
                int children = r.nextInt(3);
                for (int c = 0; c < children && seqs[0] < 30_000; c++) {
                    long delay = switch (r.nextInt(5)) {
                        case 0 -> 0;
                        case 1 -> r.nextInt(8);
                        case 2 -> r.nextInt(EventKernel.WHEEL / 2 + 50);
                        case 3 -> EventKernel.WHEEL / 2 - 1 + r.nextInt(3); // the wheel's last cycle and just beyond
                        default -> r.nextInt(200_000);
                    };
                    boolean end = r.nextBoolean();
                    long id = seqs[0]++;
                    long cycle = k.now() + delay;
                    scheduled.add(new long[] {cycle << 1 | (end ? 1 : 0), id});
                    Runnable a = () -> {
                        assertThat(k.now()).as("seed %d: event %d's cycle", seed0, id).isEqualTo(cycle);
                        ran.add(id);
                        spawn[0].run();
                    };
                    if (end) {
                        k.atEndOf(cycle, a);
                    } else {
                        k.at(cycle, a);
                    }
                }
            };
            for (int i = 0; i < 40; i++) {
                spawn[0].run();
            }
            k.runAll();
            assertThat(k.pending()).isZero();
            assertThat(ran).as("seed %d: every event ran once", seed).hasSameSizeAs(scheduled);
            // Replay: an event's position must follow every event that was pending with a smaller (key, seq) when it ran.
            long[] keyOf = new long[scheduled.size()];
            for (long[] e : scheduled) {
                keyOf[(int) e[1]] = e[0];
            }
            for (int i = 1; i < ran.size(); i++) {
                long a = ran.get(i - 1);
                long b = ran.get(i);
                long ka = keyOf[(int) a];
                long kb = keyOf[(int) b];
                // Keys never go back, except an action for the current cycle given from its end phase, which runs next.
                boolean ok = ka < kb || ka == kb && a < b || kb == (ka & ~1L) && (ka & 1) == 1 && b > a;
                assertThat(ok).as("seed %d: event %d (key %d) ran after %d (key %d)", seed, b, kb, a, ka).isTrue();
            }
        }
    }

    /**
     * Events given through the lane run exactly where the same events given with {@link EventKernel#at}
     * run: a random mix (a lane event of every third, in cycle order, some scheduling more of both
     * kinds from inside) logs the same sequence of (cycle, id) both ways.
     */
    @Test
    void laneEventsRunWhereTheSameEventsGivenWithAtRun() {
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(mixedRun(seed, true)).as("seed %d", seed).isEqualTo(mixedRun(seed, false));
        }
    }

    private static List<String> mixedRun(long seed, boolean useLane) {
        EventKernel k = new EventKernel();
        Random r = new Random(seed);
        List<String> log = new ArrayList<>();
        long[] laneLast = {0};
        int[] ids = {0};
        EventKernel.Lane<String> lane = useLane ? k.lane((name, id) -> {
            log.add(k.now() + " " + name + id);
            spawn(k, r, log, ids);
        }) : null;
        for (int i = 0; i < 3000; i++) {
            long c = r.nextInt(20_000);
            int id = ids[0]++;
            if (i % 3 == 0) {
                long lc = laneLast[0] + r.nextInt(3);
                laneLast[0] = lc;
                giveLane(k, lane, log, lc, id, r, ids);
            } else if (r.nextBoolean()) {
                k.at(c, () -> log.add(k.now() + " at" + id));
            } else {
                k.atEndOf(c, () -> {
                    log.add(k.now() + " end" + id);
                    spawn(k, r, log, ids);
                });
            }
        }
        k.runAll();
        return log;
    }

    private static void giveLane(EventKernel k, EventKernel.Lane<String> lane, List<String> log, long cycle, int id, Random r, int[] ids) {
        if (lane != null) {
            lane.at(cycle, "lane", id);
        } else {
            k.at(cycle, () -> {
                log.add(k.now() + " lane" + id);
                spawn(k, r, log, ids);
            });
        }
    }

    /** Now and then, one more ordinary event a little later (drawn the same way in both runs). */
    private static void spawn(EventKernel k, Random r, List<String> log, int[] ids) {
        if (r.nextInt(4) == 0) {
            int id = ids[0]++;
            k.at(k.now() + r.nextInt(5), () -> log.add(k.now() + " spawned" + id));
        }
    }

    @Test
    void aLaneTakesItsEventsInCycleOrderAndNeverInThePast() {
        EventKernel k = new EventKernel();
        List<String> log = new ArrayList<>();
        EventKernel.Lane<String> lane = k.lane((s, n) -> log.add(k.now() + " " + s + n));
        lane.at(10, "a", 1);
        lane.at(10, "b", 2);
        assertThatThrownBy(() -> lane.at(9, "c", 3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("order of their cycles");
        assertThatThrownBy(() -> k.lane((s, n) -> {})).isInstanceOf(IllegalStateException.class);
        k.at(10, () -> log.add(k.now() + " at"));
        assertThat(k.pending()).isEqualTo(3);
        k.runAll();
        assertThat(log).containsExactly("10 a1", "10 b2", "10 at");
        assertThatThrownBy(() -> lane.at(5, "d", 4)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already at 10");
        for (int i = 0; i < 200; i++) { // through a growth of its arrays
            lane.at(11 + i / 7, "e", i);
        }
        k.runAll();
        assertThat(log).hasSize(203).last().isEqualTo("39 e199");
    }
}
