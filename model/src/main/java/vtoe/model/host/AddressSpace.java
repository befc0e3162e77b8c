package vtoe.model.host;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import vtoe.model.payload.Span;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;

/**
 * One process's virtual address space: a page table from VA page to frame, swap slot, or
 * not-yet-touched (reads as zeros, costs nothing). Reads and writes are the application's own,
 * synchronous accesses; {@link #pin} is the driver's asynchronous request to make a range resident
 * and keep it there for DMA.
 */
public final class AddressSpace {
    private static final int PAGE = Pager.PAGE_SIZE;

    private final String name;
    private final Pager pager;
    private final Timeline timeline;
    private final TreeMap<Long, Page> table = new TreeMap<>(); // ordered: pages() and ownsSlot walk it in VA order
    // A direct-mapped cache in front of the table: a segment's pages are looked up several times (pin,
    // extents, reads, unpin), and each walk of a thousand-page tree missed the CPU's caches.
    private static final int CACHE = 256;
    private final Page[] cachePage = new Page[CACHE];
    private final long[] cacheVpn = new long[CACHE];
    private int stream = -1;
    private long streamBase;

    AddressSpace(String name, Pager pager, Timeline timeline) {
        this.name = name;
        this.pager = pager;
        this.timeline = timeline;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "AddressSpace " + name + " (" + table.size() + " pages mapped)";
    }

    // ---- mapping ----

    /** Reserves the pages covering {@code [va, va+bytes)}; they read as zeros until written. */
    public void map(long va, long bytes) {
        checkRange("map", va, bytes);
        if (bytes == 0) {
            return;
        }
        long first = va / PAGE;
        long end = endVpn(va, bytes);
        Long clash = table.ceilingKey(first);
        if (clash != null && clash < end) {
            throw new IllegalArgumentException("map of VA range [0x%x, 0x%x) in space %s overlaps the existing mapping at VA 0x%x"
                    .formatted(va, va + bytes, name, clash * PAGE));
        }
        for (long v = first; v < end; v++) {
            table.put(v, new Page(this, v));
        }
    }

    /** True if every page touching {@code [va, va+len)} is mapped (an empty range is). */
    public boolean mapped(long va, long len) {
        if (va < 0 || len < 0 || va + len < va) {
            return false;
        }
        if (len == 0) {
            return true;
        }
        return firstUnmapped(va, len) < 0;
    }

    /** Releases the pages covering the range with their frames and swap slots; all or nothing. */
    public void unmap(long va, long bytes) {
        checkRange("unmap", va, bytes);
        if (bytes == 0) {
            return;
        }
        requireMapped("unmap", va, bytes);
        long end = endVpn(va, bytes);
        for (long v = va / PAGE; v < end; v++) {
            Page p = page(v);
            if (p.pinCount > 0) {
                throw new IllegalStateException("unmap of VA range [0x%x, 0x%x) in space %s: VA 0x%x is pinned (count %d); unpin it first"
                        .formatted(va, va + bytes, name, p.va(), p.pinCount));
            }
            if (p.state == Page.State.IN_TRANSIT) {
                throw new IllegalStateException("unmap of VA range [0x%x, 0x%x) in space %s: VA 0x%x is being paged in for a pin; wait for the pin to complete and unpin it"
                        .formatted(va, va + bytes, name, p.va()));
            }
        }
        for (long v = va / PAGE; v < end; v++) {
            cachePage[(int) v & (CACHE - 1)] = null;
            pager.discard(table.remove(v));
        }
        pager.serveWaiters();
    }

    // ---- synchronous access ----

    public void write(long va, byte[] data) {
        checkRange("write", va, data.length);
        requireMapped("write", va, data.length);
        pager.beginAccess(firstNeedingFrame(va, data.length));
        try {
            writeResident(va, data);
        } finally {
            pager.endAccess();
        }
    }

    private void writeResident(long va, byte[] data) {
        int done = 0;
        while (done < data.length) {
            long a = va + done;
            int off = (int) (a % PAGE);
            int n = Math.min(PAGE - off, data.length - done);
            Page p = page(a / PAGE);
            pager.makeResidentSync(p);
            byte[] chunk = new byte[n];
            System.arraycopy(data, done, chunk, 0, n);
            pager.data().write(pager.framePa(p.frame) + off, chunk);
            pager.touch(p);
            done += n;
        }
    }

    public byte[] read(long va, int len) {
        checkRange("read", va, len);
        requireMapped("read", va, len);
        pager.beginAccess(firstNeedingFrame(va, len));
        try {
            return readResident(va, len);
        } finally {
            pager.endAccess();
        }
    }

    private byte[] readResident(long va, int len) {
        byte[] out = new byte[len];
        eachResidentPiece(va, len, (pa, done, n) -> System.arraycopy(pager.data().readArray(pa, n), 0, out, done, n));
        return out;
    }

    /** Where a resident piece of a read is: its physical address, its offset in the read, its length. */
    private interface Piece {
        void at(long pa, int done, int n);
    }

    /** Walks {@code [va, va+len)} page by page, each page made resident (a fault if needed) and touched as it is read. */
    private void eachResidentPiece(long va, int len, Piece piece) {
        int done = 0;
        while (done < len) {
            long a = va + done;
            int off = (int) (a % PAGE);
            int n = Math.min(PAGE - off, len - done);
            Page p = page(a / PAGE);
            pager.makeResidentSync(p);
            piece.at(pager.framePa(p.frame) + off, done, n);
            pager.touch(p);
            done += n;
        }
    }

    /**
     * The application's write of {@code len} bytes of its stream at {@code va} in a payload-free run:
     * the same page faults, frames and LRU touches as {@link #write}, and no byte (the pages hold
     * their stream's bytes by position, {@link #carriesStream}).
     */
    public void writeStream(long va, long len) {
        checkRange("write", va, len);
        requireMapped("write", va, len);
        pager.beginAccess(firstNeedingFrame(va, len));
        try {
            for (long a = va & -(long) PAGE; a < va + len; a += PAGE) {
                Page p = page(a / PAGE);
                pager.makeResidentSync(p);
                pager.touch(p);
            }
        } finally {
            pager.endAccess();
        }
    }

    /** What {@code [va, va+len)} holds (real bytes or content), with the page faults and LRU touches of {@link #read}. */
    public Bytes readContent(long va, int len) {
        checkRange("read", va, len);
        requireMapped("read", va, len);
        pager.beginAccess(firstNeedingFrame(va, len));
        try {
            List<Bytes> parts = new ArrayList<>(2);
            eachResidentPiece(va, len, (pa, done, n) -> parts.add(pager.data().read(pa, n)));
            return Bytes.concat(parts.toArray(new Bytes[0]));
        } finally {
            pager.endAccess();
        }
    }

    /** This space's pages hold bytes [va - base, ...) of stream {@code stream} (a connection's send buffer from {@code base}). */
    public void carriesStream(int stream, long base) {
        this.stream = stream;
        this.streamBase = base;
    }

    /** What {@code len} bytes at {@code va} of this space are in a payload-free run. */
    Span streamSpan(long va, int len) {
        return stream >= 0 && va >= streamBase ? new Span(stream, va - streamBase, len) : new Span(Span.OTHER, va, len);
    }

    // ---- pinning ----

    /**
     * Makes {@code [va, va+len)} resident and pins it, page by page in VA order; {@code done} runs
     * exactly once, always from the timeline, never inside this call.
     */
    public void pin(long va, long len, Consumer<PinResult> done) {
        pager.pinCalls++;
        String bad = null;
        if (va < 0 || len < 0 || va + len < va) {
            bad = "pin of VA range starting 0x%x with length %d in space %s: the range is invalid".formatted(va, len, name);
        } else if (len > 0 && firstUnmapped(va, len) >= 0) {
            bad = "VA range [0x%x, 0x%x) of space %s is not mapped (first unmapped page at VA 0x%x)"
                    .formatted(va, va + len, name, firstUnmapped(va, len));
        }
        if (bad != null) {
            PinResult r = PinResult.failed(bad);
            timeline.at(timeline.now(), () -> done.accept(r));
            return;
        }
        if (len == 0) {
            timeline.at(timeline.now(), () -> done.accept(PinResult.ok(List.of())));
            return;
        }
        new PinOp(va, len, done).step();
    }

    /** Releases one pin of every page in the range; all or nothing. */
    public void unpin(long va, long len) {
        checkRange("unpin", va, len);
        if (len == 0) {
            return;
        }
        requireMapped("unpin", va, len);
        long end = endVpn(va, len);
        for (long v = va / PAGE; v < end; v++) {
            Page p = page(v);
            if (p.pinCount <= 0) {
                throw new IllegalStateException("unpin of VA 0x%x in space %s: page is not pinned (range [0x%x, 0x%x))"
                        .formatted(p.va(), name, va, va + len));
            }
        }
        for (long v = va / PAGE; v < end; v++) {
            pager.unpin(page(v));
            pager.unpins++;
        }
    }

    /** Whether one of this space's pages is in swap slot {@code slot} (failure injection aimed at one process). */
    public boolean ownsSlot(long slot) {
        for (Page p : table.values()) {
            if (p.slot == slot) {
                return true;
            }
        }
        return false;
    }

    public int pinCount(long va) {
        Page p = pageOrNull(va / PAGE);
        return p == null ? 0 : p.pinCount;
    }

    public boolean isResident(long va) {
        Page p = pageOrNull(va / PAGE);
        return p != null && p.state == Page.State.RESIDENT;
    }

    /** The PA backing {@code va}, or -1 when the page is not resident (or not mapped). */
    public long pa(long va) {
        if (va < 0) {
            return -1;
        }
        Page p = pageOrNull(va / PAGE);
        return p == null || p.state != Page.State.RESIDENT ? -1 : pager.framePa(p.frame) + va % PAGE;
    }

    /** Physical runs of a resident range in VA order, adjacent frames merged. */
    public List<Extent> extents(long va, long len) {
        checkRange("extents", va, len);
        requireMapped("extents", va, len);
        List<Extent> out = new ArrayList<>();
        long done = 0;
        while (done < len) {
            long a = va + done;
            int off = (int) (a % PAGE);
            int n = (int) Math.min(PAGE - off, len - done);
            Page p = page(a / PAGE);
            if (p.state != Page.State.RESIDENT) {
                throw new IllegalStateException("extents of VA range [0x%x, 0x%x) in space %s: VA 0x%x is not resident (%s); pin the range first"
                        .formatted(va, va + len, name, p.va(), p.state));
            }
            long pa = pager.framePa(p.frame) + off;
            Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == pa && (long) last.len() + n <= Integer.MAX_VALUE) {
                out.set(out.size() - 1, new Extent(last.pa(), last.len() + n));
            } else {
                out.add(new Extent(pa, n));
            }
            done += n;
        }
        return out;
    }

    // ---- internals ----

    Page pageOrNull(long vpn) {
        return page(vpn);
    }

    /** The page at {@code vpn}, or null if it is not mapped. */
    private Page page(long vpn) {
        int i = (int) vpn & (CACHE - 1);
        Page p = cachePage[i];
        if (p != null && cacheVpn[i] == vpn) {
            return p;
        }
        p = table.get(vpn);
        if (p != null) {
            cachePage[i] = p;
            cacheVpn[i] = vpn;
        }
        return p;
    }

    Collection<Page> pages() {
        return table.values();
    }

    private static long endVpn(long va, long bytes) {
        return (va + bytes + PAGE - 1) / PAGE;
    }

    /** The first page of a mapped range that an access would have to give a frame, or null. */
    private Page firstNeedingFrame(long va, long len) {
        if (len == 0) {
            return null;
        }
        long end = endVpn(va, len);
        for (long v = va / PAGE; v < end; v++) {
            Page p = page(v);
            if (p.state == Page.State.UNTOUCHED || p.state == Page.State.SWAPPED) {
                return p;
            }
        }
        return null;
    }

    /** VA of the first unmapped page touching the range, or -1. */
    private long firstUnmapped(long va, long len) {
        long end = endVpn(va, len);
        for (long v = va / PAGE; v < end; v++) {
            if (page(v) == null) {
                return v * PAGE;
            }
        }
        return -1;
    }

    private void checkRange(String op, long va, long len) {
        if (va < 0 || len < 0 || va + len < va) {
            throw new IllegalArgumentException("%s of VA range starting 0x%x with length %d in space %s: the range is invalid"
                    .formatted(op, va, len, name));
        }
    }

    private void requireMapped(String op, long va, long len) {
        long bad = len == 0 ? -1 : firstUnmapped(va, len);
        if (bad >= 0) {
            throw new IllegalArgumentException("%s of VA range [0x%x, 0x%x) in space %s: VA 0x%x is not mapped"
                    .formatted(op, va, va + len, name, bad));
        }
    }

    /** One pin call in progress: walks the range in VA order, pinning each page as it becomes resident. */
    private final class PinOp implements Pager.PageInWaiter {
        private final long va;
        private final long len;
        private final long end;
        private long next;
        private final List<Page> pinned = new ArrayList<>();
        private final Consumer<PinResult> done;
        private boolean finished;

        PinOp(long va, long len, Consumer<PinResult> done) {
            this.va = va;
            this.len = len;
            this.end = endVpn(va, len);
            this.next = va / PAGE;
            this.done = done;
        }

        private String range() {
            return "[0x%x, 0x%x) of space %s".formatted(va, va + len, name);
        }

        void step() {
            while (next < end) {
                Page p = page(next);
                if (p == null) {
                    fail("pin of VA range %s failed: VA 0x%x was unmapped while the pin was in progress".formatted(range(), next * PAGE));
                    return;
                }
                switch (p.state) {
                    case RESIDENT -> pinHere(p);
                    case IN_TRANSIT -> {
                        pager.joinPageIn(p, this);
                        return;
                    }
                    case UNTOUCHED, SWAPPED -> {
                        int f = pager.tryObtainFrame();
                        if (f < 0) {
                            pager.awaitFrame(this::granted);
                            return;
                        }
                        if (!useFrame(p, f)) {
                            return;
                        }
                    }
                    case UNMAPPED -> throw new IllegalStateException("page table of space %s holds unmapped %s".formatted(name, p));
                }
            }
            finished = true;
            PinResult r = PinResult.ok(extents(va, len));
            timeline.at(timeline.now(), () -> done.accept(r));
        }

        private void pinHere(Page p) {
            pager.pin(p);
            pinned.add(p);
            next++;
        }

        /** Puts a just-obtained frame to use for {@code p}; false if the op now waits for a page-in. */
        private boolean useFrame(Page p, int f) {
            if (p.state == Page.State.UNTOUCHED) {
                pager.installZero(p, f);
                pinHere(p);
                return true;
            }
            pager.startPageIn(p, f, this);
            return false;
        }

        /** A frame arrived after waiting; the page may have changed meanwhile, so look again. */
        private void granted(int f) {
            Page p = page(next);
            if (p == null) {
                pager.releaseFrame(f);
                fail("pin of VA range %s failed: VA 0x%x was unmapped while the pin waited for a frame".formatted(range(), next * PAGE));
                return;
            }
            switch (p.state) {
                case UNTOUCHED, SWAPPED -> {
                    if (useFrame(p, f)) {
                        step();
                    }
                }
                case RESIDENT -> {
                    pager.releaseFrame(f);
                    pinHere(p);
                    step();
                }
                case IN_TRANSIT -> {
                    pager.releaseFrame(f);
                    pager.joinPageIn(p, this);
                }
                case UNMAPPED -> throw new IllegalStateException("page table of space %s holds unmapped %s".formatted(name, p));
            }
        }

        @Override
        public void arrived(Page p) {
            pinHere(p);
            // Continue from the timeline so every waiter of this page-in pins it before anyone can evict it.
            timeline.at(timeline.now(), this::step);
        }

        @Override
        public void failed(Page p, String message) {
            fail("pin of VA range %s failed: page-in of VA 0x%x from swap slot %d failed: %s"
                    .formatted(range(), p.va(), p.slot, message));
        }

        private void fail(String message) {
            if (finished) {
                return;
            }
            finished = true;
            for (Page p : pinned) {
                if (p.pinCount > 0 && p.state == Page.State.RESIDENT) {
                    pager.unpin(p);
                }
            }
            pinned.clear();
            PinResult r = PinResult.failed(message);
            timeline.at(timeline.now(), () -> done.accept(r));
        }
    }
}
