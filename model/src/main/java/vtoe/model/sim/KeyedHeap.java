package vtoe.model.sim;

import java.util.Arrays;

/**
 * A binary min-heap of values ordered by (key, seq), two longs, over primitive arrays: the event
 * kernel's events beyond its wheel (key = cycle * 2 + phase, seq = scheduling order) and the sender
 * rules' frames waiting for cycle order (key = cycle * 2 + 1 for a frame to the sender, seq = the order
 * handed over). Written out because the JDK's {@code PriorityQueue} with a comparator over records
 * spent a fifth of a payload-free run sifting in the kernel and a fiftieth in the sender rules, and no
 * library here has a heap keyed by two longs. Ties in both are the caller's to avoid (seq unique).
 */
public final class KeyedHeap<T> {
    private long[] keys = new long[64];
    private long[] seqs = new long[64];
    private Object[] values = new Object[64];
    private int size;

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** The first value's key, seq and value (the heap is not empty). */
    public long firstKey() {
        return keys[0];
    }

    public long firstSeq() {
        return seqs[0];
    }

    @SuppressWarnings("unchecked")
    public T first() {
        return (T) values[0];
    }

    private static boolean before(long ka, long sa, long kb, long sb) {
        return ka != kb ? ka < kb : sa < sb;
    }

    public void add(long key, long seq, T value) {
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            seqs = Arrays.copyOf(seqs, n);
            values = Arrays.copyOf(values, n);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(key, seq, keys[parent], seqs[parent])) {
                break;
            }
            keys[i] = keys[parent];
            seqs[i] = seqs[parent];
            values[i] = values[parent];
            i = parent;
        }
        keys[i] = key;
        seqs[i] = seq;
        values[i] = value;
    }

    /** Removes the first value (the heap is not empty). */
    public void removeFirst() {
        int last = --size;
        long key = keys[last];
        long s = seqs[last];
        Object v = values[last];
        values[last] = null;
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
            values[i] = values[child];
            i = child;
        }
        keys[i] = key;
        seqs[i] = s;
        values[i] = v;
    }
}
