package vtoe.model.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.sim.EventKernel;

/** Queueing, channels and failure injection of the swap device. Run just this class: {@code ./scripts/test --only StorageControllerTest}. */
class StorageControllerTest {
    private final EventKernel k = new EventKernel();
    private final DataStorage s = new DataStorage();

    private List<Long> threeReadsCompletionCycles(int channels) {
        StorageController sc = new StorageController(k, s, () -> 100, () -> 50, channels);
        long slot = s.allocate();
        List<Long> done = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sc.read(slot, d -> done.add(k.now()), m -> { throw new AssertionError(m); });
        }
        k.runAll();
        assertThat(sc.reads()).isEqualTo(3);
        assertThat(sc.maxQueueDepth()).isEqualTo(3);
        assertThat(sc.busyCycles()).isEqualTo(300);
        return done;
    }

    @Test
    void oneChannelServesOneAtATime() {
        assertThat(threeReadsCompletionCycles(1)).containsExactly(100L, 200L, 300L);
    }

    @Test
    void twoChannelsServeTwoAtATime() {
        assertThat(threeReadsCompletionCycles(2)).containsExactly(100L, 100L, 200L);
    }

    @Test
    void requestsAreServedInArrivalOrderAndReadsSeeEarlierWrites() {
        long[] lat = {30, 10, 20, 5};
        int[] i = {0};
        StorageController sc = new StorageController(k, s, () -> lat[i[0]++ % 4], () -> lat[i[0]++ % 4], 1);
        long slot = s.allocate();
        List<String> order = new ArrayList<>();
        byte[] page = HostFixture.pattern(7, 4096);
        sc.write(slot, page, () -> order.add("w@" + k.now()));
        sc.read(slot, d -> {
            assertThat(d).isEqualTo(page);
            order.add("r1@" + k.now());
        }, m -> order.add("fail"));
        sc.write(slot, new byte[4096], () -> order.add("w2@" + k.now()));
        sc.read(slot, d -> {
            assertThat(d).containsOnly(0);
            order.add("r2@" + k.now());
        }, m -> order.add("fail"));
        k.runAll();
        assertThat(order).containsExactly("w@30", "r1@40", "w2@60", "r2@65");
        assertThat(sc.writes()).isEqualTo(2);
        assertThat(sc.busyCycles()).isEqualTo(65);
    }

    @Test
    void injectedReadFailureCallsFailedAfterTheServiceTimeWithTheSlot() {
        StorageController sc = new StorageController(k, s, () -> 100, () -> 50, 1);
        long good = s.allocate();
        long bad = s.allocate();
        sc.failReadsIf(slot -> slot == bad);
        List<String> events = new ArrayList<>();
        sc.read(bad, d -> events.add("data"), m -> events.add(k.now() + " " + m));
        sc.read(good, d -> events.add(k.now() + " data"), m -> events.add("unexpected " + m));
        k.runAll();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).startsWith("100 ").contains("swap slot " + bad).contains("injected");
        assertThat(events.get(1)).isEqualTo("200 data");
        assertThat(sc.failedReads()).isEqualTo(1);
        assertThat(sc.reads()).isEqualTo(2);
    }

    @Test
    void readOfAFreedSlotFailsInsteadOfThrowingFromTheTimeline() {
        StorageController sc = new StorageController(k, s, () -> 10, () -> 10, 1);
        long slot = s.allocate();
        s.free(slot);
        List<String> failures = new ArrayList<>();
        sc.read(slot, d -> failures.add("data"), failures::add);
        k.runAll();
        assertThat(failures).singleElement().asString().contains("slot " + slot);
    }
}
