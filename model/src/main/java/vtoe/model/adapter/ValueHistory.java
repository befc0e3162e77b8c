package vtoe.model.adapter;

import java.util.Arrays;

/**
 * One value of a connection over time, for {@link ConnStateUnitModel}'s look-ups of what the RTL's
 * state memory held in a past cycle (the framer reads at its latch cycle): the changes in cycle
 * order, a change in the cycle of the last one replacing it, and the value during a cycle being the
 * last change before it. In arrays of primitives rather than a {@code TreeMap<Long, Integer>}: the
 * unit records after every op it does, and the map's walks and boxes were a few percent of a
 * payload-free run.
 */
final class ValueHistory {
    private long[] at = new long[16];
    private long[] value = new long[16];
    private int size;
    private final int trimAbove;
    private final long keepCycles;

    /**
     * Starts with {@code initial} since forever; once more than {@code trimAbove} changes are kept, drops
     * those older than {@code keepCycles} before the latest, keeping the one in force then.
     */
    ValueHistory(long initial, int trimAbove, long keepCycles) {
        at[0] = Long.MIN_VALUE;
        value[0] = initial;
        size = 1;
        this.trimAbove = trimAbove;
        this.keepCycles = keepCycles;
    }

    /** Keeps {@code v} as the value from cycle {@code t} on, if it changed. */
    void remember(long t, long v) {
        int last = size - 1;
        if (at[last] == t) {
            value[last] = v;
            return;
        }
        if (t < at[last]) {
            insert(t, v); // never from the unit or the CSR file, which record in cycle order
            return;
        }
        if (value[last] == v) {
            return;
        }
        if (size == at.length) {
            at = Arrays.copyOf(at, size * 2);
            value = Arrays.copyOf(value, size * 2);
        }
        at[size] = t;
        value[size] = v;
        size++;
        if (size > trimAbove) {
            int keepFrom = floor(t - keepCycles);
            if (keepFrom > 0) {
                System.arraycopy(at, keepFrom, at, 0, size - keepFrom);
                System.arraycopy(value, keepFrom, value, 0, size - keepFrom);
                size -= keepFrom;
            }
        }
    }

    /** The value during {@code cycle}: the last change before it. */
    long before(long cycle) {
        int i = floor(cycle - 1);
        if (i < 0) {
            throw new IllegalStateException("no value kept from before cycle " + cycle + " (kept from cycle " + at[0] + " on)");
        }
        return value[i];
    }

    /** The index of the last change at or before {@code t}, -1 if none. */
    private int floor(long t) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (at[mid] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private void insert(long t, long v) {
        int i = floor(t);
        if (i >= 0 && at[i] == t) {
            value[i] = v;
            return;
        }
        if (size == at.length) {
            at = Arrays.copyOf(at, size * 2);
            value = Arrays.copyOf(value, size * 2);
        }
        System.arraycopy(at, i + 1, at, i + 2, size - i - 1);
        System.arraycopy(value, i + 1, value, i + 2, size - i - 1);
        at[i + 1] = t;
        value[i + 1] = v;
        size++;
    }
}
