package vtoe.model.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/**
 * Physical memory placed at a PA base (the adapter tests put it across 4 GiB): a PA reads the byte at
 * {@code pa - base}, and a PA below the base or past the end is refused with the window in the message.
 * The sparse Java memory of {@link PhysicalMemory#allocate} reads and writes as a direct buffer does, across
 * its chunk boundaries too, and makes no chunk for zeros.
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

    @Test
    void sparseMemoryReadsZerosUntilWrittenAndKeepsWhatIsWrittenAcrossChunks() {
        int chunk = PhysicalMemory.CHUNK;
        PhysicalMemory m = PhysicalMemory.allocate(LINE, 4L * chunk);
        assertThat(m.size()).isEqualTo(4L * chunk);
        assertThat(m.read(LINE + chunk - 3, 6)).containsOnly(0);
        assertThat(m.readLong(LINE + 2L * chunk - 4)).isZero();
        m.write(LINE + chunk - 3, new byte[] {1, 2, 3, 4, 5, 6});
        assertThat(m.read(LINE + chunk - 4, 8)).containsExactly(0, 1, 2, 3, 4, 5, 6, 0);
        m.writeLong(LINE + 2L * chunk - 4, 0x1122334455667788L); // across the second boundary
        assertThat(m.readLong(LINE + 2L * chunk - 4)).isEqualTo(0x1122334455667788L);
        assertThat(m.read(LINE + 2L * chunk, 4)).containsExactly(0x44, 0x33, 0x22, 0x11);
        assertThat(m.chunksMade()).isEqualTo(3);
        m.write(LINE + 3L * chunk, new byte[chunk]);
        m.writeLong(LINE + 3L * chunk + 8, 0);
        assertThat(m.chunksMade()).as("zeros written to an unmade chunk make none").isEqualTo(3);
        assertThatThrownBy(() -> m.read(LINE + 4L * chunk - 2, 4)).hasMessageContaining("outside physical memory");
        assertThatThrownBy(() -> m.writeLong(LINE - 8, 1)).hasMessageContaining("outside physical memory");
        assertThatThrownBy(m::buffer).isInstanceOf(IllegalStateException.class).hasMessageContaining("SparseMemory");
    }

    /** Random writes and reads, long and byte-wise, give the same bytes on sparse memory as on a direct buffer. */
    @Property(tries = 200)
    void sparseMemoryReadsAsADirectBufferDoes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int ops) {
        UniformRandomProvider r = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        int size = 3 * PhysicalMemory.CHUNK + 4096;
        PhysicalMemory sparse = PhysicalMemory.allocate(size);
        PhysicalMemory direct = new PhysicalMemory(ByteBuffer.allocateDirect(size));
        for (int i = 0; i < ops; i++) {
            // Near a chunk boundary half the time, where the two ways of splitting an access meet.
            long pa = r.nextBoolean() ? r.nextLong(size - 8) : Math.max(0, (long) (1 + r.nextInt(3)) * PhysicalMemory.CHUNK - r.nextInt(16));
            switch (r.nextInt(4)) {
                case 0 -> {
                    byte[] b = new byte[1 + r.nextInt((int) Math.min(5000, size - pa))];
                    if (r.nextBoolean()) {
                        r.nextBytes(b);
                    }
                    sparse.write(pa, b);
                    direct.write(pa, b);
                }
                case 1 -> {
                    long v = r.nextBoolean() ? 0 : r.nextLong();
                    sparse.writeLong(pa, v);
                    direct.writeLong(pa, v);
                }
                case 2 -> assertThat(sparse.readLong(pa)).as("readLong 0x%x", pa).isEqualTo(direct.readLong(pa));
                default -> {
                    int n = 1 + r.nextInt((int) Math.min(5000, size - pa));
                    assertThat(sparse.read(pa, n)).as("read 0x%x + %d", pa, n).isEqualTo(direct.read(pa, n));
                }
            }
        }
        assertThat(Arrays.equals(sparse.read(0, size), direct.read(0, size))).isTrue();
    }
}
