package vtoe.model.payload;

import vtoe.model.host.PhysicalMemory;
import vtoe.model.txn.Bytes;

/**
 * Physical memory as the adapter's DMA reads it and the COPY_RETAIN copy writes it: real bytes in
 * the full mode ({@link #of}), content where payload lies in a payload-free run ({@link RangePayloadMemory}).
 */
public interface PayloadMemory {
    /** PAs {@code [0, size)} exist. */
    long size();

    /** What {@code n} bytes at {@code pa} hold. */
    Bytes read(long pa, int n);

    void write(long pa, Bytes data);

    /** The full mode: the host's physical memory, byte for byte. */
    static PayloadMemory of(PhysicalMemory mem) {
        return new PayloadMemory() {
            @Override
            public long size() {
                return mem.size();
            }

            @Override
            public Bytes read(long pa, int n) {
                return Bytes.wrap(mem.read(pa, n));
            }

            @Override
            public void write(long pa, Bytes data) {
                mem.write(pa, data.toArray());
            }
        };
    }
}
