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
    /** Just past the highest byte whose frame has left: the timer runs while it is unacknowledged (RFC 6298 5.1). */
    public int sentEnd;
    /** Bytes: SEG.WND << wndShift (16 + 14 bits at most). */
    public long peerWnd;
    /** RFC 7323 Snd.Wind.Shift, from the configuration at OPEN. */
    public int wndShift;
    public int mss;
    public long rto;
    public int backoff;
    public int retries;
    public int dupAcks;
    public boolean timerOn;
    public long deadline;
    public boolean fastRetx;
    /** sndMax at the last go-back to sndUna: below it, duplicate ACKs do not fast-retransmit (RFC 6582 4). */
    public int recover;
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
    /** As the RTL's: numbers retransmission decisions; a retransmission of a past one is dropped (finding F3). */
    public int epoch;
    /** A go-back whose first frame has not left yet. */
    public boolean passPending;
    /** A fast retransmission cut whose frame has not left yet. */
    public boolean fastPending;
    /** The ring entry holding sndMax, where a cancelled go-back resumes. */
    public int maxCursor;

    /** Epochs count modulo 2^8, as the RTL's {@code Epoch.Bits}. */
    public static final int EPOCH_MASK = 0xff;

    /** A copy, to work out what an op would do without doing it (the standalone TLM's decisions). */
    public ConnState copy() {
        return copyInto(new ConnState());
    }

    /** This state written into {@code c} (a scratch state reused for each decision), which is returned. */
    public ConnState copyInto(ConnState c) {
        c.state = state;
        c.mode = mode;
        c.sndUna = sndUna;
        c.sndNxt = sndNxt;
        c.sndMax = sndMax;
        c.fetchedEnd = fetchedEnd;
        c.sentEnd = sentEnd;
        c.peerWnd = peerWnd;
        c.wndShift = wndShift;
        c.mss = mss;
        c.rto = rto;
        c.backoff = backoff;
        c.retries = retries;
        c.dupAcks = dupAcks;
        c.timerOn = timerOn;
        c.deadline = deadline;
        c.fastRetx = fastRetx;
        c.recover = recover;
        c.probe = probe;
        c.retirePending = retirePending;
        c.head = head;
        c.tail = tail;
        c.cursor = cursor;
        c.tagsInFlight = tagsInFlight;
        c.lastTag = lastTag;
        c.lastTagValid = lastTagValid;
        c.draining = draining;
        c.drainPtr = drainPtr;
        c.epoch = epoch;
        c.passPending = passPending;
        c.fastPending = fastPending;
        c.maxCursor = maxCursor;
        return c;
    }

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
        return ("ConnState[%s una=%d nxt=%d max=%d fetchedEnd=%d sentEnd=%d wnd=%d<<%d mss=%d rto=%d backoff=%d retries=%d dup=%d "
                + "timer=%s deadline=%d fastRetx=%s recover=%d probe=%s retire=%s ring=%d..%d cursor=%d tags=%d draining=%s epoch=%d pending=%s%s maxCursor=%d]")
                .formatted(state == ACTIVE ? "ACTIVE" : state == STOPPED ? "STOPPED" : "IDLE", Integer.toUnsignedLong(sndUna),
                        Integer.toUnsignedLong(sndNxt), Integer.toUnsignedLong(sndMax), Integer.toUnsignedLong(fetchedEnd),
                        Integer.toUnsignedLong(sentEnd),
                        peerWnd, wndShift, mss, rto, backoff, retries, dupAcks, timerOn, deadline, fastRetx, Integer.toUnsignedLong(recover),
                        probe, retirePending, head, tail, cursor, tagsInFlight, draining, epoch,
                        passPending ? "pass" : "-", fastPending ? "+fast" : "", maxCursor);
    }
}
