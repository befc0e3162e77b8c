package vtoe.tb.adapter;

import vtoe.model.world.ConnSetup;
import vtoe.model.net.Link;
import vtoe.tb.junit.SimRun;

/**
 * One stream through the adapter on the RTL with the TLM in lockstep, measured: the unit of the demo
 * and of the adapter benchmarks.
 */
public final class StreamRun {
    /** What one run measured. */
    public record Result(String mode, String seed, long bytes, boolean sha256Match, long frames, long retransmissions,
            long hostRequests, long cycles, double wallSeconds, long cyclesPerSecond, long transactionsCompared,
            long traceRecords, int mismatches, double txBeatsUsed, double txPayloadBeats, double payloadBytesPerCycle,
            String firstMismatch) {}

    private StreamRun() {}

    /**
     * How busy m_axis_tx was while frames were leaving, over the cycles from the first frame's first
     * beat to the last frame's last.
     *
     * @param beatsUsed           beats moved per cycle
     * @param payloadBeats        beats holding at least one payload byte per cycle
     * @param payloadBytesPerCycle TCP payload bytes per cycle (from each frame's IPv4 total length)
     * @param segmentsPerCycle    frames per cycle
     * @param window              cycles from the first frame's start to the last frame's end
     */
    public record TxStats(long frames, long window, double beatsUsed, double payloadBeats, double payloadBytesPerCycle,
            double segmentsPerCycle) {}

    /** The TX statistics of {@code frames} (Ethernet + IPv4 + TCP, 54-byte headers) on a {@code dataBytes}-wide stream. */
    public static TxStats txStats(java.util.List<vtoe.model.txn.Observed<vtoe.model.txn.Frame>> frames, int dataBytes) {
        long first = frames.isEmpty() ? 0 : frames.get(0).startCycle();
        long last = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).endCycle();
        long beats = 0;
        long payloadBeats = 0;
        long payloadBytes = 0;
        for (var f : frames) {
            int n = f.txn().bytes().length();
            payloadBytes += Math.max(0, ((f.txn().bytes().get(16) & 0xff) << 8 | (f.txn().bytes().get(17) & 0xff)) - 40);
            int nb = (n + dataBytes - 1) / dataBytes;
            beats += nb;
            // Beats holding at least one payload byte: all but the header-only ones.
            payloadBeats += nb - 54 / dataBytes;
        }
        double window = Math.max(1, last - first + 1);
        return new TxStats(frames.size(), (long) window, beats / window, payloadBeats / window, payloadBytes / window,
                frames.size() / window);
    }

    /** Segments cut a second time (every mode; PREPINNED retransmissions are host requests too). */
    static long retransmittedSegments(AdapterTb tb) {
        return tb.trace.stream().filter(r -> r.op() == vtoe.model.adapter.Op.SEG.code && (r.aux() & 3) == 1).count();
    }

    /**
     * @param hostLatency cycles from m_hostreq to the answer
     * @param link        both directions
     */
    public static Result run(SimRun sim, int mode, int bytes, long hostLatency, Link.Config link, long rto) {
        ConnSetup s = ConnSetup.of(1, mode).withLinks(link, link).withRto(rto);
        try (AdapterTb tb = new AdapterTb(sim, AdapterTb.Timing.fast().withHostLatency(() -> hostLatency))) {
            tb.openConnection(s);
            byte[] d = new byte[bytes];
            new java.util.Random(sim.seed()).nextBytes(d);
            long t0 = System.nanoTime();
            String mismatch = null;
            tb.send(1, d, 65536);
            try {
                tb.finish(100_000_000);
            } catch (AssertionError e) {
                mismatch = e.getMessage();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            TxStats t = txStats(tb.frames, tb.params.dataBytes());
            boolean match = tb.peer(1).receiver().sha256().equals(tb.sentSha256(1));
            return new Result(s.modeName(), sim.seedHex(), bytes, match, tb.frames.size(), retransmittedSegments(tb),
                    tb.host.requests(), tb.dut.cycle(), Math.round(wall * 1000) / 1000.0, Math.round(tb.dut.cycle() / wall),
                    tb.lockstep.compared(), tb.model.csu().records(), mismatch == null ? 0 : 1, t.beatsUsed(),
                    t.payloadBeats(), t.payloadBytesPerCycle(), mismatch == null ? null : mismatch.lines().findFirst().orElse(""));
        }
    }
}
