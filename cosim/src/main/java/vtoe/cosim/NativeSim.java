package vtoe.cosim;

import java.nio.ByteBuffer;

/**
 * The JNI surface of libvtoe_cosim: a flat API over an opaque handle. Use {@link Dut} instead; this
 * class only declares the natives. None of these is called per cycle except {@link #step}, which runs
 * many cycles per call.
 */
final class NativeSim {
    static {
        NativeLibrary.load();
    }

    private NativeSim() {}

    static native long create(String top, long seed, boolean traceEver, int ringEntries);

    static native void destroy(long h);

    static native String topNames();

    static native String describe(long h);

    static native ByteBuffer shared(long h);

    static native void reset(long h, long cycles);

    /** Runs until {@code untilCycle} or an event; returns the status word (see {@link StepStatus}). */
    static native long step(long h, long untilCycle);

    static native long cycle(long h);

    static native String message(long h);

    static native String portStates(long h);

    static native void setPattern(long h, int port, long[] bits, long n);

    static native void setWake(long h, int port, int mode);

    static native void setHostMemory(long h, ByteBuffer memory, long paBase);

    static native void attachReadResponder(long h, int arPort, int rPort, long[] latencies, int maxOutstanding,
            boolean reorder, long[] arBits, long arN, long[] rBits, long rN, long[] errorTriples, long[] dupBits, long dupN);

    static native void traceOpen(long h, String path, long fromCycle);

    static native void traceClose(long h);

    /**
     * Copies the closed FST {@code in} to {@code out} with one string variable per name of
     * {@code tracks} carrying {@code texts[i]} from {@code times[i]} on track {@code trackOf[i]};
     * returns the full name of every variable of the result (see fst_tracks.h).
     */
    static native String[] fstAddTracks(String in, String out, String[] tracks, long[] times, int[] trackOf, String[] texts);

    /** Starts a port trace (every input per cycle, output hashes) for vtoe_replay; before reset only. */
    static native void recordOpen(long h, String path);

    /** Completes the port trace; destroy does it too. */
    static native void recordClose(long h);

    static native ByteBuffer mapMemory(long bytes);

    static native void unmapMemory(long address, long bytes);

    static native long bufferAddress(ByteBuffer b);

    /** Writes the run's coverage counters to {@code path}; false when the library was built without coverage. */
    static native boolean writeCoverage(long h, String path);
}
