package vtoe.model.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The pager's evictable pages in recency order, least recently used first: a list threaded through
 * the pages themselves ({@link Page#lruPrev}, {@link Page#lruNext}), in the order a
 * {@code LinkedHashSet} of them kept (append at the end, take from the front, remove anywhere), with
 * no hashing: every pin, unpin and touch moves a page, and the set's hashing was a few percent of a
 * payload-free run of the demo's thrashing world.
 */
final class PageLru {
    private Page head;
    private Page tail;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The least recently used page (the list is not empty). */
    Page first() {
        return head;
    }

    /** Appends {@code p} as the most recently used; false (and nothing changed) if it is in the list already. */
    boolean add(Page p) {
        if (p.inLru) {
            return false;
        }
        p.inLru = true;
        p.lruPrev = tail;
        p.lruNext = null;
        if (tail == null) {
            head = p;
        } else {
            tail.lruNext = p;
        }
        tail = p;
        size++;
        return true;
    }

    /** Takes {@code p} out; false if it was not in the list. */
    boolean remove(Page p) {
        if (!p.inLru) {
            return false;
        }
        if (p.lruPrev == null) {
            head = p.lruNext;
        } else {
            p.lruPrev.lruNext = p.lruNext;
        }
        if (p.lruNext == null) {
            tail = p.lruPrev;
        } else {
            p.lruNext.lruPrev = p.lruPrev;
        }
        p.lruPrev = null;
        p.lruNext = null;
        p.inLru = false;
        size--;
        return true;
    }

    /** The pages, least recently used first. */
    List<Page> pages() {
        List<Page> out = new ArrayList<>(size);
        for (Page p = head; p != null; p = p.lruNext) {
            out.add(p);
        }
        return out;
    }

    @Override
    public String toString() {
        return pages().toString();
    }
}
