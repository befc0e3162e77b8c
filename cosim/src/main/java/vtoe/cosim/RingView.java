package vtoe.cosim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * Java's side of one native ring in the shared buffer (layout in sim.h: 8 header words, then
 * entries). Indices only grow; no locking, since Java and native never run at the same time.
 */
final class RingView {
    private static final int HEAD = 0;
    private static final int TAIL = 1;
    private static final int MORE = 4;
    private static final int LOW_WATER = 5;
    private static final int HEADER_WORDS = 8;

    private final LongBuffer b; // the shared buffer in native-order 64-bit words
    private final int base; // word index of the header
    final int capacity;
    final int entryWords;

    RingView(ByteBuffer shared, int offset, int capacity, int entryWords) {
        if (offset % 8 != 0) {
            throw new IllegalArgumentException("ring at byte " + offset + " is not word-aligned");
        }
        this.b = shared.duplicate().order(ByteOrder.nativeOrder()).asLongBuffer();
        this.base = offset / 8;
        this.capacity = capacity;
        this.entryWords = entryWords;
    }

    private long hdr(int i) {
        return b.get(base + i);
    }

    private void hdr(int i, long v) {
        b.put(base + i, v);
    }

    int size() {
        return (int) (hdr(TAIL) - hdr(HEAD));
    }

    int free() {
        return capacity - size();
    }

    private int slotOffset(long index) {
        return base + HEADER_WORDS + (int) (index & (capacity - 1)) * entryWords;
    }

    /** Producer side (Java sources): one entry of entryWords words. */
    void push(long[] entry) {
        long tail = hdr(TAIL);
        if (tail - hdr(HEAD) >= capacity) {
            throw new IllegalStateException("ring full");
        }
        b.put(slotOffset(tail), entry, 0, entryWords);
        hdr(TAIL, tail + 1);
    }

    /** Consumer side (Java monitors): copies the oldest entry into {@code entry} and removes it. */
    void pop(long[] entry) {
        pop(entry, 0);
    }

    /** As {@link #pop(long[])}, into {@code dst} from index {@code at}. */
    void pop(long[] dst, int at) {
        long head = hdr(HEAD);
        b.get(slotOffset(head), dst, at, entryWords);
        hdr(HEAD, head + 1);
    }

    /** endCycle of the oldest entry (word 1 of an observed entry). */
    long peekWord(int word) {
        return b.get(slotOffset(hdr(HEAD)) + word);
    }

    void more(boolean more) {
        hdr(MORE, more ? 1 : 0);
    }

    void lowWater(int entries) {
        hdr(LOW_WATER, entries);
    }
}
