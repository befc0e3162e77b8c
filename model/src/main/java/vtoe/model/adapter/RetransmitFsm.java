package vtoe.model.adapter;

/**
 * The RTL's {@code vtoe.rtl.RetransmitFsm}: what an ACK or a timer expiry does to a connection.
 * Mirrors it statement for statement; ConnStateUnitModel applies it at the cycle the RTL did.
 * Three duplicate ACKs fast-retransmit once per episode, and not while snd.una is below
 * {@link ConnState#recover} (RFC 6582 section 4; the RTL's comment says why only a go-back sets it).
 */
public final class RetransmitFsm {
    private RetransmitFsm() {}

    /** Outcome of an ACK: its classification and whether the timer restarts. */
    public record AckOutcome(AckResult result, boolean restart) {}

    public static AckOutcome onAck(ConnState s, RingEntry head, int ack, int wnd, boolean hasPayload) {
        int diff = ack - s.sndUna;
        int outstanding = s.sndMax - s.sndUna;
        boolean isOld = diff < 0;
        boolean isAbove = !isOld && Integer.compareUnsigned(diff, outstanding) > 0;
        boolean isNew = !isOld && !isAbove && diff != 0;
        long wnd32 = (wnd & 0xffffL) << s.wndShift; // RFC 7323 2.3: SEG.WND << Snd.Wind.Shift
        // RFC 5681 2 (a): outstanding data is data that has been sent (below sentEnd), not data only cut.
        boolean isDup = diff == 0 && s.sndUna - s.sentEnd < 0 && wnd32 == s.peerWnd && !hasPayload;
        boolean fastAllowed = s.sndUna - s.recover >= 0;
        if (!s.active()) {
            return new AckOutcome(AckResult.IGNORED, false);
        }
        if (isOld) {
            return new AckOutcome(AckResult.OLD, false);
        }
        if (isAbove) {
            return new AckOutcome(AckResult.ABOVE, false);
        }
        if (isNew) {
            int oldNxt = s.sndNxt;
            s.sndUna = ack;
            if ((ack - oldNxt) >= 0 && ack != oldNxt) {
                s.sndNxt = ack;
            }
            s.dupAcks = 0;
            s.backoff = 0;
            s.retries = 0;
            s.peerWnd = wnd32;
            s.fastRetx = false;
            if (ack - s.recover >= 0) {
                s.recover = ack; // dragged along once passed, so the modular compare holds
            }
            s.retirePending = s.head != s.tail && (ack - head.end()) >= 0;
            // As the RTL: the timer restarts, so a retransmission decided before and not yet on the wire
            // has lost its licence (finding F3): a new epoch drops it, and a go-back not begun is forgotten.
            boolean goBackNotBegun = s.passPending && s.sndNxt != s.sndMax;
            if (s.passPending || s.fastPending) {
                s.epoch = (s.epoch + 1) & ConnState.EPOCH_MASK;
                s.passPending = false;
                s.fastPending = false;
            }
            if (goBackNotBegun) {
                s.sndNxt = s.sndMax;
                s.cursor = s.maxCursor;
            }
            return new AckOutcome(AckResult.NEW, true);
        }
        if (wnd32 == 0) {
            // The peer answers and keeps its window closed: it is alive, so probing may go on for ever
            // (RFC 1122 4.2.2.17); only probes nobody answers count towards the retry limit.
            s.retries = 0;
        }
        if (isDup) {
            int before = s.dupAcks;
            s.dupAcks = before == 3 ? 3 : before + 1;
            if (before == 2 && fastAllowed) {
                s.fastRetx = true;
                return new AckOutcome(AckResult.FAST_RETX, false);
            }
            return new AckOutcome(AckResult.DUP, false);
        }
        s.peerWnd = wnd32;
        return new AckOutcome(AckResult.WINDOW, false);
    }

    public static boolean due(ConnState s, long now) {
        return s.active() && s.timerOn && !s.retirePending && now - s.deadline >= 0;
    }

    /** Outcome of an expiry: its kind and whether the connection must stop (retry limit). */
    public record TimerOutcome(TimerKind kind, boolean stop) {}

    public static TimerOutcome onTimer(ConnState s, int maxRetries, int maxBackoff) {
        int backedOff = s.backoff == maxBackoff ? s.backoff : s.backoff + 1;
        boolean pending = s.sndNxt != s.fetchedEnd;
        if (s.sndMax == s.sndUna) {
            s.backoff = backedOff;
            s.probe = s.peerWnd == 0 && pending;
            return new TimerOutcome(TimerKind.PERSIST, false);
        }
        if (s.peerWnd == 0) {
            if (s.retries == maxRetries) {
                return new TimerOutcome(TimerKind.ZERO_WINDOW, true); // a peer that vanished behind a closed window
            }
            s.retries++;
            rewind(s, backedOff, true);
            return new TimerOutcome(TimerKind.ZERO_WINDOW, false);
        }
        if (s.retries == maxRetries) {
            return new TimerOutcome(TimerKind.RTO, true);
        }
        s.retries++;
        rewind(s, backedOff, false);
        return new TimerOutcome(TimerKind.RTO, false);
    }

    /** As the RTL: back to sndUna in a new epoch, unless the last go-back has not reached the wire yet (then it only backs off). */
    private static void rewind(ConnState s, int backedOff, boolean probe) {
        if (!s.passPending) {
            s.sndNxt = s.sndUna;
            s.cursor = s.head;
            s.dupAcks = 0;
            s.fastRetx = false;
            s.recover = s.sndMax;
            s.epoch = (s.epoch + 1) & ConnState.EPOCH_MASK;
            s.passPending = true;
            s.fastPending = false;
            if (probe) {
                s.probe = true;
            }
        }
        s.backoff = backedOff;
    }
}
