package vtoe.model.host;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The swap device's contents: slots of one page each. Timing lives in {@link StorageController};
 * this class is the instant, synchronous store behind it.
 */
public final class DataStorage {
    public static final int PAGE_SIZE = 4096;

    private static final byte[] NOT_MODELLED = new byte[0];
    private final long capacity;
    /** Allocated slots; a slot allocated but never written reads as zeros. */
    private final Map<Long, byte[]> slots = new HashMap<>();
    private final Set<Long> allocated = new HashSet<>();
    /** Freed slots are reused lowest first so that runs are reproducible. */
    private final TreeSet<Long> freed = new TreeSet<>();
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
        long slot;
        if (!freed.isEmpty()) {
            slot = freed.pollFirst();
        } else if (next < capacity) {
            slot = next++;
        } else {
            throw new IllegalStateException("swap is full: all " + capacity + " slots are in use");
        }
        allocated.add(slot);
        return slot;
    }

    public void free(long slot) {
        requireAllocated(slot, "free");
        allocated.remove(slot);
        slots.remove(slot);
        freed.add(slot);
    }

    public boolean isAllocated(long slot) {
        return allocated.contains(slot);
    }

    public int usedSlots() {
        return allocated.size();
    }

    public long capacity() {
        return capacity;
    }

    /** A copy of the slot's page. */
    public byte[] read(long slot) {
        requireAllocated(slot, "read");
        byte[] page = slots.get(slot);
        if (page == NOT_MODELLED) {
            return null;
        }
        return page == null ? new byte[PAGE_SIZE] : page.clone();
    }

    /** Writes a page ({@code null}: a payload-free page, which holds no bytes and reads back as null). */
    public void write(long slot, byte[] page) {
        requireAllocated(slot, "write");
        if (page == null) {
            slots.put(slot, NOT_MODELLED);
            return;
        }
        if (page.length != PAGE_SIZE) {
            throw new IllegalArgumentException("write of swap slot %d: page must be %d bytes, got %d".formatted(slot, PAGE_SIZE, page.length));
        }
        slots.put(slot, page.clone());
    }

    private void requireAllocated(long slot, String op) {
        if (!allocated.contains(slot)) {
            throw new IllegalArgumentException("%s of swap slot %d: the slot is not allocated (freed or never handed out)".formatted(op, slot));
        }
    }
}
