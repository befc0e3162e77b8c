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

    public RangeStaging(int tags) {
        for (int t = 0; t < tags; t++) {
            slots.add(new ArrayList<>(4));
        }
    }

    @Override
    public void put(int tag, int at, Bytes src, int from, int n) {
        if (n <= 0) {
            return;
        }
        List<Piece> m = slots.get(tag); // sorted by offset, not overlapping; a handful of entries
        int end = at + n;
        Bytes piece = from == 0 && n == src.length() ? src : src.slice(from, from + n);
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
        List<Piece> out = new ArrayList<>(m.size() + 2);
        boolean placed = false;
        for (Piece e : m) {
            if (e.end() <= at || e.at() >= end) {
                if (!placed && e.at() >= end) {
                    place(out, at, piece);
                    placed = true;
                }
                out.add(e);
                continue;
            }
            if (e.at() < at) {
                out.add(new Piece(e.at(), e.data().slice(0, at - e.at())));
            }
            if (!placed) {
                place(out, at, piece);
                placed = true;
            }
            if (e.end() > end) {
                out.add(new Piece(end, e.data().slice(end - e.at(), e.data().length())));
            }
        }
        if (!placed) {
            place(out, at, piece);
        }
        m.clear();
        m.addAll(out);
    }

    /** Adds the new piece, merged into the one before when it continues it (a segment stays one entry). */
    private static void place(List<Piece> out, int at, Bytes piece) {
        Piece before = out.isEmpty() ? null : out.get(out.size() - 1);
        if (before != null && before.end() == at && contentOnly(before.data()) && contentOnly(piece)) {
            out.set(out.size() - 1, new Piece(before.at(), Bytes.of(before.data().content().concat(piece.content()))));
        } else {
            out.add(new Piece(at, piece));
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
        List<Piece> m = slots.get(tag);
        if (len == 0) {
            return Bytes.of();
        }
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

    private static boolean contentOnly(Bytes b) {
        return !b.materialised() && b.content().length() == b.length();
    }

    private static Content join(Content a, Content b) {
        return a == null ? b : a.concat(b);
    }
}
