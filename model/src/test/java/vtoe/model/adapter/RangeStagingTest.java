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
        Random r = new Random(0x57a9);
        int slot = 2048;
        RangeStaging s = new RangeStaging(2);
        long[] ref = new long[slot];
        java.util.Arrays.fill(ref, -1);
        for (int i = 0; i < 4000; i++) {
            int at = r.nextInt(slot);
            int n = 1 + r.nextInt(Math.min(600, slot - at));
            long off = r.nextInt(1 << 20);
            Bytes src = Bytes.of(Content.of(7, off, n + 16));
            int from = r.nextInt(16);
            s.put(1, at, src, from, n);
            for (int k = 0; k < n; k++) {
                ref[at + k] = off + from + k;
            }
            int len = 1 + r.nextInt(slot);
            Content got = s.payload(1, len).content();
            assertThat(got.length()).isEqualTo(len);
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
