package vtoe.model.adapter;

import vtoe.model.txn.Bytes;

/**
 * The adapter's staging buffer: one slot per tag, filled by PUSH answers and DMA read data at
 * segment offsets, read whole by the framer. Like the RTL's memory it is never cleared: what a slot
 * held before stays until it is overwritten.
 */
public interface StagingBuffer {
    /** Bytes {@code [from, from+n)} of {@code src} into the tag's slot at {@code at}. */
    void put(int tag, int at, Bytes src, int from, int n);

    /**
     * A whole answer of {@code beats}, {@code beatBytes} each, the first {@code len} bytes of them
     * into the tag's slot from offset 0: the same as {@link #put} per beat (this default).
     */
    default void putBeats(int tag, java.util.List<Bytes> beats, int beatBytes, long len) {
        for (int k = 0; k < beats.size(); k++) {
            put(tag, k * beatBytes, beats.get(k), 0, (int) Math.min(beatBytes, len - (long) k * beatBytes));
        }
    }

    /** The first {@code len} bytes of the tag's slot. */
    Bytes payload(int tag, int len);

    /** The full mode's staging: bytes, as the RTL holds them; a copy in and a copy out per segment. */
    static StagingBuffer bytes(int tags, int slotBytes) {
        byte[][] slots = new byte[tags][slotBytes];
        return new StagingBuffer() {
            @Override
            public void put(int tag, int at, Bytes src, int from, int n) {
                src.copyTo(from, slots[tag], at, n);
            }

            @Override
            public Bytes payload(int tag, int len) {
                return Bytes.wrap(java.util.Arrays.copyOf(slots[tag], len));
            }
        };
    }
}
