package vtoe.model.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;

/**
 * Protocol checker of an AXI4-style read port (m_dma_ar / s_dma_r), active in every co-simulation:
 * requests within the burst limit, aligned to the data width, inside 4 KiB, with an id the port has;
 * read data only for ids with a burst outstanding, bursts of one id answered in order, {@code last}
 * exactly on each burst's final beat. The first breach throws, naming the rule and the transaction.
 * (The ready/valid rules of every port are checked natively, beat by beat.)
 */
public final class AxiReadChecker {
    private final String port;
    private final int dataBytes;
    private final int maxBurst;
    private final int ids;
    private final Map<Integer, Deque<int[]>> outstanding = new HashMap<>(); // id -> {beats left} per burst
    /** The last few requests, formatted only for a failure's report (formatting each one cost 3% of a co-simulation). */
    private final java.util.ArrayDeque<Noted> recent = new java.util.ArrayDeque<>();

    private record Noted(long cycle, DmaReadRequest ar) {
        @Override
        public String toString() {
            return "cycle " + cycle + ": " + ar;
        }
    }
    private long requests;
    private long beats;
    private boolean strays;
    private long strayBeats;
    private long strayBursts;

    /**
     * @param maxBurst the adapter's maxBurstBeats
     * @param idBits   width of the id field
     */
    public AxiReadChecker(String port, int dataBytes, int maxBurst, int idBits) {
        this.port = port;
        this.dataBytes = dataBytes;
        this.maxBurst = maxBurst;
        this.ids = 1 << idBits;
    }

    public void request(DmaReadRequest ar, long cycle) {
        requests++;
        note(cycle, ar);
        long end = ar.addr() + (long) ar.beats() * dataBytes;
        if (ar.beats() < 1 || ar.beats() > maxBurst) {
            fail(cycle, ar + " has " + ar.beats() + " beats; bursts are 1.." + maxBurst);
        }
        if (ar.addr() % dataBytes != 0) {
            fail(cycle, ar + " is not aligned to the " + dataBytes + "-byte data width");
        }
        if (ar.addr() >>> 12 != (end - 1) >>> 12) {
            fail(cycle, ar + " crosses a 4 KiB boundary (0x%x)".formatted((end - 1) & -4096L));
        }
        if (ar.id() < 0 || ar.id() >= ids) {
            fail(cycle, ar + " uses id " + ar.id() + "; the port has ids 0.." + (ids - 1));
        }
        outstanding.computeIfAbsent(ar.id(), k -> new ArrayDeque<>()).addLast(new int[] {ar.beats()});
    }

    /**
     * The bus model sends stray read data on purpose (a bad-input test of the adapter): a copy of a burst,
     * sent only while no read of its id is outstanding (the native responder's duplicates). Data for an id
     * with nothing outstanding is then counted as stray ({@link #strayBursts}) instead of failing; data for
     * an id with a burst outstanding is checked as always.
     */
    public AxiReadChecker allowStrayData() {
        this.strays = true;
        return this;
    }

    public void beat(DmaReadBeat r, long cycle) {
        beat(r.id(), r.last(), cycle);
    }

    /** As {@link #beat(DmaReadBeat, long)} from the beat's id and last flag (all that is checked here). */
    public void beat(int id, boolean last, long cycle) {
        beats++;
        Deque<int[]> q = outstanding.get(id);
        if (strays && (q == null || q.isEmpty())) {
            strayBeats++;
            if (last) {
                strayBursts++;
            }
            return;
        }
        if (q == null || q.isEmpty()) {
            fail(cycle, "read data for id " + id + ", which has no burst outstanding" + (last ? " (last)" : ""));
        }
        int[] left = q.peekFirst();
        left[0]--;
        boolean shouldBeLast = left[0] == 0;
        if (last != shouldBeLast) {
            fail(cycle, "read data for id " + id + (last ? " says last with " + left[0] + " beat(s) of the burst still due"
                    : " is the burst's final beat but does not say last"));
        }
        if (shouldBeLast) {
            q.pollFirst();
        }
    }

    /** Bursts still owed data: at the end of a run there must be none. */
    public int outstandingBursts() {
        return outstanding.values().stream().mapToInt(Deque::size).sum();
    }

    /** Whole stray bursts seen (with {@link #allowStrayData}): the adapter owes one DMA_STRAY_RESPONSE event for each. */
    public long strayBursts() {
        return strayBursts;
    }

    public long requests() {
        return requests;
    }

    public long beats() {
        return beats;
    }

    private void note(long cycle, DmaReadRequest ar) {
        recent.addLast(new Noted(cycle, ar));
        if (recent.size() > 6) {
            recent.removeFirst();
        }
    }

    private void fail(long cycle, String why) {
        throw new ProtocolError(port + " protocol violation at cycle " + cycle + ": " + why + "\n  recent requests:\n    "
                + String.join("\n    ", recent.stream().map(Noted::toString).toList()));
    }
}
