package vtoe.model.adapter;

/** A retained entry: metadata of a descriptor block not yet fully acknowledged (RTL {@code RingEntry}). */
public final class RingEntry {
    public final long descVa;
    public final long va;
    public final long pa;
    public final int size;
    public final int seq;
    public boolean releaseIssued;

    public RingEntry(long descVa, long va, long pa, int size, int seq) {
        this.descVa = descVa;
        this.va = va;
        this.pa = pa;
        this.size = size;
        this.seq = seq;
    }

    public int end() {
        return seq + size;
    }

    @Override
    public String toString() {
        return "Entry[descVa=0x%x, seq=%d, size=%d]".formatted(descVa, Integer.toUnsignedLong(seq), Integer.toUnsignedLong(size));
    }
}
