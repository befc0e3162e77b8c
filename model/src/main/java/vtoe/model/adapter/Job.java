package vtoe.model.adapter;

/** A cut segment on its way through the data path (RTL {@code vtoe.rtl.Job}). */
public record Job(int tag, int conn, int seq, int len, long va, long pa, int kind, int mode, boolean psh, boolean prepinned,
        boolean releaseBlock, long blockVa, int blockSize, boolean hasPrev, int prevTag, int epoch) {
    /** A retransmission: dropped by the framer once its connection's epoch has moved on. */
    public boolean retx() {
        return kind == Segmenter.RETX;
    }
}
