package vtoe.cosim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import vtoe.model.txn.Observed;

/**
 * Receives an output port ({@code m_*}): drives ready by a pause pattern (always ready by default)
 * and keeps what arrived until the test takes it. A test ends by asserting every sink is empty.
 */
public final class StreamSink<T extends Record> {
    private final Dut dut;
    private final StreamMonitor<T> monitor;
    private final Deque<Observed<T>> received = new ArrayDeque<>();
    private boolean retain = true;

    public StreamSink(Dut dut, String port, Class<T> type) {
        if (dut.port(port).input()) {
            throw new IllegalArgumentException(port + " is an input of " + dut.top() + "; a sink receives outputs (m_*)");
        }
        this.dut = dut;
        this.monitor = new StreamMonitor<>(dut, port, type);
        monitor.subscribe(o -> {
            if (retain) {
                received.addLast(o);
            }
        });
    }

    /** Whether arrivals are kept for {@link #poll}; off where a scoreboard consumes them instead. */
    public StreamSink<T> retain(boolean keep) {
        this.retain = keep;
        return this;
    }

    public void pause(PausePattern p) {
        dut.pattern(monitor.port().name(), p);
    }

    public StreamSink<T> subscribe(Consumer<Observed<T>> s) {
        monitor.subscribe(s);
        return this;
    }

    public Observed<T> poll() {
        return received.pollFirst();
    }

    public Deque<Observed<T>> received() {
        return received;
    }

    public long count() {
        return monitor.count();
    }

    public PortInfo port() {
        return monitor.port();
    }
}
