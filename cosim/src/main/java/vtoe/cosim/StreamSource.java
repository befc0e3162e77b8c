package vtoe.cosim;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Drives an input port ({@code s_*}) with transactions. Each push goes to the native source, which
 * raises valid no earlier than the transaction's {@code notBefore} cycle and when the pause pattern
 * allows, holds the payload stable until ready, and records the handshake. Transactions leave in push
 * order (a bus is a FIFO), so a later push with an earlier {@code notBefore} waits behind.
 *
 * <p>More than fits the native ring waits here and is refilled at the end of every step; the native
 * side stops a step while a quarter of the ring is still queued, so it never runs dry early.
 */
public final class StreamSource<T extends Record> {
    private final Dut dut;
    private final RecordCodec<T> codec;
    private final RingView ring;
    private final Deque<long[]> overflow = new ArrayDeque<>();
    private long pushed;

    public StreamSource(Dut dut, String port, Class<T> type) {
        PortInfo p = dut.port(port);
        if (!p.input()) {
            throw new IllegalArgumentException(port + " is an output of " + dut.top() + "; a source drives inputs (s_*)");
        }
        this.dut = dut;
        this.codec = RecordCodec.of(type, p);
        this.ring = dut.src(p);
        ring.lowWater(ring.capacity / 4);
        dut.register(this);
    }

    /** Pushes a transaction to go out as soon as possible (from the current cycle). */
    public void push(T txn) {
        push(txn, dut.cycle());
    }

    public void push(T txn, long notBefore) {
        long[] e = new long[ring.entryWords];
        e[0] = notBefore;
        codec.encode(txn, e, 1);
        pushed++;
        if (overflow.isEmpty() && ring.free() > 0) {
            ring.push(e);
        } else {
            overflow.addLast(e);
            ring.more(true);
        }
    }

    void refill() {
        while (!overflow.isEmpty() && ring.free() > 0) {
            ring.push(overflow.pollFirst());
        }
        ring.more(!overflow.isEmpty());
    }

    /** Pushed but not yet accepted by the design. */
    public int queued() {
        return ring.size() + overflow.size();
    }

    public long pushed() {
        return pushed;
    }

    public void pause(PausePattern p) {
        dut.pattern(codec.port().name(), p);
    }

    public PortInfo port() {
        return codec.port();
    }
}
