package vtoe.model.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One process's page table: VA pages mapped to a frame, a swap slot, or nothing yet (never touched:
 * zero, needs no page-in). The application reads and writes synchronously; the driver pins
 * asynchronously because a pin may have to wait for the storage controller.
 */
public final class AddressSpace {
    private static final int PAGE = Pager.PAGE;

    private final String name;
    private final VirtualMemory vm;
    private final Pager pager;
    final Map<Long, Page> pages = new HashMap<>();

    AddressSpace(String name, VirtualMemory vm, Pager pager) {
        this.name = name;
        this.vm = vm;
        this.pager = pager;
    }

    public String name() {
        return name;
    }

    private static long firstPage(long va) {
        return Math.floorDiv(va, PAGE);
    }

    private static long endPage(long va, long len) {
        return Math.floorDiv(va + len + PAGE - 1, PAGE);
    }

    /** Reserves [va, va+bytes), page granular; the pages read as zero until written. */
    public void map(long va, long bytes) {
        if (bytes <= 0 || va < 0) {
            throw new IllegalArgumentException("space %s: cannot map %d bytes at VA 0x%x".formatted(name, bytes, va));
        }
        for (long v = firstPage(va); v < endPage(va, bytes); v++) {
            if (pages.containsKey(v)) {
                throw new IllegalArgumentException("space %s: VA page 0x%x is already mapped (mapping [0x%x, 0x%x))"
                        .formatted(name, v * PAGE, va, va + bytes));
            }
        }
        for (long v = firstPage(va); v < endPage(va, bytes); v++) {
            pages.put(v, new Page(this, v));
        }
    }

    public boolean mapped(long va, long len) {
        if (len <= 0) {
            return false;
        }
        for (long v = firstPage(va); v < endPage(va, len); v++) {
            if (!pages.containsKey(v)) {
                return false;
            }
        }
        return true;
    }

    /** Frees the pages of [va, va+bytes): frames and swap slots. Refused, with nothing changed, if any is pinned or paging in. */
    public void unmap(long va, long bytes) {
        List<Page> ps = range(va, bytes);
        for (Page p : ps) {
            if (p.pins > 0 || p.inTransit) {
                throw new IllegalStateException("space %s: cannot unmap %s".formatted(name, p));
            }
        }
        for (Page p : ps) {
            pager.lru.remove(p);
            if (p.frame >= 0) {
                pager.freeFrame(p.frame);
                p.frame = -1;
            }
            if (p.slot >= 0) {
                pager.storage().free(p.slot);
                p.slot = -1;
            }
            p.unmapped = true;
            pages.remove(p.vpn);
        }
        pager.wakeFrameWaiters();
    }

    private List<Page> range(long va, long len) {
        List<Page> l = new ArrayList<>();
        for (long v = firstPage(va); v < endPage(va, len); v++) {
            Page p = pages.get(v);
            if (p == null) {
                throw new IllegalArgumentException("space %s: VA 0x%x is not mapped (access to [0x%x, 0x%x))"
                        .formatted(name, Math.max(va, v * PAGE), va, va + len));
            }
            l.add(p);
        }
        return l;
    }

    /** Makes a page resident for a synchronous access. */
    private void residentNow(Page p) {
        if (p.inTransit) {
            throw new IllegalStateException("space " + name + ": " + p + " is being paged in; a synchronous access would block");
        }
        if (p.frame >= 0) {
            pager.touch(p);
            return;
        }
        if (p.slot >= 0) {
            pager.pageInNow(p);
            return;
        }
        pager.install(p, pager.frameNow(p), null);
        pager.lru.add(p);
    }

    public void write(long va, byte[] data) {
        if (data.length == 0) {
            return;
        }
        range(va, data.length); // all mapped, or nothing is written
        for (int i = 0; i < data.length;) {
            long a = va + i;
            Page p = pages.get(firstPage(a));
            residentNow(p);
            int n = (int) Math.min(data.length - i, PAGE - Math.floorMod(a, PAGE));
            byte[] chunk = new byte[n];
            System.arraycopy(data, i, chunk, 0, n);
            pager.memory().write(pager.pa(p.frame) + Math.floorMod(a, PAGE), chunk);
            i += n;
        }
    }

    public byte[] read(long va, int len) {
        byte[] out = new byte[len];
        if (len == 0) {
            return out;
        }
        range(va, len);
        for (int i = 0; i < len;) {
            long a = va + i;
            Page p = pages.get(firstPage(a));
            residentNow(p);
            int n = (int) Math.min(len - i, PAGE - Math.floorMod(a, PAGE));
            System.arraycopy(pager.memory().read(pager.pa(p.frame) + Math.floorMod(a, PAGE), n), 0, out, i, n);
            i += n;
        }
        return out;
    }

    /**
     * Pins [va, va+len) page by page in VA order, paging in what is swapped out; each page is pinned as
     * soon as it is resident, so a page pinned early cannot be evicted while a later one is paged in.
     * {@code done} runs once, on the timeline, with the extents or the reason; a failure leaves none of
     * this call's pins behind.
     */
    public void pin(long va, long len, Consumer<PinResult> done) {
        vm.pinCalls++;
        long now = pager.timeline().now();
        if (len <= 0 || !mapped(va, len)) {
            String why = "space %s: VA range [0x%x, 0x%x) is not mapped".formatted(name, va, va + len);
            pager.timeline().at(now, () -> done.accept(PinResult.failed(why)));
            return;
        }
        pinFrom(range(va, len), 0, va, len, done);
    }

    private void pinFrom(List<Page> ps, int i, long va, long len, Consumer<PinResult> done) {
        for (; i < ps.size(); i++) {
            Page p = ps.get(i);
            if (p.unmapped) {
                fail(ps, i, "space %s: VA 0x%x was unmapped while being pinned".formatted(name, p.va()), done);
                return;
            }
            if (p.resident()) {
                pinOne(p);
                continue;
            }
            int at = i;
            pager.bringIn(p, ok -> {
                if (!ok) {
                    fail(ps, at, "space %s: page-in of VA 0x%x failed: %s".formatted(name, p.va(), p.error), done);
                    return;
                }
                pinOne(p);
                pinFrom(ps, at + 1, va, len, done);
            });
            return;
        }
        List<Extent> ext = extents(va, len);
        pager.timeline().at(pager.timeline().now(), () -> done.accept(PinResult.ok(ext)));
    }

    private void pinOne(Page p) {
        if (p.pins == 0) {
            pager.lru.remove(p);
            vm.pinnedPages++;
            vm.maxPinnedPages = Math.max(vm.maxPinnedPages, vm.pinnedPages);
        }
        p.pins++;
        vm.pagesPinned++;
    }

    private void fail(List<Page> ps, int upTo, String why, Consumer<PinResult> done) {
        for (int j = 0; j < upTo; j++) {
            unpinOne(ps.get(j));
        }
        pager.wakeFrameWaiters();
        pager.timeline().at(pager.timeline().now(), () -> done.accept(PinResult.failed(why)));
    }

    /** Drops one pin from each page of the range; refused, with nothing changed, if any page is not pinned. */
    public void unpin(long va, long len) {
        List<Page> ps = range(va, len);
        for (Page p : ps) {
            if (p.pins <= 0) {
                throw new IllegalStateException("space %s: unpin of VA 0x%x (range [0x%x, 0x%x)): page is not pinned"
                        .formatted(name, p.va(), va, va + len));
            }
        }
        ps.forEach(this::unpinOne);
        vm.unpins++;
        pager.wakeFrameWaiters();
    }

    private void unpinOne(Page p) {
        p.pins--;
        if (p.pins == 0) {
            vm.pinnedPages--;
            pager.lru.add(p);
        }
    }

    /** Whether one of this space's pages is in swap slot {@code slot} (failure injection aimed at one process). */
    public boolean ownsSlot(long slot) {
        for (Page p : pages.values()) {
            if (p.slot == slot) {
                return true;
            }
        }
        return false;
    }

    public int pinCount(long va) {
        Page p = pages.get(firstPage(va));
        return p == null ? 0 : p.pins;
    }

    public boolean isResident(long va) {
        Page p = pages.get(firstPage(va));
        return p != null && p.resident();
    }

    /** PA of the byte at {@code va}, or -1 when its page is not resident. */
    public long pa(long va) {
        Page p = pages.get(firstPage(va));
        return p == null || !p.resident() ? -1 : pager.pa(p.frame) + Math.floorMod(va, PAGE);
    }

    /** Physical runs of a resident range in VA order, adjacent frames merged. */
    public List<Extent> extents(long va, long len) {
        List<Extent> out = new ArrayList<>();
        for (long a = va; a < va + len;) {
            long pa = pa(a);
            if (pa < 0) {
                throw new IllegalStateException("space %s: VA 0x%x is not resident".formatted(name, a));
            }
            int n = (int) Math.min(va + len - a, PAGE - Math.floorMod(a, PAGE));
            Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.pa() + last.len() == pa) {
                out.set(out.size() - 1, new Extent(last.pa(), last.len() + n));
            } else {
                out.add(new Extent(pa, n));
            }
            a += n;
        }
        return out;
    }

    @Override
    public String toString() {
        return "AddressSpace[" + name + ", " + pages.size() + " pages]";
    }
}
