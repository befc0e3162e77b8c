package vtoe.model.txn;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Bytes to 64-bit words and back, as the co-simulation packs wide payload fields.
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=BytesTest}
 */
class BytesTest {
    @Property
    void wordsRoundTrip(@ForAll @Size(max = 80) byte[] raw) {
        Bytes b = Bytes.of(raw);
        int words = (raw.length + 7) / 8;
        long[] w = new long[words + 2];
        b.toLongs(w, 1, words);
        assertThat(Bytes.ofLongs(w, 1, raw.length)).isEqualTo(b);
        assertThat(w[0]).isZero();
        assertThat(w[words + 1]).isZero();
    }

    @Property
    void byteZeroIsTheLowestByteOfWordZero(@ForAll byte first) {
        long[] w = new long[1];
        Bytes.of(first, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0).toLongs(w, 0, 1);
        assertThat(w[0]).isEqualTo(first & 0xffL);
    }
}
