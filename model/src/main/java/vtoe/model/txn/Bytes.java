package vtoe.model.txn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/** Immutable bytes with value equality, for payload fields of records (records compare arrays by identity). */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] b;

    private Bytes(byte[] b) {
        this.b = b;
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

    public int length() {
        return b.length;
    }

    public byte get(int i) {
        return b[i];
    }

    /** Copies {@code n} bytes from {@code from} into {@code dst} at {@code off}. */
    public void copyTo(int from, byte[] dst, int off, int n) {
        System.arraycopy(b, from, dst, off, n);
    }

    public byte[] toArray() {
        return b.clone();
    }

    public Bytes slice(int from, int to) {
        return new Bytes(Arrays.copyOfRange(b, from, to));
    }

    /** Little-endian view, read-only. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(b).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the bytes into 64-bit little-endian words from {@code offset}, zero-filling the last word. */
    public void toLongs(long[] words, int offset, int nWords) {
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
        return o instanceof Bytes other && Arrays.equals(b, other.b);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(b);
    }

    @Override
    public String toString() {
        if (b.length <= 64) {
            return HEX.formatHex(b);
        }
        return HEX.formatHex(b, 0, 32) + "..(" + b.length + " bytes).." + HEX.formatHex(b, b.length - 8, b.length);
    }
}
