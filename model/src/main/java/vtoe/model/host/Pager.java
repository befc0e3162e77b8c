package vtoe.model.host;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The frame pool and its replacement policy. Owns {@code frames} frames at
 * {@code poolBasePa + i * 4096}. A frame is free, owned by one resident page, or reserved for one
 * page-in. Only resident, unpinned pages that are not in transit sit in the LRU, so the victim
 * choice cannot reach a pinned page; {@link #evict} checks it anyway, because a DMA into a frame
 * that was handed to another page corrupts memory silently.
 */
public final class Pager {
    public static final int PAGE_SIZE = 4096;

    /** Something waiting for a page-in to finish. */
    interface PageInWaiter {
        /** The page is resident; the waiter must pin it before returning (nothing may evict it in between). */
        void arrived(Page p);

        void failed(Page p, String message);
    }

    /** One page-in through the storage controller; pins of the same page join its waiters. */
    static final class PageIn {
        final Page page;
        final int frame;
        final long slot;
        final List<PageInWaiter> waiters = new ArrayList<>();

        PageIn(Page page, int frame, long slot) {
            this.page = page;
            this.frame = frame;
            this.slot = slot;
        }
    }

    private final FrameData data;
    private final long poolBasePa;
    private final int frames;
    private final StorageController sc;
    private final DataStorage storage;

    private final Page[] owner;
    private final Page[] reservedFor;
    private final boolean[] isFree;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    /** Recency order: first = least recently used. */
    private final PageLru lru = new PageLru();
    private final ArrayDeque<IntConsumer> frameWaiters = new ArrayDeque<>();
    private boolean serving;
    /** Open synchronous accesses; waiters are served when the last one ends (see {@link #beginAccess}). */
    private int accessDepth;
    // Per swap slot (the storage hands them out from 0 and reuses the lowest, so they stay few), not
    // maps and sets of boxed slots: whether a page evicted to it is not yet on the device (a page-in must
    // see the evicted bytes even if it overtakes the write: synchronous access, or a read on another
    // channel), those bytes (null in a payload-free run), and whether the slot was released meanwhile,
    // to be freed when the write lands.
    private boolean[] writing = new boolean[64];
    private byte[][] writingData = new byte[64][];
    private boolean[] freeWhenWritten = new boolean[64];

    long pageIns;
    long syncPageIns;
    long pageOuts;
    long pinCalls;
    long pagesPinned;
    long unpins;
    int pinnedPages;
    int maxPinnedPages;
    long frameWaits;
    long failedPageIns;
    long evictionsOfPinnedPages;

    /** Built by {@link VirtualMemory}, which owns the address spaces whose pages live here. */
    Pager(PhysicalMemory mem, long poolBasePa, int frames, StorageController sc) {
        this(FrameData.of(mem), poolBasePa, frames, sc);
    }

    /** Over {@code data}: real bytes ({@link FrameData#of}) or none ({@link RangeFrameData}). */
    Pager(FrameData data, long poolBasePa, int frames, StorageController sc) {
        if (frames < 1) {
            throw new IllegalArgumentException("the pager needs at least one frame, got " + frames);
        }
        if (poolBasePa < 0 || poolBasePa % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("frame pool base PA 0x%x must be non-negative and page aligned".formatted(poolBasePa));
        }
        if (poolBasePa + (long) frames * PAGE_SIZE > data.size()) {
            throw new IllegalArgumentException("frame pool [0x%x, 0x%x) of %d frames lies outside physical memory of %d bytes"
                    .formatted(poolBasePa, poolBasePa + (long) frames * PAGE_SIZE, frames, data.size()));
        }
        this.data = data;
        if (data instanceof RangeFrameData r) {
            r.attach(this);
        }
        this.poolBasePa = poolBasePa;
        this.frames = frames;
        this.sc = sc;
        this.storage = sc.storage();
        this.owner = new Page[frames];
        this.reservedFor = new Page[frames];
        this.isFree = new boolean[frames];
        Arrays.fill(isFree, true);
        for (int i = 0; i < frames; i++) {
            free.add(i);
        }
    }

    // ---- public queries ----

    public int frames() {
        return frames;
    }

    public int freeFrames() {
        return free.size();
    }

    public int residentPages() {
        int n = 0;
        for (Page p : owner) {
            if (p != null) {
                n++;
            }
        }
        return n;
    }

    public int framesInTransit() {
        int n = 0;
        for (Page p : reservedFor) {
            if (p != null) {
                n++;
            }
        }
        return n;
    }

    public long framePa(int frame) {
        if (frame < 0 || frame >= frames) {
            throw new IllegalArgumentException("frame %d does not exist (pool has %d frames)".formatted(frame, frames));
        }
        return poolBasePa + (long) frame * PAGE_SIZE;
    }

    FrameData data() {
        return data;
    }

    /** The page whose frame holds {@code pa}, or null (outside the pool, free, or reserved for a page-in). */
    Page ownerAt(long pa) {
        long f = (pa - poolBasePa) / PAGE_SIZE;
        return pa < poolBasePa || f >= frames ? null : owner[(int) f];
    }

    public long poolBasePa() {
        return poolBasePa;
    }

    /** Evictable pages, least recently used first, as "space X VA 0x..". */
    public List<String> lruOrder() {
        List<String> out = new ArrayList<>();
        for (Page p : lru.pages()) {
            out.add("space %s VA 0x%x".formatted(p.space.name(), p.va()));
        }
        return out;
    }

    /** Page-ins waiting for a frame now. */
    public int waitingForFrame() {
        return frameWaiters.size();
    }

    /** Evicts the least recently used unpinned page and frees its frame; returns that frame. */
    public int evict() {
        if (lru.isEmpty()) {
            throw new IllegalStateException("evict: no page is evictable: " + outOfMemoryDetail());
        }
        int f = evictVictim();
        releaseFrame(f);
        return f;
    }

    // ---- frames ----

    /** A frame for immediate use (free, else by eviction), or -1 if every frame is pinned or in transit. */
    int tryObtainFrame() {
        Integer f = free.poll();
        if (f != null) {
            isFree[f] = false;
            return f;
        }
        if (!lru.isEmpty()) {
            return evictVictim();
        }
        return -1;
    }

    int obtainFrameSync(Page forPage) {
        int f = tryObtainFrame();
        if (f < 0) {
            throw new IllegalStateException("out of memory: all %d frames are pinned or in transit (%s); cannot make %s resident — unpin something first"
                    .formatted(frames, outOfMemoryDetail(), forPage.describe()));
        }
        return f;
    }

    private String outOfMemoryDetail() {
        return "%d pinned, %d in transit, %d free, %d waiting for a frame".formatted(
                pinnedPages, framesInTransit(), free.size(), frameWaiters.size());
    }

    /** Queues an asynchronous request for a frame; served in FIFO order as frames free up or become evictable. */
    void awaitFrame(IntConsumer k) {
        frameWaits++;
        frameWaiters.add(k);
    }

    void releaseFrame(int f) {
        owner[f] = null;
        reservedFor[f] = null;
        isFree[f] = true;
        free.push(f);
        serveWaiters();
    }

    void serveWaiters() {
        // Re-entry (a waiter handing its frame back) is absorbed by the outer loop, keeping FIFO order.
        if (serving || accessDepth > 0) {
            return;
        }
        serving = true;
        try {
            while (!frameWaiters.isEmpty()) {
                int f = tryObtainFrame();
                if (f < 0) {
                    break;
                }
                frameWaiters.poll().accept(f);
            }
        } finally {
            serving = false;
        }
    }

    /**
     * Starts a synchronous access that will need frames for {@code needFrame} (null if every page is
     * resident or in transit). Fails before anything changes if no frame can be had; otherwise the
     * access cannot run out part-way, because waiting pins are not served (and cannot take the
     * access's own, now evictable, pages) until {@link #endAccess}.
     */
    void beginAccess(Page needFrame) {
        if (needFrame != null && free.isEmpty() && lru.isEmpty()) {
            throw new IllegalStateException("out of memory: all %d frames are pinned or in transit (%s); cannot make %s resident — unpin something first"
                    .formatted(frames, outOfMemoryDetail(), needFrame.describe()));
        }
        accessDepth++;
    }

    void endAccess() {
        accessDepth--;
        serveWaiters();
    }

    private int evictVictim() {
        Page v = lru.first();
        if (v.pinCount != 0 || v.state != Page.State.RESIDENT || v.pageIn != null) {
            evictionsOfPinnedPages++;
            throw new IllegalStateException("eviction picked %s (frame %d, pin count %d, state %s), which is pinned or in transit: the LRU must hold only unpinned resident pages"
                    .formatted(v.describe(), v.frame, v.pinCount, v.state));
        }
        lru.remove(v);
        int f = v.frame;
        byte[] copy = data.save(framePa(f));
        long slot = storage.allocate();
        if (slot >= writing.length) {
            int n = Math.max(2 * writing.length, (int) slot + 1);
            writing = Arrays.copyOf(writing, n);
            writingData = Arrays.copyOf(writingData, n);
            freeWhenWritten = Arrays.copyOf(freeWhenWritten, n);
        }
        writing[(int) slot] = true;
        writingData[(int) slot] = copy;
        sc.write(slot, copy, () -> writeLanded(slot));
        v.slot = slot;
        v.frame = -1;
        v.state = Page.State.SWAPPED;
        owner[f] = null;
        pageOuts++;
        return f;
    }

    private void writeLanded(long slot) {
        int i = (int) slot;
        writing[i] = false;
        writingData[i] = null;
        if (freeWhenWritten[i]) {
            freeWhenWritten[i] = false;
            storage.free(slot);
        }
    }

    /** Whether the write of a page evicted to {@code slot} has not landed yet. */
    private boolean writing(long slot) {
        return slot >= 0 && slot < writing.length && writing[(int) slot];
    }

    // ---- pages ----

    void installZero(Page p, int f) {
        data.zero(framePa(f));
        own(p, f);
    }

    private void own(Page p, int f) {
        owner[f] = p;
        reservedFor[f] = null;
        p.frame = f;
        p.state = Page.State.RESIDENT;
    }

    private byte[] swapData(long slot) {
        if (writing(slot)) {
            byte[] pending = writingData[(int) slot];
            return pending == null ? null : pending.clone();
        }
        return storage.read(slot);
    }

    private void releaseSlot(long slot) {
        if (writing(slot)) {
            freeWhenWritten[(int) slot] = true;
        } else {
            storage.free(slot);
        }
    }

    /** Brings a page back at once (the application's own access); leaves it out of the LRU for the caller to {@link #touch}. */
    void makeResidentSync(Page p) {
        switch (p.state) {
            case RESIDENT -> { }
            case UNTOUCHED -> installZero(p, obtainFrameSync(p));
            case SWAPPED -> {
                int f = obtainFrameSync(p);
                data.restore(framePa(f), swapData(p.slot));
                releaseSlot(p.slot);
                p.slot = -1;
                own(p, f);
                pageIns++;
                syncPageIns++;
            }
            case IN_TRANSIT -> {
                // The frame is already reserved; finish the page-in now and ignore the device's later answer.
                syncPageIns++;
                completePageIn(p.pageIn, swapData(p.slot));
            }
            case UNMAPPED -> throw new IllegalStateException(p.describe() + " was unmapped");
        }
    }

    /** Marks a resident page most recently used (if unpinned). */
    void touch(Page p) {
        if (p.state != Page.State.RESIDENT || p.pinCount > 0) {
            return;
        }
        if (lru.remove(p)) {
            lru.add(p);
        } else {
            lru.add(p);
            serveWaiters();
        }
    }

    /** Starts the asynchronous page-in of a swapped page into reserved frame {@code f}. */
    void startPageIn(Page p, int f, PageInWaiter w) {
        PageIn in = new PageIn(p, f, p.slot);
        in.waiters.add(w);
        reservedFor[f] = p;
        p.frame = f;
        p.state = Page.State.IN_TRANSIT;
        p.pageIn = in;
        sc.read(in.slot, data -> completePageIn(in, data), msg -> failPageIn(in, msg));
    }

    void joinPageIn(Page p, PageInWaiter w) {
        p.pageIn.waiters.add(w);
    }

    private void completePageIn(PageIn in, byte[] deviceData) {
        Page p = in.page;
        if (p.pageIn != in) {
            return;
        }
        // The device may answer before the eviction's write landed (several channels); the in-flight copy is the truth.
        byte[] page = writing(in.slot) ? writingData[(int) in.slot] : deviceData;
        data.restore(framePa(in.frame), page);
        releaseSlot(in.slot);
        p.slot = -1;
        p.pageIn = null;
        own(p, in.frame);
        pageIns++;
        for (PageInWaiter w : in.waiters) {
            w.arrived(p);
        }
        if (p.pinCount == 0) {
            touch(p);
        }
    }

    private void failPageIn(PageIn in, String message) {
        Page p = in.page;
        if (p.pageIn != in) {
            return;
        }
        failedPageIns++;
        p.pageIn = null;
        p.frame = -1;
        p.state = Page.State.SWAPPED;
        reservedFor[in.frame] = null;
        isFree[in.frame] = true;
        free.push(in.frame);
        for (PageInWaiter w : in.waiters) {
            w.failed(p, message);
        }
        serveWaiters();
    }

    /** Drops a page's frame or slot for unmap. The caller has checked it is neither pinned nor in transit. */
    void discard(Page p) {
        switch (p.state) {
            case RESIDENT -> {
                lru.remove(p);
                int f = p.frame;
                owner[f] = null;
                isFree[f] = true;
                free.push(f);
            }
            case SWAPPED -> releaseSlot(p.slot);
            case UNTOUCHED, UNMAPPED -> { }
            case IN_TRANSIT -> throw new IllegalStateException("cannot discard %s: it is being paged in".formatted(p.describe()));
        }
        p.frame = -1;
        p.slot = -1;
        p.state = Page.State.UNMAPPED;
    }

    // ---- pins ----

    void pin(Page p) {
        if (p.state != Page.State.RESIDENT) {
            throw new IllegalStateException("pin of %s: page is not resident (%s)".formatted(p.describe(), p.state));
        }
        if (p.pinCount == 0) {
            lru.remove(p);
            pinnedPages++;
            maxPinnedPages = Math.max(maxPinnedPages, pinnedPages);
        }
        p.pinCount++;
        pagesPinned++;
    }

    void unpin(Page p) {
        if (p.pinCount <= 0) {
            throw new IllegalStateException("unpin of %s: page is not pinned".formatted(p.describe()));
        }
        p.pinCount--;
        if (p.pinCount == 0) {
            pinnedPages--;
            touch(p);
        }
    }

    // ---- invariants ----

    void checkFrames(List<Page> allPages) {
        int freeCount = 0;
        int owned = 0;
        int reserved = 0;
        boolean[] inFreeList = new boolean[frames]; // not a Set<Integer>: a run's end checks every frame of a large RAM
        for (int f : free) {
            if (f < 0 || f >= frames) {
                throw new IllegalStateException("frame %d on the free list is not one of the %d frames".formatted(f, frames));
            }
            if (inFreeList[f]) {
                throw new IllegalStateException("frame %d is on the free list twice".formatted(f));
            }
            inFreeList[f] = true;
        }
        for (int f = 0; f < frames; f++) {
            int roles = (isFree[f] ? 1 : 0) + (owner[f] != null ? 1 : 0) + (reservedFor[f] != null ? 1 : 0);
            if (roles != 1) {
                throw new IllegalStateException("frame %d (PA 0x%x) must be exactly one of free/owned/reserved, but free=%s owner=%s reservedFor=%s"
                        .formatted(f, framePa(f), isFree[f], owner[f], reservedFor[f]));
            }
            if (isFree[f] != inFreeList[f]) {
                throw new IllegalStateException("frame %d: free flag %s disagrees with the free list".formatted(f, isFree[f]));
            }
            if (isFree[f]) {
                freeCount++;
            } else if (owner[f] != null) {
                owned++;
                Page p = owner[f];
                if (p.state != Page.State.RESIDENT || p.frame != f) {
                    throw new IllegalStateException("frame %d is owned by %s, which does not map back to it".formatted(f, p));
                }
                if (p.space.pageOrNull(p.vpn) != p) {
                    throw new IllegalStateException("frame %d is owned by %s, which is no longer in its page table".formatted(f, p));
                }
            } else {
                reserved++;
                Page p = reservedFor[f];
                if (p.state != Page.State.IN_TRANSIT || p.frame != f || p.pageIn == null) {
                    throw new IllegalStateException("frame %d is reserved for %s, which is not being paged into it".formatted(f, p));
                }
            }
        }
        if (freeCount + owned + reserved != frames) {
            throw new IllegalStateException("free %d + owned %d + reserved %d != %d frames".formatted(freeCount, owned, reserved, frames));
        }
        Set<Page> expectedLru = new HashSet<>();
        int pinned = 0;
        for (Page p : allPages) {
            if (p.pinCount < 0) {
                throw new IllegalStateException("%s has negative pin count %d".formatted(p.describe(), p.pinCount));
            }
            if (p.pinCount > 0) {
                pinned++;
                if (p.state != Page.State.RESIDENT) {
                    throw new IllegalStateException("%s is pinned (count %d) but not resident (%s)".formatted(p.describe(), p.pinCount, p.state));
                }
            }
            switch (p.state) {
                case RESIDENT -> {
                    if (p.frame < 0 || p.frame >= frames || owner[p.frame] != p) {
                        throw new IllegalStateException("%s is resident in frame %d, which is not owned by it".formatted(p.describe(), p.frame));
                    }
                    if (p.slot != -1 || p.pageIn != null) {
                        throw new IllegalStateException("%s is resident but still holds slot %d or a page-in".formatted(p.describe(), p.slot));
                    }
                    if (p.pinCount == 0) {
                        expectedLru.add(p);
                    }
                }
                case IN_TRANSIT -> {
                    if (p.frame < 0 || p.frame >= frames || reservedFor[p.frame] != p || p.pageIn == null) {
                        throw new IllegalStateException("%s is in transit but frame %d is not reserved for it".formatted(p.describe(), p.frame));
                    }
                    if (!storage.isAllocated(p.slot)) {
                        throw new IllegalStateException("%s is being paged in from slot %d, which is not allocated".formatted(p.describe(), p.slot));
                    }
                }
                case SWAPPED -> {
                    if (p.frame != -1 || !storage.isAllocated(p.slot) || writing(p.slot) && freeWhenWritten[(int) p.slot]) {
                        throw new IllegalStateException("%s is swapped but frame=%d slot=%d is not a live slot".formatted(p.describe(), p.frame, p.slot));
                    }
                }
                case UNTOUCHED -> {
                    if (p.frame != -1 || p.slot != -1) {
                        throw new IllegalStateException("%s is untouched but holds frame %d / slot %d".formatted(p.describe(), p.frame, p.slot));
                    }
                }
                case UNMAPPED -> throw new IllegalStateException("%s is in a page table but marked unmapped".formatted(p.describe()));
            }
        }
        if (!expectedLru.equals(new HashSet<>(lru.pages())) || expectedLru.size() != lru.size()) {
            throw new IllegalStateException("LRU %s differs from the resident unpinned pages %s".formatted(lru, expectedLru));
        }
        if (pinned != pinnedPages) {
            throw new IllegalStateException("%d pages are pinned but the pager counts %d".formatted(pinned, pinnedPages));
        }
    }
}
