package vtoe.model.adapter;

import java.util.ArrayList;
import java.util.List;
import vtoe.model.payload.Content;
import vtoe.model.payload.Span;
import vtoe.model.txn.Bytes;

/**
 * The payload-free staging buffer: per slot, which content lies at which offset, a later put
 * replacing what it covers (as bytes would be overwritten), and bytes never put reading as
 * {@link Span#ZEROS}. So a segment assembled from the wrong reads, with a gap, or with a stale
 * piece of the slot's previous segment, carries that into its frame, where the receiver names it.
 * Costs a few small list entries per segment (the pieces of a segment that continue each other are
 * merged into one) instead of a copy of every byte.
 */
public final class RangeStaging implements StagingBuffer {
    /** A piece of a slot: {@code data} at offset {@code at}. */
    private record Piece(int at, Bytes data) {
        int end() {
            return at + data.length();
        }
    }

    private final List<List<Piece>> slots = new ArrayList<>();
    // Per slot, content written from offset 0 on, over the pieces (which hold what lies beyond it): a segment's
    // reads arrive in order from its start, so each extends this prefix by a concatenation, where replacing the
    // previous segment's pieces one read at a time was a tenth of a payload-free run. Null: no prefix.
    private final Content[] prefix;
    // Per slot, bytes that continue the prefix's one span and their flipped weight, not yet folded into it: a
    // burst that continues the segment only counts here, where a new Content per burst was a tenth of the run's
    // allocations. Read the prefix through prefix(tag), which folds them in.
    private final int[] more;
    private final long[] moreFlips;

    public RangeStaging(int tags) {
        for (int t = 0; t < tags; t++) {
            slots.add(new ArrayList<>(4));
        }
        prefix = new Content[tags];
        more = new int[tags];
        moreFlips = new long[tags];
    }

    @Override
    public void put(int tag, int at, Bytes src, int from, int n) {
        if (n <= 0) {
            return;
        }
        Content p = prefix[tag];
        if (p != null && at == p.length() + more[tag] && !src.materialised()) {
            int f = from - src.contentAt();
            Content c = src.content();
            if (f >= 0 && f + n <= c.length()) {
                // The common case, without a slice of src: a read that continues the segment, in order.
                if (p.continuedBy(more[tag], c, f, f + n)) {
                    more[tag] += n;
                    moreFlips[tag] += c.flips();
                } else {
                    prefix[tag] = prefix(tag).appendRange(c, f, f + n);
                }
                return;
            }
        }
        Bytes piece = from == 0 && n == src.length() ? src : src.slice(from, from + n);
        flush(tag);
        if (at == 0 && contentOnly(piece)) {
            prefix[tag] = piece.content();
            return;
        }
        putPiece(slots.get(tag), at, piece);
    }

    /** Folds the slot's prefix into its pieces. */
    private void flush(int tag) {
        Content p = prefix(tag);
        if (p != null) {
            prefix[tag] = null;
            putPiece(slots.get(tag), 0, Bytes.of(p));
        }
    }

    /** Puts {@code piece} at {@code at} over the pieces {@code m} (sorted by offset, not overlapping; a handful). */
    private static void putPiece(List<Piece> m, int at, Bytes piece) {
        int n = piece.length();
        int end = at + n;
        Piece last = m.isEmpty() ? null : m.get(m.size() - 1);
        if (last != null && last.end() == at && contentOnly(last.data()) && contentOnly(piece)) {
            // The next piece of a segment, right after the last: one entry, so a slot holds a segment or two.
            m.set(m.size() - 1, new Piece(last.at(), Bytes.of(last.data().content().concat(piece.content()))));
            return;
        }
        if (last == null || last.end() <= at) {
            m.add(new Piece(at, piece)); // past everything the slot holds
            return;
        }
        if (at <= m.get(0).at() && end >= last.end()) {
            // Over everything the slot holds (a prefix folded in as each new segment starts): what the walk below leaves.
            m.clear();
            m.add(new Piece(at, piece));
            return;
        }
        // Replace, in place, the pieces [i, j) the put overlaps.
        int i = 0;
        while (m.get(i).end() <= at) {
            i++;
        }
        int j = i;
        while (j < m.size() && m.get(j).at() < end) {
            j++;
        }
        Piece first = m.get(i);
        Piece left = first.at() < at ? new Piece(first.at(), first.data().slice(0, at - first.at())) : null;
        Piece lastHit = j > i ? m.get(j - 1) : null;
        Piece right = lastHit != null && lastHit.end() > end
                ? new Piece(end, lastHit.data().slice(end - lastHit.at(), lastHit.data().length())) : null;
        for (int x = i; x < j; x++) {
            m.remove(i);
        }
        int k = i;
        if (left != null) {
            m.add(k++, left);
        }
        Piece before = k > 0 ? m.get(k - 1) : null;
        if (before != null && before.end() == at && contentOnly(before.data()) && contentOnly(piece)) {
            m.set(k - 1, new Piece(before.at(), Bytes.of(before.data().content().concat(piece.content()))));
        } else {
            m.add(k++, new Piece(at, piece));
        }
        if (right != null) {
            m.add(k, right);
        }
    }

    /** A PUSH answer whose beats continue one stream span is put as that one span, not beat by beat. */
    @Override
    public void putBeats(int tag, List<Bytes> beats, int beatBytes, long len) {
        Span first = beats.isEmpty() || !contentOnly(beats.get(0)) ? null : beats.get(0).content().spans().get(0);
        for (int k = 0; first != null && k < beats.size(); k++) {
            Bytes b = beats.get(k);
            int n = (int) Math.min(beatBytes, len - (long) k * beatBytes);
            Content c = b.materialised() ? null : b.content();
            Span s = c == null || b.contentAt() != 0 || c.length() < n ? null : c.spans().get(0);
            if (s == null || s.stream() != first.stream() || s.offset() != first.offset() + (long) k * beatBytes || s.length() < n) {
                first = null;
            }
        }
        if (first == null) {
            StagingBuffer.super.putBeats(tag, beats, beatBytes, len);
            return;
        }
        put(tag, 0, Bytes.of(Content.of(first.stream(), first.offset(), (int) len)), 0, (int) len);
    }

    @Override
    public Bytes payload(int tag, int len) {
        if (len == 0) {
            return Bytes.of();
        }
        Content p = prefix(tag);
        if (p != null && p.length() >= len) {
            return Bytes.of(p.slice(0, len)); // the segment's reads, in order from its start
        }
        flush(tag);
        List<Piece> m = slots.get(tag);
        if (!m.isEmpty() && m.get(0).at() == 0 && m.get(0).data().length() >= len && contentOnly(m.get(0).data())) {
            return m.get(0).data().slice(0, len); // one piece holds the segment
        }
        Content c = null;
        int at = 0;
        for (Piece e : m) {
            if (e.at() >= len) {
                break;
            }
            if (e.at() > at) {
                c = join(c, Content.of(Span.ZEROS, at, e.at() - at));
                at = e.at();
            }
            Bytes piece = e.data().slice(0, Math.min(e.data().length(), len - at));
            if (!contentOnly(piece)) {
                throw new IllegalStateException("payload-free staging of tag " + tag + " got real bytes at " + at + ": " + piece);
            }
            c = join(c, piece.content());
            at += piece.length();
        }
        if (at < len) {
            c = join(c, Content.of(Span.ZEROS, at, len - at));
        }
        return Bytes.of(c);
    }

    /** The slot's prefix with the bytes that continue it folded in (null: none). */
    private Content prefix(int tag) {
        if (more[tag] != 0) {
            prefix[tag] = prefix[tag].lengthened(more[tag], moreFlips[tag]);
            more[tag] = 0;
            moreFlips[tag] = 0;
        }
        return prefix[tag];
    }

    private static boolean contentOnly(Bytes b) {
        return !b.materialised() && b.content().length() == b.length();
    }

    private static Content join(Content a, Content b) {
        return a == null ? b : a.concat(b);
    }
}
