package vtoe.model.check;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import vtoe.model.AdapterParams;
import vtoe.model.net.ParseResult;
import vtoe.model.net.TcpFrame;
import vtoe.model.sim.KeyedHeap;
import vtoe.model.txn.Bytes;
import vtoe.model.world.ConnSetup;

/**
 * A judge of a TCP data sender, written from the RFCs and watching nothing but the wire: every frame
 * the sender puts out ({@link #fromSender}) and every frame it takes in ({@link #toSender}), each with
 * the cycle it was at the sender's port. It owes nothing to any implementation of the sender; what it
 * knows of a connection is the connection's configuration ({@link Config}) and what it saw.
 *
 * <p>The sender is a partial offload: the host set the connection up, and the sender only moves the
 * data of an established connection (RFC 9293 state ESTABLISHED) from its configured snd.una onward.
 * Per connection (keyed by the 4-tuple) the checker keeps snd.una (the highest acceptable ACK),
 * the highest sequence number sent (SND.NXT before any going back; BSD's snd_max), the highest right
 * window edge received, the RFC 5681 duplicate-ACK count, a lower bound of the RFC 6298 retransmission
 * timer, and the bytes as first sent. It records a {@link Violation} when the sender:
 *
 * <table>
 * <caption>The rules</caption>
 * <tr><th>rule</th><th>the sender</th><th>from</th></tr>
 * <tr><td>{@link Rule#WINDOW} (1)</td><td>sends beyond the highest right edge (ACK + window) it had received before the
 *   frame began, starting from the configured snd.una + peer window; an ACK's window is its field shifted left by the
 *   negotiated Snd.Wind.Shift; a one-byte probe at the edge of a zero window is
 *   allowed</td><td>RFC 9293 3.8.6, 3.8.6.1 (zero-window probing); RFC 7323 2.3 (window scale)</td></tr>
 * <tr><td>{@link Rule#DIFFERENT_BYTES} (2)</td><td>resends a sequence range with bytes other than it first sent there</td>
 *   <td>RFC 9293 3.4 (a sequence number names one octet)</td></tr>
 * <tr><td>{@link Rule#NO_CAUSE} (3)</td><td>resends data (it starts below the highest sequence sent) with neither an RTO
 *   expiry nor three duplicate ACKs behind it, or resends within one licensed pass what that pass already resent, or
 *   begins a timeout pass anywhere but at snd.una</td><td>RFC 6298 5.1-5.6, RFC 5681 2 (duplicate ACK) and 3.2</td></tr>
 * <tr><td>{@link Rule#BACKOFF} (4)</td><td>times out again on the same snd.una, with no new ACK since, before the doubled
 *   RTO (RTO &lt;&lt; expiries, at most maxBackoff doublings) has run</td><td>RFC 6298 5.5, 5.6</td></tr>
 * <tr><td>{@link Rule#BELOW_UNA} (5)</td><td>sends data wholly below a snd.una it knew (acknowledged more than
 *   ackReactionCycles before the frame began)</td><td>RFC 9293 3.4, 3.10.7.4</td></tr>
 * <tr><td>{@link Rule#HEADER} (6)</td><td>puts a wrong field on a data segment: see below</td><td>RFC 894, 791, 1122,
 *   9293, 3168</td></tr>
 * <tr><td>{@link Rule#SEQUENCE_GAP}</td><td>starts a segment beyond the highest sequence sent, leaving a hole</td>
 *   <td>RFC 9293 3.4 (SND.NXT)</td></tr>
 * <tr><td>{@link Rule#RETRY_LIMIT}</td><td>begins more than maxRetries timeout passes on one snd.una</td>
 *   <td>RFC 9293 3.8.3 (R2)</td></tr>
 * <tr><td>{@link Rule#FAST_RETRANSMIT_EXTENT}</td><td>on three duplicate ACKs resends more than the one segment at
 *   snd.una (the segments after it were not reported lost)</td><td>RFC 5681 3.2 steps 3-4</td></tr>
 * <tr><td>{@link Rule#SILLY_WINDOW}</td><td>sends new data in a segment shorter than the MSS, without PSH, shorter than
 *   half the largest window the peer offered, while earlier data was still unacknowledged (a sliver of the window: it
 *   waits for the ACKs instead). From the wire, PSH stands for "all queued data fits" and nothing in flight for the
 *   override timeout, the two exceptions a sender may take</td><td>RFC 9293 3.8.6.2.1 (MUST-38), RFC 1122 4.2.3.4</td></tr>
 * </table>
 *
 * <p>{@link Rule#HEADER} covers, for every frame from the sender: a frame that is not Ethernet II / IPv4 /
 * TCP or whose lengths do not fit (RFC 894, RFC 791 3.1, RFC 9293 3.1); bytes past the IP datagram beyond
 * the 60-byte Ethernet minimum (RFC 894: padding is only to the minimum); MAC addresses other than the
 * configured ones; the IPv4 reserved flag (RFC 791 3.1 "must be zero"), MF or a fragment offset (the
 * segment fits the MSS, RFC 9293 3.7.1, so it is never a fragment), TTL 0 (RFC 1122 3.2.1.7), a wrong
 * IPv4 header checksum (RFC 791 3.1); a 4-tuple of no registered connection; TCP options (none were
 * negotiated, and MSS may only be sent on SYN segments: RFC 9293 3.2, 3.7.1); nonzero reserved bits
 * (RFC 9293 3.1 "must be zero in generated segments"); SYN, RST or FIN (the host owns set-up and
 * teardown: RFC 9293 3.5, 3.5.2, 3.6); no ACK flag (RFC 9293 3.1: once established, the acknowledgment
 * is always sent; 3.10.7.4 drops segments without it); URG (there is no urgent data, RFC 9293 3.8.5);
 * ECE or CWR (ECN was not negotiated, RFC 3168 6.1); a wrong TCP checksum (RFC 9293 3.1, MUST-2); and a
 * payload above the effective send MSS, the configured MSS less any IP and TCP option bytes (RFC 9293
 * 3.7.1, MUST-16). Segments with a malformed header or a wrong checksum are judged by this rule only.
 *
 * <p>ACKs from the peer are taken as RFC 9293 3.10.7.4 takes them: frames a receiver would drop
 * ({@link TcpFrame#parse} rejects them: checksums, fragments, lengths) are ignored, and so are frames
 * whose Ethernet destination is not the sender's MAC (IEEE 802.3 address filtering; no checksum
 * covers the Ethernet header, so a corrupted address arrives with good checksums), as are segments
 * with SYN or RST (the host's business) or without ACK. An ACK above the highest sequence sent or below
 * snd.una is ignored; otherwise it may advance snd.una and raises the right edge to ACK + window (the
 * highest edge is kept, so a window the peer shrinks does not make earlier sending wrong: RFC 9293
 * 3.8.6 asks the sender to be robust to shrinking, MUST-34). A duplicate ACK is RFC 5681 section 2's:
 * outstanding data, no payload, SYN and FIN off, ACK equal to snd.una, window equal to the last ACK's.
 *
 * <p>The retransmission timer is RFC 6298 section 5's recommended algorithm, kept as the earliest the
 * sender's can fire: started (5.1) when a data frame begins while none is running, turned off (5.2)
 * when everything sent is acknowledged, restarted (5.3) by an ACK of new data. An expiry (5.4) lets
 * the sender begin one go-back-N pass with the earliest unacknowledged segment at snd.una; the
 * j-th pass since the timer was last (re)started may begin no earlier than
 * {@code start + RTO (1 + 2 + ... + 2^(j-1))} (5.5, 5.6: backed off at each expiry, at most maxBackoff
 * doublings; an ACK of new data starts over at the configured RTO, which stands for the value RFC 6298
 * would recompute from the next RTT sample). Passes are counted when they show on the wire, so a
 * sender that is slower than the bound is never held to a timer that ran ahead of it. Within a pass
 * each byte may be resent once, never going back, and the pass goes on across ACKs of new data
 * (RFC 5681 3.1: after a timeout the sender resends the window segment by segment as ACKs come) until
 * it has caught up with the highest sequence sent. The third duplicate ACK licenses the lost segment
 * at snd.una once per duplicate-ACK episode (RFC 5681 3.2); resending more on it is
 * {@link Rule#FAST_RETRANSMIT_EXTENT}, kept apart from rule 3 so it can be reported on its own. A
 * one-byte segment at snd.una or at the right edge while the peer's window is zero is a probe and
 * needs no other cause (RFC 9293 3.8.6.1); when probes are sent is not judged. When the window
 * reopens without acknowledging the probe byte (the peer had no room for it), the sender may send it
 * once more at the head of its next segment.
 *
 * <p>Not judged: congestion control (cwnd, slow start: the offload's contract does not include it),
 * the sender's ACK and window fields (its receive side belongs to the host), the spacing of zero-window probes (3.8.6.1, SHOULDs), the
 * IPv4 identification and the urgent pointer when URG is off (RFC 9293 3.1: not interpreted).
 *
 * <p>Frames may be handed over out of cycle order by up to {@link Tolerances#reorderCycles}; they are
 * judged in cycle order (a sender frame before a peer frame of the same cycle, since an ACK taken in
 * a frame's first cycle cannot have shaped it). Every query ({@link #violations}, {@link #counters},
 * {@link #assertClean}) first judges everything handed over.
 */
public final class TcpSenderRules {
    /** What the checker holds a sender to; the numbers (1..6) are those of issue 13 part 6. */
    public enum Rule {
        /** 1: beyond the peer's advertised window. */
        WINDOW,
        /** 2: a resent range with other bytes. */
        DIFFERENT_BYTES,
        /** 3: a retransmission with no RTO expiry or fast-retransmit behind it. */
        NO_CAUSE,
        /** 4: a timeout retransmission before the doubled RTO. */
        BACKOFF,
        /** 5: data wholly below an snd.una the sender knew. */
        BELOW_UNA,
        /** 6: a field a data sender must not set, or a frame that is not a good segment of the connection. */
        HEADER,
        /** A segment that starts beyond the highest sequence sent. */
        SEQUENCE_GAP,
        /** More timeout passes on one snd.una than the connection's maxRetries. */
        RETRY_LIMIT,
        /** More than the lost segment resent on three duplicate ACKs. */
        FAST_RETRANSMIT_EXTENT,
        /** New data in a sliver of the window: shorter than the MSS, not pushed, while data was in flight. */
        SILLY_WINDOW,
        /** The harness handed a frame over later than reorderCycles allow: not the sender's fault, but the run is not judged. */
        INPUT_ORDER
    }

    /**
     * A connection as the host handed it to the sender.
     *
     * @param name        how messages name it ("conn 3 PUSH")
     * @param ourMac      the sender's MAC (48 bits)
     * @param peerMac     the next hop's MAC
     * @param ourIp       the sender's IPv4 address
     * @param peerIp      the peer's
     * @param ourPort     the sender's TCP port
     * @param peerPort    the peer's
     * @param sndUna      snd.una at hand-over: the first byte the sender sends
     * @param peerWindow  the peer's window at hand-over, in bytes (the host saw the handshake; with scaling, already shifted)
     * @param mss         the send MSS (payload bytes per segment without options)
     * @param rtoCycles   the configured RTO, in cycles
     * @param maxBackoff  RTO doublings at most
     * @param maxRetries  timeout retransmissions of one snd.una before the sender gives up
     * @param sndWindShift RFC 7323 Snd.Wind.Shift, 0..14, as the handshake negotiated it (the peer's window scale option;
     *                    0 when either side sent none): every ACK's window field counts {@code 2^sndWindShift} bytes
     */
    public record Config(String name, long ourMac, long peerMac, int ourIp, int peerIp, int ourPort, int peerPort, int sndUna,
            int peerWindow, int mss, long rtoCycles, int maxBackoff, int maxRetries, int sndWindShift) {
        public Config {
            if (ourMac >>> 48 != 0 || peerMac >>> 48 != 0 || ourPort >>> 16 != 0 || peerPort >>> 16 != 0 || sndWindShift < 0
                    || sndWindShift > 14 || peerWindow < 0 || peerWindow > 65535L << sndWindShift
                    || mss < 1 || rtoCycles < 1 || maxBackoff < 0 || maxBackoff > 30 || maxRetries < 0) {
                throw new IllegalArgumentException("bad connection configuration " + this);
            }
        }

        /** A connection without window scaling (shift 0). */
        public Config(String name, long ourMac, long peerMac, int ourIp, int peerIp, int ourPort, int peerPort, int sndUna,
                int peerWindow, int mss, long rtoCycles, int maxBackoff, int maxRetries) {
            this(name, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, sndUna, peerWindow, mss, rtoCycles, maxBackoff, maxRetries, 0);
        }

        /** The configuration of a test's connection: its setup, and the limits every connection of the adapter shares. */
        public static Config of(ConnSetup s, AdapterParams p) {
            return new Config("conn " + s.conn() + " " + s.modeName(), s.ourMac(), s.peerMac(), s.ourIp(), s.peerIp(), s.ourPort(),
                    s.peerPort(), s.iss(), s.peerWnd(), s.mss(), s.rto(), p.maxBackoff(), p.maxRetries(), s.wndShift());
        }
    }

    /**
     * The slack the timing rules allow. Every default is 0, the strict reading of the RFCs; a harness
     * that knows its sender's pipeline says how much more it allows, and why.
     *
     * @param timerLeadCycles   how long before a data frame's first beat the sender may have started its
     *                          retransmission timer for it. RFC 6298 5.1 starts the timer when data is
     *                          sent; a hardware sender starts it when it decides to send, and then fetches
     *                          the payload and frames it, so the frame reaches the wire later and the timer
     *                          expires that much earlier than the wire shows. Loosens rules 3 and 4.
     * @param ackReactionCycles how long an ACK may have been in before a frame began and still not have
     *                          shaped it: a segment the sender chose (and whose payload it started
     *                          fetching) before the ACK came is on the wire after it. Within this, data
     *                          below snd.una is not rule 5, and a fast-retransmit or zero-window licence
     *                          the ACK ended still holds. Loosens rules 3 and 5.
     * @param reorderCycles     how far out of cycle order frames may be handed over (a harness that
     *                          learns of a frame at its last beat but stamps it with its first); not a
     *                          slack on any rule
     */
    public record Tolerances(long timerLeadCycles, long ackReactionCycles, long reorderCycles) {
        public Tolerances {
            if (timerLeadCycles < 0 || ackReactionCycles < 0 || reorderCycles < 0) {
                throw new IllegalArgumentException("tolerances must not be negative: " + this);
            }
        }

        /** No slack at all: the sender arms, acts and frames in the cycle the wire shows. */
        public static Tolerances strict() {
            return new Tolerances(0, 0, 0);
        }

        public Tolerances withTimerLead(long cycles) {
            return new Tolerances(cycles, ackReactionCycles, reorderCycles);
        }

        public Tolerances withAckReaction(long cycles) {
            return new Tolerances(timerLeadCycles, cycles, reorderCycles);
        }

        public Tolerances withReorder(long cycles) {
            return new Tolerances(timerLeadCycles, ackReactionCycles, cycles);
        }
    }

    /**
     * One broken rule.
     *
     * @param connection the connection's name and 4-tuple, or the frame's 4-tuple if it matches none
     * @param cycle      the cycle the offending frame began at the sender's port
     * @param frame      the frame in one line (sequence numbers relative to the connection's first snd.una)
     * @param message    what is wrong, the RFC that says so, and where to look
     */
    public record Violation(Rule rule, String connection, long cycle, String frame, String message) {
        @Override
        public String toString() {
            return "[" + rule + "] " + connection + " at cycle " + cycle + ": " + frame + "\n      " + message;
        }
    }

    /**
     * What the checker saw, for a run's report.
     *
     * @param frames                 frames from the sender
     * @param segments               of them, segments with payload judged by the sequence rules
     * @param emptySegments          well-formed segments without payload
     * @param payloadBytes           payload bytes in {@code segments}
     * @param newSegments            segments starting at or above the highest sequence sent before
     * @param retransmissions        segments starting below it
     * @param rtoRetransmissions     retransmissions in a pass an RTO expiry licensed
     * @param fastRetransmissions    retransmissions in a pass three duplicate ACKs licensed
     * @param probes                 one-byte segments into a zero window (new or resent)
     * @param probeRetransmissions   retransmissions of a probe byte: resent probes, and the probe byte
 *                               resent at the head of a segment once the window reopened
     * @param staleRetransmissions   retransmissions wholly below snd.una within the ACK grace
     * @param unexplainedRetransmissions retransmissions with no cause (each a rule 3 or 4 violation)
     * @param acks                   acceptable ACKs from the peer
     * @param duplicateAcks          of them, RFC 5681 duplicates
     * @param acksIgnored            segments from the peer with SYN/RST, no ACK, or an ACK outside [snd.una, highest sent]
     * @param peerFramesDropped      frames to the sender that a receiver drops (checksums, lengths, not TCP/IPv4,
 *                               not addressed to the sender's MAC)
     * @param peerFramesForeign      frames to the sender of no registered connection
     */
    public record Counters(long frames, long segments, long emptySegments, long payloadBytes, long newSegments, long retransmissions,
            long rtoRetransmissions, long fastRetransmissions, long probes, long probeRetransmissions, long staleRetransmissions,
            long unexplainedRetransmissions, long acks, long duplicateAcks, long acksIgnored, long peerFramesDropped,
            long peerFramesForeign) {}

    /** The counters while they count. */
    static final class Tally {
        long frames;
        long segments;
        long emptySegments;
        long payloadBytes;
        long newSegments;
        long retransmissions;
        long rtoRetransmissions;
        long fastRetransmissions;
        long probes;
        long probeRetransmissions;
        long staleRetransmissions;
        long unexplainedRetransmissions;
        long acks;
        long duplicateAcks;
        long acksIgnored;
        long peerFramesDropped;
        long peerFramesForeign;

        Counters snapshot() {
            return new Counters(frames, segments, emptySegments, payloadBytes, newSegments, retransmissions, rtoRetransmissions,
                    fastRetransmissions, probes, probeRetransmissions, staleRetransmissions, unexplainedRetransmissions, acks,
                    duplicateAcks, acksIgnored, peerFramesDropped, peerFramesForeign);
        }
    }

    private record Tuple(int ourIp, int ourPort, int peerIp, int peerPort) {}

    /** Violations kept per list; the rest are only counted (a broken sender breaks a rule on every frame). */
    static final int KEPT = 200;

    private final Tolerances tol;
    private final Map<Tuple, SenderState> conns = new LinkedHashMap<>();
    // By cycle, the sender's frames first (key cycle * 2, a frame to the sender cycle * 2 + 1), then in the order handed over.
    private final KeyedHeap<Bytes> pending = new KeyedHeap<>();
    private final Tally tally = new Tally();
    private final List<Violation> violations = new ArrayList<>();
    private final List<Violation> reported = new ArrayList<>();
    private final Map<Rule, Long> counts = new EnumMap<>(Rule.class);
    private final Map<Rule, String> reportOnly = new EnumMap<>(Rule.class);
    private long order;
    private long newest = Long.MIN_VALUE;
    private long judgedUpTo = Long.MIN_VALUE;

    /** A checker with no slack ({@link Tolerances#strict()}). */
    public TcpSenderRules() {
        this(Tolerances.strict());
    }

    public TcpSenderRules(Tolerances tolerances) {
        this.tol = tolerances;
    }

    /**
     * Registers a connection from its configuration; one registered again (same 4-tuple) starts over,
     * as a connection the host hands over anew.
     */
    public TcpSenderRules connection(Config c) {
        Tuple t = new Tuple(c.ourIp(), c.ourPort(), c.peerIp(), c.peerPort());
        if (conns.containsKey(t)) {
            flush(); // what the old connection sent is judged as the old connection
        }
        conns.put(t, new SenderState(this, c, tol));
        return this;
    }

    /**
     * Violations of {@code rule} are kept in {@link #reported()} and do not fail {@link #assertClean}.
     * For a known deviation that is being fixed: {@code finding} names it, and every report says so.
     */
    public TcpSenderRules reportOnly(Rule rule, String finding) {
        reportOnly.put(rule, finding);
        return this;
    }

    /** A frame the sender put out (Ethernet without FCS), whose first beat was at {@code cycle}. */
    public void fromSender(byte[] frame, long cycle) {
        fromSender(Bytes.of(frame), cycle);
    }

    public void fromSender(Bytes frame, long cycle) {
        offer(cycle, true, frame);
    }

    /** A frame the sender took in, whose last beat it accepted at {@code cycle}. */
    public void toSender(byte[] frame, long cycle) {
        toSender(Bytes.of(frame), cycle);
    }

    public void toSender(Bytes frame, long cycle) {
        offer(cycle, false, frame);
    }

    /** Every violation of a rule that fails runs, the first {@value #KEPT}. */
    public List<Violation> violations() {
        flush();
        return List.copyOf(violations);
    }

    /** Every violation of a report-only rule, the first {@value #KEPT}. */
    public List<Violation> reported() {
        flush();
        return List.copyOf(reported);
    }

    /** Violations per rule, report-only ones included, counted past the ones kept. */
    public Map<Rule, Long> violationCounts() {
        flush();
        return Map.copyOf(counts);
    }

    public Counters counters() {
        flush();
        return tally.snapshot();
    }

    /** Fails with every violation, the counters and {@code context} (the run's seed and REPRODUCE line), if there is any. */
    public void assertClean(String context) {
        flush();
        if (violations.isEmpty() && failingCount() == 0) {
            return;
        }
        StringBuilder s = new StringBuilder("TCP sender rules (RFC 9293, 6298, 5681) broken: " + failingCount() + " violation(s) "
                + failingCounts() + "\n");
        for (Violation v : violations) {
            s.append("  ").append(v).append("\n");
        }
        if (failingCount() > violations.size()) {
            s.append("  ... and ").append(failingCount() - violations.size()).append(" more\n");
        }
        s.append(summary()).append("\n").append(context);
        throw new AssertionError(s.toString());
    }

    /**
     * The counters and any report-only findings, for a run's log. It judges nothing itself (frames
     * still held for cycle order are not in it), so diagnostics may call it in the middle of a run.
     */
    public String summary() {
        StringBuilder s = new StringBuilder("sender rules: ").append(conns.size()).append(" connection(s), ").append(tally.snapshot())
                .append(", tolerances ").append(tol);
        for (Map.Entry<Rule, String> r : reportOnly.entrySet()) {
            long n = counts.getOrDefault(r.getKey(), 0L);
            s.append("\n  report-only ").append(r.getKey()).append(" (").append(r.getValue()).append("): ").append(n)
                    .append(" violation(s)");
            reported.stream().filter(v -> v.rule() == r.getKey()).findFirst()
                    .ifPresent(v -> s.append(", first: ").append(v.toString().replace("\n", "\n    ")));
        }
        return s.toString();
    }

    // ---- judging, in cycle order ----

    private void offer(long cycle, boolean fromSender, Bytes frame) {
        if (cycle < judgedUpTo) {
            record(new Violation(Rule.INPUT_ORDER, "-", cycle, (fromSender ? "from the sender" : "to the sender") + ", "
                    + frame.length() + " bytes", "was handed over after frames up to cycle " + judgedUpTo + " had been judged;"
                    + " the harness hands frames over more than reorderCycles (" + tol.reorderCycles() + ") out of order. Raise it."));
        }
        pending.add(cycle << 1 | (fromSender ? 0 : 1), order++, frame);
        newest = Math.max(newest, cycle);
        while (!pending.isEmpty() && (tol.reorderCycles() == 0 || (pending.firstKey() >> 1) < newest - tol.reorderCycles())) {
            judgeFirst();
        }
    }

    private void flush() {
        while (!pending.isEmpty()) {
            judgeFirst();
        }
    }

    private void judgeFirst() {
        long cycle = pending.firstKey() >> 1;
        boolean fromSender = (pending.firstKey() & 1) == 0;
        Bytes frame = pending.first();
        pending.removeFirst();
        judgedUpTo = Math.max(judgedUpTo, cycle);
        if (fromSender) {
            judgeSender(frame, cycle);
        } else {
            judgePeer(frame, cycle);
        }
    }

    private void judgePeer(Bytes frame, long cycle) {
        ParseResult r = TcpFrame.parse(frame);
        if (!r.ok()) {
            tally.peerFramesDropped++; // RFC 9293 3.1 (MUST-3): a segment with a wrong checksum is discarded
            return;
        }
        TcpFrame f = r.frame();
        SenderState st = conns.get(new Tuple(f.dstIp(), f.dstPort(), f.srcIp(), f.srcPort()));
        if (st == null) {
            tally.peerFramesForeign++;
            return;
        }
        if (f.dstMac() != st.cfg.ourMac()) {
            // Not addressed to the sender's station (no checksum covers the Ethernet header): never received.
            tally.peerFramesDropped++;
            return;
        }
        st.fromPeer(f, cycle);
    }

    private void judgeSender(Bytes frame, long cycle) {
        tally.frames++;
        List<String> whyNot = new ArrayList<>();
        WireSegment w = WireSegment.read(frame, whyNot);
        if (w == null) {
            record(new Violation(Rule.HEADER, "-", cycle, "frame of " + frame.length() + " bytes", "is not a TCP/IPv4 segment: "
                    + whyNot.get(0) + ". Everything a data sender puts out is a segment of one of its connections."));
            return;
        }
        SenderState st = conns.get(new Tuple(w.srcIp(), w.srcPort(), w.dstIp(), w.dstPort()));
        if (st == null) {
            record(new Violation(Rule.HEADER, w.tuple(), cycle, summary(w, null, 0), "belongs to no registered connection"
                    + nearest(w) + " (RFC 9293 2.2: a pair of sockets identifies a connection). Check the addresses and ports"
                    + " the sender takes from the connection's context."));
            return;
        }
        // Formatted only for a violation: the rules judge every frame of a run, and a string per frame was a twentieth of a payload-free run.
        long seqAt = st.unwrap(w.seq());
        Supplier<String> summary = () -> summary(w, st, seqAt);
        List<String> problems = header(w, st.cfg);
        if (!problems.isEmpty()) {
            violation(Rule.HEADER, st, cycle, summary, "has " + problems.size() + " wrong field(s): " + String.join("; ", problems)
                    + ".");
        }
        if (w.malformed().isEmpty() && w.ipChecksumOk() && w.tcpChecksumOk()) {
            st.fromSender(w, cycle, summary);
        }
    }

    /** The fields RFC 791, 894, 1122, 3168 and 9293 fix for a data segment of {@code c} (see the class comment). */
    private static List<String> header(WireSegment w, Config c) {
        List<String> p = new ArrayList<>(w.malformed());
        if (w.dstMac() != c.peerMac() || w.srcMac() != c.ourMac()) {
            p.add("MACs " + WireSegment.mac(w.srcMac()) + " > " + WireSegment.mac(w.dstMac()) + ", not the connection's "
                    + WireSegment.mac(c.ourMac()) + " > " + WireSegment.mac(c.peerMac()) + " (RFC 894)");
        }
        if (w.malformed().isEmpty()) {
            int after = w.frameLength() - WireSegment.ETH - w.totalLength();
            if (after > 0 && w.frameLength() > TcpFrame.MIN_FRAME) {
                p.add(after + " byte(s) after the " + w.totalLength() + "-byte IP datagram in a " + w.frameLength()
                        + "-byte frame; padding only fills a frame up to the Ethernet minimum of 60 (RFC 894)");
            }
        }
        if ((w.fragment() & 0x8000) != 0) {
            p.add("the reserved IPv4 flag bit is set (RFC 791 3.1: must be zero)");
        }
        if ((w.fragment() & 0x3fff) != 0) { // MF or an offset; DF (0x4000) is either way
            p.add("IPv4 fragment: MF " + ((w.fragment() >>> 13) & 1) + ", offset " + (w.fragment() & 0x1fff) * 8 + " bytes"
                    + " (a segment within the MSS is sent whole, RFC 9293 3.7.1; RFC 791 3.2)");
        }
        if (w.ttl() == 0) {
            p.add("IPv4 TTL 0 (RFC 1122 3.2.1.7: a host must not send it)");
        }
        if (!w.ipChecksumOk()) {
            p.add("wrong IPv4 header checksum (RFC 791 3.1)");
        }
        if (w.tcpHeader() > 20 && w.malformed().isEmpty()) {
            p.add("TCP data offset " + w.tcpHeader() / 4 + ": " + (w.tcpHeader() - 20) + " bytes of options, but the connection"
                    + " negotiated none and MSS belongs on SYN segments only (RFC 9293 3.2, 3.7.1)");
        }
        if (w.reserved() != 0) {
            p.add("reserved TCP bits 0x" + Integer.toHexString(w.reserved()) + " (RFC 9293 3.1: must be zero in generated segments)");
        }
        if ((w.flags() & TcpFrame.SYN) != 0) {
            p.add("SYN on a data segment of an established connection (RFC 9293 3.5: SYN is for the handshake, which the host did)");
        }
        if ((w.flags() & TcpFrame.RST) != 0) {
            p.add("RST (RFC 9293 3.5.2: resetting the connection is the host's, not the data offload's)");
        }
        if ((w.flags() & TcpFrame.FIN) != 0) {
            p.add("FIN (RFC 9293 3.6: closing is the host's; an offloaded data segment never ends the stream)");
        }
        if ((w.flags() & TcpFrame.ACK) == 0) {
            p.add("ACK flag missing (RFC 9293 3.1: once a connection is established the acknowledgment is always sent;"
                    + " 3.10.7.4: the peer drops a segment without it)");
        }
        if ((w.flags() & 0x20) != 0) {
            p.add("URG (RFC 9293 3.8.5: the offloaded stream has no urgent data)");
        }
        if ((w.flags() & 0xc0) != 0) {
            p.add("ECE/CWR set, but ECN was not negotiated (RFC 3168 6.1)");
        }
        if (!w.tcpChecksumOk() && w.malformed().isEmpty()) {
            p.add("wrong TCP checksum (RFC 9293 3.1, MUST-2)");
        }
        int options = (w.ipHeader() - 20) + Math.max(0, w.tcpHeader() - 20);
        if (w.malformed().isEmpty() && w.payloadLength() > c.mss() - options) {
            p.add(w.payloadLength() + " payload bytes, above the effective send MSS " + (c.mss() - options) + " (MSS " + c.mss()
                    + (options > 0 ? " less " + options + " option bytes" : "") + "; RFC 9293 3.7.1, MUST-16)");
        }
        return p;
    }

    /** Which registered connection the frame's 4-tuple nearly matches, and where it differs. */
    private String nearest(WireSegment w) {
        SenderState best = null;
        int bestScore = 1;
        for (SenderState s : conns.values()) {
            Config c = s.cfg;
            int score = (c.ourIp() == w.srcIp() ? 1 : 0) + (c.ourPort() == w.srcPort() ? 1 : 0) + (c.peerIp() == w.dstIp() ? 1 : 0)
                    + (c.peerPort() == w.dstPort() ? 1 : 0);
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best == null ? " (" + conns.size() + " registered)" : "; nearest is " + best.name;
    }

    /** The frame in a line, {@code seqAt} being its sequence number unwrapped when it was judged ({@code st} null: none). */
    private static String summary(WireSegment w, SenderState st, long seqAt) {
        String seq = st == null ? Long.toString(w.seq() & 0xffffffffL) : st.rel(seqAt);
        return "seq " + seq + " len " + w.payloadLength() + " flags " + TcpFrame.flagLetters(w.flags()) + " ack "
                + (w.ack() & 0xffffffffL) + " win " + w.window() + " (" + w.frameLength() + "-byte frame" + (st == null ? ", "
                        + w.tuple() : "") + ")";
    }

    // ---- what SenderState reports ----

    Tally tally() {
        return tally;
    }

    void violation(Rule rule, SenderState st, long cycle, String frame, String message) {
        record(new Violation(rule, st.name, cycle, frame, message));
    }

    void violation(Rule rule, SenderState st, long cycle, Supplier<String> frame, String message) {
        violation(rule, st, cycle, frame.get(), message);
    }

    private void record(Violation v) {
        counts.merge(v.rule(), 1L, Long::sum);
        List<Violation> to = reportOnly.containsKey(v.rule()) ? reported : violations;
        if (to.size() < KEPT) {
            to.add(v);
        }
    }

    private long failingCount() {
        return counts.entrySet().stream().filter(e -> !reportOnly.containsKey(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    private Map<Rule, Long> failingCounts() {
        Map<Rule, Long> m = new EnumMap<>(Rule.class);
        counts.forEach((r, n) -> {
            if (!reportOnly.containsKey(r)) {
                m.put(r, n);
            }
        });
        return m;
    }
}
