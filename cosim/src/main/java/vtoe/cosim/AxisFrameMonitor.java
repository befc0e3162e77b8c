package vtoe.cosim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import vtoe.model.txn.AxisBeat;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Frame;
import vtoe.model.txn.Observed;

/**
 * Assembles AXI-Stream beats (data, keep, last) into frames. Checks what AXI-Stream requires of a
 * frame's beats here: keep is all ones except on the last beat, where it is contiguous from byte 0;
 * a violation is a protocol error of the sender, reported with the beat.
 *
 * <p>Reads each beat's payload words straight from the port (no beat record per beat: a frame
 * stream is the busiest port of a co-simulation).
 */
public final class AxisFrameMonitor implements Consumer<Observed<AxisBeat>> {
    private final String port;
    private final int dataBytes;
    private final int dataAt;
    private final int keepAt;
    private final int lastAt;
    private final List<Consumer<Observed<Frame>>> subscribers = new ArrayList<>();
    private byte[] buf = new byte[2048];
    private int len;
    private long start = -1;
    private long frames;

    public AxisFrameMonitor(Dut dut, String port) {
        PortInfo p = dut.port(port);
        this.port = port;
        this.dataBytes = p.field("data").width() / 8;
        this.dataAt = p.field("data").wordOffset();
        this.keepAt = p.field("keep").wordOffset();
        this.lastAt = p.field("last").wordOffset();
        dut.listen(port, (startCycle, endCycle, entry, off) -> beat(entry, off + dataAt, entry[off + keepAt],
                entry[off + lastAt] != 0, startCycle, endCycle));
    }

    public AxisFrameMonitor subscribe(Consumer<Observed<Frame>> s) {
        subscribers.add(s);
        return this;
    }

    /** A beat from elsewhere (the monitor already hears its own port). */
    @Override
    public void accept(Observed<AxisBeat> o) {
        AxisBeat b = o.txn();
        long[] words = new long[(dataBytes + 7) / 8];
        b.data().toLongs(words, 0, words.length);
        beat(words, 0, b.keep(), b.last(), o.startCycle(), o.endCycle());
    }

    private void beat(long[] words, int at, long keep, boolean last, long startCycle, long endCycle) {
        long full = dataBytes == 64 ? -1L : (1L << dataBytes) - 1;
        long k = keep & full;
        boolean contiguous = (k & (k + 1)) == 0 && k != 0;
        if (!last && k != full || last && !contiguous) {
            throw new SimulationEndedException(SimulationEndedException.Kind.PROTOCOL, endCycle, port + ": keep 0x"
                    + Long.toHexString(k) + " is not allowed on a" + (last ? " last" : "n inner") + " beat (cycle " + endCycle + ")");
        }
        if (start < 0) {
            start = startCycle;
        }
        if (len + dataBytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, len + dataBytes));
        }
        // keep is contiguous from byte 0 (checked above): its population count is the bytes to take.
        int n = Long.bitCount(k);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) (words[at + (i >>> 3)] >>> ((i & 7) << 3));
        }
        if (last) {
            Observed<Frame> f = new Observed<>(new Frame(Bytes.wrap(Arrays.copyOf(buf, len))), start, endCycle);
            len = 0;
            start = -1;
            frames++;
            for (Consumer<Observed<Frame>> s : subscribers) {
                s.accept(f);
            }
        }
    }

    public long frames() {
        return frames;
    }
}
