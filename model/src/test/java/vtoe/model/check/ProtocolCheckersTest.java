package vtoe.model.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.AxisBeat;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;

/**
 * Each protocol checker fires on the bad sequence it exists for, and stays quiet on good ones.
 *
 * <p>Run just this: {@code ./scripts/test --only ProtocolCheckersTest}
 */
class ProtocolCheckersTest {
    AxiReadChecker axi = new AxiReadChecker("m_dma_ar/s_dma_r", 8, 16, 5);

    static DmaReadBeat r(int id, boolean last) {
        return new DmaReadBeat(id, Bytes.wrap(new byte[8]), last, 0);
    }

    @Test
    void goodBurstsPass() {
        axi.request(new DmaReadRequest(1, 0x1000, 3), 10);
        axi.request(new DmaReadRequest(2, 0x2ff8, 0), 11);
        axi.beat(r(2, true), 20);
        for (int i = 0; i < 4; i++) {
            axi.beat(r(1, i == 3), 21 + i);
        }
        assertThat(axi.outstandingBursts()).isZero();
    }

    @Test
    void burstTooLong() {
        assertThatThrownBy(() -> axi.request(new DmaReadRequest(1, 0x1000, 16), 5)).isInstanceOf(ProtocolError.class)
                .hasMessageContaining("17 beats; bursts are 1..16");
    }

    @Test
    void crossingFourKiB() {
        assertThatThrownBy(() -> axi.request(new DmaReadRequest(1, 0x1ff0, 3), 5)).isInstanceOf(ProtocolError.class)
                .hasMessageContaining("crosses a 4 KiB boundary");
    }

    @Test
    void misalignedAddress() {
        assertThatThrownBy(() -> axi.request(new DmaReadRequest(1, 0x1004, 0), 5)).hasMessageContaining("not aligned");
    }

    @Test
    void idOutOfRange() {
        assertThatThrownBy(() -> axi.request(new DmaReadRequest(32, 0x1000, 0), 5)).hasMessageContaining("uses id 32");
    }

    @Test
    void dataForAnIdNeverRequested() {
        assertThatThrownBy(() -> axi.beat(r(3, true), 5)).isInstanceOf(ProtocolError.class)
                .hasMessageContaining("id 3, which has no burst outstanding");
    }

    @Test
    void lastTooEarlyAndMissing() {
        axi.request(new DmaReadRequest(1, 0x1000, 1), 1);
        assertThatThrownBy(() -> axi.beat(r(1, true), 5)).hasMessageContaining("says last with 1 beat(s) of the burst still due");
        AxiReadChecker b = new AxiReadChecker("p", 8, 16, 5);
        b.request(new DmaReadRequest(1, 0x1000, 0), 1);
        assertThatThrownBy(() -> b.beat(r(1, false), 5)).hasMessageContaining("final beat but does not say last");
    }

    @Test
    void strayDataAllowedOnlyWhenAsked() {
        axi.allowStrayData();
        assertThatCode(() -> axi.beat(r(3, false), 5)).doesNotThrowAnyException();
        assertThatCode(() -> axi.beat(r(3, true), 6)).doesNotThrowAnyException();
        assertThat(axi.strayBursts()).isEqualTo(1);
    }

    @Test
    void withStrayDataAllowedAnOutstandingBurstIsStillChecked() {
        axi.allowStrayData();
        axi.request(new DmaReadRequest(1, 0x1000, 1), 1);
        assertThatThrownBy(() -> axi.beat(r(1, true), 5)).hasMessageContaining("says last with 1 beat(s) of the burst still due");
    }

    static void send(AxisFrameChecker c, byte[] f, int cutAt, long[] keepOverride) {
        int beats = (Math.min(f.length, cutAt) + 7) / 8;
        for (int i = 0; i < beats; i++) {
            int n = Math.min(8, Math.min(f.length, cutAt) - i * 8);
            long keep = keepOverride != null && i < keepOverride.length ? keepOverride[i] : (1L << n) - 1;
            c.beat(new AxisBeat(Bytes.wrap(java.util.Arrays.copyOfRange(f, i * 8, i * 8 + 8)), keep, i == beats - 1), i);
        }
    }

    static byte[] frame(int payload) {
        return new TcpFrame(1, 2, 3, 4, 0, 64, true, 10, 20, 0, 0, TcpFrame.ACK, 100, Bytes.wrap(new byte[payload])).encode().toArray();
    }

    @Test
    void goodFramesPassIncludingPaddedOnes() {
        AxisFrameChecker c = new AxisFrameChecker("m_axis_tx", 8);
        send(c, frame(1000), Integer.MAX_VALUE, null);
        send(c, frame(1), Integer.MAX_VALUE, null); // padded to 60
        assertThat(c.frames()).isEqualTo(2);
        assertThat(c.midFrame()).isFalse();
    }

    @Test
    void lastTooEarly() {
        AxisFrameChecker c = new AxisFrameChecker("m_axis_tx", 8);
        assertThatThrownBy(() -> send(c, frame(100), 80, null)).isInstanceOf(ProtocolError.class)
                .hasMessageContaining("last after 80 bytes, but the IPv4 header says the frame has 154");
    }

    @Test
    void keepWithAHole() {
        AxisFrameChecker c = new AxisFrameChecker("m_axis_tx", 8);
        assertThatThrownBy(() -> send(c, frame(100), Integer.MAX_VALUE, new long[] {0xff, 0xfb})).isInstanceOf(ProtocolError.class)
                .hasMessageContaining("keep 0xfb is not contiguous");
    }

    @Test
    void partialKeepBeforeTheLastBeat() {
        AxisFrameChecker c = new AxisFrameChecker("m_axis_tx", 8);
        assertThatThrownBy(() -> send(c, frame(100), Integer.MAX_VALUE, new long[] {0x0f})).isInstanceOf(ProtocolError.class)
                .hasMessageContaining("not the last of its frame");
    }
}
