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
        holdsWhatAByteArrayWould(new Random(0x57a9), 0, 1);
    }

    /**
     * Mostly the way a segment's reads come, in order from the slot's start over the segment before,
     * and now and then anywhere: the prefix the reads extend and the pieces under it must still read
     * as the bytes would.
     */
    @Test
    void readsInOrderOverThePreviousSegmentHoldWhatAByteArrayWould() {
        holdsWhatAByteArrayWould(new Random(0x5e9), 80, 1);
    }

    /** The same, read only now and then, so that many reads continue the segment between two reads of it (as a frame's do). */
    @Test
    void readsInOrderReadNowAndThenHoldWhatAByteArrayWould() {
        holdsWhatAByteArrayWould(new Random(0x5ea), 90, 6);
    }

    /** A read at the segment's end of stream bytes that do not follow it (they repeat some) is not taken as continuing it. */
    @Test
    void aReadRepeatingStreamBytesDoesNotContinueTheSegment() {
        RangeStaging s = new RangeStaging(1);
        s.put(0, 0, Bytes.of(Content.of(7, 1000, 128)), 0, 128);
        s.put(0, 128, Bytes.of(Content.of(7, 1128, 128)), 0, 128);
        s.put(0, 256, Bytes.of(Content.of(7, 1128, 128)), 0, 128);
        assertThat(s.payload(0, 384).content().spans()).containsExactly(new Span(7, 1000, 256), new Span(7, 1128, 128));
    }

    /** A corrupted read among reads that continue the segment: the payload carries its flipped bit, as concatenating them would. */
    @Test
    void aCorruptedReadAmongInOrderReadsIsCarriedIntoThePayload() {
        for (int bad = 0; bad < 12; bad++) {
            RangeStaging s = new RangeStaging(1);
            Content want = null;
            long off = 1000;
            int at = 0;
            for (int i = 0; i < 12; i++) {
                int n = 128;
                Content src = Content.of(7, off - 3, n + 6);
                if (i == bad) {
                    src = src.flip(8 * 3 + 17);
                }
                s.put(0, at, Bytes.of(src), 3, n);
                want = want == null ? Bytes.of(src).slice(3, 3 + n).content() : want.appendRange(src, 3, 3 + n);
                at += n;
                off += n;
            }
            Content got = s.payload(0, at).content();
            assertThat(got.corrupted()).as("read %d corrupted", bad).isTrue();
            assertThat(got.checksumSum()).as("read %d corrupted", bad).isEqualTo(want.checksumSum());
            assertThat(got.spans()).as("read %d corrupted", bad).isEqualTo(want.spans());
            assertThat(s.payload(0, at).content().checksumSum()).as("read again").isEqualTo(want.checksumSum());
        }
    }

    /**
     * Random puts; {@code inOrder} percent of them start at the slot's start or where the previous one
     * ended; the slot is read after one put in {@code readEvery} on average.
     */
    private static void holdsWhatAByteArrayWould(Random r, int inOrder, int readEvery) {
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
            if (r.nextInt(readEvery) != 0) {
                continue;
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
