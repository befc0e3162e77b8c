package vtoe.cosim;

import java.nio.ByteBuffer;

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

    private final ByteBuffer b;
    private final int base;
    final int capacity;
    final int entryWords;

    RingView(ByteBuffer shared, int offset, int capacity, int entryWords) {
        this.b = shared;
        this.base = offset;
        this.capacity = capacity;
        this.entryWords = entryWords;
    }

    private long hdr(int i) {
        return b.getLong(base + 8 * i);
    }

    private void hdr(int i, long v) {
        b.putLong(base + 8 * i, v);
    }

    int size() {
        return (int) (hdr(TAIL) - hdr(HEAD));
    }

    int free() {
        return capacity - size();
    }

    private int slotOffset(long index) {
        return base + 8 * (HEADER_WORDS + (int) (index & (capacity - 1)) * entryWords);
    }

    /** Producer side (Java sources): one entry of entryWords words. */
    void push(long[] entry) {
        long tail = hdr(TAIL);
        if (tail - hdr(HEAD) >= capacity) {
            throw new IllegalStateException("ring full");
        }
        int at = slotOffset(tail);
        for (int i = 0; i < entryWords; i++) {
            b.putLong(at + 8 * i, entry[i]);
        }
        hdr(TAIL, tail + 1);
    }

    /** Consumer side (Java monitors): copies the oldest entry into {@code entry} and removes it. */
    void pop(long[] entry) {
        long head = hdr(HEAD);
        int at = slotOffset(head);
        for (int i = 0; i < entryWords; i++) {
            entry[i] = b.getLong(at + 8 * i);
        }
        hdr(HEAD, head + 1);
    }

    /** endCycle of the oldest entry (word 1 of an observed entry). */
    long peekWord(int word) {
        return b.getLong(slotOffset(hdr(HEAD)) + 8 * word);
    }

    void more(boolean more) {
        hdr(MORE, more ? 1 : 0);
    }

    void lowWater(int entries) {
        hdr(LOW_WATER, entries);
    }
}
