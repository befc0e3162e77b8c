package vtoe.model.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import vtoe.model.sim.EventKernel;

/**
 * Random writes, pins, unpins and elapsed time against a shadow of plain byte arrays: after every
 * step the invariants hold, every mapped byte reads as the shadow says, every held pin's extents
 * still hold those bytes in physical memory, and no eviction ever picked a pinned page.
 * Run just this class: {@code ./scripts/test --only VirtualMemoryPropertiesTest}.
 */
class VirtualMemoryPropertiesTest {
    private static final int PAGE = 4096;

    sealed interface Op permits Write, Read, Pin, Unpin, Run {}

    record Write(int range, int off, int len, int seed) implements Op {}

    record Read(int range, int off, int len) implements Op {}

    record Pin(int range, int off, int pages) implements Op {}

    record Unpin(int which) implements Op {}

    record Run(int cycles) implements Op {}

    private static final class PinRec {
        final AddressSpace space;
        final int range;
        final long va;
        final long len;
        final int pages;
        PinResult result;

        PinRec(AddressSpace space, int range, long va, long len, int pages) {
            this.space = space;
            this.range = range;
            this.va = va;
            this.len = len;
            this.pages = pages;
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 1 << 24).withDistribution(RandomDistribution.uniform()).withoutEdgeCases();
        Arbitrary<Op> write = Combinators.combine(any, any, Arbitraries.integers().between(1, 6 * PAGE).withDistribution(RandomDistribution.uniform()), any).as(Write::new);
        Arbitrary<Op> read = Combinators.combine(any, any, Arbitraries.integers().between(1, 3 * PAGE).withDistribution(RandomDistribution.uniform())).as(Read::new);
        Arbitrary<Op> pin = Combinators.combine(any, any, Arbitraries.integers().between(1, 4)).as(Pin::new);
        Arbitrary<Op> unpin = any.map(Unpin::new);
        Arbitrary<Op> run = Arbitraries.integers().between(0, 400).withDistribution(RandomDistribution.uniform()).map(Run::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, write), net.jqwik.api.Tuple.of(2, read), net.jqwik.api.Tuple.of(3, pin),
                net.jqwik.api.Tuple.of(2, unpin), net.jqwik.api.Tuple.of(3, run))
                .list().ofMinSize(30).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 200)
    void randomOperationsKeepMemoryConsistent(
            @ForAll @IntRange(min = 4, max = 12) int frames,
            @ForAll @IntRange(min = 1, max = 3) int channels,
            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 2, max = 13) Integer> rangePages,
            @ForAll boolean flakyStorage,
            @ForAll("ops") List<Op> ops,
            @ForAll long seed) {
        EventKernel k = new EventKernel();
        SplittableRandom lat = new SplittableRandom(seed);
        DataStorage storage = new DataStorage();
        StorageController sc = new StorageController(k, storage, () -> lat.nextLong(1, 300), () -> lat.nextLong(1, 300), channels);
        // Some slots fail every read: pins through them must fail cleanly and leave no pin behind.
        sc.failReadsIf(slot -> flakyStorage && Math.floorMod(slot * 0x9E3779B97F4A7C15L + seed, 5) == 0);
        long pool = 0x20000;
        PhysicalMemory mem = PhysicalMemory.allocate((int) pool + frames * PAGE);
        VirtualMemory vm = new VirtualMemory(mem, pool, frames, k, sc);
        AddressSpace[] spaces = {vm.newAddressSpace("p0"), vm.newAddressSpace("p1")};

        int n = rangePages.size();
        AddressSpace[] space = new AddressSpace[n];
        long[] base = new long[n];
        byte[][] shadow = new byte[n][];
        for (int r = 0; r < n; r++) {
            space[r] = spaces[r % 2];
            base[r] = 0x100000L * (r + 1) + (r == 1 ? 0x7000 : 0);
            shadow[r] = new byte[rangePages.get(r) * PAGE];
            space[r].map(base[r], shadow[r].length);
        }
        List<PinRec> pins = new ArrayList<>();
        int outOfMemory = 0;

        for (Op op : ops) {
            if (op instanceof Write w) {
                int r = w.range % n;
                int off = w.off % shadow[r].length;
                int len = Math.min(w.len, shadow[r].length - off);
                byte[] data = new byte[len];
                new Random(w.seed).nextBytes(data);
                if (access(() -> space[r].write(base[r] + off, data))) {
                    System.arraycopy(data, 0, shadow[r], off, len);
                } else {
                    outOfMemory++;
                }
            } else if (op instanceof Read rd) {
                int r = rd.range % n;
                int off = rd.off % shadow[r].length;
                int len = Math.min(rd.len, shadow[r].length - off);
                if (!access(() -> assertThat(space[r].read(base[r] + off, len)).isEqualTo(Arrays.copyOfRange(shadow[r], off, off + len)))) {
                    outOfMemory++;
                }
            } else if (op instanceof Pin p) {
                int r = p.range % n;
                long off = p.off % shadow[r].length;
                long len = Math.min((long) p.pages * PAGE - (off % 97), shadow[r].length - off);
                int pages = (int) ((base[r] + off + len + PAGE - 1) / PAGE - (base[r] + off) / PAGE);
                // Pins may together want more frames than exist (so some wait for a frame), but the
                // pins still in progress must fit at once: each holds its pages while it waits, and
                // more than that could deadlock them for good, which is the caller's problem, not the model's.
                int inProgress = pins.stream().filter(x -> x.result == null).mapToInt(x -> x.pages).sum();
                if (inProgress + pages <= frames) {
                    PinRec rec = new PinRec(space[r], r, base[r] + off, len, pages);
                    pins.add(rec);
                    space[r].pin(rec.va, rec.len, res -> {
                        assertThat(rec.result).as("done called twice").isNull();
                        rec.result = res;
                    });
                }
            } else if (op instanceof Unpin u) {
                List<PinRec> held = pins.stream().filter(x -> x.result != null && x.result.ok()).toList();
                if (!held.isEmpty()) {
                    PinRec rec = held.get(u.which % held.size());
                    rec.space.unpin(rec.va, rec.len);
                    pins.remove(rec);
                }
            } else if (op instanceof Run run) {
                k.runUntil(() -> false, k.now() + run.cycles);
            }
            for (PinRec rec : new ArrayList<>(pins)) {
                if (rec.result != null && !rec.result.ok()) {
                    assertThat(rec.result.error()).contains("injected").contains("space " + rec.space.name());
                    pins.remove(rec);
                }
            }
            check(vm, space, base, shadow, pins, mem, false);
        }
        VirtualMemory.Stats mid = vm.stats();
        Statistics.label("async page-ins").collect(mid.pageIns() - mid.syncPageIns() > 0);
        Statistics.label("frame waits").collect(mid.frameWaits() > 0);
        Statistics.label("sync page-ins").collect(mid.syncPageIns() > 0);
        Statistics.label("failed page-ins").collect(mid.failedPageIns() > 0);
        Statistics.label("out of memory").collect(outOfMemory > 0);

        for (int round = 0; !pins.isEmpty(); round++) {
            assertThat(round).as("pins still pending after everything else was unpinned").isLessThan(100);
            k.runAll();
            for (PinRec rec : new ArrayList<>(pins)) {
                if (rec.result != null) {
                    if (rec.result.ok()) {
                        rec.space.unpin(rec.va, rec.len);
                    } else {
                        assertThat(rec.result.error()).contains("injected");
                    }
                    pins.remove(rec);
                }
            }
            check(vm, space, base, shadow, pins, mem, false);
        }
        k.runAll();
        assertThat(vm.pinnedPages()).isZero();
        assertThat(vm.pinLedger()).isEmpty();
        check(vm, space, base, shadow, pins, mem, true);
        VirtualMemory.Stats st = vm.stats();
        assertThat(st.maxPinnedPages()).isLessThanOrEqualTo(frames);
        if (!flakyStorage) {
            assertThat(st.failedPageIns()).isZero();
        }
        assertThat(st.pinnedPages()).isZero();
    }

    /** Runs an application access; false if it ran out of memory, which must leave everything unchanged. */
    private static boolean access(Runnable a) {
        try {
            a.run();
            return true;
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).startsWith("out of memory: all ").contains("are pinned or in transit");
            return false;
        }
    }

    /**
     * Checks the model against the shadow. Resident pages are compared through their PAs, which
     * disturbs nothing; {@code readAll} additionally reads every range through {@link AddressSpace#read},
     * which pages everything in and would finish every page-in early if done after each step.
     */
    private static void check(VirtualMemory vm, AddressSpace[] space, long[] base, byte[][] shadow, List<PinRec> pins,
                              PhysicalMemory mem, boolean readAll) {
        vm.checkInvariants();
        assertThat(vm.evictionsOfPinnedPages()).isZero();
        for (PinRec rec : pins) {
            if (rec.result == null) {
                continue;
            }
            assertThat(rec.result.ok()).as(rec.result.error() == null ? "" : rec.result.error()).isTrue();
            assertThat(rec.result.bytes()).isEqualTo(rec.len);
            // What a DMA through the pinned extents would see must be the current contents.
            byte[] viaDma = new byte[(int) rec.len];
            int at = 0;
            for (Extent e : rec.result.extents()) {
                System.arraycopy(mem.read(e.pa(), e.len()), 0, viaDma, at, e.len());
                at += e.len();
            }
            int off = (int) (rec.va - base[rec.range]);
            assertThat(viaDma).isEqualTo(Arrays.copyOfRange(shadow[rec.range], off, off + (int) rec.len));
            assertThat(rec.space.pinCount(rec.va)).isPositive();
        }
        for (int r = 0; r < shadow.length; r++) {
            for (int off = 0; off < shadow[r].length; off += PAGE) {
                long pa = space[r].pa(base[r] + off);
                if (pa >= 0) {
                    assertThat(mem.read(pa, PAGE)).as("resident page at VA 0x%x", base[r] + off)
                            .isEqualTo(Arrays.copyOfRange(shadow[r], off, off + PAGE));
                }
            }
            if (readAll) {
                assertThat(space[r].read(base[r], shadow[r].length)).as("range %d", r).isEqualTo(shadow[r]);
            }
        }
        vm.checkInvariants();
    }
}
