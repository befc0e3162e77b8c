package vtoe.model.txn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import vtoe.model.payload.Content;

/**
 * Immutable bytes with value equality, for payload fields of records (records compare arrays by identity).
 *
 * <p>Payload-free runs ({@link vtoe.model.payload.PayloadMode#NONE}) use a second form: real bytes
 * {@code head}, then payload that is not materialised ({@link Content}: which stream bytes it holds),
 * then real bytes {@code tail} (a frame's headers, its payload, its padding). Length, slicing,
 * concatenation, equality and bit flips work on both forms; reading a byte of the content throws
 * ({@link #get}, {@link #toArray}), so code that would look at payload in a payload-free run says so
 * instead of inventing bytes.
 */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] NONE = new byte[0];
    private static final Bytes EMPTY = new Bytes(NONE);
    private final byte[] b; // all the bytes, or the head of a payload-free form
    private final Content mid; // null: the plain form
    private final byte[] tail;
    // What these bytes decode to, attached by the code that encoded them from that decoded form
    // (TcpFrame.encode), so that the readers of every frame (the receiver, the sender rules) need not
    // decode them again: decoding is a function of the bytes, and they cannot change. Not part of the
    // value: equality ignores it, and copies and slices do not carry it.
    private Object decoded;

    private Bytes(byte[] b) {
        this.b = b;
        this.mid = null;
        this.tail = null;
    }

    private Bytes(byte[] head, Content mid, byte[] tail) {
        this.b = head;
        this.mid = mid;
        this.tail = tail;
    }

    /** {@code head}, then {@code content} not materialised, then {@code tail} (arrays owned as in {@link #wrap}). */
    public static Bytes payloadFree(byte[] head, Content content, byte[] tail) {
        if (content == null || content.length() == 0) {
            return wrap(concatArrays(head, tail));
        }
        return new Bytes(head, content, tail);
    }

    /** Content alone, not materialised. */
    public static Bytes of(Content content) {
        return payloadFree(NONE, content, NONE);
    }

    /**
     * Attaches what these bytes decode to; only the encoder that just made them may call this, once.
     * Returns {@code this}.
     */
    public Bytes decodedAs(Object value) {
        if (decoded != null || this == EMPTY) {
            throw new IllegalStateException("these bytes already have a decoded form (" + decoded + ") or are shared");
        }
        decoded = value;
        return this;
    }

    /** What the encoder attached with {@link #decodedAs}, or null. */
    public Object decoded() {
        return decoded;
    }

    /** Whether every byte is real (false: a payload-free form holding {@link #content()}). */
    public boolean materialised() {
        return mid == null;
    }

    /** The payload-free part (null in the plain form). */
    public Content content() {
        return mid;
    }

    /** Where the payload-free part starts (its length is {@code content().length()}). */
    public int contentAt() {
        return b.length;
    }

    private static byte[] concatArrays(byte[] x, byte[] y) {
        if (y.length == 0) {
            return x;
        }
        byte[] o = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, o, x.length, y.length);
        return o;
    }

    private IllegalStateException notMaterialised(int i) {
        return new IllegalStateException("byte " + i + " is payload that this payload-free run does not materialise ("
                + mid.describeAt(i - b.length) + "); code that needs payload bytes must run with payload mode full");
    }

    public static Bytes of(byte... bytes) {
        return new Bytes(bytes.clone());
    }

    /** Takes ownership of {@code bytes}: the caller must not change them afterwards. */
    public static Bytes wrap(byte[] bytes) {
        return new Bytes(bytes);
    }

    public static Bytes ofLongs(long[] words, int offset, int nBytes) {
        byte[] out = new byte[nBytes];
        for (int i = 0; i < nBytes; i++) {
            out[i] = (byte) (words[offset + i / 8] >>> (8 * (i % 8)));
        }
        return new Bytes(out);
    }

    public static Bytes concat(Bytes... parts) {
        for (Bytes p : parts) {
            if (p.mid != null) {
                return concatPayloadFree(parts);
            }
        }
        int n = 0;
        for (Bytes p : parts) {
            n += p.b.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (Bytes p : parts) {
            System.arraycopy(p.b, 0, out, at, p.b.length);
            at += p.b.length;
        }
        return new Bytes(out);
    }

    /** Head, content, tail in order: only real bytes may stand between two contents' parts, which no caller builds. */
    private static Bytes concatPayloadFree(Bytes... parts) {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream tail = new java.io.ByteArrayOutputStream();
        Content mid = null;
        for (Bytes p : parts) {
            if (p.mid == null) {
                (mid == null ? head : tail).writeBytes(p.b);
                continue;
            }
            if (mid != null && (tail.size() > 0 || p.b.length > 0)) {
                throw new IllegalStateException("cannot concatenate payload-free parts with real bytes between them");
            }
            (mid == null ? head : tail).writeBytes(p.b);
            mid = mid == null ? p.mid : mid.concat(p.mid);
            tail.writeBytes(p.tail);
        }
        return payloadFree(head.toByteArray(), mid, tail.toByteArray());
    }

    public int length() {
        return mid == null ? b.length : b.length + mid.length() + tail.length;
    }

    public byte get(int i) {
        if (mid == null || i < b.length) {
            return b[i];
        }
        int t = i - b.length - mid.length();
        if (t < 0) {
            throw notMaterialised(i);
        }
        return tail[t];
    }

    /**
     * The big-endian 16-bit word at {@code i} (bytes i and i + 1): one look at the form for both bytes,
     * for the header fields and checksums read on every frame.
     */
    public int u16(int i) {
        if (mid == null || i + 1 < b.length) {
            return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
        }
        return (get(i) & 0xff) << 8 | get(i + 1) & 0xff;
    }

    /** Copies {@code n} bytes from {@code from} into {@code dst} at {@code off}. */
    public void copyTo(int from, byte[] dst, int off, int n) {
        if (mid != null) {
            for (int i = 0; i < n; i++) {
                dst[off + i] = get(from + i);
            }
            return;
        }
        System.arraycopy(b, from, dst, off, n);
    }

    public byte[] toArray() {
        if (mid != null) {
            throw notMaterialised(b.length);
        }
        return b.clone();
    }

    public Bytes slice(int from, int to) {
        if (mid == null) {
            return new Bytes(Arrays.copyOfRange(b, from, to));
        }
        if (from < 0 || to > length() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + length() + " bytes");
        }
        int m0 = b.length;
        int m1 = m0 + mid.length();
        if (from >= m0 && to <= m1) {
            return from == to ? EMPTY : new Bytes(NONE, mid.slice(from - m0, to - m0), NONE);
        }
        byte[] h = Arrays.copyOfRange(b, Math.min(from, m0), Math.min(to, m0));
        Content c = Math.max(from, m0) < Math.min(to, m1) ? mid.slice(Math.max(from, m0) - m0, Math.min(to, m1) - m0) : null;
        byte[] tl = Arrays.copyOfRange(tail, Math.max(from, m1) - m1, Math.max(to, m1) - m1);
        return payloadFree(h, c, tl);
    }

    /** A copy with bit {@code bit} flipped ({@code bit % 8} counted from the least significant bit of byte {@code bit / 8}). */
    public Bytes flipBit(int bit) {
        int i = bit / 8;
        if (mid == null) {
            byte[] o = b.clone();
            o[i] ^= (byte) (1 << (bit % 8));
            return new Bytes(o);
        }
        if (i < b.length) {
            byte[] o = b.clone();
            o[i] ^= (byte) (1 << (bit % 8));
            return new Bytes(o, mid, tail);
        }
        int t = i - b.length - mid.length();
        if (t < 0) {
            return new Bytes(b, mid.flip(bit - 8L * b.length), tail);
        }
        byte[] o = tail.clone();
        o[t] ^= (byte) (1 << (bit % 8));
        return new Bytes(b, mid, o);
    }

    /**
     * The first index {@code k < n} where this[from + k] differs from other[otherFrom + k], or -1.
     * Payload-free content compares by which stream bytes it holds.
     */
    public int mismatch(int from, Bytes other, int otherFrom, int n) {
        if (mid == null && other.mid == null) {
            int k = Arrays.mismatch(b, from, from + n, other.b, otherFrom, otherFrom + n);
            return k;
        }
        if (mid != null && other.mid != null && from == b.length && otherFrom == other.b.length && n <= mid.length()
                && n <= other.mid.length()) {
            return mid.slice(0, n).firstDifference(other.mid.slice(0, n));
        }
        Bytes x = slice(from, from + n);
        Bytes y = other.slice(otherFrom, otherFrom + n);
        if (x.mid != null && y.mid != null && x.b.length == 0 && y.b.length == 0) {
            return x.mid.firstDifference(y.mid);
        }
        return x.equals(y) ? -1 : 0;
    }

    /** Byte {@code i} for messages: its hex value, or which stream byte it is. */
    public String describeAt(int i) {
        if (mid != null && i >= b.length && i < b.length + mid.length()) {
            return mid.describeAt(i - b.length);
        }
        return "0x%02x".formatted(get(i) & 0xff);
    }

    /** Little-endian view, read-only (of the real bytes: a payload-free form has none to view but its head). */
    public ByteBuffer buffer() {
        if (mid != null) {
            throw notMaterialised(b.length);
        }
        return ByteBuffer.wrap(b).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the bytes into 64-bit little-endian words from {@code offset}, zero-filling the last word. */
    public void toLongs(long[] words, int offset, int nWords) {
        if (mid != null) {
            throw notMaterialised(b.length);
        }
        for (int w = 0; w < nWords; w++) {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                int i = w * 8 + k;
                if (i < b.length) {
                    v |= (b[i] & 0xffL) << (8 * k);
                }
            }
            words[offset + w] = v;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(b, other.b) && java.util.Objects.equals(mid, other.mid)
                && Arrays.equals(tail, other.tail);
    }

    @Override
    public int hashCode() {
        return mid == null ? Arrays.hashCode(b) : Arrays.hashCode(b) * 31 + mid.hashCode();
    }

    @Override
    public String toString() {
        if (mid != null) {
            return HEX.formatHex(b) + " + payload " + mid + (tail.length > 0 ? " + " + HEX.formatHex(tail) : "");
        }
        if (b.length <= 64) {
            return HEX.formatHex(b);
        }
        return HEX.formatHex(b, 0, 32) + "..(" + b.length + " bytes).." + HEX.formatHex(b, b.length - 8, b.length);
    }
}
