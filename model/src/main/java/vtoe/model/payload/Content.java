package vtoe.model.payload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a range of payload holds in payload-free mode: stream spans in order, adjacent ones of the
 * same stream merged (a well-formed segment is one span), and how many bits a link flipped in it.
 * Immutable. Its checksum contribution ({@link #checksumSum}) stands in for the Internet checksum of
 * the bytes: the same for the same content, and changed by any flipped bit, so a receiver drops a
 * corrupted frame exactly as it does in the full mode.
 */
public final class Content {
    private final Span[] spans;
    private final int length;
    private final long flips; // sum of the checksum words the flipped bits changed
    private long fingerprint = -1; // computed once: a frame's is asked for by the framer, the sender rules and the receiver

    private Content(Span[] spans, long flips) {
        this.spans = spans;
        int n = 0;
        for (Span s : spans) {
            n += s.length();
        }
        this.length = n;
        this.flips = flips;
    }

    public static Content of(Span s) {
        return new Content(new Span[] {s}, 0);
    }

    public static Content of(int stream, long offset, int length) {
        return of(new Span(stream, offset, length));
    }

    static Content ofSpans(List<Span> spans, long flips) {
        return new Content(spans.toArray(new Span[0]), flips);
    }

    public int length() {
        return length;
    }

    public List<Span> spans() {
        return List.of(spans);
    }

    /**
     * Whether bytes [from, to) of {@code src} continue this content's one span, lengthened by
     * {@code extra} bytes (without building it), in its stream: {@link #appendRange} then just lengthens
     * that span (a DMA burst continuing a segment's staging).
     */
    public boolean continuedBy(int extra, Content src, int from, int to) {
        if (spans.length != 1 || src.spans.length != 1 || from < 0 || to > src.length || from >= to) {
            return false;
        }
        Span s = spans[0];
        Span o = src.spans[0];
        return o.stream() == s.stream() && o.offset() + from == s.offset() + s.length() + extra;
    }

    /** The weight of the bits flipped in this content (what {@link #appendRange} adds up). */
    public long flips() {
        return flips;
    }

    /** This content's one span {@code n} bytes longer, with {@code moreFlips} more flipped weight: n bytes appended that {@link #continuedBy} accepted. */
    public Content lengthened(int n, long moreFlips) {
        if (spans.length != 1 || n < 0) {
            throw new IllegalArgumentException("only a content of one span can be lengthened, by n >= 0 bytes: " + this + " by " + n);
        }
        Span s = spans[0];
        return new Content(new Span[] {new Span(s.stream(), s.offset(), s.length() + n)}, flips + moreFlips);
    }

    public boolean corrupted() {
        return flips != 0;
    }

    /** Bytes [from, to) of this content. */
    public Content slice(int from, int to) {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + length + " bytes of content");
        }
        if (from == 0 && to == length) {
            return this;
        }
        if (spans.length == 1) {
            Span s = spans[0];
            return new Content(new Span[] {new Span(s.stream(), s.offset() + from, to - from)}, flips);
        }
        List<Span> out = new ArrayList<>(2);
        int at = 0;
        for (Span s : spans) {
            int lo = Math.max(from, at);
            int hi = Math.min(to, at + s.length());
            if (lo < hi) {
                out.add(new Span(s.stream(), s.offset() + (lo - at), hi - lo));
            }
            at += s.length();
            if (at >= to) {
                break;
            }
        }
        return ofSpans(out, flips);
    }

    /** This content followed by {@code next}, spans that continue each other merged. */
    public Content concat(Content next) {
        if (spans.length == 1 && next.spans.length == 1 && spans[0].joins(next.spans[0])) {
            Span s = spans[0];
            return new Content(new Span[] {new Span(s.stream(), s.offset(), s.length() + next.length)}, flips + next.flips);
        }
        List<Span> out = new ArrayList<>(spans.length + next.spans.length);
        out.addAll(Arrays.asList(spans));
        for (Span s : next.spans) {
            Span last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.joins(s)) {
                out.set(out.size() - 1, new Span(last.stream(), last.offset(), last.length() + s.length()));
            } else {
                out.add(s);
            }
        }
        return ofSpans(out, flips + next.flips);
    }

    /**
     * This content followed by bytes [from, to) of {@code src}: {@code concat(src.slice(from, to))}, without
     * building the slice when both end in one span each (a DMA burst that continues a segment's staging).
     */
    public Content appendRange(Content src, int from, int to) {
        return continuedBy(0, src, from, to) ? lengthened(to - from, src.flips) : concat(src.slice(from, to));
    }

    /** The content with bit {@code bit} flipped (counted from its first byte's most significant bit, as on the wire). */
    public Content flip(long bit) {
        // The bit's weight in its 16-bit checksum word (content starts at an even offset of the segment).
        long byteInWord = (bit / 8) % 2;
        long weight = 1L << ((byteInWord == 0 ? 8 : 0) + 7 - bit % 8);
        return new Content(spans, flips + weight);
    }

    /** Sum of the fingerprints of the spans (an additive {@link Fingerprint}). */
    public long fingerprint() {
        if (fingerprint < 0) {
            long f = 0;
            for (Span s : spans) {
                f = Fingerprint.add(f, Fingerprint.of(s));
            }
            fingerprint = f;
        }
        return fingerprint;
    }

    /**
     * The fingerprint of this content delivered at stream position {@code position}: each span's
     * {@link Fingerprint}, {@link Fingerprint#displaced displaced} by how far it lies from its own
     * offset. Equals {@link #fingerprint} exactly when every span stands at its own offset.
     */
    public long fingerprintAt(long position) {
        if (spans.length == 1 && spans[0].offset() == position) {
            return fingerprint();
        }
        long f = 0;
        long at = position;
        for (Span s : spans) {
            f = Fingerprint.add(f, Fingerprint.displaced(Fingerprint.of(s), at - s.offset()));
            at += s.length();
        }
        return f;
    }

    /**
     * What the content adds to an Internet checksum's running sum: words derived from its
     * fingerprint and length, plus the flipped bits' weights (never a multiple of 0xffff for one flip,
     * so one flip is always detected, as it is over real bytes).
     */
    public long checksumSum() {
        long f = fingerprint() ^ ((long) length << 40);
        return (f & 0xffff) + (f >>> 16 & 0xffff) + (f >>> 32 & 0xffff) + (f >>> 48 & 0xffff) + flips;
    }

    /** The first byte index (in this content) whose stream byte differs from {@code other}'s at the same index, or -1. */
    public int firstDifference(Content other) {
        int n = Math.min(length, other.length);
        int i = 0;
        int a = 0;
        int b = 0;
        int aAt = 0;
        int bAt = 0;
        while (i < n) {
            Span x = spans[a];
            Span y = other.spans[b];
            long xo = x.offset() + (i - aAt);
            long yo = y.offset() + (i - bAt);
            if (x.stream() != y.stream() || xo != yo) {
                return i;
            }
            int step = Math.min(aAt + x.length(), bAt + y.length()) - i;
            i += step;
            if (i == aAt + x.length()) {
                aAt += x.length();
                a++;
            }
            if (i == bAt + y.length()) {
                bAt += y.length();
                b++;
            }
        }
        return flips != other.flips && n > 0 ? 0 : -1;
    }

    /** What byte {@code i} is, for messages. */
    public String describeAt(int i) {
        int at = 0;
        for (Span s : spans) {
            if (i < at + s.length()) {
                return s.stream() >= 0 ? "stream " + s.stream() + " byte " + (s.offset() + i - at)
                        : new Span(s.stream(), s.offset() + i - at, 1).toString();
            }
            at += s.length();
        }
        return "beyond the content";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Content c && c.flips == flips && Arrays.equals(spans, c.spans);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spans) * 31 + Long.hashCode(flips);
    }

    @Override
    public String toString() {
        return (spans.length == 1 ? spans[0].toString() : Arrays.toString(spans)) + (flips != 0 ? " (corrupted)" : "");
    }
}
