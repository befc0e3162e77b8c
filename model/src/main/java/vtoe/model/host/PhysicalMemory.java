package vtoe.model.host;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The host's physical memory: PAs {@code [base, base + size)} over one direct buffer (base 0 unless a test
 * puts memory across 4 GiB to exercise the upper address bits), which the co-simulation's
 * native DMA responder reads in place (no copy and no JNI call per beat). The buffer may come from
 * {@code vtoe.cosim.SparseMemory}, which maps it lazily so that untouched pages cost nothing and a
 * large, mostly empty PA space is cheap; {@link #allocate} is the pure-Java choice for small sizes.
 */
public final class PhysicalMemory {
    private final ByteBuffer mem;
    private final long base;

    public PhysicalMemory(ByteBuffer backing) {
        this(backing, 0);
    }

    /** Memory whose first byte is at PA {@code base} (page aligned). */
    public PhysicalMemory(ByteBuffer backing, long base) {
        if (!backing.isDirect()) {
            throw new IllegalArgumentException("physical memory must be a direct buffer (the DMA responder reads it in place)");
        }
        if (base < 0 || base % 4096 != 0 || base + backing.capacity() < base) {
            throw new IllegalArgumentException("physical memory base 0x%x must be page aligned and leave room for %d bytes"
                    .formatted(base, backing.capacity()));
        }
        this.mem = backing.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.base = base;
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

    /** The PA of the first byte. */
    public long base() {
        return base;
    }

    public void write(long pa, byte[] data) {
        mem.put(index(pa, data.length), data);
    }

    public byte[] read(long pa, int n) {
        byte[] out = new byte[n];
        mem.get(index(pa, n), out);
        return out;
    }

    public void writeLong(long pa, long v) {
        mem.putLong(index(pa, 8), v);
    }

    public long readLong(long pa) {
        return mem.getLong(index(pa, 8));
    }

    private int index(long pa, int n) {
        long off = pa - base;
        if (pa < base || n < 0 || off + n > mem.capacity()) {
            throw new IllegalArgumentException("PA range [0x%x, 0x%x) lies outside physical memory [0x%x, 0x%x)"
                    .formatted(pa, pa + n, base, base + mem.capacity()));
        }
        return (int) off;
    }
}
