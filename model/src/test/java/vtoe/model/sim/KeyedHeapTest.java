package vtoe.model.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vtoe.model.txn.Bytes;

/**
 * The keyed heap, as the sender rules use it for frames waiting for cycle order, gives them back in the
 * order of the {@code PriorityQueue} it replaced: by cycle, the sender's frames before those to it in
 * one cycle, then in the order handed over; through growth, emptying and refilling, and with many
 * frames in one cycle. (The event kernel's use is checked by {@link EventKernelTest}.)
 *
 * <p>Run just this: {@code mvn -B -o test -pl model -Dtest=KeyedHeapTest}
 */
class KeyedHeapTest {
    private record Ref(long cycle, boolean fromSender, long order, Bytes frame) {}

    @Test
    void givesFramesBackInThePriorityQueuesOrder() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            PriorityQueue<Ref> ref = new PriorityQueue<>((a, b) -> {
                int c = Long.compare(a.cycle(), b.cycle());
                if (c == 0) {
                    c = Boolean.compare(!a.fromSender(), !b.fromSender());
                }
                return c != 0 ? c : Long.compare(a.order(), b.order());
            });
            KeyedHeap<Bytes> q = new KeyedHeap<>();
            long order = 0;
            long now = 0;
            List<String> got = new ArrayList<>();
            List<String> want = new ArrayList<>();
            int spread = 1 + r.nextInt(seed % 3 == 0 ? 3 : 500); // a small spread puts many frames in one cycle
            for (int step = 0; step < 5000; step++) {
                if (r.nextInt(3) > 0 || q.isEmpty()) {
                    long cycle = now + r.nextInt(spread);
                    boolean fromSender = r.nextBoolean();
                    Bytes f = Bytes.wrap(new byte[] {(byte) step});
                    ref.add(new Ref(cycle, fromSender, order, f));
                    q.add(cycle << 1 | (fromSender ? 0 : 1), order, f);
                    order++;
                    now += r.nextInt(4);
                } else {
                    int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 3); // sometimes empties the queue
                    for (int i = 0; i < n && !q.isEmpty(); i++) {
                        Ref e = ref.poll();
                        want.add(e.cycle() + "/" + e.fromSender() + "/" + e.order());
                        got.add((q.firstKey() >> 1) + "/" + ((q.firstKey() & 1) == 0) + "/" + (q.first() == e.frame() ? e.order() : "another frame"));
                        q.removeFirst();
                    }
                }
                assertThat(q.size()).isEqualTo(ref.size());
            }
            while (!q.isEmpty()) {
                Ref e = ref.poll();
                want.add(e.cycle() + "/" + e.fromSender() + "/" + e.order());
                got.add((q.firstKey() >> 1) + "/" + ((q.firstKey() & 1) == 0) + "/" + (q.first() == e.frame() ? e.order() : "another frame"));
                q.removeFirst();
            }
            assertThat(got).as("seed %d", seed).containsExactlyElementsOf(want);
            assertThat(ref).isEmpty();
        }
    }
}
