package vtoe.model.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtoe.model.sim.Timeline;

/** The host's virtual memory: address spaces over one frame pool, with pinning and swap. */
public final class VirtualMemory {
    /**
     * Counters since creation and current levels. {@code pageIns} counts every page brought back
     * from swap, {@code syncPageIns} those brought back by the application's own access; {@code pageOuts}
     * counts evictions; {@code pagesPinned} and {@code unpins} count page pin-count increments and the
     * decrements made by {@link AddressSpace#unpin} (a failed pin's own rollback is not an unpin);
     * {@code frameWaits} counts page-ins that had to queue for a frame; {@code pinnedPages} is the number
     * of pages pinned now.
     */
    public record Stats(long pageIns, long syncPageIns, long pageOuts, long pinCalls, long pagesPinned, long unpins,
                        int pinnedPages, int maxPinnedPages, int residentPages, int freeFrames, long frameWaits,
                        long failedPageIns) {}

    private final Pager pager;
    private final Timeline timeline;
    private final Map<String, AddressSpace> spaces = new LinkedHashMap<>();

    public VirtualMemory(PhysicalMemory mem, long poolBasePa, int frames, Timeline t, StorageController sc) {
        this.pager = new Pager(mem, poolBasePa, frames, sc);
        this.timeline = t;
    }

    /** Over {@code data}: the full mode's bytes ({@link FrameData#of}) or the payload-free {@link RangeFrameData}. */
    public VirtualMemory(FrameData data, long poolBasePa, int frames, Timeline t, StorageController sc) {
        this.pager = new Pager(data, poolBasePa, frames, sc);
        this.timeline = t;
    }

    public AddressSpace newAddressSpace(String name) {
        if (spaces.containsKey(name)) {
            throw new IllegalArgumentException("address space " + name + " already exists; names identify spaces in every message");
        }
        AddressSpace s = new AddressSpace(name, pager, timeline);
        spaces.put(name, s);
        return s;
    }

    public Pager pager() {
        return pager;
    }

    public Stats stats() {
        Pager p = pager;
        return new Stats(p.pageIns, p.syncPageIns, p.pageOuts, p.pinCalls, p.pagesPinned, p.unpins, p.pinnedPages,
                p.maxPinnedPages, p.residentPages(), p.freeFrames(), p.frameWaits, p.failedPageIns);
    }

    /** Throws IllegalStateException describing the first broken rule of the frame pool and page tables. */
    public void checkInvariants() {
        List<Page> all = new ArrayList<>();
        for (AddressSpace s : spaces.values()) {
            all.addAll(s.pages());
        }
        pager.checkFrames(all);
        if (pager.evictionsOfPinnedPages != 0) {
            throw new IllegalStateException(pager.evictionsOfPinnedPages + " eviction(s) picked a pinned or in-transit page");
        }
    }

    /** Every page still pinned, as "space X VA 0x.. count n", for leak reports. */
    public List<String> pinLedger() {
        List<String> out = new ArrayList<>();
        for (AddressSpace s : spaces.values()) {
            for (Page p : s.pages()) {
                if (p.pinCount > 0) {
                    out.add("space %s VA 0x%x count %d".formatted(s.name(), p.va(), p.pinCount));
                }
            }
        }
        return out;
    }

    public int pinnedPages() {
        return pager.pinnedPages;
    }

    /** Times the eviction guard caught a pinned or in-transit victim; anything but 0 is a bug. */
    public long evictionsOfPinnedPages() {
        return pager.evictionsOfPinnedPages;
    }
}
