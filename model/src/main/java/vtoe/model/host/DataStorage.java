package vtoe.model.host;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The swap device's contents: slots of one page each. Timing lives in {@link StorageController};
 * this class is the instant, synchronous store behind it.
 *
 * <p>Slots are handed out from 0 up and freed ones reused lowest first, so they stay as few as the
 * most ever in use: arrays and bit sets indexed by slot. The map, set and sorted set of boxed slots
 * this replaced cost 5-6% of a payload-free run of the demo's thrashing world (every page-out
 * allocates and writes a slot, every page-in reads and frees one).
 */
public final class DataStorage {
    public static final int PAGE_SIZE = 4096;

    private static final byte[] NOT_MODELLED = new byte[0];
    private final long capacity;
    /** Per slot below {@link #next}: its page, null for one allocated but never written (reads as zeros) or free. */
    private byte[][] pages = new byte[64][];
    private final BitSet allocated = new BitSet();
    /** Freed slots, reused lowest first so that runs are reproducible. */
    private final BitSet freed = new BitSet();
    private long next;

    /** Unbounded swap. */
    public DataStorage() {
        this(Long.MAX_VALUE);
    }

    public DataStorage(long capacitySlots) {
        if (capacitySlots <= 0) {
            throw new IllegalArgumentException("swap capacity must be at least one slot, got " + capacitySlots);
        }
        this.capacity = capacitySlots;
    }

    public long allocate() {
        int slot = freed.nextSetBit(0);
        if (slot >= 0) {
            freed.clear(slot);
        } else if (next < capacity) {
            if (next == Integer.MAX_VALUE) {
                throw new IllegalStateException("swap has handed out " + next + " slots, the most this model indexes");
            }
            slot = (int) next++;
            if (slot == pages.length) {
                pages = Arrays.copyOf(pages, 2 * slot);
            }
        } else {
            throw new IllegalStateException("swap is full: all " + capacity + " slots are in use");
        }
        allocated.set(slot);
        return slot;
    }

    public void free(long slot) {
        requireAllocated(slot, "free");
        allocated.clear((int) slot);
        pages[(int) slot] = null;
        freed.set((int) slot);
    }

    public boolean isAllocated(long slot) {
        return slot >= 0 && slot < next && allocated.get((int) slot);
    }

    public int usedSlots() {
        return allocated.cardinality(); // for tests and reports: not on the paging path
    }

    public long capacity() {
        return capacity;
    }

    /** A copy of the slot's page. */
    public byte[] read(long slot) {
        requireAllocated(slot, "read");
        byte[] page = pages[(int) slot];
        if (page == NOT_MODELLED) {
            return null;
        }
        return page == null ? new byte[PAGE_SIZE] : page.clone();
    }

    /** Writes a page ({@code null}: a payload-free page, which holds no bytes and reads back as null). */
    public void write(long slot, byte[] page) {
        requireAllocated(slot, "write");
        if (page == null) {
            pages[(int) slot] = NOT_MODELLED;
            return;
        }
        if (page.length != PAGE_SIZE) {
            throw new IllegalArgumentException("write of swap slot %d: page must be %d bytes, got %d".formatted(slot, PAGE_SIZE, page.length));
        }
        pages[(int) slot] = page.clone();
    }

    private void requireAllocated(long slot, String op) {
        if (!isAllocated(slot)) {
            throw new IllegalArgumentException("%s of swap slot %d: the slot is not allocated (freed or never handed out)".formatted(op, slot));
        }
    }
}
