package vtoe.model.adapter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import vtoe.model.txn.Bytes;

/**
 * A descriptor as it lies in host memory (design brief section 3): 32 bytes, little-endian,
 * {va u64, next u64, size u32, seq u32, pa u64}.
 */
public record Descriptor(long va, long next, int size, int seq, long pa) {
    public static final int BYTES = 32;

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(va).putLong(next).putInt(size).putInt(seq).putLong(pa);
        return b.array();
    }

    public static Descriptor decode(Bytes raw, int offset) {
        ByteBuffer b = raw.buffer();
        b.position(offset);
        return new Descriptor(b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getLong());
    }

    public Descriptor withNext(long n) {
        return new Descriptor(va, n, size, seq, pa);
    }

    @Override
    public String toString() {
        return "Descriptor[va=0x%x, next=0x%x, size=%d, seq=%d, pa=0x%x]"
                .formatted(va, next, Integer.toUnsignedLong(size), Integer.toUnsignedLong(seq), pa);
    }
}
