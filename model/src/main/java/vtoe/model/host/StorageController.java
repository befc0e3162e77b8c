package vtoe.model.host;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import vtoe.model.sim.Timeline;

/**
 * The controller in front of {@link DataStorage}: one FIFO queue, {@code channels} requests in
 * service at once, each taking a service time drawn from its own distribution. Page-ins queue behind
 * page-outs, which is what makes swapping under pressure slow. Reads can be made to fail (bad-input
 * tests): the failure arrives after the service time, as a real media error would.
 *
 * <p>The bytes of a write land in storage when it is queued (the pager's frame is free at once and a
 * later read must see them); the queue models only the time the device is busy.
 */
public final class StorageController {
    private record Request(boolean read, long slot, Runnable serve) {}

    private final Timeline t;
    private final DataStorage storage;
    private final LongSupplier readLatency;
    private final LongSupplier writeLatency;
    private final int channels;
    private final Deque<Request> queue = new ArrayDeque<>();
    private int inService;
    private LongPredicate failReads = s -> false;
    private long reads;
    private long writes;
    private long failedReads;
    private int maxQueueDepth;
    private long busyCycles;

    public StorageController(Timeline t, DataStorage storage, LongSupplier readLatency, LongSupplier writeLatency, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("a storage controller needs at least one channel, got " + channels);
        }
        this.t = t;
        this.storage = storage;
        this.readLatency = readLatency;
        this.writeLatency = writeLatency;
        this.channels = channels;
    }

    public DataStorage storage() {
        return storage;
    }

    /** Failure injection: reads of matching slots fail. */
    public void failReadsIf(LongPredicate slot) {
        this.failReads = slot;
    }

    public void read(long slot, Consumer<byte[]> done, Consumer<String> failed) {
        enqueue(new Request(true, slot, () -> {
            reads++;
            if (failReads.test(slot)) {
                failedReads++;
                failed.accept("storage controller: read of swap slot " + slot + " failed (media error)");
            } else {
                done.accept(storage.read(slot));
            }
        }));
    }

    public void write(long slot, byte[] page, Runnable done) {
        storage.write(slot, page);
        enqueue(new Request(false, slot, () -> {
            writes++;
            done.run();
        }));
    }

    private void enqueue(Request r) {
        queue.addLast(r);
        maxQueueDepth = Math.max(maxQueueDepth, queue.size());
        start();
    }

    private void start() {
        while (inService < channels && !queue.isEmpty()) {
            Request r = queue.pollFirst();
            inService++;
            long d = Math.max(1, (r.read ? readLatency : writeLatency).getAsLong());
            busyCycles += d;
            t.after(d, () -> {
                inService--;
                r.serve.run();
                start();
            });
        }
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

    public int maxQueueDepth() {
        return maxQueueDepth;
    }

    /** Sum of service times (over all channels). */
    public long busyCycles() {
        return busyCycles;
    }

    public int queued() {
        return queue.size() + inService;
    }
}
