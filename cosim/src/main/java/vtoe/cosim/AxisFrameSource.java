package vtoe.cosim;

import vtoe.model.txn.AxisBeat;
import vtoe.model.txn.Bytes;

/** Sends whole frames into an AXI-Stream input port as beats (keep all ones but on the last beat). */
public final class AxisFrameSource {
    private final StreamSource<AxisBeat> beats;
    private final int dataBytes;
    private long frames;
    private boolean closed;

    public AxisFrameSource(Dut dut, String port) {
        this.beats = new StreamSource<>(dut, port, AxisBeat.class);
        this.dataBytes = dut.port(port).field("data").width() / 8;
    }

    public void send(Bytes frame, long notBefore) {
        if (frame.length() == 0) {
            throw new IllegalArgumentException("an AXI-Stream frame has at least one byte");
        }
        if (closed) {
            return;
        }
        int n = (frame.length() + dataBytes - 1) / dataBytes;
        for (int i = 0; i < n; i++) {
            int from = i * dataBytes;
            int to = Math.min(frame.length(), from + dataBytes);
            byte[] d = new byte[dataBytes];
            System.arraycopy(frame.toArray(), from, d, 0, to - from);
            long keep = to - from == 64 ? -1L : (1L << (to - from)) - 1;
            beats.push(new AxisBeat(Bytes.wrap(d), keep, i == n - 1), notBefore);
        }
        frames++;
    }

    public void pause(PausePattern p) {
        beats.pause(p);
    }

    public int queuedBeats() {
        return beats.queued();
    }

    public long frames() {
        return frames;
    }

    /**
     * Ends the input: frames already queued still go out beat by beat, later ones are dropped.
     * A testbench closes its inputs before it judges the end of a run, so that nothing new arrives meanwhile.
     */
    public void close() {
        closed = true;
    }
}
