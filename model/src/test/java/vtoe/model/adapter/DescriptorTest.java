package vtoe.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import vtoe.model.txn.Bytes;

/**
 * The descriptor's memory layout (design brief section 3) and its round trip.
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=DescriptorTest}
 */
class DescriptorTest {
    @Test
    void layoutIsLittleEndianInBriefOrder() {
        Descriptor d = new Descriptor(0x0102030405060708L, 0x1112131415161718L, 0x21222324, 0x31323334, 0x4142434445464748L);
        assertThat(HexFormat.of().formatHex(d.encode())).isEqualTo(
                "0807060504030201" + "1817161514131211" + "24232221" + "34333231" + "4847464544434241");
    }

    @Property
    void roundTrips(@ForAll long va, @ForAll long next, @ForAll int size, @ForAll int seq, @ForAll long pa) {
        Descriptor d = new Descriptor(va, next, size, seq, pa);
        assertThat(Descriptor.decode(Bytes.wrap(d.encode()), 0)).isEqualTo(d);
    }
}
