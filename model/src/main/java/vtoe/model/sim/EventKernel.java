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
 *
 * <p>Beside both, one {@link #lane} of events whose cycles come in order, kept by value in arrays.
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

    private Lane<?> lane;

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
        requireNotPast(cycle);
        push(cycle << 1, action);
    }

    /** Runs {@code action} in {@code cycle} after every action given for that cycle with {@link #at}. */
    @Override
    public void atEndOf(long cycle, Runnable action) {
        requireNotPast(cycle);
        push(cycle << 1 | 1, action);
    }

    private void requireNotPast(long cycle) {
        if (cycle < now) {
            throw new IllegalStateException("event scheduled for cycle " + cycle + ", already at " + now);
        }
    }

    public int pending() {
        return heap.size() + inWheel + (lane == null ? 0 : lane.size);
    }

    /**
     * The kernel's lane of events of one kind, owned by whoever asked for it (one per kernel): an
     * event is an item and a number for {@code handler}, kept in arrays instead of a closure in the
     * queue. Events must be added in the order of their cycles, which is what makes the lane a FIFO;
     * they run in the kernel's order among all others, by (cycle, phase, scheduling order), exactly
     * as if each had been given with {@link #at}. Made for the standalone TLM's DMA bursts, which end
     * in the order they are requested (the read data channel is in order) and were two events in five
     * of a payload-free run: a closure and a trip through the wheel each cost about as much again as
     * the burst's own work.
     */
    public <T> Lane<T> lane(java.util.function.ObjLongConsumer<T> handler) {
        if (hasLane()) {
            throw new IllegalStateException("this kernel already has its lane");
        }
        Lane<T> l = new Lane<>(handler);
        lane = l;
        return l;
    }

    /** Whether someone has the lane already (a second owner gives its events with {@link #at}). */
    public boolean hasLane() {
        return lane != null;
    }

    /** See {@link #lane}. */
    public final class Lane<T> {
        private final java.util.function.ObjLongConsumer<T> handler;
        private long[] keys = new long[64];
        private long[] seqs = new long[64];
        private long[] args = new long[64];
        private Object[] items = new Object[64];
        private int first;
        private int size;

        private Lane(java.util.function.ObjLongConsumer<T> handler) {
            this.handler = handler;
        }

        /** Runs {@code handler(item, arg)} at {@code cycle}, which is no earlier than the cycle of any event already in the lane. */
        public void at(long cycle, T item, long arg) {
            requireNotPast(cycle);
            long key = cycle << 1;
            int last = (first + size - 1) & (keys.length - 1);
            if (size > 0 && key < keys[last]) {
                throw new IllegalStateException("lane event for cycle " + cycle + " after one for cycle " + (keys[last] >>> 1)
                        + ": a lane's events must come in the order of their cycles");
            }
            if (size == keys.length) {
                grow();
            }
            int i = (first + size) & (keys.length - 1);
            keys[i] = key;
            seqs[i] = seq++;
            args[i] = arg;
            items[i] = item;
            size++;
        }

        long headKey() {
            return keys[first];
        }

        long headSeq() {
            return seqs[first];
        }

        @SuppressWarnings("unchecked")
        void runHead() {
            T item = (T) items[first];
            long arg = args[first];
            items[first] = null;
            first = (first + 1) & (keys.length - 1);
            size--;
            handler.accept(item, arg);
        }

        private void grow() {
            int n = keys.length;
            long[] k = new long[2 * n];
            long[] q = new long[2 * n];
            long[] a = new long[2 * n];
            Object[] it = new Object[2 * n];
            for (int j = 0; j < size; j++) {
                int i = (first + j) & (n - 1);
                k[j] = keys[i];
                q[j] = seqs[i];
                a[j] = args[i];
                it[j] = items[i];
            }
            keys = k;
            seqs = q;
            args = a;
            items = it;
            first = 0;
        }
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
            long key = fromHeap ? heap.firstKey() : wheelKey;
            boolean fromLane = lane != null && lane.size > 0 && (slot < 0 && !fromHeap || lane.headKey() < key
                    || lane.headKey() == key && lane.headSeq() < (fromHeap ? heap.firstSeq() : nodeSeq[head[slot]]));
            if (slot < 0 && !fromHeap && !fromLane) {
                return true;
            }
            if (fromLane) {
                key = lane.headKey();
            }
            long cycle = key >>> 1;
            if (cycle > maxCycle) {
                now = maxCycle;
                return false;
            }
            if (key > base) {
                base = key;
            }
            now = cycle;
            executed++;
            if (fromLane) {
                lane.runHead();
                continue;
            }
            Runnable a;
            if (fromHeap) {
                a = heap.first();
                heap.removeFirst();
            } else {
                a = takeHead(slot);
            }
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
