package vtoe.model.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vtoe.model.host.HostFixture.PAGE;
import static vtoe.model.host.HostFixture.READ_LATENCY;
import static vtoe.model.host.HostFixture.pattern;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mapping, synchronous access, pin and unpin of one address space. Run just this class: {@code ./scripts/test --only AddressSpaceTest}. */
class AddressSpaceTest {
    @Test
    void untouchedPagesReadAsZerosWithoutPageIn() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0x4000, 3L * PAGE);
        assertThat(a.read(0x4000 + 100, 2 * PAGE)).containsOnly(0);
        assertThat(h.vm.stats().pageIns()).isZero();
        assertThat(a.mapped(0x4000, 3L * PAGE)).isTrue();
        assertThat(a.mapped(0x4000, 3L * PAGE + 1)).isFalse();
        assertThat(a.name()).isEqualTo("app");
    }

    @Test
    void mappingErrorsNameTheVaAndTheSpace() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0x4000, 2L * PAGE);
        assertThatThrownBy(() -> a.map(0x5000, PAGE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("space app").hasMessageContaining("VA 0x5000");
        assertThatThrownBy(() -> a.read(0x3000, 0x1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VA 0x3000 is not mapped").hasMessageContaining("space app");
        assertThatThrownBy(() -> a.write(0x5fff, new byte[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VA 0x6000 is not mapped");
        assertThatThrownBy(() -> h.vm.newAddressSpace("app")).hasMessageContaining("app already exists");
    }

    @Test
    void writeAndReadAcrossPageBoundaries() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 4L * PAGE);
        byte[] data = pattern(3, 3 * PAGE);
        a.write(777, data);
        assertThat(a.read(777, data.length)).isEqualTo(data);
        assertThat(a.read(776, 1)).containsOnly(0);
    }

    @Test
    void pinOfResidentPagesGivesTheirPhysicalRunsOnTheTimeline() {
        HostFixture h = new HostFixture(4);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        List<PinResult> r = new ArrayList<>();
        a.pin(100, 2L * PAGE, r::add);
        assertThat(r).as("done must not run inside pin()").isEmpty();
        assertThat(a.pinCount(0)).isEqualTo(1); // untouched pages get a zero frame and are pinned at once
        h.kernel.runAll();
        assertThat(h.kernel.now()).isZero();
        // Frames 0,1,2 come off the free list in order, so the three pages are one physical run.
        assertThat(r).hasSize(1);
        assertThat(r.get(0).extents()).containsExactly(new Extent(h.framePa(0) + 100, 2 * PAGE));
        // [100, 100 + 2 pages) touches three pages, so all three are pinned.
        assertThat(a.extents(0, 3L * PAGE)).isEqualTo(List.of(new Extent(h.framePa(0), 3 * PAGE)));
        assertThat(a.pinCount(2L * PAGE)).isEqualTo(1);
        a.unpin(100, 2L * PAGE);
        assertThat(h.vm.pinnedPages()).isZero();
    }

    @Test
    void extentsFollowVaOrderAndSplitWhereFramesAreNotAdjacent() {
        HostFixture h = new HostFixture(4);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        for (int i = 2; i >= 0; i--) {
            a.write((long) i * PAGE, new byte[] {(byte) i});
        }
        assertThat(a.extents(10, 3L * PAGE - 20)).containsExactly(
                new Extent(h.framePa(2) + 10, PAGE - 10), new Extent(h.framePa(1), PAGE), new Extent(h.framePa(0), PAGE - 10));
        assertThat(a.pa(PAGE + 5)).isEqualTo(h.framePa(1) + 5);
        AddressSpace b = h.vm.newAddressSpace("b");
        b.map(0, PAGE);
        assertThatThrownBy(() -> b.extents(0, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VA 0x0 is not resident").hasMessageContaining("space b");
        assertThat(b.pa(0)).isEqualTo(-1);
    }

    @Test
    void pinOfASwappedPageWaitsForTheStorageRead() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.write(0, pattern(1, 3 * PAGE)); // page 0 is evicted
        a.unmap(2L * PAGE, PAGE); // a free frame, so the pin needs no eviction (and no write ahead of its read)
        h.kernel.runAll();
        long t0 = h.kernel.now();
        assertThat(a.isResident(0)).isFalse();
        List<Long> doneAt = new ArrayList<>();
        List<PinResult> r = new ArrayList<>();
        a.pin(0, 2L * PAGE, x -> {
            doneAt.add(h.kernel.now());
            r.add(x);
        });
        h.kernel.runUntil(() -> false, t0 + READ_LATENCY - 1);
        assertThat(r).isEmpty();
        h.vm.checkInvariants(); // with the frame reserved for the page-in
        h.kernel.runAll();
        assertThat(doneAt).containsExactly(t0 + READ_LATENCY);
        assertThat(r.get(0).ok()).isTrue();
        assertThat(h.mem.read(a.pa(0), PAGE)).isEqualTo(java.util.Arrays.copyOf(pattern(1, 3 * PAGE), PAGE));
        assertThat(h.vm.stats().pageIns()).isEqualTo(1);
        assertThat(h.vm.stats().syncPageIns()).isZero();
        h.vm.checkInvariants();
    }

    @Test
    void failedPageInReleasesThePinsOfThatCallAndNamesTheVa() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.write(PAGE, pattern(1, PAGE));
        a.write(0, pattern(0, PAGE));
        a.write(2L * PAGE, pattern(2, PAGE)); // evicts page 1
        h.kernel.runAll();
        h.sc.failReadsIf(slot -> true);
        List<PinResult> r = new ArrayList<>();
        a.pin(0, 2L * PAGE, r::add);
        assertThat(a.pinCount(0)).isEqualTo(1);
        h.kernel.runAll();
        assertThat(r).singleElement().matches(x -> !x.ok());
        assertThat(r.get(0).error()).contains("VA 0x1000").contains("space app").contains("swap slot").contains("injected");
        assertThat(a.pinCount(0)).isZero();
        assertThat(h.vm.pinnedPages()).isZero();
        assertThat(h.vm.stats().failedPageIns()).isEqualTo(1);
        h.vm.checkInvariants();
        h.sc.failReadsIf(slot -> false);
        a.pin(0, 2L * PAGE, r::add);
        h.kernel.runAll();
        assertThat(r.get(1).ok()).isTrue();
        assertThat(a.read(PAGE, PAGE)).isEqualTo(pattern(1, PAGE));
        assertThat(a.read(0, PAGE)).isEqualTo(pattern(0, PAGE));
    }

    @Test
    void unpinOfAnUnpinnedPageThrowsAndChangesNothing() {
        HostFixture h = new HostFixture(4);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 2L * PAGE);
        a.pin(0, PAGE, x -> { });
        h.kernel.runAll();
        assertThatThrownBy(() -> a.unpin(0, 2L * PAGE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unpin of VA 0x1000 in space app: page is not pinned");
        assertThat(a.pinCount(0)).isEqualTo(1);
        assertThat(h.vm.pinLedger()).containsExactly("space app VA 0x0 count 1");
        a.unpin(0, PAGE);
        assertThatThrownBy(() -> a.unpin(0, PAGE)).hasMessageContaining("VA 0x0");
        assertThat(h.vm.pinLedger()).isEmpty();
        assertThat(h.vm.stats().unpins()).isEqualTo(1);
    }

    @Test
    void pinOfAnUnmappedRangeFailsOnTheTimeline() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, PAGE);
        List<PinResult> r = new ArrayList<>();
        a.pin(0, 2L * PAGE, r::add);
        assertThat(r).isEmpty();
        h.kernel.runAll();
        assertThat(r).singleElement().extracting(PinResult::error).asString()
                .contains("VA range [0x0, 0x2000) of space app is not mapped");
        assertThat(a.pinCount(0)).isZero();
    }

    @Test
    void concurrentPinsOfASwappedPageShareOnePageIn() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.write(0, pattern(4, 3 * PAGE));
        h.kernel.runAll();
        long readsBefore = h.sc.reads();
        List<PinResult> r = new ArrayList<>();
        a.pin(0, PAGE, r::add);
        a.pin(0, PAGE, r::add);
        h.kernel.runAll();
        assertThat(h.sc.reads() - readsBefore).isEqualTo(1);
        assertThat(r).hasSize(2).allMatch(PinResult::ok);
        assertThat(r.get(0).extents()).isEqualTo(r.get(1).extents());
        assertThat(a.pinCount(0)).isEqualTo(2);
        assertThat(h.vm.stats().pageIns()).isEqualTo(1);
        h.vm.checkInvariants();
    }

    @Test
    void applicationAccessToAPageInTransitFinishesThePageInAtOnce() {
        HostFixture h = new HostFixture(2);
        AddressSpace a = h.vm.newAddressSpace("app");
        a.map(0, 3L * PAGE);
        a.write(0, pattern(4, 3 * PAGE));
        h.kernel.runAll();
        List<PinResult> r = new ArrayList<>();
        a.pin(0, PAGE, r::add);
        assertThat(a.isResident(0)).isFalse();
        assertThat(a.read(0, PAGE)).isEqualTo(java.util.Arrays.copyOf(pattern(4, 3 * PAGE), PAGE));
        assertThat(a.pinCount(0)).isEqualTo(1);
        h.vm.checkInvariants();
        h.kernel.runAll();
        assertThat(r).singleElement().matches(PinResult::ok);
        assertThat(h.vm.stats().syncPageIns()).isEqualTo(1);
        assertThat(h.vm.stats().pageIns()).isEqualTo(1);
        assertThat(a.read(0, PAGE)).isEqualTo(java.util.Arrays.copyOf(pattern(4, 3 * PAGE), PAGE));
        h.vm.checkInvariants();
    }
}
