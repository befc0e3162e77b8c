package vtoe.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtoe.model.txn.Bytes;

/**
 * The classic pcap layout, byte by byte (tcpdump's pcap-savefile(5), nanosecond variant).
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=PcapWriterTest}
 */
class PcapWriterTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    private static String hexOf(byte[] b, int from, int to) {
        return HEX.formatHex(Arrays.copyOfRange(b, from, to));
    }

    @Test
    void globalHeaderAndRecordsAreLittleEndian() throws IOException {
        Bytes frame = Frames.frame(3).encode();
        Path file = dir.resolve("a/b/c.pcap");
        try (PcapWriter w = new PcapWriter(file)) {
            w.write(3_000_000_007L, frame);
            w.write(4_294_967_295_999_999_999L, Bytes.of((byte) 0xab));
            assertThat(w.frames()).isEqualTo(2);
        }
        byte[] b = Files.readAllBytes(file);
        assertThat(b).hasSize(24 + 16 + 60 + 16 + 1);
        assertThat(hexOf(b, 0, 24)).isEqualTo(
                "4d3cb2a1" // magic 0xa1b23c4d: nanosecond timestamps
                + "0200" + "0400" // version 2.4
                + "00000000" // thiszone
                + "00000000" // sigfigs
                + "00000400" // snaplen 262144
                + "01000000"); // LINKTYPE_ETHERNET
        assertThat(hexOf(b, 24, 40)).isEqualTo("03000000" + "07000000" + "3c000000" + "3c000000");
        assertThat(Bytes.wrap(Arrays.copyOfRange(b, 40, 100))).isEqualTo(frame);
        // The last representable time: 2^32 - 1 seconds and 999,999,999 ns.
        assertThat(hexOf(b, 100, 117)).isEqualTo("ffffffff" + "ffc99a3b" + "01000000" + "01000000" + "ab");
    }

    @Test
    void emptyCaptureIsJustTheGlobalHeader() throws IOException {
        Path file = dir.resolve("empty.pcap");
        try (PcapWriter w = new PcapWriter(file)) {
            assertThat(w.frames()).isZero();
        }
        assertThat(Files.size(file)).isEqualTo(PcapWriter.GLOBAL_HEADER);
    }

    @Test
    void frameLongerThanSnaplenIsCutButKeepsItsLength() throws IOException {
        Path file = dir.resolve("long.pcap");
        try (PcapWriter w = new PcapWriter(file)) {
            w.write(0, Bytes.wrap(new byte[PcapWriter.SNAPLEN + 5]));
        }
        byte[] b = Files.readAllBytes(file);
        assertThat(b).hasSize(24 + 16 + PcapWriter.SNAPLEN);
        assertThat(hexOf(b, 24, 40)).isEqualTo("00000000" + "00000000" + "00000400" + "05000400");
    }

    @Test
    void timesOutsideTheFormatAndWritesAfterCloseAreRejected() {
        try (PcapWriter w = new PcapWriter(dir.resolve("x.pcap"))) {
            assertThatThrownBy(() -> w.write(-1, Bytes.of())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.write(4_294_967_296_000_000_000L, Bytes.of())).isInstanceOf(IllegalArgumentException.class);
            assertThat(w.frames()).isZero();
            w.close();
            assertThatThrownBy(() -> w.write(0, Bytes.of())).isInstanceOf(IllegalStateException.class);
        }
    }
}
