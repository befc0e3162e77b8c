package vtoe.model.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The swap store's slots. Run just this class: {@code ./scripts/test --only DataStorageTest}. */
class DataStorageTest {
    @Test
    void writeThenReadReturnsACopyOfThePage() {
        DataStorage s = new DataStorage();
        long slot = s.allocate();
        byte[] page = HostFixture.pattern(1, 4096);
        s.write(slot, page);
        page[0] ^= 1;
        byte[] back = s.read(slot);
        assertThat(back[0]).isEqualTo((byte) (page[0] ^ 1));
        back[1] ^= 1;
        assertThat(s.read(slot)).isEqualTo(HostFixture.pattern(1, 4096));
    }

    @Test
    void freshSlotReadsZerosAndFreedSlotsAreReusedLowestFirst() {
        DataStorage s = new DataStorage();
        long a = s.allocate();
        long b = s.allocate();
        long c = s.allocate();
        assertThat(s.read(b)).containsOnly(0);
        s.free(c);
        s.free(a);
        assertThat(s.usedSlots()).isEqualTo(1);
        assertThat(s.allocate()).isEqualTo(a);
        assertThat(s.allocate()).isEqualTo(c);
    }

    @Test
    void errorsNameTheSlot() {
        DataStorage s = new DataStorage(1);
        long a = s.allocate();
        assertThatThrownBy(s::allocate).isInstanceOf(IllegalStateException.class).hasMessageContaining("all 1 slots");
        assertThatThrownBy(() -> s.write(a, new byte[10])).hasMessageContaining("slot " + a).hasMessageContaining("4096");
        s.free(a);
        assertThatThrownBy(() -> s.read(a)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot " + a + ": the slot is not allocated");
        assertThatThrownBy(() -> s.free(a)).hasMessageContaining("slot " + a);
    }
}
