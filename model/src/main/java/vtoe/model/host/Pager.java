package vtoe.model.host;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.function.IntConsumer;
import vtoe.model.sim.Timeline;

/**
 * The frames of RAM the send buffers live in, and the policy that moves pages between them and data
 * storage: when no frame is free, the least recently used resident page that is neither pinned nor
 * being paged in is written to a swap slot and its frame reused. Pinned pages are never candidates:
 * they are not in the LRU list at all, and {@link #evict} checks it again and counts a breach before
 * failing, so the end-of-run check sees it even if the exception were swallowed.
 */
public final class Pager {
    public static final int PAGE = 4096;

    private final PhysicalMemory mem;
    private final long poolBasePa;
    private final int frames;
    private final Timeline t;
    private final StorageController sc;
    private final Page[] owner;
    private final boolean[] reserved;
    private final Deque<Integer> free = new ArrayDeque<>();
    /** Resident, unpinned, not in transit: eviction candidates, least recently used first. */
    final LinkedHashSet<Page> lru = new LinkedHashSet<>();
    private final Deque<IntConsumer> frameWaiters = new ArrayDeque<>();
    long pageIns;
    long syncPageIns;
    long pageOuts;
    long frameWaits;
    long failedPageIns;
    long evictionsOfPinned;

    Pager(PhysicalMemory mem, long poolBasePa, int frames, Timeline t, StorageController sc) {
        if (frames < 1 || poolBasePa % PAGE != 0 || poolBasePa + (long) frames * PAGE > mem.size()) {
            throw new IllegalArgumentException("%d frames at PA 0x%x do not fit page-aligned in %d bytes of physical memory"
                    .formatted(frames, poolBasePa, mem.size()));
        }
        this.mem = mem;
        this.poolBasePa = poolBasePa;
        this.frames = frames;
        this.t = t;
        this.sc = sc;
        this.owner = new Page[frames];
        this.reserved = new boolean[frames];
        for (int f = 0; f < frames; f++) {
            free.addLast(f);
        }
    }

    public long pa(int frame) {
        return poolBasePa + (long) frame * PAGE;
    }

    public int frames() {
        return frames;
    }

    public int freeFrames() {
        return free.size();
    }

    PhysicalMemory memory() {
        return mem;
    }

    /** Marks a page most recently used (if it is a candidate at all). */
    void touch(Page p) {
        if (lru.remove(p)) {
            lru.add(p);
        }
    }

    /** A frame now, evicting if needed; -1 if every frame is pinned or in transit. */
    private int tryFrame() {
        Integer f = free.pollFirst();
        if (f != null) {
            return f;
        }
        if (lru.isEmpty()) {
            return -1;
        }
        return evict();
    }

    /** A frame for a synchronous access (the application's own read or write), or a clear error. */
    int frameNow(Page forPage) {
        int f = tryFrame();
        if (f < 0) {
            throw new IllegalStateException("out of memory: all %d frames are pinned or in transit, none can take %s"
                    .formatted(frames, forPage));
        }
        return f;
    }

    /** A frame as soon as one can be had: waits for an unpin or unmap if every frame is pinned or in transit. */
    void frameLater(IntConsumer got) {
        int f = frameWaiters.isEmpty() ? tryFrame() : -1;
        if (f >= 0) {
            got.accept(f);
        } else {
            frameWaits++;
            frameWaiters.addLast(got);
        }
    }

    /** Something became free or evictable: serve waiting page-ins in order. */
    void wakeFrameWaiters() {
        while (!frameWaiters.isEmpty()) {
            int f = tryFrame();
            if (f < 0) {
                return;
            }
            frameWaiters.pollFirst().accept(f);
        }
    }

    int evict() {
        Iterator<Page> it = lru.iterator();
        Page v = it.next();
        if (v.pins != 0 || v.inTransit || v.frame < 0) {
            evictionsOfPinned++;
            throw new IllegalStateException("pager picked " + v + " for eviction: only resident, unpinned pages may go");
        }
        it.remove();
        int f = v.frame;
        byte[] data = mem.read(pa(f), PAGE);
        long slot = sc.storage().allocate();
        v.slot = slot;
        v.frame = -1;
        owner[f] = null;
        pageOuts++;
        sc.write(slot, data, () -> {});
        return f;
    }

    /** Gives a frame to a page whose bytes follow (zeroes when {@code data} is null). */
    void install(Page p, int f, byte[] data) {
        owner[f] = p;
        reserved[f] = false;
        p.frame = f;
        mem.write(pa(f), data == null ? new byte[PAGE] : data);
    }

    void reserve(int f) {
        reserved[f] = true;
    }

    void freeFrame(int f) {
        owner[f] = null;
        reserved[f] = false;
        free.addLast(f);
    }

    /** Brings a swapped page back now (the application touched it): counted, but takes no simulated time. */
    void pageInNow(Page p) {
        int f = frameNow(p);
        byte[] data = sc.storage().read(p.slot);
        sc.storage().free(p.slot);
        p.slot = -1;
        install(p, f, data);
        syncPageIns++;
        lru.add(p);
    }

    /**
     * Makes a non-resident page resident: a zero frame for a page never touched, else a page-in
     * through the storage controller. {@code done} gets true when it is resident; callers that
     * arrive while it is under way share it.
     */
    void bringIn(Page p, java.util.function.Consumer<Boolean> done) {
        p.waiters.add(done);
        if (p.inTransit) {
            return;
        }
        p.inTransit = true;
        if (p.slot < 0) {
            frameLater(f -> {
                install(p, f, null);
                p.inTransit = false;
                lru.add(p);
                finishWaiters(p, true);
            });
            return;
        }
        frameLater(f -> {
            reserve(f);
            p.frame = f; // reserved for this page while the read is under way
            owner[f] = p;
            sc.read(p.slot, data -> {
                sc.storage().free(p.slot);
                p.slot = -1;
                install(p, f, data);
                p.inTransit = false;
                pageIns++;
                lru.add(p);
                finishWaiters(p, true);
            }, err -> {
                failedPageIns++;
                p.frame = -1;
                freeFrame(f);
                p.inTransit = false;
                p.error = err;
                finishWaiters(p, false);
                wakeFrameWaiters();
            });
        });
    }

    private void finishWaiters(Page p, boolean ok) {
        var ws = new java.util.ArrayList<>(p.waiters);
        p.waiters.clear();
        ws.forEach(w -> w.accept(ok));
    }

    /** Frame bookkeeping as the invariant check sees it. */
    Page owner(int f) {
        return owner[f];
    }

    boolean reserved(int f) {
        return reserved[f];
    }

    boolean isFree(int f) {
        return free.contains(f);
    }

    DataStorage storage() {
        return sc.storage();
    }

    Timeline timeline() {
        return t;
    }
}
