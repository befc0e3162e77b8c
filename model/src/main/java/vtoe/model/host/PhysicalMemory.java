package vtoe.model.host;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The host's physical memory: PAs {@code [0, size)} over one direct buffer, which the co-simulation's
 * native DMA responder reads in place (no copy and no JNI call per beat). The buffer may come from
 * {@code vtoe.cosim.SparseMemory}, which maps it lazily so that untouched pages cost nothing and a
 * large, mostly empty PA space is cheap; {@link #allocate} is the pure-Java choice for small sizes.
 */
public final class PhysicalMemory {
    private final ByteBuffer mem;

    public PhysicalMemory(ByteBuffer backing) {
        if (!backing.isDirect()) {
            throw new IllegalArgumentException("physical memory must be a direct buffer (the DMA responder reads it in place)");
        }
        this.mem = backing.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static PhysicalMemory allocate(int bytes) {
        return new PhysicalMemory(ByteBuffer.allocateDirect(bytes));
    }

    /** The backing buffer (for the native responder). */
    public ByteBuffer buffer() {
        return mem;
    }

    public long size() {
        return mem.capacity();
    }

    public void write(long pa, byte[] data) {
        check(pa, data.length);
        mem.put((int) pa, data);
    }

    public byte[] read(long pa, int n) {
        check(pa, n);
        byte[] out = new byte[n];
        mem.get((int) pa, out);
        return out;
    }

    public void writeLong(long pa, long v) {
        check(pa, 8);
        mem.putLong((int) pa, v);
    }

    public long readLong(long pa) {
        check(pa, 8);
        return mem.getLong((int) pa);
    }

    private void check(long pa, int n) {
        if (pa < 0 || n < 0 || pa + n > mem.capacity()) {
            throw new IllegalArgumentException("PA range [0x%x, 0x%x) lies outside physical memory of %d bytes"
                    .formatted(pa, pa + n, mem.capacity()));
        }
    }
}
