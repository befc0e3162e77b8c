package vtoe.model.sim;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * A plain discrete-event kernel: time jumps to the next event. Drives the standalone TLM and the
 * world models in unit tests.
 *
 * <p>Events run in (cycle, phase, scheduling order): the actions of a cycle given with {@link #at}
 * first, then those given with {@link #atEndOf} (the clock edge that closes the cycle).
 *
 * <p>The queue is a timing wheel with a heap beside it. Most of the standalone TLM's events fall a
 * few to a few thousand cycles ahead (a beat, a burst, a link's delay), so they go into the wheel:
 * one FIFO per (cycle, phase) over the next {@link #WHEEL} keys, found through an occupancy bitmap;
 * O(1) to add and to take, where the binary heap it replaced (over primitive arrays) spent a fifth
 * of a payload-free run's time sifting. Events beyond the wheel (timers, a WAN's idle stretches) and
 * the rare action given for the current cycle from its end phase go to the heap; the next event is
 * the smaller of the wheel's first and the heap's, by key and then by scheduling order, so the order
 * is exactly the heap-only kernel's.
 */
public final class EventKernel implements Timeline {
    /** Keys (cycle * 2 + phase) the wheel covers from the current one: 4096 cycles. */
    static final int WHEEL = 1 << 13;
    private static final int MASK = WHEEL - 1;

    // The wheel: per slot a FIFO of nodes (head, tail: node indices, -1 when empty), one key per slot.
    private final int[] head = new int[WHEEL];
    private final int[] tail = new int[WHEEL];
    private final long[] occupied = new long[WHEEL / 64];
    private int inWheel;
    private long base; // the key of the event run last (never decreases); the wheel holds keys in [base, base + WHEEL)
    // Nodes of the wheel, recycled through a free list.
    private long[] nodeSeq = new long[256];
    private Runnable[] nodeAction = new Runnable[256];
    private int[] nodeNext = new int[256];
    private int free = -1;
    private int nodes;

    // The heap beside it: (key, seq) ordered, seq unique.
    private final KeyedHeap<Runnable> heap = new KeyedHeap<>();

    private long now;
    private long seq;
    private long executed;

    public EventKernel() {
        Arrays.fill(head, -1);
        Arrays.fill(tail, -1);
    }

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
        return heap.size() + inWheel;
    }

    /** Events run so far (a measure of the kernel's work, for benchmarks). */
    public long executed() {
        return executed;
    }

    /** Runs events until none is left or {@code stop} holds; returns false if the cycle limit was hit first. */
    public boolean runUntil(BooleanSupplier stop, long maxCycle) {
        while (!stop.getAsBoolean()) {
            int slot = inWheel == 0 ? -1 : firstSlot();
            long wheelKey = slot < 0 ? Long.MAX_VALUE : base + ((slot - base) & MASK);
            boolean fromHeap = !heap.isEmpty() && (slot < 0 || heap.firstKey() < wheelKey
                    || heap.firstKey() == wheelKey && heap.firstSeq() < nodeSeq[head[slot]]);
            if (slot < 0 && !fromHeap) {
                return true;
            }
            long key = fromHeap ? heap.firstKey() : wheelKey;
            long cycle = key >>> 1;
            if (cycle > maxCycle) {
                now = maxCycle;
                return false;
            }
            Runnable a;
            if (fromHeap) {
                a = heap.first();
                heap.removeFirst();
            } else {
                a = takeHead(slot);
            }
            if (key > base) {
                base = key;
            }
            now = cycle;
            executed++;
            a.run();
        }
        return true;
    }

    public void runAll() {
        runUntil(() -> false, Long.MAX_VALUE);
    }

    private void push(long key, Runnable action) {
        long s = seq++;
        if (key >= base && key - base < WHEEL) {
            wheelAdd(key, s, action);
        } else {
            heap.add(key, s, action);
        }
    }

    // ---- the wheel ----

    private void wheelAdd(long key, long s, Runnable action) {
        int n = free;
        if (n >= 0) {
            free = nodeNext[n];
        } else {
            if (nodes == nodeSeq.length) {
                int m = nodes * 2;
                nodeSeq = Arrays.copyOf(nodeSeq, m);
                nodeAction = Arrays.copyOf(nodeAction, m);
                nodeNext = Arrays.copyOf(nodeNext, m);
            }
            n = nodes++;
        }
        nodeSeq[n] = s;
        nodeAction[n] = action;
        nodeNext[n] = -1;
        int slot = (int) key & MASK;
        if (tail[slot] < 0) {
            head[slot] = n;
            occupied[slot >>> 6] |= 1L << slot;
        } else {
            nodeNext[tail[slot]] = n;
        }
        tail[slot] = n;
        inWheel++;
    }

    /** The first occupied slot from the base's on, wrapping (the wheel is not empty). */
    private int firstSlot() {
        int from = (int) base & MASK;
        int w = from >>> 6;
        long bits = occupied[w] & (-1L << from);
        for (int i = 0; i <= occupied.length; i++) {
            if (bits != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(bits);
            }
            w = (w + 1) & (occupied.length - 1);
            bits = occupied[w];
        }
        throw new IllegalStateException("the event wheel counts " + inWheel + " events but holds none");
    }

    private Runnable takeHead(int slot) {
        int n = head[slot];
        Runnable a = nodeAction[n];
        int next = nodeNext[n];
        head[slot] = next;
        if (next < 0) {
            tail[slot] = -1;
            occupied[slot >>> 6] &= ~(1L << slot);
        }
        nodeAction[n] = null;
        nodeNext[n] = free;
        free = n;
        inWheel--;
        return a;
    }
}
