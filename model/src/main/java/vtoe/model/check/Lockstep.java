package vtoe.model.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.assertj.core.api.Assertions;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Txn;

/**
 * The lockstep scoreboard: per output port, the TLM's predictions and the RTL's observations are
 * compared in order (per key, where a port carries independent flows whose relative order depends on
 * timing). Either side may run ahead; a pair is compared as soon as both are there.
 *
 * <p>A mismatch throws {@link LockstepMismatchError} at once with both records, a field-by-field
 * difference, the cycle, the last transactions on that port and the context lines (seed and
 * {@code REPRODUCE:} command) from the harness. {@link #checkEmpty()} fails on leftovers on either
 * side. The difference between the TLM's estimated cycle and the RTL's is kept per port as the TLM's
 * timing error (reported, never failed).
 */
public final class Lockstep {
    private static final int HISTORY = 8;

    private record Expected(Txn txn, long estimatedCycle, LongConsumer actual) {}

    private final class PortBoard {
        final String name;
        final Function<Txn, Object> key;
        final Map<Object, Deque<Expected>> expected = new LinkedHashMap<>();
        final Map<Object, Deque<Observed<? extends Txn>>> observed = new LinkedHashMap<>();
        final Deque<Observed<? extends Txn>> history = new ArrayDeque<>(); // formatted only on a mismatch
        final SummaryStatistics timing = new SummaryStatistics();
        long compared;

        PortBoard(String name, Function<Txn, Object> key) {
            this.name = name;
            this.key = key;
        }
    }

    private final Map<String, PortBoard> ports = new LinkedHashMap<>();
    private final Supplier<String> context;
    private long compared;
    private LockstepTap tap; // null unless waves are written

    /** @param context lines appended to every failure: seed, {@code REPRODUCE:} command, wave file */
    public Lockstep(Supplier<String> context) {
        this.context = context;
    }

    /** Registers an output port compared in one order. */
    public Lockstep port(String name) {
        return port(name, t -> "");
    }

    /** Registers an output port compared in order per key (e.g. per connection). */
    public Lockstep port(String name, Function<Txn, Object> key) {
        ports.put(name, new PortBoard(name, key));
        return this;
    }

    /** Shows every observation and comparison to {@code t} (the waves' transaction tracks); null: none. */
    public Lockstep tap(LockstepTap t) {
        this.tap = t;
        return this;
    }

    public boolean watches(String port) {
        return ports.containsKey(port);
    }

    /** A TLM prediction; {@code actual} receives the RTL's cycle once the pair matched. */
    public void expect(String port, Txn txn, long estimatedCycle, LongConsumer actual) {
        PortBoard b = board(port);
        Object k = b.key.apply(txn);
        Deque<Observed<? extends Txn>> seen = b.observed.get(k);
        if (seen != null && !seen.isEmpty()) {
            compare(b, new Expected(txn, estimatedCycle, actual), seen.pollFirst());
        } else {
            b.expected.computeIfAbsent(k, x -> new ArrayDeque<>()).addLast(new Expected(txn, estimatedCycle, actual));
        }
    }

    /** An RTL output as its monitor saw it. */
    public void observe(String port, Observed<? extends Txn> obs) {
        PortBoard b = board(port);
        if (tap != null) {
            tap.observed(port, obs);
        }
        Object k = b.key.apply(obs.txn());
        Deque<Expected> exp = b.expected.get(k);
        if (exp != null && !exp.isEmpty()) {
            compare(b, exp.pollFirst(), obs);
        } else {
            b.observed.computeIfAbsent(k, x -> new ArrayDeque<>()).addLast(obs);
        }
    }

    private void compare(PortBoard b, Expected e, Observed<? extends Txn> o) {
        boolean equal = e.txn().equals(o.txn());
        if (tap != null) {
            tap.compared(b.name, e.txn(), e.estimatedCycle(), o, equal);
        }
        if (!equal) {
            throw new LockstepMismatchError(b.name, o.endCycle(), mismatchMessage(b, e, o));
        }
        b.compared++;
        compared++;
        b.timing.addValue(o.endCycle() - e.estimatedCycle());
        b.history.addLast(o);
        if (b.history.size() > HISTORY) {
            b.history.removeFirst();
        }
        e.actual().accept(o.endCycle());
    }

    private String mismatchMessage(PortBoard b, Expected e, Observed<? extends Txn> o) {
        StringBuilder m = new StringBuilder();
        m.append("LOCKSTEP MISMATCH on ").append(b.name).append(" at cycle ").append(o.endCycle());
        Object k = b.key.apply(o.txn());
        if (!"".equals(k)) {
            m.append(" (flow ").append(k).append(")");
        }
        m.append("\n  expected (TLM, estimated cycle ").append(e.estimatedCycle()).append("): ").append(e.txn());
        m.append("\n  actual   (RTL, cycles ").append(o.startCycle()).append("..").append(o.endCycle()).append("): ")
                .append(o.txn());
        m.append("\n  difference: ").append(difference(e.txn(), o.txn()));
        m.append("\n  last matched on ").append(b.name).append(b.history.isEmpty() ? ": none" : ":");
        for (Observed<? extends Txn> h : b.history) {
            m.append("\n    cycle ").append(h.endCycle()).append(": ").append(h.txn());
        }
        appendContext(m);
        return m.toString();
    }

    static String difference(Txn expected, Txn actual) {
        if (expected.getClass() != actual.getClass()) {
            return "different kinds: " + expected.getClass().getSimpleName() + " vs " + actual.getClass().getSimpleName();
        }
        try {
            Assertions.assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
            return "none field by field (equals() disagrees)";
        } catch (AssertionError diff) {
            // AssertJ's report lists each differing field with both values; keep just that part.
            String s = diff.getMessage();
            int at = s.indexOf("field/property");
            return (at >= 0 ? s.substring(at) : s).strip().replace("\n", "\n    ");
        }
    }

    /** Fails when either side holds transactions the other never produced. */
    public void checkEmpty() {
        StringBuilder m = new StringBuilder();
        for (PortBoard b : ports.values()) {
            for (var q : b.expected.values()) {
                for (Expected e : q) {
                    if (tap != null) {
                        tap.unmatched(b.name, e.txn(), e.estimatedCycle());
                    }
                    m.append("\n  ").append(b.name).append(": TLM predicted, RTL never produced: ").append(e.txn())
                            .append(" (estimated cycle ").append(e.estimatedCycle()).append(")");
                }
            }
            for (var q : b.observed.values()) {
                for (Observed<? extends Txn> o : q) {
                    if (tap != null) {
                        tap.unpredicted(b.name, o);
                    }
                    m.append("\n  ").append(b.name).append(": RTL produced, TLM never predicted: ").append(o);
                }
            }
        }
        if (m.length() > 0) {
            StringBuilder full = new StringBuilder("LOCKSTEP LEFTOVERS at the end of the run:").append(m);
            appendContext(full);
            throw new LockstepMismatchError("*", -1, full.toString());
        }
    }

    private void appendContext(StringBuilder m) {
        String c = context.get();
        if (c != null && !c.isBlank()) {
            m.append("\n").append(c.strip());
        }
    }

    private PortBoard board(String port) {
        PortBoard b = ports.get(port);
        if (b == null) {
            throw new IllegalArgumentException("no scoreboard for port " + port + "; registered: " + ports.keySet());
        }
        return b;
    }

    /** Transactions compared and found equal, all ports. */
    public long compared() {
        return compared;
    }

    /** Per port: compared count and the TLM's timing error (RTL cycle minus estimate). */
    public Map<String, TimingError> timing() {
        Map<String, TimingError> m = new LinkedHashMap<>();
        for (PortBoard b : ports.values()) {
            SummaryStatistics s = b.timing;
            m.put(b.name, new TimingError(b.compared, s.getN() == 0 ? 0 : s.getMean(),
                    s.getN() == 0 ? 0 : s.getStandardDeviation(), s.getN() == 0 ? 0 : (long) s.getMin(),
                    s.getN() == 0 ? 0 : (long) s.getMax()));
        }
        return m;
    }

    /** Predictions the RTL has not produced yet (what a run must wait for before it can end). */
    public int predictionsWaiting() {
        int n = 0;
        for (PortBoard b : ports.values()) {
            n += b.expected.values().stream().mapToInt(Deque::size).sum();
        }
        return n;
    }

    /** Outstanding work per port, for watchdog reports. */
    public List<String> pending() {
        List<String> out = new ArrayList<>();
        for (PortBoard b : ports.values()) {
            int e = b.expected.values().stream().mapToInt(Deque::size).sum();
            int o = b.observed.values().stream().mapToInt(Deque::size).sum();
            if (e + o > 0) {
                out.add(b.name + ": " + e + " predicted waiting, " + o + " observed waiting");
            }
        }
        return out;
    }

    /** The TLM's timing error on one port, in cycles (positive: the RTL was later than estimated). */
    public record TimingError(long compared, double mean, double stdDev, long min, long max) {}
}
