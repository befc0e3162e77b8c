package vtoe.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import vtoe.model.payload.Content;
import vtoe.model.payload.Span;
import vtoe.model.txn.Bytes;

/**
 * The payload-free staging buffer holds what a byte array would: random puts of stream ranges at
 * random offsets, each read compared byte by byte with an array of (stream offset) per slot byte,
 * never-written bytes reading as {@link Span#ZEROS}.
 *
 * <p>Run just this: {@code mvn -B -o test -pl model -Dtest=RangeStagingTest}
 */
class RangeStagingTest {
    @Test
    void holdsWhatAByteArrayWould() {
        holdsWhatAByteArrayWould(new Random(0x57a9), 0);
    }

    /**
     * Mostly the way a segment's reads come, in order from the slot's start over the segment before,
     * and now and then anywhere: the prefix the reads extend and the pieces under it must still read
     * as the bytes would.
     */
    @Test
    void readsInOrderOverThePreviousSegmentHoldWhatAByteArrayWould() {
        holdsWhatAByteArrayWould(new Random(0x5e9), 80);
    }

    /** Random puts; {@code inOrder} percent of them start at the slot's start or where the previous one ended. */
    private static void holdsWhatAByteArrayWould(Random r, int inOrder) {
        int slot = 2048;
        RangeStaging s = new RangeStaging(2);
        long[] ref = new long[slot];
        java.util.Arrays.fill(ref, -1);
        int next = 0;
        long nextOff = 0;
        for (int i = 0; i < 4000; i++) {
            int at = r.nextInt(100) >= inOrder ? r.nextInt(slot) : r.nextInt(4) == 0 || next >= slot ? 0 : next;
            int n = 1 + r.nextInt(Math.min(600, slot - at));
            int from = r.nextInt(16);
            // In order, mostly the stream's next bytes too, as a segment's reads are: the prefix then grows in place.
            long off = at == next && at > 0 && r.nextBoolean() ? nextOff - from : r.nextInt(1 << 20);
            Bytes src = Bytes.of(Content.of(7, off, n + 16));
            s.put(1, at, src, from, n);
            next = at + n;
            nextOff = off + from + n;
            for (int k = 0; k < n; k++) {
                ref[at + k] = off + from + k;
            }
            int len = r.nextBoolean() ? 1 + r.nextInt(slot) : Math.max(1, next - r.nextInt(8));
            Content got = s.payload(1, len).content();
            assertThat(got.length()).isEqualTo(len);
            assertThat(got.corrupted()).as("after put %d", i).isFalse();
            int k = 0;
            for (Span sp : got.spans()) {
                for (int j = 0; j < sp.length(); j++, k++) {
                    if (ref[k] < 0) {
                        assertThat(sp.stream()).as("byte %d after put %d", k, i).isEqualTo(Span.ZEROS);
                    } else {
                        assertThat(sp.stream()).as("byte %d after put %d", k, i).isEqualTo(7);
                        assertThat(sp.offset() + j).as("byte %d after put %d", k, i).isEqualTo(ref[k]);
                    }
                }
            }
        }
    }
}
