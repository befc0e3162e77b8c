package vtoe.cosim;

import java.util.PriorityQueue;

/**
 * Hands observations to a lockstep model in the order their effects happened in the RTL, which is
 * not always the order they were observed: a trace record tells of a change made some cycles before
 * it left the trace queue. Each observation carries its effective cycle; it is released once the
 * simulation is {@code lag} cycles past it, when nothing with an earlier effective cycle can still
 * arrive. Ties: inputs before outputs (an input at cycle c is seen by the RTL before its outputs of
 * cycle c take effect), then port order, then arrival.
 */
public final class TimeOrderedDispatch {
    private record Item(long cycle, int order, long seq, Runnable action) {}

    private static final java.util.Comparator<Item> ORDER = (a, b) -> a.cycle != b.cycle ? Long.compare(a.cycle, b.cycle)
            : a.order != b.order ? Integer.compare(a.order, b.order) : Long.compare(a.seq, b.seq);
    // Most observations arrive in order (they are delivered sorted per step): those queue in arrival
    // order, the rest (a trace record that lagged, an input behind an output) in a heap. Releasing
    // takes the smaller head of the two, so the order is exactly that of one priority queue.
    private final java.util.ArrayDeque<Item> inOrder = new java.util.ArrayDeque<>();
    private final PriorityQueue<Item> q = new PriorityQueue<>(ORDER);
    private final long lag;
    private long seq;
    private long released = Long.MIN_VALUE;

    public TimeOrderedDispatch(long lag) {
        this.lag = lag;
    }

    /** @param order input ports before output ports, then a fixed port order */
    public void add(long effectiveCycle, int order, Runnable action) {
        if (effectiveCycle < released) {
            throw new IllegalStateException("observation for cycle " + effectiveCycle + " arrived after cycle " + released
                    + " was released: it lagged more than " + lag + " cycles");
        }
        Item i = new Item(effectiveCycle, order, seq++, action);
        if (inOrder.isEmpty() || ORDER.compare(inOrder.peekLast(), i) < 0) {
            inOrder.addLast(i);
        } else {
            q.add(i);
        }
    }

    /** Releases everything at or before {@code now - lag}. */
    public void release(long now) {
        releaseUpTo(now - lag);
    }

    /** Releases everything (end of a run). */
    public void flush() {
        releaseUpTo(Long.MAX_VALUE);
    }

    private void releaseUpTo(long cycle) {
        while (true) {
            Item a = inOrder.peekFirst();
            Item b = q.peek();
            Item next = a == null ? b : b == null || ORDER.compare(a, b) < 0 ? a : b;
            if (next == null || next.cycle > cycle) {
                return;
            }
            if (next == a) {
                inOrder.pollFirst();
            } else {
                q.poll();
            }
            released = Math.max(released, next.cycle);
            next.action.run();
        }
    }

    public int pending() {
        return inOrder.size() + q.size();
    }

    public long lag() {
        return lag;
    }
}
