package vtoe.model.sim;

/**
 * Simulated time in adapter clock cycles, shared by every model that acts over time (host, storage,
 * network). Implemented by the co-simulation's scheduler (time advances with the RTL) and by the
 * standalone discrete-event kernel (time jumps from event to event), so the same world model drives
 * both.
 */
public interface Timeline {
    /** The current cycle. */
    long now();

    /** Runs {@code action} at {@code cycle} (not before now); same-cycle actions run in scheduling order. */
    void at(long cycle, Runnable action);

    /**
     * Runs {@code action} in {@code cycle} after every action given for that cycle with {@link #at},
     * as logic clocked at the end of the cycle sees everything that arrived in it. A timeline without
     * such a phase runs it as {@link #at} does.
     */
    default void atEndOf(long cycle, Runnable action) {
        at(cycle, action);
    }

    default void after(long delay, Runnable action) {
        if (delay < 0) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        at(now() + delay, action);
    }
}
