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
    private long watchdog = Long.getLong(WATCHDOG_PROPERTY, DEFAULT_WATCHDOG);

    /** Cycles without a handshake on any port after which a run is declared hung ({@code -Dvtoe.watchdog}, 0: off). */
    public static final String WATCHDOG_PROPERTY = "vtoe.watchdog";
    /**
     * Above the longest quiet time a healthy run of ours has: an RTO of at most about 25k cycles backed
     * off 2^6 times is 1.6M cycles between two timer ops (a timer op is a trace handshake, so it counts
     * as movement). A test with longer timers sets its own.
     */
    public static final long DEFAULT_WATCHDOG = 5_000_000;

    public Scheduler(Dut dut) {
        this.dut = dut;
    }

    /** Sets the watchdog: a run fails when no port moves for this many cycles (0 turns it off). */
    public Scheduler watchdog(long cycles) {
        if (cycles < 0) {
            throw new IllegalArgumentException("watchdog cycles must be >= 0, not " + cycles);
        }
        this.watchdog = cycles;
        return this;
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
        long start = dut.cycle();
        runDue();
        while (!done.getAsBoolean()) {
            long quiet = dut.cycle() - Math.max(start, dut.lastActivity());
            if (watchdog > 0 && quiet > watchdog) {
                throw new SimulationTimeoutException("WATCHDOG: no handshake on any port for " + quiet + " cycles (the last at cycle "
                        + dut.lastActivity() + ", now " + dut.cycle() + "): the design or its testbench is hung\n" + diagnostics.get()
                        + "\nport states:\n" + dut.portStates() + (dut.waves() != null ? "waves: " + dut.waves().toAbsolutePath() : ""));
            }
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
