package vtoe.model.host;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** The second memory: swap slots of one page each. Timing is the {@link StorageController}'s business. */
public final class DataStorage {
    public static final int PAGE = 4096;
    private final Map<Long, byte[]> slots = new HashMap<>();
    private final Deque<Long> freeSlots = new ArrayDeque<>();
    private long nextSlot;

    public long allocate() {
        Long s = freeSlots.pollFirst();
        long slot = s != null ? s : nextSlot++;
        slots.put(slot, new byte[PAGE]);
        return slot;
    }

    public void free(long slot) {
        if (slots.remove(slot) == null) {
            throw new IllegalStateException("swap slot " + slot + " is not allocated");
        }
        freeSlots.addLast(slot);
    }

    public void write(long slot, byte[] page) {
        if (page.length != PAGE) {
            throw new IllegalArgumentException("a swap slot holds " + PAGE + " bytes, not " + page.length);
        }
        System.arraycopy(page, 0, slot(slot), 0, PAGE);
    }

    public byte[] read(long slot) {
        return slot(slot).clone();
    }

    private byte[] slot(long slot) {
        byte[] b = slots.get(slot);
        if (b == null) {
            throw new IllegalStateException("swap slot " + slot + " is not allocated");
        }
        return b;
    }

    /** Slots in use. */
    public int used() {
        return slots.size();
    }
}
