package vtoe.model.check;

import java.util.ArrayDeque;
import java.util.function.Supplier;
import vtoe.model.check.TcpSenderRules.Rule;
import vtoe.model.net.TcpFrame;

/**
 * What {@link TcpSenderRules} knows of one connection's sender, built from the wire alone, and the
 * sequence and timer rules judged against it. Sequence numbers are unwrapped to {@code long}s (the
 * connection's first snd.una is its unsigned value), so comparisons need no modular arithmetic.
 *
 * <p>The retransmission timer is kept as the earliest cycles at which the sender's can expire: the
 * j-th timeout pass since the timer was last (re)started cannot begin before
 * {@code start + RTO << 0 + RTO << 1 + ... + RTO << (j - 1)} (doublings capped at maxBackoff), where
 * {@code start} is the earliest the sender can have (re)started it. Passes are counted when they
 * begin on the wire, not when the bound passes, so every tolerance only ever makes the bound earlier.
 */
final class SenderState {
    /** Why a pass over sent data is allowed. */
    enum Cause { RTO, FAST_RETRANSMIT, PROBE }

    /**
     * One licensed pass over data sent before, from {@code from} (snd.una when it began) up to
     * {@code limit} at most: each byte may be resent once per pass, never going back ({@code next}
     * is where the pass has got to). A pass ends when it has caught up with the highest sequence sent.
     */
    static final class Pass {
        final Cause cause;
        final long from;
        final long limit;
        final long licensedAt;
        long next;
        boolean begun;
        /** Last cycle a frame may still rely on this licence (a new ACK ends some, after the ACK grace). */
        long validUntil = Long.MAX_VALUE;

        Pass(Cause cause, long from, long limit, long licensedAt) {
            this.cause = cause;
            this.from = from;
            this.limit = limit;
            this.licensedAt = licensedAt;
            this.next = from;
        }

        boolean covers(long s, long c) {
            return s >= next && s < limit && c <= validUntil;
        }
    }

    private final TcpSenderRules rules;
    final TcpSenderRules.Config cfg;
    private final TcpSenderRules.Tolerances tol;
    final String name;
    /** The unwrapped value of the connection's first snd.una: relative sequence numbers in messages count from here. */
    final long start;

    private long una;
    private long max;
    private long edge;
    private long maxWnd; // the largest window the peer offered (RFC 1122 4.2.3.4's Max(SND.WND))
    private Supplier<String> edgeFrom; // where the window's edge came from, said only in a violation's message
    private long lastWnd;
    private boolean zeroWindow;
    private long zeroWindowUntil = Long.MIN_VALUE;
    private int dupAcks;
    private long lastNewAckCycle = Long.MIN_VALUE;

    private boolean timerRunning;
    private long timerStart;
    private Supplier<String> timerStartedBy = () -> ""; // what started the timer, said only in a violation's message
    /** Timeout passes begun since the timer was last (re)started: the sender's backoff. */
    private int passes;
    /** The earliest the timer can expire next, licensing timeout pass {@code passes + 1}. */
    private long nextExpiry;

    /** The timeout pass under way (go-back-N after an expiry). */
    private Pass rto;
    /** An expiry that may have come before the last new ACK, its pass not begun: it holds for the ACK grace. */
    private Pass expiredBeforeAck;
    /**
     * A timeout pass that may have begun with a frame the cheaper causes already explained: a probe or
     * a fast retransmission at snd.una sent while the timer could have expired. Judging is existential
     * (is there a reading of the wire under which every frame had its cause?), and taking the cheaper
     * cause first must not forbid what only the pass explains: a sender that went back to snd.una on
     * its timer and sent the first segment as a probe (the window was closed) or after three duplicate
     * ACKs had also come, goes on with the pass (RFC 5681 3.1). The first frame that continues it
     * turns it into {@link #rto}, counted from when it began.
     */
    private Pass latentRto;
    /** The cycle of the frame {@link #latentRto} began with, and the timer start it expired from. */
    private long latentAt;
    private long latentTimerStart;
    /** The fast retransmit of the current duplicate-ACK episode. */
    private Pass fast;
    /** The last byte sent as a zero-window probe, -1 before any. */
    private long probeSeq = -1;
    /** The probe byte, resendable once when the window reopens without acknowledging it. */
    private Pass reopened;
    private boolean retryLimitReported;
    private long lastTimeoutRetxCycle = Long.MIN_VALUE;
    private long lastTimeoutRetxUna = -1;

    /** (ACK cycle, snd.una after it), newest last: what the sender may not have acted on yet. */
    private final ArrayDeque<long[]> unaHistory = new ArrayDeque<>();
    private long unaKnown;
    /** The last new ACKs (cycle, snd.una after it), oldest first, to say which ACK covered a range. */
    private final ArrayDeque<long[]> recentAcks = new ArrayDeque<>();
    private final SentBytes sent = new SentBytes();

    SenderState(TcpSenderRules rules, TcpSenderRules.Config cfg, TcpSenderRules.Tolerances tol) {
        this.rules = rules;
        this.cfg = cfg;
        this.tol = tol;
        this.name = cfg.name() + " (" + WireSegment.ip(cfg.ourIp()) + ":" + cfg.ourPort() + " > " + WireSegment.ip(cfg.peerIp())
                + ":" + cfg.peerPort() + ")";
        this.start = Integer.toUnsignedLong(cfg.sndUna());
        this.una = start;
        this.max = start;
        this.unaKnown = start;
        this.edge = start + cfg.peerWindow();
        this.edgeFrom = () -> "the initial peer window " + cfg.peerWindow();
        this.lastWnd = cfg.peerWindow();
        this.maxWnd = cfg.peerWindow();
        this.zeroWindow = cfg.peerWindow() == 0;
    }

    // ---- ACKs from the peer ----

    /** A segment from the peer that passed the receiver's checks (RFC 9293 3.10.7.4, ESTABLISHED). */
    void fromPeer(TcpFrame f, long a) {
        TcpSenderRules.Tally t = rules.tally();
        int flags = f.flags();
        // The host owns connection set-up and teardown (partial offload): SYN and RST are its business.
        if ((flags & (TcpFrame.SYN | TcpFrame.RST)) != 0 || (flags & TcpFrame.ACK) == 0) {
            t.acksIgnored++;
            return;
        }
        long ack = unwrap(f.ack());
        if (ack > max || ack < una) {
            // Above SND.NXT: "send an ACK, drop the segment"; below SND.UNA: "can be ignored" (3.10.7.4).
            t.acksIgnored++;
            return;
        }
        t.acks++;
        // RFC 7323 2.3: the window field of a segment without SYN counts 2^Snd.Wind.Shift bytes.
        long wnd = (long) f.window() << cfg.sndWindShift();
        // RFC 5681 section 2, DUPLICATE ACKNOWLEDGMENT, conditions (a) to (e).
        boolean dup = una < max && f.payload().length() == 0 && (flags & TcpFrame.FIN) == 0 && ack == una && wnd == lastWnd;
        if (dup) {
            t.duplicateAcks++;
            if (++dupAcks == 3) {
                fast = new Pass(Cause.FAST_RETRANSMIT, una, max, a);
            }
        }
        if (ack > una) {
            newAck(ack, a);
        }
        maxWnd = Math.max(maxWnd, wnd);
        if (ack + wnd > edge) {
            edge = ack + wnd;
            int field = f.window();
            edgeFrom = () -> "the ACK at cycle " + a + " (ack " + rel(ack) + ", window " + wnd
                    + (cfg.sndWindShift() == 0 ? "" : " = field " + field + " << " + cfg.sndWindShift()) + ")";
        }
        if (wnd == 0) {
            zeroWindow = true;
        } else if (zeroWindow) {
            zeroWindow = false;
            zeroWindowUntil = a + tol.ackReactionCycles();
            if (probeSeq >= una && probeSeq < max) {
                // The peer had no room for the probe byte; it comes again at the head of the next segment.
                reopened = new Pass(Cause.PROBE, probeSeq, probeSeq + 1, a);
            }
        }
        lastWnd = wnd;
    }

    private void newAck(long ack, long a) {
        if (timerRunning && nextExpiry <= a && (rto == null || rto.licensedAt < nextExpiry)) {
            // The timer may have fired before this ACK; a pass the sender chose then may still come.
            expiredBeforeAck = new Pass(Cause.RTO, una, Long.MAX_VALUE, nextExpiry);
            expiredBeforeAck.validUntil = a + tol.ackReactionCycles();
        }
        una = ack;
        unaHistory.addLast(new long[] {a, ack});
        recentAcks.addLast(new long[] {a, ack});
        if (recentAcks.size() > 256) {
            recentAcks.removeFirst();
        }
        lastNewAckCycle = a;
        dupAcks = 0;
        if (fast != null && fast.validUntil == Long.MAX_VALUE) {
            fast.validUntil = a + tol.ackReactionCycles();
        }
        retryLimitReported = false;
        if (una >= max) {
            timerRunning = false; // RFC 6298 (5.2)
        } else {
            startTimer(a, () -> "the ACK of new data at cycle " + a); // (5.3)
        }
    }

    /**
     * (5.1), (5.3): the timer runs from {@code at} with the configured RTO. An ACK of new data also
     * ends the backoff: the configured RTO stands for the value RFC 6298 recomputes from new samples.
     */
    private void startTimer(long at, Supplier<String> why) {
        timerRunning = true;
        timerStart = at;
        timerStartedBy = why;
        passes = 0;
        nextExpiry = at + cfg.rtoCycles();
    }

    /** The RTO after {@code n} expiries: (5.5) doubles it, at most maxBackoff times. */
    private long rto(int n) {
        return cfg.rtoCycles() << Math.min(n, cfg.maxBackoff());
    }

    // ---- data segments from the sender ----

    /** A data segment whose header was judged readable and checksummed, first beat at cycle {@code c}. */
    void fromSender(WireSegment w, long c, Supplier<String> summary) {
        forgetAcknowledged(c);
        if (rto != null && rto.next >= max) {
            rto = null; // the pass has caught up with everything sent
        }
        if (latentRto != null && latentRto.next >= max) {
            latentRto = null;
        }
        TcpSenderRules.Tally t = rules.tally();
        int len = w.payloadLength();
        if (len == 0) {
            t.emptySegments++;
            return;
        }
        long s = unwrap(w.seq());
        long e = s + len;
        t.segments++;
        t.payloadBytes += len;

        if (e <= unaKnown) {
            t.retransmissions++;
            rules.violation(Rule.BELOW_UNA, this, c, summary, "resends " + range(s, e) + ", all of it below snd.una " + rel(unaKnown)
                    + "; the peer acknowledged it " + coveredBy(e, c) + ", more than " + tol.ackReactionCycles()
                    + " cycles (ackReactionCycles) before this frame began; acknowledged data is never lost and must not be"
                    + " sent again (RFC 9293 3.4, 3.10.7.4: SND.UNA only moves forward). Check how the sender retires"
                    + " acknowledged data before it picks what to retransmit.");
            return;
        }
        if (s > max) {
            rules.violation(Rule.SEQUENCE_GAP, this, c, summary, "starts at " + rel(s) + ", beyond the highest sequence number sent so"
                    + " far " + rel(max) + ": bytes " + range(max, s) + " were skipped, and the peer cannot deliver anything after"
                    + " them until they come (RFC 9293 3.4: the next segment starts at SND.NXT). Check the sender's SND.NXT.");
        }
        boolean zero = zeroWindow || c <= zeroWindowUntil;
        boolean probe = len == 1 && zero && (s == edge || s == una);
        if (e > edge && !probe) {
            rules.violation(Rule.WINDOW, this, c, summary, "sends up to " + rel(e) + ", " + (e - edge) + " byte(s) beyond the peer's"
                    + " window: the highest right edge (ACK + window) received before this frame began is " + rel(edge)
                    + ", from " + edgeFrom.get() + " (RFC 9293 3.8.6: send only within SND.UNA + SND.WND; the one exception is a"
                    + " one-byte probe into a zero window, 3.8.6.1). Check the sender's usable-window computation.");
        }
        long diff = sent.firstDifference(s, w.payload());
        if (diff >= 0) {
            rules.violation(Rule.DIFFERENT_BYTES, this, c, summary, "resends " + range(s, e) + " but byte " + rel(diff) + " differs"
                    + " from the first time it was sent (%s now, %s then); a sequence number names one octet of the stream"
                            .formatted(w.payload().describeAt((int) (diff - s)), sent.byteAt(diff))
                    + " (RFC 9293 3.4), and the receiver keeps whichever copy arrives first. Check which buffer the"
                    + " retransmission read.");
        }
        if (s < max) {
            t.retransmissions++;
            if (e <= una) {
                t.staleRetransmissions++;
            }
            judgeRetransmission(s, e, c, probe, summary);
        } else {
            t.newSegments++;
            if (probe) {
                t.probes++;
                probeSeq = s;
            } else if (len < cfg.mss() && (w.flags() & TcpFrame.PSH) == 0 && 2L * len < maxWnd && s > una) {
                rules.violation(Rule.SILLY_WINDOW, this, c, summary, "sends " + len + " new byte(s) in a segment without PSH,"
                        + " less than the MSS " + cfg.mss() + " and than half the largest window the peer offered (" + maxWnd
                        + "), while " + range(una, s) + " was in flight: a sliver of the window, where the sender waits for the"
                        + " ACKs that open it further (RFC 9293 3.8.6.2.1, MUST-38; RFC 1122 4.2.3.4: send when a full"
                        + " segment fits, when the pushed data all fits, or when half the largest window does). Check the"
                        + " sender's usable-window test before it cuts a segment.");
            }
        }
        if (!timerRunning && e > una) {
            // (5.1); the sender may have armed it when it decided to send, up to timerLeadCycles earlier.
            startTimer(c - tol.timerLeadCycles(), () -> "the data frame at cycle " + c + (tol.timerLeadCycles() == 0 ? ""
                    : " (counted from cycle " + (c - tol.timerLeadCycles()) + ", timerLeadCycles earlier)"));
        }
        max = Math.max(max, e);
        sent.record(s, w.payload());
        sent.forgetBelow(unaKnown);
    }

    private void judgeRetransmission(long s, long e, long c, boolean probe, Supplier<String> summary) {
        TcpSenderRules.Tally t = rules.tally();
        if (probe) {
            t.probes++;
            t.probeRetransmissions++;
            probeSeq = s;
            mayBeginTimeoutPass(s, c);
            advancePasses(s, e, c);
            return;
        }
        if (reopened != null && reopened.covers(s, c)) {
            t.probeRetransmissions++;
            mayBeginTimeoutPass(s, c);
            advancePasses(s, e, c);
            return;
        }
        if (rto != null && rto.covers(s, c)) {
            t.rtoRetransmissions++;
            advancePasses(s, e, c);
            return;
        }
        // The explanation that uses up least comes first: the lost segment on three duplicate ACKs
        // before a new timeout pass, which counts against the backoff and maxRetries.
        if (fast != null && fast.covers(s, c) && !fast.begun && s <= fast.from) {
            fast.begun = true;
            t.fastRetransmissions++;
            mayBeginTimeoutPass(s, c);
            advancePasses(s, e, c);
            return;
        }
        if (latentRto != null && latentRto.covers(s, c)) {
            // It continues a timeout pass that began with a probe or a fast retransmission: the pass is real.
            rto = latentRto;
            latentRto = null;
            expiredBeforeAck = null;
            if (timerRunning && timerStart == latentTimerStart) {
                // Not restarted since it began: that expiry backs the timer off, as a pass seen at once would have.
                passes++;
                nextExpiry += rto(passes);
                timeoutRetransmission(latentAt, summary);
            }
            t.rtoRetransmissions++;
            advancePasses(s, e, c);
            return;
        }
        String skipped = null;
        if (timerRunning && c >= nextExpiry || expiredBeforeAck != null && c <= expiredBeforeAck.validUntil) {
            // (5.4): an expiry starts a go-back-N pass with the earliest unacknowledged segment.
            if (s <= una) {
                boolean fresh = timerRunning && c >= nextExpiry;
                rto = fresh ? new Pass(Cause.RTO, una, Long.MAX_VALUE, nextExpiry) : expiredBeforeAck;
                rto.begun = true;
                rto.validUntil = Long.MAX_VALUE; // begun, it goes on across ACKs like any timeout pass
                expiredBeforeAck = null;
                latentRto = null;
                if (fresh) {
                    passes++;
                    nextExpiry += rto(passes); // (5.5), (5.6): restarted at the expiry with the doubled RTO
                    timeoutRetransmission(c, summary);
                }
                t.rtoRetransmissions++;
                advancePasses(s, e, c);
                return;
            }
            skipped = "the timer could have expired (at cycle " + (timerRunning && c >= nextExpiry ? nextExpiry
                    : expiredBeforeAck.licensedAt) + "), but a timeout pass starts with the earliest unacknowledged segment at"
                    + " snd.una " + rel(una) + " (RFC 6298 5.4), not at " + rel(s);
        }
        if (fast != null && fast.covers(s, c)) {
            if (fast.begun || s > fast.from) {
                rules.violation(Rule.FAST_RETRANSMIT_EXTENT, this, c, summary, "resends " + range(s, e) + " on the duplicate ACKs at"
                        + " snd.una " + rel(fast.from) + " (third at cycle " + fast.licensedAt + ")"
                        + (fast.begun ? " after it had already resent the lost segment" : "") + "; RFC 5681 3.2 resends only the"
                        + " segment starting at SND.UNA and then sends previously unsent data as cwnd allows. Check what the"
                        + " sender's fast retransmit goes back over.");
            }
            fast.begun = true;
            t.fastRetransmissions++;
            advancePasses(s, e, c);
            return;
        }
        t.unexplainedRetransmissions++;
        // A resend of snd.una that one doubling fewer would have allowed is a timer that did not back off.
        boolean sameUna = lastTimeoutRetxUna == una && lastTimeoutRetxCycle > lastNewAckCycle;
        if (sameUna && s <= una && timerRunning && passes > 0 && passes <= cfg.maxBackoff()
                && c >= nextExpiry - rto(passes) + rto(passes - 1)) {
            rules.violation(Rule.BACKOFF, this, c, summary, "resends snd.una " + rel(una) + " again " + (c - lastTimeoutRetxCycle)
                    + " cycles after the timeout retransmission at cycle " + lastTimeoutRetxCycle + " with no new ACK in between;"
                    + " after " + passes + " timeout(s) the RTO is " + cfg.rtoCycles() + " << " + passes + " = " + rto(passes)
                    + " cycles (RFC 6298 5.5, at most " + cfg.maxBackoff() + " doublings), so the timer restarted at its last"
                    + " expiry, no earlier than cycle " + (nextExpiry - rto(passes)) + ", cannot expire before cycle " + nextExpiry
                    + ". Check that the sender doubles its RTO on every expiry.");
            return;
        }
        StringBuilder why = new StringBuilder("resends " + range(s, e) + " (highest sequence sent " + rel(max)
                + ") without a cause: " + dupAcks + " duplicate ACK(s) since the last new ACK (RFC 5681 fast retransmit needs 3)");
        if (fast != null && fast.begun && s < fast.next && c <= fast.validUntil) {
            why.append(", and the fast retransmit on them already resent up to ").append(rel(fast.next)).append(
                    " (RFC 5681 3.2 fast-retransmits once, on the third duplicate ACK of an episode; RFC 6582 4 on dup ACKs"
                            + " after a timeout)");
        }
        if (!timerRunning) {
            why.append(", and no retransmission timer is running");
        } else {
            why.append(", and the retransmission timer, started by ").append(timerStartedBy.get())
                    .append(passes > 0 ? " and backed off by " + passes + " timeout(s) since" : "")
                    .append(", cannot expire before cycle ").append(nextExpiry).append(" (RFC 6298 5.1, 5.3, 5.5)");
        }
        if (skipped != null) {
            why.append("; ").append(skipped);
        } else if (rto != null && s < rto.next) {
            why.append("; the timeout pass from ").append(rel(rto.from)).append(" has already resent up to ").append(rel(rto.next));
        }
        why.append(". Check what triggers the sender's retransmissions.");
        rules.violation(Rule.NO_CAUSE, this, c, summary, why.toString());
    }

    /** A frame at snd.una taken as a probe (or its byte again) or a fast retransmission may also be the first of a timeout pass. */
    private void mayBeginTimeoutPass(long s, long c) {
        if (s <= una && timerRunning && c >= nextExpiry && (rto == null || !rto.covers(s, c))) {
            latentRto = new Pass(Cause.RTO, una, Long.MAX_VALUE, nextExpiry);
            latentRto.begun = true;
            latentAt = c;
            latentTimerStart = timerStart;
        }
    }

    /** The first retransmission of a timeout pass: counted against maxRetries. */
    private void timeoutRetransmission(long c, Supplier<String> summary) {
        lastTimeoutRetxCycle = c;
        lastTimeoutRetxUna = una;
        if (passes > cfg.maxRetries() && !retryLimitReported) {
            retryLimitReported = true;
            rules.violation(Rule.RETRY_LIMIT, this, c, summary, "is timeout retransmission number " + passes + " of snd.una "
                    + rel(una) + " without a new ACK, more than the connection's maxRetries " + cfg.maxRetries()
                    + " (RFC 9293 3.8.3: after R2 the sender gives up; this offload stops the connection and reports it)."
                    + " Check the sender's retry counter.");
        }
    }

    /** Every pass that covers {@code s} has now resent up to {@code e}. */
    private void advancePasses(long s, long e, long c) {
        for (Pass p : new Pass[] {rto, fast, reopened, latentRto}) {
            if (p != null && p.covers(s, c)) {
                p.next = Math.max(p.next, e);
            }
        }
    }

    /** Moves {@code unaKnown} to the snd.una of ACKs that arrived more than ackReactionCycles before cycle {@code c}. */
    private void forgetAcknowledged(long c) {
        while (!unaHistory.isEmpty() && unaHistory.peekFirst()[0] + tol.ackReactionCycles() < c) {
            unaKnown = unaHistory.pollFirst()[1];
        }
    }

    /** Which ACK first acknowledged everything below {@code e}, and how long before cycle {@code c}. */
    private String coveredBy(long e, long c) {
        for (long[] a : recentAcks) {
            if (a[1] >= e) {
                return "with the ACK of " + rel(a[1]) + " at cycle " + a[0] + " (" + (c - a[0]) + " cycles before)";
            }
        }
        return "before the last " + recentAcks.size() + " ACKs of new data";
    }

    // ---- numbers ----

    long unwrap(int wire) {
        return una + (wire - (int) una);
    }

    /** A sequence number relative to the connection's first snd.una, with its value on the wire. */
    String rel(long seq) {
        return "+" + (seq - start) + " (" + (seq & 0xffffffffL) + ")";
    }

    String range(long from, long to) {
        return "[+" + (from - start) + ", +" + (to - start) + ")";
    }
}
