package vtoe.model.host;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** One virtual page of an address space: where its bytes are (a frame, a swap slot, or nowhere yet) and its pins. */
final class Page {
    final AddressSpace space;
    final long vpn;
    int frame = -1;
    long slot = -1;
    int pins;
    boolean inTransit;
    boolean unmapped;
    /** Pins waiting for this page's page-in: true when it arrived, false when it failed (with {@link #error}). */
    final List<Consumer<Boolean>> waiters = new ArrayList<>();
    String error;

    Page(AddressSpace space, long vpn) {
        this.space = space;
        this.vpn = vpn;
    }

    boolean resident() {
        return frame >= 0 && !inTransit;
    }

    long va() {
        return vpn * Pager.PAGE;
    }

    @Override
    public String toString() {
        return "space %s VA 0x%x (%s, pins %d)".formatted(space.name(), va(),
                inTransit ? "paging in" : frame >= 0 ? "frame " + frame : slot >= 0 ? "swap slot " + slot : "untouched", pins);
    }
}
