package vtoe.model.sim;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * A plain discrete-event kernel: time jumps to the next event. Drives the standalone TLM and the
 * world models in unit tests.
 *
 * <p>Events run in (cycle, phase, scheduling order): the actions of a cycle given with {@link #at}
 * first, then those given with {@link #atEndOf} (the clock edge that closes the cycle). The queue is
 * a binary heap over primitive arrays: the standalone TLM schedules millions of events, and a heap
 * of event objects compared through a lambda was a quarter of its time.
 */
public final class EventKernel implements Timeline {
    private long[] keys = new long[256]; // cycle * 2 + phase
    private long[] seqs = new long[256];
    private Runnable[] actions = new Runnable[256];
    private int size;
    private long now;
    private long seq;
    private long executed;

    @Override
    public long now() {
        return now;
    }

    @Override
    public void at(long cycle, Runnable action) {
        if (cycle < now) {
            throw new IllegalStateException("event scheduled for cycle " + cycle + ", already at " + now);
        }
        push(cycle << 1, action);
    }

    /** Runs {@code action} in {@code cycle} after every action given for that cycle with {@link #at}. */
    @Override
    public void atEndOf(long cycle, Runnable action) {
        if (cycle < now) {
            throw new IllegalStateException("event scheduled for cycle " + cycle + ", already at " + now);
        }
        push(cycle << 1 | 1, action);
    }

    public int pending() {
        return size;
    }

    /** Events run so far (a measure of the kernel's work, for benchmarks). */
    public long executed() {
        return executed;
    }

    /** Runs events until none is left or {@code stop} holds; returns false if the cycle limit was hit first. */
    public boolean runUntil(BooleanSupplier stop, long maxCycle) {
        while (!stop.getAsBoolean()) {
            if (size == 0) {
                return true;
            }
            long cycle = keys[0] >>> 1;
            if (cycle > maxCycle) {
                now = maxCycle;
                return false;
            }
            Runnable a = actions[0];
            pop();
            now = cycle;
            executed++;
            a.run();
        }
        return true;
    }

    public void runAll() {
        runUntil(() -> false, Long.MAX_VALUE);
    }

    // ---- the heap: (key, seq) ordered, seq unique ----

    private static boolean before(long ka, long sa, long kb, long sb) {
        return ka != kb ? ka < kb : sa < sb;
    }

    private void push(long key, Runnable action) {
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            seqs = Arrays.copyOf(seqs, n);
            actions = Arrays.copyOf(actions, n);
        }
        long s = seq++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(key, s, keys[parent], seqs[parent])) {
                break;
            }
            keys[i] = keys[parent];
            seqs[i] = seqs[parent];
            actions[i] = actions[parent];
            i = parent;
        }
        keys[i] = key;
        seqs[i] = s;
        actions[i] = action;
    }

    private void pop() {
        int last = --size;
        long key = keys[last];
        long s = seqs[last];
        Runnable a = actions[last];
        actions[last] = null;
        if (last == 0) {
            return;
        }
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && before(keys[right], seqs[right], keys[child], seqs[child])) {
                child = right;
            }
            if (!before(keys[child], seqs[child], key, s)) {
                break;
            }
            keys[i] = keys[child];
            seqs[i] = seqs[child];
            actions[i] = actions[child];
            i = child;
        }
        keys[i] = key;
        seqs[i] = s;
        actions[i] = a;
    }
}
