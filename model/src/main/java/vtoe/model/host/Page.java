package vtoe.model.host;

/** One virtual page of an address space: where its bytes are and how often it is pinned. */
final class Page {
    enum State { UNTOUCHED, RESIDENT, IN_TRANSIT, SWAPPED, UNMAPPED }

    final AddressSpace space;
    final long vpn;
    State state = State.UNTOUCHED;
    /** Owned frame when RESIDENT, reserved frame when IN_TRANSIT, else -1. */
    int frame = -1;
    /** Swap slot when SWAPPED or IN_TRANSIT, else -1. */
    long slot = -1;
    int pinCount;
    /** The page-in in progress, so that a late completion of a superseded one is recognised and dropped. */
    Pager.PageIn pageIn;
    /** Its neighbours in the pager's LRU while {@code inLru} ({@link PageLru}). */
    Page lruPrev;
    Page lruNext;
    boolean inLru;

    Page(AddressSpace space, long vpn) {
        this.space = space;
        this.vpn = vpn;
    }

    long va() {
        return vpn * Pager.PAGE_SIZE;
    }

    /** "VA 0x.. of space X", the way every message names a page. */
    String describe() {
        return "VA 0x%x of space %s".formatted(va(), space.name());
    }

    @Override
    public String toString() {
        return describe() + " [" + state + (frame >= 0 ? " frame " + frame : "") + (slot >= 0 ? " slot " + slot : "")
                + (pinCount > 0 ? " pinned " + pinCount : "") + "]";
    }
}
