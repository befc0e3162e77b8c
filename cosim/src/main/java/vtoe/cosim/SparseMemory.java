package vtoe.cosim;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * Host memory for co-simulation: an anonymous, lazily committed mapping ({@code mmap} with
 * {@code MAP_NORESERVE}) returned as a direct buffer. Pages cost nothing until touched, so a large
 * physical address space with a few descriptors scattered over it is cheap, and the native DMA
 * responder reads it in place. The mapping is released when the buffer becomes unreachable.
 */
public final class SparseMemory {
    private static final Cleaner CLEANER = Cleaner.create();

    private SparseMemory() {}

    public static ByteBuffer allocate(long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("host memory must be 1 byte .. 2 GiB - 1, not " + bytes);
        }
        NativeLibrary.load();
        ByteBuffer b = NativeSim.mapMemory(bytes);
        long address = NativeSim.bufferAddress(b);
        CLEANER.register(b, () -> NativeSim.unmapMemory(address, bytes));
        return b;
    }
}
