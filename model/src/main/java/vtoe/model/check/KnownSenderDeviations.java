package vtoe.model.check;

import java.util.Map;
import vtoe.model.check.TcpSenderRules.Rule;

/**
 * Where today's adapter departs from the TCP sender rules, found by {@link TcpSenderRules} on the
 * co-simulated and standalone runs (issue 13 part 6). Each rule listed here only reports in the
 * runs, so the suite stays green while the finding is open; every other rule fails a run.
 *
 * <p>No finding is open: every rule fails a run. The map stays, empty, so that a finding of the
 * future can be recorded here with its reason while it is being fixed, instead of weakening a rule.
 *
 * <p>The findings came from one property of the design: the adapter decides a segment when it asks
 * the host or its DMA for the bytes, and the frame leaves only when they have come, after a latency
 * that the host sets (thousands of cycles in the random worlds, more with swapping).
 *
 * <p>Fixed, and no longer report-only on their account:
 *
 * <ul>
 *   <li>F3 (was {@link Rule#NO_CAUSE}, {@link Rule#BACKOFF} and {@link Rule#FAST_RETRANSMIT_EXTENT}): retransmission
 *       decisions queued behind the host reached the wire after what had overtaken them. Fixed in the
 *       adapter and, for one shape, in this checker:
 *       <ul>
 *         <li>a go-back's frames left after an ACK of new data had restarted the timer (RFC 6298 5.3), with no
 *             expiry behind them on the wire (NO_CAUSE; FaultRandomIT's first seed, 11 frames). Each connection
 *             now numbers its retransmission decisions (an epoch, carried by every segment); an ACK of new data
 *             that comes before the go-back's first frame has left cancels the go-back (snd.nxt back to snd.max)
 *             and starts a new epoch, and the framer drops retransmissions of a past epoch. The restarted timer
 *             goes back again if data is still missing. {@code AdapterDirectedIT#aGoBackThatAnAckOfNewDataOvertakesIsCancelled};
 *         <li>a second expiry while the first go-back was still waiting for the host went back again, and the
 *             two passes left back to back, the second long before its doubled RTO (BACKOFF). An expiry now only
 *             backs off while the last go-back has not reached the wire. {@code AdapterDirectedIT#anExpiryBeforeTheGoBackHasLeftOnlyBacksOff};
 *         <li>a timeout pass whose first frame was also a fast retransmission, a zero-window probe or the probe
 *             byte sent again was judged by its cheaper cause alone, so the rest of the pass looked like a fast
 *             retransmit that resent too much (FAST_RETRANSMIT_EXTENT; AdapterRandomIT) or had no cause
 *             (NO_CAUSE; {@code AdapterDirectedIT#aClosedWindowHoldsDataBackUntilItReopens}). That was this
 *             checker's mistake, not the adapter's: a frame at snd.una after the timer could have expired may
 *             begin a timeout pass, whatever else explains it, and the frames that continue it show it did
 *             ({@code TcpSenderRulesTest#aTimeoutPassMayBeginWith...}).
 *       </ul>
 *   <li>F1 (was part of {@link Rule#NO_CAUSE}): the retransmission timer ran from the decision, not
 *       from the transmission (RFC 6298 5.1); with a slow answer the first retransmission of a segment
 *       reached the wire less than one RTO after its first transmission (RFC 6298 section 5: "never
 *       retransmitted too early"). The framer's TAG_DONE now reports the end of a sent segment, each
 *       connection keeps {@code sentEnd} (just past the highest byte whose frame has left), and the
 *       timer runs only while data below it is unacknowledged (or a closed window holds data back):
 *       armed when the frame has left, never by the decision. {@code
 *       AdapterDirectedIT#theRtoRunsFromTheFrameNotFromTheDecision} holds it.
 *   <li>F4 (was part of {@link Rule#NO_CAUSE}): after a fast retransmit and a timeout pass, the adapter
 *       retransmitted snd.una again on later duplicate ACKs of the same episode (RFC 5681 3.2
 *       fast-retransmits once, on the third duplicate ACK; RFC 6582 section 4 describes this spurious
 *       fast retransmit after a timeout). The RetransmitFsm (RTL and TLM) now keeps RFC 6582's
 *       {@code recover} per connection: snd.max at the last go-back, below which duplicate ACKs do not
 *       fast-retransmit. {@code AdapterDirectedIT#duplicateAcksAfterATimeoutDoNotFastRetransmitAgain}
 *       and {@code RetransmitFsmTest} hold it.
 *   <li>F5 (found with F1 and F4 fixed, was part of {@link Rule#NO_CAUSE}): the adapter counted repeated
 *       ACKs of snd.una as duplicates while the data beyond it was only cut, its frames still waiting
 *       for the host, and fast-retransmitted a segment nothing had lost (RFC 5681 section 2 (a): a
 *       duplicate ACK needs outstanding data). The duplicate test now uses {@code sentEnd} instead of
 *       snd.max. {@code AdapterDirectedIT#repeatedAcksBeforeTheFrameHasLeftAreNotDuplicates} holds it.
 *   <li>F2 (was {@link Rule#BELOW_UNA}): a retransmission chosen before an ACK that covers it still
 *       went out when its bytes arrived, long after the ACK (RFC 9293 3.10.7.4 removes acknowledged
 *       segments from the retransmission queue): hundreds per run against the Linux peer. The framer
 *       now reads the connection's snd.una when it latches a segment and drops one wholly below it, as
 *       it drops a stopped connection's. {@code AdapterDirectedIT#aRetransmissionAcknowledgedBeforeItsFrameLeavesIsDropped}
 *       holds it.
 *   <li>F6 (found against the Linux peer, never report-only: the rule {@link Rule#SILLY_WINDOW} came with
 *       its fix): the adapter cut new segments at the window's right edge and left slivers of its blocks,
 *       down to 1 byte, where RFC 9293 3.8.6.2.1 (MUST-38) requires sender silly-window avoidance. The
 *       segmenter now sends new data only when the window takes a full segment (or all data fetched) or
 *       nothing is in flight. {@code TcpSenderRulesTest} plants the sliver; every run judges it.
 * </ul>
 *
 * <p>{@code -Dvtoe.senderRules.enforceAll=true} makes every rule fail runs again (to see the findings
 * fail, or once they are fixed).
 */
public final class KnownSenderDeviations {
    /** The switch: when true, no rule is report-only. */
    public static final String ENFORCE_ALL = "vtoe.senderRules.enforceAll";

    /** Rules that only report, with the finding that keeps them so: none today. */
    static final Map<Rule, String> OPEN = Map.of();

    private KnownSenderDeviations() {}

    /** Makes the open findings' rules report-only on {@code rules}, unless {@value #ENFORCE_ALL} is set. */
    public static TcpSenderRules apply(TcpSenderRules rules) {
        if (!Boolean.getBoolean(ENFORCE_ALL)) {
            OPEN.forEach(rules::reportOnly);
        }
        return rules;
    }
}
