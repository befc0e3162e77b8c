package vtoe.model.host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The host's physical memory: PAs {@code [base, base + size)}, in one of two backings.
 *
 * <ul>
 *   <li><b>A direct buffer</b> ({@link #PhysicalMemory(ByteBuffer, long)}), which the co-simulation's native
 *       DMA responder reads in place (no copy and no JNI call per beat). The buffer may come from
 *       {@code vtoe.cosim.SparseMemory}, which maps it lazily so that untouched pages cost nothing; base 0
 *       unless a test puts memory across 4 GiB to exercise the upper address bits.</li>
 *   <li><b>Sparse Java memory</b> ({@link #allocate}), for the standalone TLM, which has no native responder:
 *       chunks of {@value #CHUNK} bytes made on the first write of something other than zeros, and read as
 *       zeros before. A direct buffer is zeroed in full when it is made, and the standalone world's is 32 MiB
 *       and more (the frame pool starts at 32 MiB) for a run that may touch a few hundred KiB: making it took
 *       about 55 ms of a lan PREPINNED run with payload (92 ms of thread time in all, 35 ms now), 3% of a
 *       payload-free one, and the Cleaners of the freed buffers loaded the JVM's reference handler besides;
 *       the goodput study with {@code --payload full} went from 9.1-10.2 s to 6.4-7.5 s. It has no
 *       {@link #buffer()}.</li>
 * </ul>
 */
public final class PhysicalMemory {
    /** Bytes per chunk of sparse memory: a page table's worth of small pages, so a run touches few. */
    static final int CHUNK = 1 << 16;
    private static final int CHUNK_BITS = Integer.numberOfTrailingZeros(CHUNK);
    /** The most sparse memory holds (1 TiB): its chunk table, a reference per chunk, is then 64 to 128 MiB. */
    public static final long MAX_SPARSE = 1L << 40;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer mem; // null for sparse memory
    private final byte[][] chunks; // null for a buffer
    private final long base;
    private final long size;

    public PhysicalMemory(ByteBuffer backing) {
        this(backing, 0);
    }

    /** Memory whose first byte is at PA {@code base} (page aligned). */
    public PhysicalMemory(ByteBuffer backing, long base) {
        if (!backing.isDirect()) {
            throw new IllegalArgumentException("physical memory must be a direct buffer (the DMA responder reads it in place)");
        }
        checkBase(base, backing.capacity());
        this.mem = backing.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.chunks = null;
        this.base = base;
        this.size = backing.capacity();
    }

    private PhysicalMemory(long base, long size) {
        checkBase(base, size);
        this.mem = null;
        this.chunks = new byte[(int) ((size + CHUNK - 1) >>> CHUNK_BITS)][];
        this.base = base;
        this.size = size;
    }

    private static void checkBase(long base, long size) {
        if (base < 0 || base % 4096 != 0 || base + size < base) {
            throw new IllegalArgumentException("physical memory base 0x%x must be page aligned and leave room for %d bytes"
                    .formatted(base, size));
        }
    }

    /** Sparse Java memory of {@code bytes} bytes from PA 0, all zeros (the standalone TLM's; no {@link #buffer()}). */
    public static PhysicalMemory allocate(int bytes) {
        return allocate(0, bytes);
    }

    /** Sparse Java memory of {@code bytes} bytes from PA {@code base} (page aligned), all zeros. */
    public static PhysicalMemory allocate(long base, long bytes) {
        if (bytes < 0 || bytes > MAX_SPARSE) {
            throw new IllegalArgumentException("physical memory of %d bytes: sparse Java memory holds 0 to %d (%d GiB)"
                    .formatted(bytes, MAX_SPARSE, MAX_SPARSE >> 30));
        }
        return new PhysicalMemory(base, bytes);
    }

    /** The backing buffer (for the native responder). */
    public ByteBuffer buffer() {
        if (mem == null) {
            throw new IllegalStateException("this physical memory is sparse Java memory (PhysicalMemory.allocate), which the native DMA "
                    + "responder cannot read: give the co-simulation new PhysicalMemory(vtoe.cosim.SparseMemory.allocate(bytes))");
        }
        return mem;
    }

    public long size() {
        return size;
    }

    /** The PA of the first byte. */
    public long base() {
        return base;
    }

    public void write(long pa, byte[] data) {
        long off = offset(pa, data.length);
        if (mem != null) {
            mem.put((int) off, data);
            return;
        }
        for (int done = 0; done < data.length;) {
            long at = off + done;
            int in = (int) (at & (CHUNK - 1));
            int n = Math.min(data.length - done, CHUNK - in);
            byte[] c = chunks[(int) (at >>> CHUNK_BITS)];
            if (c == null) {
                if (zeros(data, done, n)) {
                    done += n;
                    continue; // what it already reads as: a frame cleared before use stays unmade
                }
                c = chunks[(int) (at >>> CHUNK_BITS)] = new byte[CHUNK];
            }
            System.arraycopy(data, done, c, in, n);
            done += n;
        }
    }

    public byte[] read(long pa, int n) {
        long off = offset(pa, n);
        byte[] out = new byte[n];
        if (mem != null) {
            mem.get((int) off, out);
            return out;
        }
        for (int done = 0; done < n;) {
            long at = off + done;
            int in = (int) (at & (CHUNK - 1));
            int k = Math.min(n - done, CHUNK - in);
            byte[] c = chunks[(int) (at >>> CHUNK_BITS)];
            if (c != null) {
                System.arraycopy(c, in, out, done, k);
            }
            done += k;
        }
        return out;
    }

    public void writeLong(long pa, long v) {
        long off = offset(pa, 8);
        if (mem != null) {
            mem.putLong((int) off, v);
            return;
        }
        int in = (int) (off & (CHUNK - 1));
        if (in > CHUNK - 8) {
            byte[] b = new byte[8];
            LONG_LE.set(b, 0, v);
            write(pa, b);
            return;
        }
        byte[] c = chunks[(int) (off >>> CHUNK_BITS)];
        if (c == null) {
            if (v == 0) {
                return;
            }
            c = chunks[(int) (off >>> CHUNK_BITS)] = new byte[CHUNK];
        }
        LONG_LE.set(c, in, v);
    }

    public long readLong(long pa) {
        long off = offset(pa, 8);
        if (mem != null) {
            return mem.getLong((int) off);
        }
        int in = (int) (off & (CHUNK - 1));
        if (in > CHUNK - 8) {
            return (long) LONG_LE.get(read(pa, 8), 0);
        }
        byte[] c = chunks[(int) (off >>> CHUNK_BITS)];
        return c == null ? 0 : (long) LONG_LE.get(c, in);
    }

    /** Chunks of sparse memory made so far (for tests). */
    int chunksMade() {
        int n = 0;
        for (byte[] c : chunks) {
            n += c == null ? 0 : 1;
        }
        return n;
    }

    private static boolean zeros(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private long offset(long pa, int n) {
        long off = pa - base;
        if (pa < base || n < 0 || off + n > size) {
            throw new IllegalArgumentException("PA range [0x%x, 0x%x) lies outside physical memory [0x%x, 0x%x)"
                    .formatted(pa, pa + n, base, base + size));
        }
        return off;
    }
}
