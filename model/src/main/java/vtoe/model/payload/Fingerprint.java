package vtoe.model.payload;

/**
 * A fingerprint of stream bytes computed from (stream, offset, length) alone, in O(log length): the
 * sum over the range of a weight per byte, {@code g(stream) * R^offset}, modulo the Mersenne prime
 * 2^61 - 1, by the geometric series. It is additive, so the sender (per block it posts) and the
 * receiver (per piece it delivers) get the same total for the same bytes however they were cut,
 * while a byte at another offset, a byte twice or a byte missing changes it (a collision needs a
 * polynomial identity in R, about 2^-61 per comparison for R fixed in advance and independent of the run).
 */
public final class Fingerprint {
    private static final long P = (1L << 61) - 1;
    private static final long R = 0x1d2c_3b4a_5968_7f0eL % P;
    private static final long INV_R_MINUS_1 = pow(R - 1, P - 2);
    // R^(b << 8k) for each byte b of an exponent, k = 0..7: R^e in at most 8 products instead of about
    // 2 log2(e) (every frame's payload is fingerprinted on a payload-free run, at offsets up to 2^30).
    private static final long[][] R_POW = new long[8][256];

    static {
        long base = R; // R^(2^(8k))
        for (int k = 0; k < 8; k++) {
            long x = 1;
            for (int b = 0; b < 256; b++) {
                R_POW[k][b] = x;
                x = mul(x, base);
            }
            base = x;
        }
    }

    private Fingerprint() {}

    /** The fingerprint of bytes [offset, offset + length) of {@code stream}. */
    public static long of(int stream, long offset, long length) {
        if (length <= 0) {
            return 0;
        }
        long g = mix(stream);
        long rOff = powR(offset);
        long geo = mul((powR(length) - 1 + P) % P, INV_R_MINUS_1);
        return mul(g, mul(rOff, geo));
    }

    public static long of(Span s) {
        return of(s.stream(), s.offset(), s.length());
    }

    /**
     * The fingerprint of a range delivered {@code delta} bytes away from where its bytes belong
     * ({@code delta} = position - offset): itself when {@code delta} is 0, else scaled by a factor
     * that depends on {@code delta}, so that ranges delivered in the wrong places (swapped, say) do
     * not add up to the right sum.
     */
    public static long displaced(long fingerprint, long delta) {
        return delta == 0 ? fingerprint : mul(fingerprint, mix((int) (delta ^ (delta >>> 32)) ^ 0x5bd1_e995));
    }

    /** The fingerprint of the union of two disjoint ranges. */
    public static long add(long a, long b) {
        long s = a + b;
        return s >= P ? s - P : s;
    }

    private static long mix(int stream) {
        long z = (stream + 0x9e37_79b9_7f4a_7c15L) * 0xbf58_476d_1ce4_e5b9L;
        z = (z ^ (z >>> 31)) * 0x94d0_49bb_1331_11ebL;
        z ^= z >>> 29;
        long m = Math.floorMod(z, P);
        return m == 0 ? 1 : m;
    }

    static long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        // a, b < 2^61: the product is < 2^122; fold the bits above 61 back in (2^61 = 1 mod P).
        long r = (lo & P) + ((lo >>> 61) | (hi << 3));
        r = (r & P) + (r >>> 61);
        return r >= P ? r - P : r;
    }

    /** R^e for e >= 0 (the tables' way; {@link #pow} gives the same). */
    static long powR(long e) {
        if (e <= 0) {
            return 1; // as pow
        }
        long r = 1;
        for (int k = 0; e != 0; k++, e >>>= 8) {
            int b = (int) (e & 0xff);
            if (b != 0) {
                r = mul(r, R_POW[k][b]);
            }
        }
        return r;
    }

    static long pow(long base, long e) {
        long r = 1;
        long b = base % P;
        long x = e;
        while (x > 0) {
            if ((x & 1) != 0) {
                r = mul(r, b);
            }
            b = mul(b, b);
            x >>>= 1;
        }
        return r;
    }
}
