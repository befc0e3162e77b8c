package vtoe.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import vtoe.model.txn.Bytes;

/**
 * RFC 1071 sums: the RFC's own example, a hand-checked IPv4 header, and the properties the RTL's
 * beat-by-beat accumulation relies on (pieces split anywhere, odd offsets).
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=InternetChecksumTest}
 */
class InternetChecksumTest {
    private static Bytes hex(String h) {
        return Bytes.wrap(HexFormat.of().parseHex(h));
    }

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 section 3: 0001 + f203 + f4f5 + f6f7 = 2ddf0 with carries, ddf2 folded.
        Bytes data = hex("0001f203f4f5f6f7");
        assertThat(InternetChecksum.add(0, data)).isEqualTo(0x2ddf0L);
        assertThat(InternetChecksum.fold(InternetChecksum.add(0, data))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.of(data)).isEqualTo(0x220d);
    }

    @Test
    void rfc1071ByteSwappedSumIsTheSwappedResult() {
        // Section 2(B): summing the bytes swapped gives f2dd, the swap of ddf2.
        Bytes data = hex("0001f203f4f5f6f7");
        assertThat(InternetChecksum.fold(InternetChecksum.add(0, data, 0, data.length(), 1))).isEqualTo(0xf2dd);
    }

    @Test
    void handCheckedIpv4Header() {
        // 192.168.0.1 -> 192.168.0.199, UDP, TTL 64, DF, total length 0x73: checksum b861 (summed
        // by hand: 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 = 2479c, 479c+2 = 479e, ~ = b861).
        Bytes header = hex("450000730000400040110000c0a80001c0a800c7");
        assertThat(InternetChecksum.of(header)).isEqualTo(0xb861);
        Bytes withChecksum = hex("45000073000040004011b861c0a80001c0a800c7");
        assertThat(InternetChecksum.fold(InternetChecksum.add(0, withChecksum))).isEqualTo(0xffff);
        assertThat(InternetChecksum.of(withChecksum)).isZero();
    }

    @Test
    void oddTrailingByteIsAHighByte() {
        assertThat(InternetChecksum.add(0, hex("0102ab"))).isEqualTo(0x0102 + 0xab00);
        assertThat(InternetChecksum.add(0, hex("ab"), 0, 1, 1)).isEqualTo(0xab);
    }

    @Test
    void aRangeOfAnArraySumsAsItsBytes() {
        byte[] a = {0x11, 0x45, 0x00, 0x00, 0x73, (byte) 0xab, (byte) 0xcd, 0x22};
        assertThat(InternetChecksum.add(7, a, 1, 7)).isEqualTo(InternetChecksum.add(7, hex("45000073abcd")));
        assertThat(InternetChecksum.add(7, a, 1, 6)).isEqualTo(InternetChecksum.add(7, hex("45000073ab")));
        assertThat(InternetChecksum.add(7, a, 3, 3)).isEqualTo(7);
    }

    @Test
    void wordsAndIntsAddAsTheirBytes() {
        long viaBytes = InternetChecksum.add(0, hex("c0a8010affff"));
        long viaValues = InternetChecksum.addWord(InternetChecksum.addInt(0, 0xc0a8010a), 0x1ffff);
        assertThat(viaValues).isEqualTo(viaBytes);
    }

    @Test
    void foldCarriesRepeatedly() {
        assertThat(InternetChecksum.fold(0x1fffeL)).isEqualTo(0xffff);
        assertThat(InternetChecksum.fold(0xffffffffL)).isEqualTo(0xffff);
        assertThat(InternetChecksum.fold(0x2_0000_0000L)).isEqualTo(2);
        assertThat(InternetChecksum.fold(0)).isZero();
        assertThat(InternetChecksum.finish(0)).isEqualTo(0xffff);
        assertThatThrownBy(() -> InternetChecksum.fold(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangeOutsideTheDataIsRejected() {
        assertThatThrownBy(() -> InternetChecksum.add(0, hex("0102"), 1, 3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Property
    void piecesSplitAnywhereSumAsTheWhole(@ForAll @Size(max = 200) byte[] raw, @ForAll @IntRange(max = 200) int cut) {
        Assume.that(cut <= raw.length);
        Bytes data = Bytes.of(raw);
        long pieces = InternetChecksum.add(InternetChecksum.add(0, data, 0, cut, 0), data, cut, raw.length, cut);
        assertThat(InternetChecksum.fold(pieces)).isEqualTo(InternetChecksum.fold(InternetChecksum.add(0, data)));
    }

    @Property
    void oddOffsetSwapsTheBytesOfTheSum(@ForAll @Size(max = 200) byte[] raw) {
        Bytes data = Bytes.of(raw);
        int even = InternetChecksum.fold(InternetChecksum.add(0, data));
        int odd = InternetChecksum.fold(InternetChecksum.add(0, data, 0, raw.length, 1));
        assertThat(odd).isEqualTo(Integer.reverseBytes(even) >>> 16);
    }

    @Property
    void dataWithItsChecksumAppendedVerifies(@ForAll @Size(max = 200) byte[] raw) {
        Bytes data = Bytes.of(raw.length % 2 == 0 ? raw : Arrays.copyOf(raw, raw.length + 1));
        int c = InternetChecksum.of(data);
        Bytes whole = Bytes.concat(data, Bytes.of((byte) (c >>> 8), (byte) c));
        assertThat(InternetChecksum.fold(InternetChecksum.add(0, whole))).isEqualTo(0xffff);
    }
}
