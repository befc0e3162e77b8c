package vtoe.model.sim;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * A plain discrete-event kernel: time jumps to the next event. Drives the standalone TLM and the
 * world models in unit tests.
 */
public final class EventKernel implements Timeline {
    private record Event(long cycle, long seq, Runnable action) {}

    private final PriorityQueue<Event> events = new PriorityQueue<>(
            (a, b) -> a.cycle != b.cycle ? Long.compare(a.cycle, b.cycle) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public long now() {
        return now;
    }

    @Override
    public void at(long cycle, Runnable action) {
        if (cycle < now) {
            throw new IllegalStateException("event scheduled for cycle " + cycle + ", already at " + now);
        }
        events.add(new Event(cycle, seq++, action));
    }

    public int pending() {
        return events.size();
    }

    /** Runs events until none is left or {@code stop} holds; returns false if the cycle limit was hit first. */
    public boolean runUntil(BooleanSupplier stop, long maxCycle) {
        while (!stop.getAsBoolean()) {
            Event e = events.peek();
            if (e == null) {
                return true;
            }
            if (e.cycle > maxCycle) {
                now = maxCycle;
                return false;
            }
            events.poll();
            now = e.cycle;
            e.action.run();
        }
        return true;
    }

    public void runAll() {
        runUntil(() -> false, Long.MAX_VALUE);
    }
}
