package vtoe.model.adapter;

/**
 * Per-connection transmit state, field for field the RTL's {@code vtoe.rtl.ConnState}. Sequence
 * numbers are 32-bit and wrap (Java int arithmetic); ring indices count modulo twice the ring size,
 * as the RTL's counters with a wrap bit do.
 */
public final class ConnState {
    public static final int IDLE = 0;
    public static final int ACTIVE = 1;
    public static final int STOPPED = 2;

    public int state;
    public int mode;
    public int sndUna;
    public int sndNxt;
    public int sndMax;
    public int fetchedEnd;
    public long peerWnd;
    public int mss;
    public long rto;
    public int backoff;
    public int retries;
    public int dupAcks;
    public boolean timerOn;
    public long deadline;
    public boolean fastRetx;
    public boolean probe;
    public boolean retirePending;
    public int head;
    public int tail;
    public int cursor;
    public int tagsInFlight;
    public int lastTag;
    public boolean lastTagValid;
    public boolean draining;
    public int drainPtr;

    public boolean active() {
        return state == ACTIVE;
    }

    public boolean busy() {
        return tagsInFlight != 0 || draining || retirePending;
    }

    public long status() {
        return (busy() ? 1L << 16 : 0) | (long) (tagsInFlight & 0xff) << 8 | state;
    }

    @Override
    public String toString() {
        return ("ConnState[%s una=%d nxt=%d max=%d fetchedEnd=%d wnd=%d mss=%d rto=%d backoff=%d retries=%d dup=%d "
                + "timer=%s deadline=%d fastRetx=%s probe=%s retire=%s ring=%d..%d cursor=%d tags=%d draining=%s]")
                .formatted(state == ACTIVE ? "ACTIVE" : state == STOPPED ? "STOPPED" : "IDLE", Integer.toUnsignedLong(sndUna),
                        Integer.toUnsignedLong(sndNxt), Integer.toUnsignedLong(sndMax), Integer.toUnsignedLong(fetchedEnd),
                        peerWnd, mss, rto, backoff, retries, dupAcks, timerOn, deadline, fastRetx, probe, retirePending,
                        head, tail, cursor, tagsInFlight, draining);
    }
}
