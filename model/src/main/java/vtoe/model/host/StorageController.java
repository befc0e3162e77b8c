package vtoe.model.host;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import vtoe.model.sim.Timeline;

/**
 * The swap device's timing: one FIFO queue, {@code channels} requests in service at once, each
 * taking a service time drawn from the read or write latency supplier. Data moves at the end of
 * service, so a read observes every write that completed before it.
 */
public final class StorageController {
    private record Request(boolean isRead, long slot, byte[] page, Consumer<byte[]> readDone,
                           Consumer<String> readFailed, Runnable writeDone) {}

    private final Timeline timeline;
    private final DataStorage storage;
    private final LongSupplier readLatency;
    private final LongSupplier writeLatency;
    private final int channels;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private int inService;
    private LongPredicate failReads = slot -> false;

    private long reads;
    private long writes;
    private long failedReads;
    private int maxQueueDepth;
    private long busyCycles;

    public StorageController(Timeline t, DataStorage s, LongSupplier readLatency, LongSupplier writeLatency, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("storage controller needs at least one channel, got " + channels);
        }
        this.timeline = t;
        this.storage = s;
        this.readLatency = readLatency;
        this.writeLatency = writeLatency;
        this.channels = channels;
    }

    public StorageController(Timeline t, DataStorage s, LongSupplier readLatency, LongSupplier writeLatency) {
        this(t, s, readLatency, writeLatency, 1);
    }

    public DataStorage storage() {
        return storage;
    }

    public Timeline timeline() {
        return timeline;
    }

    /** Reads a slot; exactly one of {@code done} (with a private copy) or {@code failed} runs, after the service time. */
    public void read(long slot, Consumer<byte[]> done, Consumer<String> failed) {
        submit(new Request(true, slot, null, done, failed, null));
    }

    /** Writes a page to a slot; {@code page} is copied now so the caller may reuse it (null: a page whose bytes are not modelled). */
    public void write(long slot, byte[] page, Runnable done) {
        if (page != null && page.length != DataStorage.PAGE_SIZE) {
            throw new IllegalArgumentException("write of swap slot %d: page must be %d bytes, got %d".formatted(slot, DataStorage.PAGE_SIZE, page.length));
        }
        submit(new Request(false, slot, page == null ? null : page.clone(), null, null, done));
    }

    /** Failure injection: reads of matching slots fail after their service time (replaces any earlier predicate). */
    public void failReadsIf(LongPredicate slot) {
        this.failReads = slot;
    }

    public long reads() {
        return reads;
    }

    public long writes() {
        return writes;
    }

    public long failedReads() {
        return failedReads;
    }

    /** The most requests held at once, waiting plus in service. */
    public int maxQueueDepth() {
        return maxQueueDepth;
    }

    /** Sum of the service times of all started requests (channel-cycles, so up to channels × elapsed). */
    public long busyCycles() {
        return busyCycles;
    }

    /** Requests waiting plus in service now. */
    public int outstanding() {
        return queue.size() + inService;
    }

    private void submit(Request r) {
        queue.add(r);
        maxQueueDepth = Math.max(maxQueueDepth, outstanding());
        pump();
    }

    private void pump() {
        while (inService < channels && !queue.isEmpty()) {
            Request r = queue.poll();
            inService++;
            // A latency distribution with an unbounded left tail (e.g. normal) may sample below zero;
            // clamping keeps a long run alive instead of crashing it on one unlucky draw.
            long service = Math.max(0, r.isRead ? readLatency.getAsLong() : writeLatency.getAsLong());
            busyCycles += service;
            timeline.after(service, () -> complete(r, service));
        }
    }

    private void complete(Request r, long service) {
        inService--;
        if (r.isRead) {
            reads++;
            String error = null;
            byte[] data = null;
            if (failReads.test(r.slot)) {
                error = "storage read of swap slot %d failed (injected failure) after %d cycles".formatted(r.slot, service);
            } else {
                try {
                    data = storage.read(r.slot);
                } catch (IllegalArgumentException e) {
                    error = "storage read failed after %d cycles: %s".formatted(service, e.getMessage());
                }
            }
            if (error != null) {
                failedReads++;
                r.readFailed.accept(error);
            } else {
                r.readDone.accept(data);
            }
        } else {
            writes++;
            storage.write(r.slot, r.page);
            r.writeDone.run();
        }
        pump();
    }
}
