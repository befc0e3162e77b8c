package vtoe.model.net;

import vtoe.model.txn.Bytes;

/**
 * The Internet checksum (RFC 1071): the one's-complement sum of 16-bit big-endian words,
 * complemented.
 *
 * <p>Static functions over a {@code long} running sum, so a sum can be built piece by piece (the
 * pseudo-header, then the header, then the payload) without an object, the way the RTL accumulates
 * beat by beat. Carries are left in the upper bits of the running sum and only folded at the end
 * (RFC 1071 section 2(C), "deferred carries"); a {@code long} holds 2^47 words before it could
 * overflow, far beyond any frame.
 *
 * <p>Byte parity: a byte at an even offset from the start of the checksummed region is the high byte
 * of its word, one at an odd offset the low byte. {@link #add(long, Bytes, int, int, long)} takes the
 * offset of its first byte, so a region may be added in pieces that split a word (an odd-length beat
 * followed by the next one) and still give the sum of the whole.
 */
public final class InternetChecksum {
    private InternetChecksum() {}

    /**
     * Adds {@code data[from, to)} to {@code sum}, {@code data[from]} lying at byte {@code offset} of
     * the checksummed region.
     */
    public static long add(long sum, Bytes data, int from, int to, long offset) {
        if (from < 0 || to > data.length() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + data.length() + " bytes");
        }
        if (!data.materialised()) {
            return addPayloadFree(sum, data, from, to, offset);
        }
        if (to - from <= 64) {
            return addBytes(sum, data, from, to, offset); // a header: no buffer to wrap around it
        }
        long s = sum;
        int i = from;
        if ((offset & 1) != 0 && i < to) {
            s += data.get(i++) & 0xff; // the low byte of a word begun before this piece
        }
        // From here data[i] is a high byte: whole words, four at a time where there are four.
        java.nio.ByteBuffer b = data.buffer().order(java.nio.ByteOrder.BIG_ENDIAN);
        for (; i + 8 <= to; i += 8) {
            long v = b.getLong(i);
            s += (v >>> 48) + (v >>> 32 & 0xffff) + (v >>> 16 & 0xffff) + (v & 0xffff);
        }
        return addBytes(s, data, i, to, 0); // the last words and byte, data[i] a high byte
    }

    /** Adds real bytes {@code data[from, to)} one word at a time (a header's worth, where setting up a buffer costs more than it saves). */
    private static long addBytes(long sum, Bytes data, int from, int to, long offset) {
        long s = sum;
        int i = from;
        if ((offset & 1) != 0 && i < to) {
            s += data.get(i++) & 0xff;
        }
        for (; i + 2 <= to; i += 2) {
            s += data.u16(i);
        }
        if (i < to) {
            s += (data.get(i) & 0xff) << 8;
        }
        return s;
    }

    /**
     * A payload-free form: its real bytes as usual, its content by {@link vtoe.model.payload.Content#checksumSum}.
     * A frame's payload starts at an even offset of the TCP segment and is summed whole (the framer,
     * the receiver and the sender rules all do), which is all the content's stand-in sum needs.
     */
    private static long addPayloadFree(long sum, Bytes data, int from, int to, long offset) {
        int m0 = data.contentAt();
        int m1 = m0 + data.content().length();
        long s = sum;
        if (from < m0) {
            s = addBytes(s, data, from, Math.min(to, m0), offset); // the head's bytes, read in place
        }
        if (from <= m0 && to >= m1) {
            if (((offset + m0 - from) & 1) != 0) {
                throw new IllegalArgumentException("payload-free content must start at an even offset of the checksummed region");
            }
            s += data.content().checksumSum();
        } else if (from < m1 && to > m0) {
            throw new IllegalArgumentException("a checksum over part of the payload-free content [" + m0 + ", " + m1 + ") cannot be taken");
        }
        if (to > m1) {
            int lo = Math.max(from, m1);
            s = addBytes(s, data, lo, to, offset + lo - from);
        }
        return s;
    }

    /**
     * Adds real bytes {@code data[from, to)}, {@code data[from]} at an even offset of the checksummed region: a
     * header where the encoder builds it. Summing a copy of each header wrapped in {@link Bytes} instead cost 3% of
     * a payload-free run (two headers per frame, a frame per segment and per ACK).
     */
    public static long add(long sum, byte[] data, int from, int to) {
        long s = sum;
        int i = from;
        for (; i + 2 <= to; i += 2) {
            s += (data[i] & 0xff) << 8 | data[i + 1] & 0xff;
        }
        if (i < to) {
            s += (data[i] & 0xff) << 8;
        }
        return s;
    }

    /** Adds all of {@code data}, its first byte at an even offset. */
    public static long add(long sum, Bytes data) {
        return add(sum, data, 0, data.length(), 0);
    }

    /** Adds one 16-bit word (the low 16 bits of {@code word}). */
    public static long addWord(long sum, int word) {
        return sum + (word & 0xffff);
    }

    /** Adds a 32-bit value as two words, as an IPv4 address appears in a header. */
    public static long addInt(long sum, int value) {
        return sum + (value >>> 16) + (value & 0xffff);
    }

    /** The one's-complement sum folded to 16 bits; 0xffff over data that includes a correct checksum. */
    public static int fold(long sum) {
        if (sum < 0) {
            throw new IllegalArgumentException("running sum must not be negative, was " + sum);
        }
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum to put in a header: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /** The checksum of {@code data} alone. */
    public static int of(Bytes data) {
        return finish(add(0, data));
    }
}
