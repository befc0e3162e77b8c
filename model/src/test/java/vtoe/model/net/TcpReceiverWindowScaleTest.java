package vtoe.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.payload.Sha256Digest;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;

/**
 * The destination's window with RFC 7323 window scaling: the field is the buffer's room in units of
 * {@code 2^shift}, rounded up to a whole unit and never pulling the right edge back (RFC 7323 2.4),
 * data up to an advertised edge is taken, and shift 0 is the unscaled window as before.
 *
 * <p>Run just this: {@code mvn -B -q -o -pl model test -Dtest=TcpReceiverWindowScaleTest}
 */
class TcpReceiverWindowScaleTest {
    static final TcpReceiver.Endpoint PEER = new TcpReceiver.Endpoint(0x02_00_00_00_01_01L, 0x0a00_0101, 5001);
    static final TcpReceiver.Endpoint US = new TcpReceiver.Endpoint(0x02_00_00_00_00_01L, 0x0a00_0001, 0x4001);
    static final int FIRST = 0xffff_ff00; // so the stream wraps

    final List<TcpFrame> acks = new ArrayList<>();
    long now;
    final Timeline t = new Timeline() {
        @Override
        public long now() {
            return now;
        }

        @Override
        public void at(long cycle, Runnable action) {
            throw new AssertionError("the receiver schedules nothing");
        }
    };

    TcpReceiver receiver(long buffer, int shift) {
        return new TcpReceiver(PEER, US, FIRST, buffer, shift, Double.POSITIVE_INFINITY, t,
                f -> acks.add(TcpFrame.parse(f).frame()), new Sha256Digest());
    }

    static Bytes data(long rel, int len) {
        byte[] p = new byte[len];
        for (int i = 0; i < len; i++) {
            p[i] = (byte) (rel + i);
        }
        return new TcpFrame(PEER.mac(), US.mac(), US.ip(), PEER.ip(), 1, 64, true, US.port(), PEER.port(), FIRST + (int) rel, 0,
                TcpFrame.ACK, 0xffff, Bytes.wrap(p)).encode();
    }

    /** The window field of the last ACK, and its right edge relative to the first byte. */
    int lastField() {
        return acks.get(acks.size() - 1).window();
    }

    long lastEdge(int shift) {
        TcpFrame a = acks.get(acks.size() - 1);
        return Integer.toUnsignedLong(a.ack() - FIRST) + ((long) a.window() << shift);
    }

    @Test
    void theFieldIsTheRoomInUnitsOfTwoToTheShiftRoundedUpOnlyToKeepTheEdge() {
        TcpReceiver r = receiver(1_000_000, 7);
        r.receive(data(0, 1000));
        // Read at once: after the segment 999000 bytes of room. 999000 / 128 = 7804.7: rounding down would pull
        // the right edge (first + 1000000, the window handed over) back to first + 998912 + 1000.
        assertThat(lastField()).isEqualTo(7805);
        assertThat(lastEdge(7)).isEqualTo(1000 + 7805 * 128L).isGreaterThanOrEqualTo(1_000_000);
        assertThat(r.wndShift()).isEqualTo(7);
    }

    @Test
    void aPausedReceiverNeverPullsItsRightEdgeBackAndOffersAtMostOneUnitMoreThanItsRoom() {
        int shift = 9;
        long buffer = 16 << 20;
        TcpReceiver r = receiver(buffer, shift);
        r.pause();
        long edge = buffer;
        long rel = 0;
        int[] sizes = {1, 1460, 333, 4095, 511, 513, 1000, 7};
        for (int i = 0; i < 2000; i++) {
            int len = sizes[i % sizes.length];
            r.receive(data(rel, len));
            rel += len;
            long e = lastEdge(shift);
            assertThat(e).as("segment %d: the right edge moves only right", i).isGreaterThanOrEqualTo(edge);
            long room = buffer - rel;
            assertThat((long) lastField() << shift).as("segment %d: within one unit of the room %d", i, room)
                    .isLessThan(Math.max(room, edge - rel) + (1L << shift));
            edge = e;
        }
        assertThat(r.bytesReceived()).isEqualTo(rel);
        // Above 64 KiB the window only exists scaled: the field is well below what it stands for.
        assertThat(lastField()).isLessThan(32768);
        assertThat((long) lastField() << shift).isGreaterThan(65535);
    }

    @Test
    void dataUpToTheAdvertisedEdgeIsTakenEvenPastTheRoom() {
        TcpReceiver r = receiver(1000, 7);
        r.pause();
        r.receive(data(0, 999));
        // One byte of room, advertised as one unit of 128 bytes: the edge is first + 999 + 128.
        assertThat(lastField()).isEqualTo(1);
        r.receive(data(999, 128));
        assertThat(r.bytesReceived()).as("the receiver offered it, so it takes it").isEqualTo(1127);
        assertThat(lastField()).isZero();
        r.receive(data(1127, 1));
        assertThat(r.bytesReceived()).as("beyond the edge: dropped").isEqualTo(1127);
    }

    /**
     * A buffer smaller than one window unit (1460 bytes, shift 14): its room rounds up to one unit, or the
     * window would read zero for ever and the sender could only probe it a byte at a time (sign-off seed
     * 0x4f3300fa44cc8b61 of FaultRandomIT, 3,556 bytes in 40 million cycles).
     */
    @Test
    void aRoomSmallerThanOneUnitIsAdvertisedAsOneUnitNotAsZero() {
        TcpReceiver r = receiver(1460, 14); // the application reads at once, when the next segment arrives
        r.receive(data(0, 1460));
        assertThat(lastField()).as("the buffer is full and the edge reached").isZero();
        r.receive(data(1460, 1)); // the sender's probe; the application has read the 1460 bytes meanwhile
        assertThat(r.bytesReceived()).isEqualTo(1461);
        assertThat(lastField()).as("1459 bytes of room in units of 16384: one unit, not zero").isEqualTo(1);
        assertThat(lastEdge(14)).isEqualTo(1461 + 16384);
        r.receive(data(1461, 1460));
        assertThat(r.bytesReceived()).as("the window is open again: a whole segment is taken").isEqualTo(2921);
    }

    @Test
    void shiftZeroIsTheUnscaledRoomAsBefore() {
        TcpReceiver r = receiver(5000, 0);
        r.pause();
        r.receive(data(0, 1234));
        assertThat(lastField()).isEqualTo(3766);
        r.receive(data(1234, 4000));
        assertThat(r.bytesReceived()).isEqualTo(5000);
        assertThat(lastField()).isZero();
    }

    @Test
    void aBufferTheFieldCannotReachOrAShiftAbove14IsRefused() {
        assertThatThrownBy(() -> receiver(65536, 0)).hasMessageContaining("1..65535 bytes with window shift 0");
        assertThatThrownBy(() -> receiver(1L << 30, 14)).hasMessageContaining("1..1073725440 bytes with window shift 14");
        assertThatThrownBy(() -> receiver(1000, 15)).hasMessageContaining("window shift must be 0..14");
        assertThat(receiver(65535L << 14, 14).wndShift()).isEqualTo(14);
    }
}
