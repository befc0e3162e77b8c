package vtoe.model.host;

import vtoe.model.txn.Bytes;

/**
 * What the pager's frames and swap slots hold, and how it moves when a page is written, zeroed,
 * paged out or paged in. The pager's bookkeeping (frames, LRU, pins, slots, timing) is the same
 * whichever implementation holds the data.
 */
public interface FrameData {
    /** A fresh page of zeros at {@code pa}. */
    void zero(long pa);

    /** The page at {@code pa} on its way to swap: what the slot is to hold (null when pages hold no bytes). */
    byte[] save(long pa);

    /** A page back from swap into {@code pa}. */
    void restore(long pa, byte[] page);

    /** The application's write of real bytes. */
    void write(long pa, byte[] data);

    /** What {@code n} bytes at {@code pa} hold (real bytes, or content). */
    Bytes read(long pa, int n);

    /** Bytes at {@code pa} as an array (the full mode's application reads). */
    byte[] readArray(long pa, int n);

    /** The full mode: real bytes in physical memory and in swap slots. Exact, and costs a copy of every byte each way. */
    static FrameData of(PhysicalMemory mem) {
        return new FrameData() {
            private final byte[] zeros = new byte[Pager.PAGE_SIZE];

            @Override
            public void zero(long pa) {
                mem.write(pa, zeros);
            }

            @Override
            public byte[] save(long pa) {
                return mem.read(pa, Pager.PAGE_SIZE);
            }

            @Override
            public void restore(long pa, byte[] page) {
                mem.write(pa, page);
            }

            @Override
            public void write(long pa, byte[] data) {
                mem.write(pa, data);
            }

            @Override
            public Bytes read(long pa, int n) {
                return Bytes.wrap(mem.read(pa, n));
            }

            @Override
            public byte[] readArray(long pa, int n) {
                return mem.read(pa, n);
            }

            @Override
            public long size() {
                return mem.size();
            }
        };
    }

    /** PAs this data covers (the frame pool must lie below). */
    long size();
}
