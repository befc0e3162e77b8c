package vtoe.model.check;

import java.util.Arrays;
import vtoe.model.txn.Bytes;

/**
 * The sender rules' frames waiting for cycle order: by cycle, the sender's frames before those to
 * it, then in the order handed over. A binary heap over primitive arrays, written out because the
 * JDK's {@code PriorityQueue} with a comparator over records (every frame and ACK of a run passes
 * through it, some forty held at line rate) was a fiftieth of a payload-free run, and no library
 * here has a heap keyed by two longs.
 */
final class ReorderQueue {
    private long[] key = new long[64]; // cycle * 2, + 1 for a frame to the sender
    private long[] order = new long[64];
    private Bytes[] frame = new Bytes[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void add(long cycle, boolean fromSender, long ord, Bytes f) {
        if (size == key.length) {
            key = Arrays.copyOf(key, size * 2);
            order = Arrays.copyOf(order, size * 2);
            frame = Arrays.copyOf(frame, size * 2);
        }
        long k = cycle << 1 | (fromSender ? 0 : 1);
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(k, ord, key[parent], order[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, k, ord, f);
    }

    /** The cycle of the first frame (the queue is not empty). */
    long firstCycle() {
        return key[0] >> 1;
    }

    boolean firstFromSender() {
        return (key[0] & 1) == 0;
    }

    Bytes firstFrame() {
        return frame[0];
    }

    void removeFirst() {
        int last = --size;
        long k = key[last];
        long ord = order[last];
        Bytes f = frame[last];
        frame[last] = null;
        if (last == 0) {
            return;
        }
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= last) {
                break;
            }
            if (c + 1 < last && less(key[c + 1], order[c + 1], key[c], order[c])) {
                c++;
            }
            if (!less(key[c], order[c], k, ord)) {
                break;
            }
            move(c, i);
            i = c;
        }
        set(i, k, ord, f);
    }

    private static boolean less(long ka, long oa, long kb, long ob) {
        return ka < kb || ka == kb && oa < ob;
    }

    private void move(int from, int to) {
        key[to] = key[from];
        order[to] = order[from];
        frame[to] = frame[from];
    }

    private void set(int i, long k, long ord, Bytes f) {
        key[i] = k;
        order[i] = ord;
        frame[i] = f;
    }
}
