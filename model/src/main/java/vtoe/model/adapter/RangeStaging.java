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
        m.put(at, src.slice(from, from + n));
    }

    @Override
    public Bytes payload(int tag, int len) {
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

    private static Content join(Content a, Content b) {
        return a == null ? b : a.concat(b);
    }
}
