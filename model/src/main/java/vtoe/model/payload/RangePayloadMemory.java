package vtoe.model.payload;

import java.util.Map;
import java.util.TreeMap;
import vtoe.model.host.FrameData;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.txn.Bytes;

/**
 * Physical memory in a payload-free run: the driver's kernel memory below the frame pool holds
 * real bytes (descriptors are not payload, and the adapter parses them), the pool's frames hold
 * what their pages hold ({@link vtoe.model.host.RangeFrameData}), and memory above (the adapter's own,
 * the COPY_RETAIN copy) holds the content written there, by range: a later write replaces what it
 * covers, as it would bytes, and memory never written reads as {@link Span#ZEROS}.
 */
public final class RangePayloadMemory implements PayloadMemory {
    private final PhysicalMemory kernel;
    private final long poolBase;
    private final long poolEnd;
    private final FrameData frames;
    private final long size;
    private final TreeMap<Long, Bytes> above = new TreeMap<>();

    /**
     * @param kernel the real bytes of PAs from 0 (as far as the driver's descriptor regions reach; zeros above, up to {@code poolBase})
     * @param size   PAs that exist in all
     */
    public RangePayloadMemory(PhysicalMemory kernel, long poolBase, long poolEnd, FrameData frames, long size) {
        if (kernel.size() > poolBase) {
            throw new IllegalArgumentException("kernel memory must end at the frame pool, 0x" + Long.toHexString(poolBase));
        }
        this.kernel = kernel;
        this.poolBase = poolBase;
        this.poolEnd = poolEnd;
        this.frames = frames;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Bytes read(long pa, int n) {
        if (pa + n <= kernel.size()) {
            return Bytes.wrap(kernel.read(pa, n));
        }
        if (pa >= kernel.size() && pa + n <= poolBase) {
            return Bytes.wrap(new byte[n]); // kernel memory the driver never used: zeros, and not payload
        }
        if (pa >= poolBase && pa + n <= poolEnd) {
            return frames.read(pa, n);
        }
        if (pa >= poolEnd && pa + n <= size) {
            return readAbove(pa, n);
        }
        throw new IllegalArgumentException("a read of [0x%x, 0x%x) crosses the kernel, pool and adapter memories of a payload-free run"
                .formatted(pa, pa + n));
    }

    private Bytes readAbove(long pa, int n) {
        Bytes out = null;
        long at = pa;
        long end = pa + n;
        Map.Entry<Long, Bytes> e = above.floorEntry(pa);
        if (e == null || e.getKey() + e.getValue().length() <= pa) {
            e = above.ceilingEntry(pa);
        }
        while (at < end) {
            Bytes piece;
            if (e == null || e.getKey() >= end) {
                piece = Bytes.of(Content.of(Span.ZEROS, at, (int) (end - at)));
            } else if (e.getKey() > at) {
                piece = Bytes.of(Content.of(Span.ZEROS, at, (int) (e.getKey() - at)));
            } else {
                long to = Math.min(end, e.getKey() + e.getValue().length());
                piece = e.getValue().slice((int) (at - e.getKey()), (int) (to - e.getKey()));
                e = above.higherEntry(e.getKey());
            }
            at += piece.length();
            out = out == null ? piece : Bytes.concat(out, piece);
        }
        return out;
    }

    @Override
    public void write(long pa, Bytes data) {
        if (pa < poolEnd || pa + data.length() > size) {
            throw new IllegalArgumentException("a payload-free run writes content only above the frame pool, not at [0x%x, 0x%x)"
                    .formatted(pa, pa + data.length()));
        }
        long end = pa + data.length();
        Map.Entry<Long, Bytes> before = above.lowerEntry(pa);
        if (before != null && before.getKey() + before.getValue().length() > pa) {
            Bytes b = before.getValue();
            above.put(before.getKey(), b.slice(0, (int) (pa - before.getKey())));
            if (before.getKey() + b.length() > end) {
                above.put(end, b.slice((int) (end - before.getKey()), b.length()));
            }
        }
        while (true) {
            Map.Entry<Long, Bytes> in = above.ceilingEntry(pa);
            if (in == null || in.getKey() >= end) {
                break;
            }
            above.remove(in.getKey());
            if (in.getKey() + in.getValue().length() > end) {
                above.put(end, in.getValue().slice((int) (end - in.getKey()), in.getValue().length()));
            }
        }
        above.put(pa, data);
    }
}
