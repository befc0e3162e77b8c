package vtoe.cosim;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
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
 */
public final class AxisFrameMonitor implements Consumer<Observed<AxisBeat>> {
    private final String port;
    private final int dataBytes;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final List<Consumer<Observed<Frame>>> subscribers = new ArrayList<>();
    private long start = -1;
    private long frames;

    public AxisFrameMonitor(Dut dut, String port) {
        this.port = port;
        this.dataBytes = dut.port(port).field("data").width() / 8;
        new StreamMonitor<>(dut, port, AxisBeat.class).subscribe(this);
    }

    public AxisFrameMonitor subscribe(Consumer<Observed<Frame>> s) {
        subscribers.add(s);
        return this;
    }

    @Override
    public void accept(Observed<AxisBeat> o) {
        AxisBeat b = o.txn();
        long full = dataBytes == 64 ? -1L : (1L << dataBytes) - 1;
        long k = b.keep() & full;
        boolean contiguous = (k & (k + 1)) == 0 && k != 0;
        if (!b.last() && k != full || b.last() && !contiguous) {
            throw new SimulationEndedException(SimulationEndedException.Kind.PROTOCOL, o.endCycle(), port + ": keep 0x"
                    + Long.toHexString(k) + " is not allowed on a" + (b.last() ? " last" : "n inner") + " beat (cycle " + o.endCycle() + ")");
        }
        if (start < 0) {
            start = o.startCycle();
        }
        for (int i = 0; i < dataBytes; i++) {
            if ((k >>> i & 1) != 0) {
                buf.write(b.data().get(i));
            }
        }
        if (b.last()) {
            Observed<Frame> f = new Observed<>(new Frame(Bytes.wrap(buf.toByteArray())), start, o.endCycle());
            buf.reset();
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
