package vtoe.model.payload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The range fingerprint the payload-free digest adds up: the same however a range is cut, and
 * different for a shifted, repeated, missing or foreign byte.
 *
 * <p>Run just this: {@code mvn -B -o test -pl model -Dtest=FingerprintTest}
 */
class FingerprintTest {
    @Test
    void aRangeCutAnywhereAddsUpToTheWhole() {
        long whole = Fingerprint.of(3, 1000, 9000);
        for (int cut : new int[] {1, 7, 4096, 8999}) {
            assertThat(Fingerprint.add(Fingerprint.of(3, 1000, cut), Fingerprint.of(3, 1000 + cut, 9000 - cut))).isEqualTo(whole);
        }
        assertThat(Content.of(3, 1000, 100).concat(Content.of(3, 1100, 8900)).fingerprint()).isEqualTo(whole);
        assertThat(Content.of(3, 1000, 9000).fingerprintAt(1000)).isEqualTo(whole);
    }

    @Test
    void aWrongByteChangesIt() {
        long whole = Fingerprint.of(3, 1000, 9000);
        assertThat(Fingerprint.of(3, 1001, 9000)).isNotEqualTo(whole);
        assertThat(Fingerprint.of(4, 1000, 9000)).isNotEqualTo(whole);
        assertThat(Fingerprint.of(3, 1000, 8999)).isNotEqualTo(whole);
        assertThat(Fingerprint.add(whole, Fingerprint.of(3, 5000, 1))).isNotEqualTo(Fingerprint.of(3, 1000, 9001));
        // Swapped halves hold the right bytes in the wrong places.
        Content swapped = Content.of(3, 5500, 4500).concat(Content.of(3, 1000, 4500));
        assertThat(swapped.fingerprint()).isEqualTo(whole);
        assertThat(swapped.fingerprintAt(1000)).isNotEqualTo(whole);
    }

    @Test
    void aFlippedBitChangesTheChecksumStandIn() {
        Content c = Content.of(1, 0, 1460);
        for (long bit : new long[] {0, 7, 8, 15, 1460 * 8 - 1}) {
            assertThat(c.flip(bit).checksumSum() % 0xffff).isNotEqualTo(c.checksumSum() % 0xffff);
        }
    }

    @Test
    void theTablesPowerIsTheSquareAndMultiplyOne() {
        java.util.Random r = new java.util.Random(7);
        for (long e : new long[] {-1, 0, 1, 2, 255, 256, 257, 65535, 65536, 1L << 30, (1L << 40) + 3, Long.MAX_VALUE}) {
            assertThat(Fingerprint.powR(e)).as("R^%d", e).isEqualTo(Fingerprint.pow(0x1d2c_3b4a_5968_7f0eL % ((1L << 61) - 1), e));
        }
        for (int i = 0; i < 2000; i++) {
            long e = r.nextLong() >>> r.nextInt(64);
            assertThat(Fingerprint.powR(e)).as("R^%d", e).isEqualTo(Fingerprint.pow(0x1d2c_3b4a_5968_7f0eL % ((1L << 61) - 1), e));
        }
    }
}
