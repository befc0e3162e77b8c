package vtoe.cosim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.txn.Bytes;

/**
 * Record to payload words and back, by field name, for every supported Java type; and the refusal
 * messages when a record does not fit its port.
 *
 * <p>Run just this: {@code mvn -pl cosim test -Dtest=RecordCodecTest}
 */
class RecordCodecTest {
    public record Wide(boolean flag, int small, long addr, Bytes data) {}

    // RTL field order differs from the record's: matching is by name.
    static final PortInfo PORT = new PortInfo("m_x", false, 0, 1 + 2 + 1 + 1, List.of(
            new FieldInfo("addr", 64, 0), new FieldInfo("data", 128, 1), new FieldInfo("small", 12, 3),
            new FieldInfo("flag", 1, 4)));

    @Test
    void roundTripsEveryKind() {
        RecordCodec<Wide> c = RecordCodec.of(Wide.class, PORT);
        byte[] raw = new byte[16];
        for (int i = 0; i < 16; i++) {
            raw[i] = (byte) (0xf0 + i);
        }
        Wide w = new Wide(true, 0xabc, 0x8000_0000_0000_0001L, Bytes.wrap(raw));
        long[] words = new long[6];
        c.encode(w, words, 1);
        assertThat(words[1]).isEqualTo(0x8000_0000_0000_0001L);
        assertThat(words[2]).isEqualTo(0xf7f6f5f4f3f2f1f0L);
        assertThat(words[4]).isEqualTo(0xabc);
        assertThat(words[5]).isEqualTo(1);
        assertThat(c.decode(words, 1)).isEqualTo(w);
    }

    @Test
    void valuesAreMaskedToTheFieldWidth() {
        RecordCodec<Wide> c = RecordCodec.of(Wide.class, PORT);
        long[] words = new long[5];
        c.encode(new Wide(false, -1, 0, Bytes.wrap(new byte[16])), words, 0);
        assertThat(words[3]).isEqualTo(0xfff);
    }

    public record Missing(int small, long addr) {}

    @Test
    void missingFieldsAreNamed() {
        assertThatThrownBy(() -> RecordCodec.of(Missing.class, PORT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record Missing does not match port m_x")
                .hasMessageContaining("record has [small, addr], port has [addr, data, small, flag]");
    }

    public record Narrow(boolean flag, int small, int addr, Bytes data) {}

    @Test
    void tooNarrowATypeIsRefused() {
        assertThatThrownBy(() -> RecordCodec.of(Narrow.class, PORT))
                .hasMessageContaining("field m_x.addr is 64 bits wide; Narrow.addr is a int");
    }
}
