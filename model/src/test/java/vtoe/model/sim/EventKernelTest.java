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
}
