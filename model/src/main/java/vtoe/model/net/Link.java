package vtoe.model.net;

import java.util.function.Consumer;
import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;

/**
 * One direction of a network link: frames are serialised at {@code bytesPerCycle}, arrive
 * {@code latency} cycles later, and may be lost, duplicated, delayed past later frames (reordered)
 * or have one bit flipped, each with its own probability, all drawn from the link's own seeded
 * stream so a run is reproducible.
 */
public final class Link {
    /**
     * @param latency       cycles from the end of serialisation to arrival
     * @param bytesPerCycle bandwidth (0: unlimited)
     * @param loss          probability a frame is dropped
     * @param duplicate     probability a frame arrives twice
     * @param reorder       probability a frame is held back by {@code reorderDelay} extra cycles
     * @param reorderDelay  extra cycles of a reordered frame
     * @param corrupt       probability one random bit of the frame is flipped
     */
    public record Config(long latency, double bytesPerCycle, double loss, double duplicate, double reorder, long reorderDelay,
            double corrupt) {
        public Config {
            if (latency < 0 || bytesPerCycle < 0 || reorderDelay < 0) {
                throw new IllegalArgumentException("latency, bandwidth and reorder delay must not be negative");
            }
            for (double pr : new double[] {loss, duplicate, reorder, corrupt}) {
                if (pr < 0 || pr > 1) {
                    throw new IllegalArgumentException("probabilities must be in [0, 1], got " + pr);
                }
            }
        }

        public static Config ideal(long latency) {
            return new Config(latency, 0, 0, 0, 0, 0, 0);
        }

        public Config withLoss(double p) {
            return new Config(latency, bytesPerCycle, p, duplicate, reorder, reorderDelay, corrupt);
        }

        public Config withImpairments(double loss, double dup, double reorder, long reorderDelay, double corrupt) {
            return new Config(latency, bytesPerCycle, loss, dup, reorder, reorderDelay, corrupt);
        }
    }

    /** What happened to the frames sent so far. */
    public record Stats(long sent, long delivered, long lost, long duplicated, long reordered, long corrupted) {}

    private final Config c;
    private final Timeline t;
    private final UniformRandomProvider rng;
    private final Consumer<Bytes> deliver;
    private java.util.function.Predicate<Bytes> dropIf = f -> false;
    private long busyUntil;
    private long sent;
    private long delivered;
    private long lost;
    private long duplicated;
    private long reordered;
    private long corrupted;

    public Link(Config c, Timeline t, UniformRandomProvider rng, Consumer<Bytes> deliver) {
        this.c = c;
        this.t = t;
        this.rng = rng;
        this.deliver = deliver;
    }

    public void send(Bytes frame) {
        sent++;
        long start = Math.max(t.now(), busyUntil);
        long ser = c.bytesPerCycle() == 0 ? 0 : (long) Math.ceil(frame.length() / c.bytesPerCycle());
        busyUntil = start + ser;
        // Draw every decision for every frame, so one probability changing does not shift the others' draws.
        boolean drop = rng.nextDouble() < c.loss();
        boolean dup = rng.nextDouble() < c.duplicate();
        boolean late = rng.nextDouble() < c.reorder();
        boolean flip = rng.nextDouble() < c.corrupt();
        int bit = rng.nextInt(Math.max(1, frame.length() * 8));
        if (drop || dropIf.test(frame)) {
            lost++;
            return;
        }
        Bytes out = frame;
        if (flip) {
            out = frame.flipBit(bit);
            corrupted++;
        }
        long arrive = busyUntil + Math.max(1, c.latency()) + (late ? c.reorderDelay() : 0);
        if (late) {
            reordered++;
        }
        Bytes f = out;
        t.at(arrive, () -> arrive(f));
        if (dup) {
            duplicated++;
            t.at(arrive + 1, () -> arrive(f));
        }
    }

    private void arrive(Bytes f) {
        delivered++;
        deliver.accept(f);
    }

    /** Drops every frame the predicate picks, besides the random losses (directed tests). */
    public void dropIf(java.util.function.Predicate<Bytes> pred) {
        this.dropIf = pred;
    }

    public Stats stats() {
        return new Stats(sent, delivered, lost, duplicated, reordered, corrupted);
    }
}
