package vtoe.model.check;

import java.util.Arrays;
import vtoe.model.txn.Bytes;

/**
 * The bytes of one connection's stream as the sender first sent them, by unwrapped sequence number,
 * so a later copy of the same range can be compared with them (a retransmission must carry the same
 * data: RFC 9293 3.4 numbers every octet once, and the receiver keeps whichever copy arrives first).
 *
 * <p>One piece per first transmission, never merged: a piece is what one segment added, and pieces do
 * not overlap. Pieces wholly below what the checker knows is acknowledged are dropped, so the store
 * holds about one window.
 *
 * <p>The pieces lie in arrays sorted by sequence number, written out rather than a {@code TreeMap}:
 * a stream's new data is appended and its acknowledged data leaves from the front, which the arrays
 * do without a node or a boxed key per segment (the map's inserts were a sixtieth of a payload-free
 * run); a piece in a gap, from a sender that skipped a range and came back, is inserted in place.
 */
final class SentBytes {
    private long[] start = new long[64];
    private int[] len = new int[64];
    private Bytes[] data = new Bytes[64];
    private int lo; // the live pieces are [lo, hi)
    private int hi;
    // No piece ends past it: new data (most of a run's segments) is recognised without a search.
    private long highest = Long.MIN_VALUE;

    /**
     * The first sequence number in {@code [seq, seq + data.length())} whose byte differs from the one
     * sent before, or -1 if every byte that was sent before is the same (bytes never sent before are
     * not compared).
     */
    long firstDifference(long seq, Bytes d) {
        if (seq >= highest) {
            return -1;
        }
        long end = seq + d.length();
        int i = floor(seq);
        if (i < lo || start[i] + len[i] <= seq) {
            i++; // the first piece that starts after seq
        }
        for (; i < hi && start[i] < end; i++) {
            long a = Math.max(seq, start[i]);
            long b = Math.min(end, start[i] + len[i]);
            if (a < b) {
                int k = data[i].mismatch((int) (a - start[i]), d, (int) (a - seq), (int) (b - a));
                if (k >= 0) {
                    return a + k;
                }
            }
        }
        return -1;
    }

    /** The byte first sent at {@code seq} for messages (its value, or which stream byte it was), or "nothing". */
    String byteAt(long seq) {
        int i = floor(seq);
        if (i < lo || start[i] + len[i] <= seq) {
            return "nothing";
        }
        return data[i].describeAt((int) (seq - start[i]));
    }

    /** Records the parts of {@code [seq, seq + d.length())} not sent before. */
    void record(long seq, Bytes d) {
        long end = seq + d.length();
        if (seq >= highest) {
            if (end > seq) {
                insert(hi, seq, d.slice(0, d.length()));
                highest = end;
            }
            return;
        }
        highest = Math.max(highest, end);
        long at = seq;
        int i = floor(seq);
        if (i >= lo) {
            at = Math.max(at, start[i] + len[i]);
        }
        int j = i + 1; // the first piece that starts after seq, so at or after at
        while (at < end) {
            long gapEnd = j < hi ? Math.min(end, start[j]) : end;
            if (gapEnd > at) {
                j = insert(j, at, d.slice((int) (at - seq), (int) (gapEnd - seq))) + 1;
            }
            if (j >= hi || start[j] >= end) {
                break;
            }
            at = start[j] + len[j];
            j++;
        }
    }

    /** Forgets the pieces that lie wholly below {@code seq}. */
    void forgetBelow(long seq) {
        while (lo < hi && start[lo] + len[lo] <= seq) {
            data[lo++] = null;
        }
    }

    int pieces() {
        return hi - lo;
    }

    /** The index of the last piece starting at or before {@code seq}, lo - 1 if none (starts are distinct). */
    private int floor(long seq) {
        int k = Arrays.binarySearch(start, lo, hi, seq);
        return k >= 0 ? k : -k - 2;
    }

    /**
     * Puts a piece at index {@code at} (lo <= at <= hi), the pieces from there on moving up by one;
     * returns where it went (the arrays may have been compacted).
     */
    private int insert(int at, long s, Bytes d) {
        if (hi == start.length) {
            int n = hi - lo;
            int shift = lo;
            if (n * 2 > start.length) {
                start = Arrays.copyOf(start, start.length * 2);
                len = Arrays.copyOf(len, len.length * 2);
                data = Arrays.copyOf(data, data.length * 2);
            }
            // Move the live pieces down to index 0 (the front has left as the stream was acknowledged).
            System.arraycopy(start, lo, start, 0, n);
            System.arraycopy(len, lo, len, 0, n);
            System.arraycopy(data, lo, data, 0, n);
            Arrays.fill(data, n, hi, null);
            lo = 0;
            hi = n;
            at -= shift;
        }
        System.arraycopy(start, at, start, at + 1, hi - at);
        System.arraycopy(len, at, len, at + 1, hi - at);
        System.arraycopy(data, at, data, at + 1, hi - at);
        start[at] = s;
        len[at] = d.length();
        data[at] = d;
        hi++;
        return at;
    }
}
