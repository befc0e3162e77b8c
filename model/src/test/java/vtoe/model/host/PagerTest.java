package vtoe.model.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vtoe.model.host.HostFixture.PAGE;
import static vtoe.model.host.HostFixture.pattern;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Eviction, LRU, swap round trips and frame pressure. Run just this class: {@code ./scripts/test --only PagerTest}. */
class PagerTest {
    @Test
    void bytesSurviveEvictionAndPageIn() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0x100000, 8L * PAGE);
        for (int i = 0; i < 8; i++) {
            a.write(0x100000 + (long) i * PAGE, pattern(i, PAGE));
            h.vm.checkInvariants();
        }
        h.kernel.runAll();
        for (int i = 7; i >= 0; i--) {
            assertThat(a.read(0x100000 + (long) i * PAGE, PAGE)).as("page %d", i).isEqualTo(pattern(i, PAGE));
            h.vm.checkInvariants();
        }
        VirtualMemory.Stats st = h.vm.stats();
        assertThat(st.pageOuts()).isGreaterThanOrEqualTo(6);
        assertThat(st.syncPageIns()).isGreaterThan(0).isEqualTo(st.pageIns());
        assertThat(st.residentPages()).isEqualTo(2);
        h.kernel.runAll();
        // Every swapped page holds one slot, resident pages none.
        assertThat(h.storage.usedSlots()).isEqualTo(6);
    }

    @Test
    void pageInBeforeTheEvictionWriteLandsReturnsTheEvictedBytes() {
        HostFixture h = new HostFixture(1);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 2L * PAGE);
        a.write(0, pattern(1, PAGE));
        a.write(PAGE, pattern(2, PAGE)); // evicts page 0; its write to storage is still queued
        assertThat(h.sc.writes()).isZero();
        assertThat(a.read(0, PAGE)).isEqualTo(pattern(1, PAGE));
        assertThat(a.read(PAGE, PAGE)).isEqualTo(pattern(2, PAGE));
        h.kernel.runAll();
        h.vm.checkInvariants();
        assertThat(h.sc.writes()).isEqualTo(3);
        // Page 0 was paged back in, its slot released once the write landed; page 1 is swapped now.
        assertThat(h.storage.usedSlots()).isEqualTo(1);
        assertThat(a.read(0, PAGE)).isEqualTo(pattern(1, PAGE));
    }

    @Test
    void asyncPageInOvertakingTheWriteOnAnotherChannelStillSeesTheEvictedBytes() {
        HostFixture h = new HostFixture(2, 2, 10, 100);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.write(0, pattern(1, 3 * PAGE)); // page 0 out; its write occupies channel 1 until cycle 100
        a.unmap(2L * PAGE, PAGE); // a free frame, so the pin's read starts at once on channel 2
        List<PinResult> r = new ArrayList<>();
        a.pin(0, PAGE, r::add);
        h.kernel.runUntil(() -> !r.isEmpty(), 1000);
        assertThat(h.kernel.now()).isEqualTo(10);
        assertThat(h.sc.writes()).as("the write has not landed yet").isZero();
        assertThat(r).singleElement().matches(PinResult::ok);
        assertThat(h.mem.read(a.pa(0), PAGE)).isEqualTo(java.util.Arrays.copyOf(pattern(1, 3 * PAGE), PAGE));
        h.vm.checkInvariants();
        h.kernel.runAll();
        assertThat(h.storage.usedSlots()).as("the slot is freed once its write lands").isZero();
        h.vm.checkInvariants();
    }

    @Test
    void accessThatWouldRunOutOfMemoryChangesNothing() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.write(0, pattern(1, 3 * PAGE)); // page 0 swapped, pages 1 and 2 resident
        a.pin(PAGE, 2L * PAGE, x -> { });
        h.kernel.runAll();
        // Page 1 is resident and pinned, page 0 needs a frame that no one can give: nothing may be written.
        assertThatThrownBy(() -> a.write(PAGE - 10, new byte[20])).hasMessageContaining("out of memory").hasMessageContaining("VA 0x0 of space app");
        assertThat(h.mem.read(a.pa(PAGE), PAGE)).isEqualTo(java.util.Arrays.copyOfRange(pattern(1, 3 * PAGE), PAGE, 2 * PAGE));
        a.unpin(PAGE, 2L * PAGE);
        assertThat(a.read(0, 3 * PAGE)).isEqualTo(pattern(1, 3 * PAGE));
    }

    @Test
    void evictionPicksTheLeastRecentlyUsedPage() {
        HostFixture h = new HostFixture(3);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 4L * PAGE);
        for (int i = 0; i < 3; i++) {
            a.write((long) i * PAGE, pattern(i, 16));
        }
        a.read(0, 1); // page 0 becomes most recently used, page 1 the least
        assertThat(h.vm.pager().lruOrder()).containsExactly("space app VA 0x1000", "space app VA 0x2000", "space app VA 0x0");
        a.write(3L * PAGE, pattern(3, 16));
        assertThat(a.isResident(PAGE)).isFalse();
        assertThat(a.isResident(0)).isTrue();
        assertThat(a.isResident(2L * PAGE)).isTrue();
        assertThat(a.isResident(3L * PAGE)).isTrue();
        assertThat(h.vm.stats().pageOuts()).isEqualTo(1);
    }

    @Test
    void pinnedPagesAreNeverEvictedUnderPressure() {
        HostFixture h = new HostFixture(4);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.map(0x100000, 10L * PAGE);
        a.write(0, pattern(99, 3 * PAGE));
        List<PinResult> r = new ArrayList<>();
        a.pin(0, 3L * PAGE, r::add);
        h.kernel.runAll();
        assertThat(r).singleElement().matches(PinResult::ok);
        long[] pinnedPa = {a.pa(0), a.pa(PAGE), a.pa(2L * PAGE)};
        Set<Long> otherFrames = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            long va = 0x100000 + (long) i * PAGE;
            a.write(va, pattern(i, PAGE));
            otherFrames.add(a.pa(va));
            h.vm.checkInvariants();
        }
        h.kernel.runAll();
        assertThat(new long[] {a.pa(0), a.pa(PAGE), a.pa(2L * PAGE)}).isEqualTo(pinnedPa);
        assertThat(otherFrames).hasSize(1).doesNotContain(pinnedPa[0], pinnedPa[1], pinnedPa[2]);
        assertThat(h.vm.stats().pageOuts()).isEqualTo(9);
        assertThat(h.vm.evictionsOfPinnedPages()).isZero();
        assertThat(a.read(0, 3 * PAGE)).isEqualTo(pattern(99, 3 * PAGE));
        for (int i = 0; i < 10; i++) {
            assertThat(a.read(0x100000 + (long) i * PAGE, PAGE)).isEqualTo(pattern(i, PAGE));
        }
    }

    @Test
    void outOfMemoryWhenEveryFrameIsPinned() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.pin(0, 2L * PAGE, r -> assertThat(r.ok()).isTrue());
        h.kernel.runAll();
        assertThatThrownBy(() -> a.write(2L * PAGE, new byte[] {1}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("out of memory: all 2 frames are pinned or in transit")
                .hasMessageContaining("VA 0x2000 of space app");
        assertThatThrownBy(() -> h.vm.pager().evict()).isInstanceOf(IllegalStateException.class).hasMessageContaining("no page is evictable");
        h.vm.checkInvariants();
    }

    @Test
    void pinWaitingForAFrameCompletesAfterAnUnpin() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.write(0, pattern(5, 2 * PAGE));
        a.pin(0, 2L * PAGE, r -> assertThat(r.ok()).isTrue());
        h.kernel.runAll();
        List<PinResult> third = new ArrayList<>();
        a.pin(2L * PAGE, PAGE, third::add);
        h.kernel.runAll();
        assertThat(third).isEmpty();
        assertThat(h.vm.stats().frameWaits()).isEqualTo(1);
        assertThat(h.vm.pager().waitingForFrame()).isEqualTo(1);
        h.vm.checkInvariants();
        a.unpin(0, PAGE);
        h.kernel.runAll();
        assertThat(third).singleElement().matches(PinResult::ok);
        assertThat(a.isResident(0)).isFalse();
        assertThat(a.pinCount(2L * PAGE)).isEqualTo(1);
        assertThat(a.read(2L * PAGE, PAGE)).containsOnly(0);
        h.vm.checkInvariants();
        // Reading page 0 now needs a frame: page 2 and 1 are pinned, so nothing can make room.
        assertThatThrownBy(() -> a.read(0, 1)).hasMessageContaining("out of memory");
        a.unpin(PAGE, PAGE);
        assertThat(a.read(0, PAGE)).isEqualTo(java.util.Arrays.copyOf(pattern(5, 2 * PAGE), PAGE));
    }

    @Test
    void unmapFreesFramesAndSlotsAndWakesWaiters() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 4L * PAGE);
        a.write(0, pattern(1, 4 * PAGE)); // pages 0,1 swapped, 2,3 resident
        h.kernel.runAll();
        assertThat(h.storage.usedSlots()).isEqualTo(2);
        a.pin(2L * PAGE, 2L * PAGE, r -> assertThat(r.ok()).isTrue());
        AddressSpace b = h.vm.newAddressSpace("other");
        b.map(0, PAGE);
        List<PinResult> waiting = new ArrayList<>();
        b.pin(0, PAGE, waiting::add);
        h.kernel.runAll();
        assertThat(waiting).isEmpty();
        assertThatThrownBy(() -> a.unmap(0, 4L * PAGE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VA 0x2000 is pinned").hasMessageContaining("space app");
        a.unmap(0, 2L * PAGE);
        assertThat(h.storage.usedSlots()).isZero();
        a.unpin(2L * PAGE, 2L * PAGE);
        a.unmap(2L * PAGE, 2L * PAGE);
        h.kernel.runAll();
        assertThat(waiting).singleElement().matches(PinResult::ok);
        assertThat(a.mapped(0, PAGE)).isFalse();
        assertThat(h.vm.stats().freeFrames()).isEqualTo(1);
        h.vm.checkInvariants();
    }

    @Test
    void theEvictionGuardCatchesAPinnedPageThatLeakedIntoTheLru() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, PAGE);
        a.write(0, new byte[] {1});
        // Corrupt the bookkeeping the way a bug would: pinned, yet still in the LRU.
        a.pageOrNull(0).pinCount = 1;
        assertThatThrownBy(() -> h.vm.pager().evict()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VA 0x0 of space app").hasMessageContaining("pinned");
        assertThat(h.vm.evictionsOfPinnedPages()).isEqualTo(1);
        assertThat(a.isResident(0)).isTrue();
        assertThatThrownBy(h.vm::checkInvariants).isInstanceOf(IllegalStateException.class);
    }
}
