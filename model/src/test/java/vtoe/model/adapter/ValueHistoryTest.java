package vtoe.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * ConnStateUnitModel's value histories answer as the {@code TreeMap} they replaced: the last change
 * before a cycle, a change in the cycle of the last one replacing it, old changes dropped past the
 * trim size, and nothing invented for a cycle from before what is kept.
 *
 * <p>Run just this: {@code mvn -B -o test -pl model -Dtest=ValueHistoryTest}
 */
class ValueHistoryTest {
    /** The TreeMap rule of before: put when the value changed or the cycle is the last one's. */
    private static void remember(TreeMap<Long, Integer> h, long t, int v, int trimAbove, long keep) {
        if (h.lastEntry().getValue() != v || h.lastKey() == t) {
            h.put(t, v);
            if (h.size() > trimAbove) {
                Long keepFrom = h.floorKey(t - keep);
                if (keepFrom != null) {
                    h.headMap(keepFrom, false).clear();
                }
            }
        }
    }

    @Test
    void answersAsTheTreeMapItReplaced() {
        for (long seed = 1; seed <= 10; seed++) {
            Random r = new Random(seed);
            int trim = 1 + r.nextInt(64);
            long keep = 1 + r.nextInt(2000);
            ValueHistory vh = new ValueHistory(0, trim, keep);
            TreeMap<Long, Integer> ref = new TreeMap<>();
            ref.put(Long.MIN_VALUE, 0);
            long t = 0;
            for (int i = 0; i < 20_000; i++) {
                t += r.nextInt(4) == 0 ? 0 : r.nextInt(40); // several changes in one cycle now and then
                int v = r.nextInt(3);
                vh.remember(t, v);
                remember(ref, t, v, trim, keep);
                long q = t + 1 - r.nextInt((int) Math.min(3 * keep, 5000));
                var e = ref.lowerEntry(q);
                if (e == null) {
                    long asked = q;
                    assertThatThrownBy(() -> vh.before(asked)).as("seed %d: cycle %d was trimmed", seed, q)
                            .isInstanceOf(IllegalStateException.class).hasMessageContaining("no value kept");
                } else {
                    assertThat(vh.before(q)).as("seed %d, change %d: the value during cycle %d", seed, i, q).isEqualTo((long) e.getValue());
                }
            }
        }
    }

    @Test
    void aChangeInTheLastChangesCycleReplacesIt() {
        ValueHistory vh = new ValueHistory(7, 4096, 100_000);
        vh.remember(10, 1);
        vh.remember(10, 2);
        vh.remember(12, 2); // no change: nothing kept
        assertThat(vh.before(10)).isEqualTo(7L);
        assertThat(vh.before(11)).isEqualTo(2L);
        assertThat(vh.before(13)).isEqualTo(2L);
    }
}
