package vtoe.model.adapter;

/**
 * The RTL's {@code vtoe.rtl.Segmenter}: which connection may cut a segment and what the segment is.
 * Never beyond the descriptor block, MSS, or the peer window (except a 1-byte probe into a closed
 * window, and a fast retransmission at sndUna), and never a sliver of a window ({@link #windowAllows}).
 */
public final class Segmenter {
    /** A segment as cut. */
    public record Cut(int seq, int len, int kind, boolean psh, boolean prepinned, boolean releaseBlock, long va, long pa) {}

    public static final int SEND = 0;
    public static final int RETX = 1;

    private Segmenter() {}

    public static long windowLeft(ConnState s) {
        long used = Integer.toUnsignedLong(s.sndNxt - s.sndUna);
        return s.peerWnd > used ? s.peerWnd - used : 0;
    }

    /**
     * Sender silly-window avoidance (RFC 9293 3.8.6.2.1): new data goes only when the window takes a
     * full segment (MSS, or all the data fetched if less) or nothing is in flight; the RTL's
     * {@code Segmenter.windowAllows}, which says why.
     */
    public static boolean windowAllows(ConnState s) {
        long left = windowLeft(s);
        long want = Math.min(Integer.toUnsignedLong(s.fetchedEnd - s.sndNxt), s.mss);
        return left != 0 && (left >= want || s.sndNxt == s.sndUna);
    }

    public static boolean eligible(ConnState s) {
        return s.active() && !s.retirePending
                && (s.fastRetx || (s.sndNxt != s.fetchedEnd && (s.probe || windowAllows(s))));
    }

    /** The segment {@code s} would cut from {@code e} (ring[head] on a fast retransmission, else ring[cursor]). */
    public static Cut cut(ConnState s, RingEntry e) {
        int seq = s.fastRetx ? s.sndUna : s.sndNxt;
        long blockRem = Integer.toUnsignedLong(e.end() - seq);
        long byMss = Math.min(blockRem, s.mss);
        long byWnd = Math.min(windowLeft(s), byMss);
        long raw = s.fastRetx ? byMss : s.probe ? 1 : byWnd;
        boolean isRetx = Integer.compareUnsigned(seq - s.sndUna, s.sndMax - s.sndUna) < 0;
        long toMax = Integer.toUnsignedLong(s.sndMax - seq);
        int len = (int) (isRetx && raw > toMax ? toMax : raw);
        int kind = isRetx ? RETX : SEND;
        boolean psh = seq + len == e.end();
        boolean prepinned = s.mode == CsrMap.MODE_PREPINNED && kind == SEND;
        long off = Integer.toUnsignedLong(seq - e.seq);
        return new Cut(seq, len, kind, psh, prepinned, prepinned && psh, e.va + off, e.pa + off);
    }

    /** Applies a cut to the state (tag bookkeeping and the timer are the unit's). */
    public static void apply(ConnState s, Cut c, int ringMask) {
        int nxt = s.fastRetx ? s.sndNxt : c.seq() + c.len();
        boolean beyondMax = Integer.compareUnsigned(nxt - s.sndUna, s.sndMax - s.sndUna) > 0;
        s.sndMax = beyondMax ? nxt : s.sndMax;
        if (!s.fastRetx && c.psh()) {
            s.cursor = (s.cursor + 1) & ringMask;
        }
        if (beyondMax) {
            s.maxCursor = s.cursor;
        }
        s.fastPending |= s.fastRetx;
        s.sndNxt = nxt;
        s.fastRetx = false;
        s.probe = false;
    }
}
