package vtoe.model.adapter;

import java.util.Arrays;

/**
 * The RTL's {@code vtoe.rtl.TimerWheel} and ConnStateUnit's walk of it, mirrored exactly: the same
 * lists in the same order, the same slots opened in the same cycles. Every insertion and every walk
 * step is an op with a trace record (a walk step is a TIMER or a WHEEL), and a slot opens at a cycle
 * that follows from them alone (the first cycle at or after the slot's start, with the walk empty and
 * no insertion in that cycle), so the mirror needs no more than the trace.
 *
 * <p>Times are the RTL's: cycles counted from the end of reset, as in trace records.
 */
public final class TimerWheelModel {
    private final long g;
    private final int slotShift;
    private final int mask;
    private final int[] head; // per slot index: first connection of its list, -1 empty
    // Slot indices whose list is not empty (for nextStep). Words of our own, not a BitSet: a BitSet's clear rescans
    // its words for the highest one in use, and the walk clears a bit every slot period (3% of a payload-free run).
    private final long[] filled;
    private final int[] next; // per connection: the next of its list, -1 the last
    private final boolean[] in; // per connection: in a list or in the walk
    private long cursor; // number of the next slot to open
    private int walk = -1; // the walk's next connection
    private long openedAt = Long.MIN_VALUE; // cycle the list being walked was opened
    private long slotTime; // first cycle of the slot being walked
    private long emptyFrom; // first cycle the walk has nothing left
    private long lastInsertAt = -1; // a slot does not open in a cycle that inserts
    private int entries;
    // Openings of a non-empty slot put off by a cycle because an insertion took that cycle: the case a
    // wheel that opened anyway would get wrong (its list then stays in the table, walked again a turn
    // later; mutant M34). Coverage only: a test that means to reach it can show it did.
    private long deferredOpenings;

    public TimerWheelModel(int numConns, int slotCycles, int slots) {
        this.g = slotCycles;
        this.slotShift = Integer.numberOfTrailingZeros(slotCycles);
        this.mask = slots - 1;
        this.head = new int[slots];
        Arrays.fill(head, -1);
        this.filled = new long[(slots + 63) / 64];
        this.next = new int[numConns];
        this.in = new boolean[numConns];
    }

    /** Opens the slots the RTL opens in cycles up to {@code limit}; every record up to then must have been applied. */
    public void catchUp(long limit) {
        while (walk < 0) {
            long y = Math.max(cursor * g, emptyFrom);
            boolean deferred = y == lastInsertAt;
            if (deferred) {
                y++; // only the latest insertion can fall on or after the next opening (one op per cycle)
            }
            if (y > limit) {
                return;
            }
            int i = (int) (cursor & mask);
            if (deferred && head[i] >= 0) {
                deferredOpenings++;
            }
            walk = head[i];
            head[i] = -1;
            filled[i >>> 6] &= ~(1L << i);
            openedAt = y;
            slotTime = cursor * g;
            cursor++;
            emptyFrom = y + 1;
        }
    }

    /** Whether the op of cycle {@code t} may be a walk step: stage 0 saw a connection to look at in cycle t - 1. */
    public boolean stepReady(long t) {
        return walk >= 0 && openedAt <= t - 2;
    }

    /** The connection the walk looks at next (-1: none). */
    public int walkHead() {
        return walk;
    }

    /** First cycle of the slot whose list is being walked. */
    public long slotTime() {
        return slotTime;
    }

    /** Openings of a non-empty slot put off by a cycle for an insertion in the cycle they were due. */
    public long deferredOpenings() {
        return deferredOpenings;
    }

    public boolean contains(int conn) {
        return in[conn];
    }

    /** Connections in the wheel (in a slot's list or in the walk). */
    public int entries() {
        return entries;
    }

    public long slotCycles() {
        return g;
    }

    /** The walk's step of cycle {@code t}: its head leaves the wheel (the op may put it back). */
    public void step(int conn, long t) {
        if (conn != walk) {
            throw new IllegalStateException("the walk's head is " + walk + ", not " + conn);
        }
        walk = next[conn];
        in[conn] = false;
        entries--;
        if (walk < 0) {
            emptyFrom = t; // the walk's successor is known in the step's own cycle, so is its end
        }
    }

    /**
     * The slot number a connection goes to: the one after the slot holding min(max(deadline, base),
     * base + rto). No later than G cycles past any deadline its timer can get meanwhile (each is at
     * least now + rto), and never the slot that holds base.
     */
    public long key(long deadline, long base, long rto) {
        long at = Math.min(Math.max(deadline, base), base + rto);
        return (at >> slotShift) + 1;
    }

    /** Puts a connection at the head of the list of slot {@code key} in cycle {@code t}. */
    public void insert(int conn, long key, long t) {
        if (in[conn]) {
            throw new IllegalStateException("connection " + conn + " is in the timer wheel already");
        }
        int i = (int) (key & mask);
        next[conn] = head[i];
        head[i] = conn;
        filled[i >>> 6] |= 1L << i;
        in[conn] = true;
        entries++;
        lastInsertAt = t;
    }

    /**
     * The first cycle after {@code now} whose op could be a walk step if nothing is inserted before
     * (Long.MAX_VALUE: the wheel is empty). For an event-driven model that sleeps until then.
     */
    public long nextStep(long now) {
        if (walk >= 0) {
            return Math.max(now + 1, openedAt + 2);
        }
        int from = (int) (cursor & mask);
        int i = nextFilled(from);
        if (i < 0) {
            i = nextFilled(0);
        }
        if (i < 0) {
            return Long.MAX_VALUE;
        }
        long n = cursor + ((i - from) & mask); // the next slot number at that index
        return Math.max(now + 1, Math.max(n * g, emptyFrom) + 2);
    }

    /** The first filled slot index at or after {@code from}, -1 if none. */
    private int nextFilled(int from) {
        int w = from >>> 6;
        if (w >= filled.length) {
            return -1;
        }
        long bits = filled[w] & (-1L << from);
        while (true) {
            if (bits != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(bits);
            }
            if (++w == filled.length) {
                return -1;
            }
            bits = filled[w];
        }
    }
}
