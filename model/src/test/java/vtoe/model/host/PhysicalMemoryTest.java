package vtoe.model.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Physical memory placed at a PA base (the adapter tests put it across 4 GiB): a PA reads the byte at
 * {@code pa - base}, and a PA below the base or past the end is refused with the window in the message.
 *
 * <p>Run just this: {@code mvn -B -q -o -pl model test -Dtest=PhysicalMemoryTest}
 */
class PhysicalMemoryTest {
    static final long LINE = 1L << 32;

    @Test
    void aPaReadsTheByteAtItsOffsetFromTheBaseOnBothSidesOfFourGib() {
        ByteBuffer b = ByteBuffer.allocateDirect(64 << 10);
        PhysicalMemory m = new PhysicalMemory(b, LINE - (32 << 10));
        assertThat(m.base()).isEqualTo(LINE - (32 << 10));
        m.write(LINE - 4, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}); // across the line
        assertThat(m.read(LINE - 2, 4)).containsExactly(3, 4, 5, 6);
        assertThat(b.get(32 << 10)).as("the byte at 4 GiB is buffer byte 32 Ki").isEqualTo((byte) 5);
        m.writeLong(LINE, 0x1122334455667788L);
        assertThat(m.readLong(LINE)).isEqualTo(0x1122334455667788L);
    }

    @Test
    void aPaOutsideTheWindowIsRefusedWithTheWindow() {
        PhysicalMemory m = new PhysicalMemory(ByteBuffer.allocateDirect(8192), LINE);
        assertThatThrownBy(() -> m.read(LINE - 1, 1)).hasMessageContaining("lies outside physical memory [0x100000000, 0x100002000)");
        assertThatThrownBy(() -> m.read(LINE + 8190, 4)).hasMessageContaining("[0x100001ffe, 0x100002002)");
        assertThatThrownBy(() -> m.read(0, 1)).hasMessageContaining("outside");
        assertThatThrownBy(() -> new PhysicalMemory(ByteBuffer.allocateDirect(8), 100)).hasMessageContaining("page aligned");
        assertThatThrownBy(() -> new PhysicalMemory(ByteBuffer.allocate(8), 0)).hasMessageContaining("direct buffer");
    }
}
