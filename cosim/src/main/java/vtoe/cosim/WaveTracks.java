package vtoe.cosim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Labelled string tracks for the waves, collected while a run goes and written into its FST when the
 * Dut closes: the transactions per port as the RTL's monitors saw them and as the TLM predicted them,
 * the ConnStateUnit's trace records, and the first failure. A label starts at the cycle its
 * transaction's valid rose and is held until the next transaction on that track, so it stays
 * readable when the view is zoomed out; it begins with its handshake cycle ({@code 1067: hostreq ..}),
 * which keeps two equal transactions in a row apart and says exactly when each happened.
 *
 * <p>Why strings in the model's own FST rather than a translate filter process over numeric tracks or
 * a second dump file: GTKWave shows one dump file per window, and a filter process can only name
 * values that are already in the dump, while a transaction (a frame's TCP header, a predicted record
 * that never appeared) is not a value of any signal. The price is one copy of the FST after the run
 * ({@code fst_tracks.cpp}); only runs with waves pay it.
 */
public final class WaveTracks {
    /** Where a track goes in the FST hierarchy; GTKWave names it {@code txn.<track>}. */
    public static final String SCOPE = "txn";

    /** What a track shows between transactions (GTKWave shows an empty string as UNDEF, in red). */
    public static final String IDLE = "-";

    /**
     * The first failure of the run: where the .gtkw opens, with a named marker.
     *
     * @param conn the connection of the failing transaction, -1 if it has none
     */
    public record Failure(long cycle, String what, List<String> tracks, int conn) {}

    private record Span(long start, long end, String label) {}

    private static final long HOLD = Long.MAX_VALUE / 8; // a value's end when it holds until the next

    private final Map<String, List<Span>> tracks = new LinkedHashMap<>();
    private final Set<String> highlighted = new LinkedHashSet<>();
    private Failure failure;

    /** Shows {@code label} on {@code track} from {@code startCycle} on; {@code endCycle} is its handshake. */
    public void span(String track, long startCycle, long endCycle, String label) {
        tracks.computeIfAbsent(track, k -> new ArrayList<>()).add(new Span(startCycle, HOLD, endCycle + ": " + label));
    }

    /** Shows {@code label} on {@code track} from {@code cycle} until the next value of that track. */
    public void value(String track, long cycle, String label) {
        tracks.computeIfAbsent(track, k -> new ArrayList<>()).add(new Span(cycle, HOLD, label));
    }

    /** Declares a track (so it is there, blank, even if nothing happens on it). */
    public void track(String track) {
        tracks.computeIfAbsent(track, k -> new ArrayList<>());
    }

    /**
     * Records the run's failure, unless an earlier one is recorded already (the first is the one to
     * look at; what follows is often its consequence). {@code tracks} are highlighted in the .gtkw.
     */
    public void fail(long cycle, String what, String... involved) {
        fail(cycle, what, -1, involved);
    }

    /** {@link #fail(long, String, String...)} for a failure that belongs to connection {@code conn}. */
    public void fail(long cycle, String what, int conn, String... involved) {
        if (failure != null) {
            return;
        }
        String first = what == null ? "failure" : what.strip().lines().findFirst().orElse("failure");
        failure = new Failure(cycle, first, List.of(involved), conn);
        highlighted.addAll(List.of(involved));
        span("failure", cycle, cycle, first);
    }

    public Failure failure() {
        return failure;
    }

    public Set<String> highlighted() {
        return highlighted;
    }

    public List<String> names() {
        return List.copyOf(tracks.keySet());
    }

    boolean isEmpty() {
        return tracks.isEmpty();
    }

    /** The value changes in FST time ({@code timePerCycle} per cycle), for {@code fstAddTracks}. */
    Changes changes(long timePerCycle, long fromCycle) {
        Changes c = new Changes();
        int k = 0;
        for (List<Span> spans : tracks.values()) {
            c.add(fromCycle * timePerCycle, k, IDLE); // defined from the first traced cycle on
            List<Span> s = new ArrayList<>(spans);
            s.sort((a, b) -> Long.compare(a.start, b.start));
            // Spans starting in the same cycle share it: "a | b".
            List<Span> merged = new ArrayList<>();
            for (Span x : s) {
                Span last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && last.start == x.start) {
                    merged.set(merged.size() - 1, new Span(last.start, Math.max(last.end, x.end), last.label + " | " + x.label));
                } else {
                    merged.add(x);
                }
            }
            for (int i = 0; i < merged.size(); i++) {
                Span x = merged.get(i);
                Span next = i + 1 < merged.size() ? merged.get(i + 1) : null;
                if (x.end < fromCycle || next != null && next.start <= fromCycle) {
                    continue; // over before the first traced cycle
                }
                c.add(Math.max(x.start, fromCycle) * timePerCycle, k, x.label);
                long blank = x.end + 1;
                if (x.end < HOLD && (next == null || next.start > blank)) {
                    c.add(blank * timePerCycle, k, IDLE);
                }
            }
            k++;
        }
        return c;
    }

    static final class Changes {
        final List<Long> times = new ArrayList<>();
        final List<Integer> track = new ArrayList<>();
        final List<String> texts = new ArrayList<>();

        void add(long t, int k, String s) {
            times.add(t);
            track.add(k);
            texts.add(s);
        }
    }
}
