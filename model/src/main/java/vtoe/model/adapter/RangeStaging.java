package vtoe.model.adapter;

import java.util.Map;
import java.util.TreeMap;
import vtoe.model.payload.Content;
import vtoe.model.payload.Span;
import vtoe.model.txn.Bytes;

/**
 * The payload-free staging buffer: per slot, which content lies at which offset, a later put
 * replacing what it covers (as bytes would be overwritten), and bytes never put reading as
 * {@link Span#ZEROS}. So a segment assembled from the wrong reads, with a gap, or with a stale
 * piece of the slot's previous segment, carries that into its frame, where the receiver names it.
 * Costs a few map entries per segment instead of a copy of every byte.
 */
public final class RangeStaging implements StagingBuffer {
    private final TreeMap<Integer, Bytes>[] slots;

    @SuppressWarnings("unchecked")
    public RangeStaging(int tags) {
        this.slots = new TreeMap[tags];
        for (int t = 0; t < tags; t++) {
            slots[t] = new TreeMap<>();
        }
    }

    @Override
    public void put(int tag, int at, Bytes src, int from, int n) {
        if (n <= 0) {
            return;
        }
        TreeMap<Integer, Bytes> m = slots[tag];
        int end = at + n;
        Bytes piece = from == 0 && n == src.length() ? src : src.slice(from, from + n);
        Map.Entry<Integer, Bytes> last = m.lastEntry();
        if (last != null && last.getKey() + last.getValue().length() == at && contentOnly(last.getValue()) && contentOnly(piece)) {
            // The next piece of a segment, right after the last: one entry, so a slot holds a segment or two.
            m.put(last.getKey(), Bytes.of(last.getValue().content().concat(piece.content())));
            return;
        }
        if (last == null || last.getKey() + last.getValue().length() <= at) {
            m.put(at, piece); // past everything the slot holds
            return;
        }
        Map.Entry<Integer, Bytes> before = m.lowerEntry(at);
        if (before != null && before.getKey() + before.getValue().length() > at) {
            Bytes b = before.getValue();
            m.put(before.getKey(), b.slice(0, at - before.getKey()));
            if (before.getKey() + b.length() > end) {
                m.put(end, b.slice(end - before.getKey(), b.length()));
            }
        }
        while (true) {
            Map.Entry<Integer, Bytes> in = m.ceilingEntry(at);
            if (in == null || in.getKey() >= end) {
                break;
            }
            m.remove(in.getKey());
            if (in.getKey() + in.getValue().length() > end) {
                m.put(end, in.getValue().slice(end - in.getKey(), in.getValue().length()));
            }
        }
        m.put(at, piece);
    }

    /** A PUSH answer whose beats continue one stream span is put as that one span, not beat by beat. */
    @Override
    public void putBeats(int tag, java.util.List<Bytes> beats, int beatBytes, long len) {
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
        Map.Entry<Integer, Bytes> first = slots[tag].firstEntry();
        if (len > 0 && first != null && first.getKey() == 0 && first.getValue().length() >= len && !first.getValue().materialised()
                && first.getValue().content().length() == first.getValue().length()) {
            return first.getValue().slice(0, len); // one piece holds the segment
        }
        Content c = null;
        int at = 0;
        for (Map.Entry<Integer, Bytes> e : slots[tag].headMap(len).entrySet()) {
            if (e.getKey() > at) {
                c = join(c, Content.of(Span.ZEROS, at, e.getKey() - at));
                at = e.getKey();
            }
            Bytes piece = e.getValue().slice(0, Math.min(e.getValue().length(), len - at));
            if (!piece.materialised() && piece.content().length() == piece.length()) {
                c = join(c, piece.content());
            } else {
                throw new IllegalStateException("payload-free staging of tag " + tag + " got real bytes at " + at + ": " + piece);
            }
            at += piece.length();
        }
        if (at < len) {
            c = join(c, Content.of(Span.ZEROS, at, len - at));
        }
        return len == 0 ? Bytes.of() : Bytes.of(c);
    }

    private static boolean contentOnly(Bytes b) {
        return !b.materialised() && b.content().length() == b.length();
    }

    private static Content join(Content a, Content b) {
        return a == null ? b : a.concat(b);
    }
}
