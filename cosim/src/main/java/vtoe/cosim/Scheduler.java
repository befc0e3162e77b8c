package vtoe.cosim;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Java-side events in simulated cycles (a host answering after its latency, memory written before a
 * doorbell) interleaved with the RTL: the DUT runs to the next event or until an output wakes Java;
 * events run when their cycle is reached, in (cycle, scheduling order).
 */
public final class Scheduler implements vtoe.model.sim.Timeline {
    private record Event(long cycle, long seq, Runnable action) {}

    /** Longest single step, so that {@code done} is re-checked even when no output wakes Java. */
    private static final long CHUNK = 4096;
    private final Dut dut;
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            (a, b) -> a.cycle != b.cycle ? Long.compare(a.cycle, b.cycle) : Long.compare(a.seq, b.seq));
    private long seq;

    public Scheduler(Dut dut) {
        this.dut = dut;
    }

    @Override
    public long now() {
        return dut.cycle();
    }

    @Override
    public void at(long cycle, Runnable action) {
        if (cycle < dut.cycle()) {
            throw new IllegalStateException("event scheduled for cycle " + cycle + ", already at " + dut.cycle());
        }
        events.add(new Event(cycle, seq++, action));
    }

    public int pending() {
        return events.size();
    }

    /**
     * Runs until {@code done} holds. Fails with a {@link SimulationTimeoutException} holding every
     * port's state and {@code diagnostics} when {@code maxCycles} pass first.
     */
    public void runUntil(BooleanSupplier done, long maxCycles, Supplier<String> diagnostics) {
        long deadline = dut.cycle() + maxCycles;
        runDue();
        while (!done.getAsBoolean()) {
            if (dut.cycle() >= deadline) {
                throw new SimulationTimeoutException("no completion within " + maxCycles + " cycles (at cycle "
                        + dut.cycle() + ")\n" + diagnostics.get() + "\nport states:\n" + dut.portStates()
                        + (dut.waves() != null ? "waves: " + dut.waves().toAbsolutePath() : ""));
            }
            long next = Math.min(dut.cycle() + CHUNK, events.isEmpty() ? deadline : Math.min(events.peek().cycle(), deadline));
            if (next > dut.cycle()) {
                dut.step(next);
            }
            runDue();
        }
    }

    /** Runs exactly {@code cycles} more cycles, with events. */
    public void run(long cycles) {
        long end = dut.cycle() + cycles;
        runUntil(() -> dut.cycle() >= end, cycles + 1, () -> "");
    }

    private void runDue() {
        while (!events.isEmpty() && events.peek().cycle() <= dut.cycle()) {
            events.poll().action().run();
        }
    }
}
