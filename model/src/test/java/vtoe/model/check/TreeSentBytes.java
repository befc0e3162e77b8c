package vtoe.model.check;

import java.util.Map;
import java.util.TreeMap;
import vtoe.model.txn.Bytes;

/**
 * SentBytes as it was over a {@code TreeMap} (before 2026-12-03), the reference SentBytesTest holds the
 * array form to. The bytes of one connection's stream as the sender first sent them, by unwrapped sequence number,
 * so a later copy of the same range can be compared with them (a retransmission must carry the same
 * data: RFC 9293 3.4 numbers every octet once, and the receiver keeps whichever copy arrives first).
 *
 * <p>One piece per first transmission, never merged: a piece is what one segment added, and pieces do
 * not overlap. Pieces wholly below what the checker knows is acknowledged are dropped, so the store
 * holds about one window.
 */
final class TreeSentBytes {
    private final TreeMap<Long, Bytes> pieces = new TreeMap<>();

    /**
     * The first sequence number in {@code [seq, seq + data.length())} whose byte differs from the one
     * sent before, or -1 if every byte that was sent before is the same (bytes never sent before are
     * not compared).
     */
    long firstDifference(long seq, Bytes data) {
        long end = seq + data.length();
        Map.Entry<Long, Bytes> e = pieces.floorEntry(seq);
        Long from = e != null && e.getKey() + e.getValue().length() > seq ? e.getKey() : pieces.ceilingKey(seq);
        if (from == null || from >= end) {
            return -1; // (the form before threw here on a segment lying wholly in a gap below a later one)
        }
        for (Map.Entry<Long, Bytes> p : pieces.subMap(from, true, end, false).entrySet()) {
            long lo = Math.max(seq, p.getKey());
            long hi = Math.min(end, p.getKey() + p.getValue().length());
            if (lo < hi) {
                int k = p.getValue().mismatch((int) (lo - p.getKey()), data, (int) (lo - seq), (int) (hi - lo));
                if (k >= 0) {
                    return lo + k;
                }
            }
        }
        return -1;
    }

    /** The byte first sent at {@code seq} for messages (its value, or which stream byte it was), or "nothing". */
    String byteAt(long seq) {
        Map.Entry<Long, Bytes> e = pieces.floorEntry(seq);
        if (e == null || e.getKey() + e.getValue().length() <= seq) {
            return "nothing";
        }
        return e.getValue().describeAt((int) (seq - e.getKey()));
    }

    /** Records the parts of {@code [seq, seq + data.length())} not sent before. */
    void record(long seq, Bytes data) {
        long end = seq + data.length();
        long at = seq;
        Map.Entry<Long, Bytes> before = pieces.floorEntry(seq);
        if (before != null) {
            at = Math.max(at, before.getKey() + before.getValue().length());
        }
        while (at < end) {
            Long next = pieces.ceilingKey(at);
            long gapEnd = next == null ? end : Math.min(end, next);
            if (gapEnd > at) {
                pieces.put(at, data.slice((int) (at - seq), (int) (gapEnd - seq)));
            }
            if (next == null || next >= end) {
                break;
            }
            Bytes n = pieces.get(next);
            at = next + n.length();
        }
    }

    /** Forgets the pieces that lie wholly below {@code seq}. */
    void forgetBelow(long seq) {
        while (!pieces.isEmpty()) {
            Map.Entry<Long, Bytes> first = pieces.firstEntry();
            if (first.getKey() + first.getValue().length() > seq) {
                return;
            }
            pieces.pollFirstEntry();
        }
    }

    int pieces() {
        return pieces.size();
    }
}
