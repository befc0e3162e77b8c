package vtoe.model.host;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import vtoe.model.sim.Timeline;

/**
 * The host's virtual memory (design brief section 6): the {@link Pager}'s frames in physical memory,
 * address spaces with their page tables, swap through a {@link StorageController}, pin counts, and
 * the counters and invariant check the end-of-run verdict uses.
 */
public final class VirtualMemory {
    /** Counters since creation; {@code pinnedPages} is the current count, {@code maxPinnedPages} its peak. */
    public record Stats(long pageIns, long syncPageIns, long pageOuts, long pinCalls, long pagesPinned, long unpins, int pinnedPages,
            int maxPinnedPages, int residentPages, int freeFrames, long frameWaits, long failedPageIns) {}

    private final Pager pager;
    private final List<AddressSpace> spaces = new ArrayList<>();
    long pinCalls;
    long pagesPinned;
    long unpins;
    int pinnedPages;
    int maxPinnedPages;

    public VirtualMemory(PhysicalMemory mem, long poolBasePa, int frames, Timeline t, StorageController sc) {
        this.pager = new Pager(mem, poolBasePa, frames, t, sc);
    }

    public AddressSpace newAddressSpace(String name) {
        for (AddressSpace s : spaces) {
            if (s.name().equals(name)) {
                throw new IllegalArgumentException("an address space named " + name + " exists already");
            }
        }
        AddressSpace s = new AddressSpace(name, this, pager);
        spaces.add(s);
        return s;
    }

    public Pager pager() {
        return pager;
    }

    public int pinnedPages() {
        return pinnedPages;
    }

    /** Times the pager picked a pinned or in-transit page for eviction: must stay 0. */
    public long evictionsOfPinnedPages() {
        return pager.evictionsOfPinned;
    }

    public Stats stats() {
        int resident = 0;
        for (AddressSpace s : spaces) {
            for (Page p : s.pages.values()) {
                if (p.resident()) {
                    resident++;
                }
            }
        }
        return new Stats(pager.pageIns, pager.syncPageIns, pager.pageOuts, pinCalls, pagesPinned, unpins, pinnedPages, maxPinnedPages,
                resident, pager.freeFrames(), pager.frameWaits, pager.failedPageIns);
    }

    /** Every page still pinned, for a leak report. */
    public List<String> pinLedger() {
        List<String> l = new ArrayList<>();
        for (AddressSpace s : spaces) {
            s.pages.values().stream().filter(p -> p.pins > 0).sorted((a, b) -> Long.compare(a.vpn, b.vpn))
                    .forEach(p -> l.add("space %s VA 0x%x count %d".formatted(s.name(), p.va(), p.pins)));
        }
        return l;
    }

    /** Checks the bookkeeping of frames, pages, pins and the LRU list; throws naming the first broken rule. */
    public void checkInvariants() {
        int owned = 0;
        int reservedFrames = 0;
        int freeFrames = 0;
        Set<Page> seen = new HashSet<>();
        for (int f = 0; f < pager.frames(); f++) {
            Page o = pager.owner(f);
            boolean free = pager.isFree(f);
            if (free && o != null) {
                throw new IllegalStateException("frame " + f + " is on the free list and owned by " + o);
            }
            if (free) {
                freeFrames++;
                continue;
            }
            if (o == null) {
                throw new IllegalStateException("frame " + f + " is neither free nor owned (leaked)");
            }
            if (o.frame != f) {
                throw new IllegalStateException("frame " + f + " is owned by " + o + ", which names frame " + o.frame);
            }
            if (!seen.add(o)) {
                throw new IllegalStateException(o + " owns two frames");
            }
            if (pager.reserved(f)) {
                if (!o.inTransit) {
                    throw new IllegalStateException("frame " + f + " is reserved for " + o + ", which is not paging in");
                }
                reservedFrames++;
            } else {
                owned++;
            }
        }
        if (owned + reservedFrames + freeFrames != pager.frames()) {
            throw new IllegalStateException("frames: %d owned + %d reserved + %d free != %d".formatted(owned, reservedFrames, freeFrames,
                    pager.frames()));
        }
        int pinned = 0;
        for (AddressSpace s : spaces) {
            for (Page p : s.pages.values()) {
                if (p.pins < 0) {
                    throw new IllegalStateException(p + " has a negative pin count");
                }
                if (p.pins > 0) {
                    pinned++;
                    if (!p.resident()) {
                        throw new IllegalStateException(p + " is pinned but not resident");
                    }
                }
                if (p.frame >= 0 && pager.owner(p.frame) != p) {
                    throw new IllegalStateException(p + " names frame " + p.frame + ", owned by " + pager.owner(p.frame));
                }
                if (p.frame >= 0 && p.slot >= 0 && !p.inTransit) {
                    throw new IllegalStateException(p + " is both in a frame and in a swap slot");
                }
                boolean candidate = p.resident() && p.pins == 0;
                if (candidate != pager.lru.contains(p)) {
                    throw new IllegalStateException(p + (candidate ? " is evictable but not in the LRU list" : " is in the LRU list but not evictable"));
                }
            }
        }
        for (Page p : pager.lru) {
            if (p.unmapped) {
                throw new IllegalStateException(p + " is unmapped but still in the LRU list");
            }
        }
        if (pinned != pinnedPages) {
            throw new IllegalStateException(pinned + " pages are pinned but the counter says " + pinnedPages);
        }
        if (pager.evictionsOfPinned != 0) {
            throw new IllegalStateException(pager.evictionsOfPinned + " pinned or in-transit page(s) were picked for eviction");
        }
    }
}
