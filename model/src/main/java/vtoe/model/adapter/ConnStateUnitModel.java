package vtoe.model.adapter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import vtoe.model.AdapterParams;
import vtoe.model.check.LockstepMismatchError;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Completion;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.FetchedDescriptor;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;

/**
 * TLM of {@code vtoe.rtl.ConnStateUnit}, following the RTL's trace. The RTL decides when (which
 * connection the round-robin picks, how long a segment is under the window of that cycle, when a
 * timer is served); this model checks every such decision exactly against its own copy of the state
 * at that cycle, and compares every change other blocks made it expect (open/stop from CSRs,
 * descriptors from the fetch, ACKs from the parser, faults from the host side). It then predicts what
 * follows: jobs for the data path, completions, releases and events.
 *
 * <p>It mirrors the RTL's connection queues and timer wheel ({@link TimerWheelModel}) exactly, and
 * checks the wheel's bound on every expiry: found in a slot that starts no later than G cycles after
 * the timer fell due, and never passed over by a segment (the send queue comes after the wheel).
 */
public final class ConnStateUnitModel {
    /** Where the unit's consequences go. */
    public interface Downstream {
        void job(Job j, long cycle);

        void completion(Completion c, long cycle);

        void release(Release r, long cycle);

        void event(AdapterEvent e, long cycle);

        /** TAG_DONE: the framer model checks it was legal (in order, sent only if a frame went out). */
        void tagDone(int tag, int conn, boolean sent, long cycle);
    }

    private record Ctl(int conn, boolean open) {}

    private record PendingFault(int conn, int code, long detail) {}

    private final AdapterParams p;
    private final CsrFileModel csr;
    private final Downstream out;
    private final Supplier<String> context;
    private final ConnState[] st;
    private final ConnState scratch = new ConnState(); // what decide works an op out on: a copy of one connection's state
    private final RingEntry[][] ring;
    private final int ringMask;
    private final Deque<Integer> freeTags = new ArrayDeque<>();
    private final int[] tagSeqEnd; // per tag: just past its segment, which TAG_DONE reports
    private final Job[] tagJob; // per tag: the segment cut for it
    private long ackAbove;
    private long ackOld;
    private final Deque<Ctl> ctl = new ArrayDeque<>();
    private final Deque<FetchedDescriptor> descs = new ArrayDeque<>();
    private final Deque<java.util.function.LongConsumer> descTaken = new ArrayDeque<>();
    private final Deque<java.util.function.LongConsumer> descParked = new ArrayDeque<>();
    /** As the RTL's state bit: a chain of the connection is parked in the fetch, to be woken once. */
    private final boolean[] parked;
    /** Hears each wake: the connection and the cycle of the op that woke it. */
    private Wake wake = (c, cycle) -> {};

    /** Where wakes go (the descriptor fetch). */
    @FunctionalInterface
    public interface Wake {
        void wake(int conn, long cycle);
    }
    private final Deque<AckInfo> acks = new ArrayDeque<>();
    private final Map<Integer, Deque<PendingFault>> faults = new HashMap<>();
    private final List<ValueHistory> activeHistory = new ArrayList<>();
    /** snd.una per connection after each op that changed it, for the framer's look-up at its latch cycle. */
    private final List<ValueHistory> unaHistory = new ArrayList<>();
    /** The retransmission epoch per connection after each op that changed it (the framer's look-up too). */
    private final List<ValueHistory> epochHistory = new ArrayList<>();
    private final long timerSlack;
    private final Deque<TraceRecord> recent = new ArrayDeque<>();
    private long records;
    private int pendingFaults;
    // The RTL's connection queues, brought up to date after every op on a connection (ops only change
    // their own connection's state), so that deciding an op costs the same with 4 or 4096 connections.
    // The send queue is mirrored exactly: its order is the round robin the RTL is checked against. In
    // the retire and drain queues the RTL may serve any connection that needs it (the trace check
    // accepts any); entries that went stale are dropped here at once, where the RTL spends a cycle.
    private final Deque<Integer> sendQ = new ArrayDeque<>();
    private final boolean[] sendQueued;
    private final Deque<Integer> retireQ = new ArrayDeque<>();
    private final boolean[] retireQueued;
    private final Deque<Integer> drainQ = new ArrayDeque<>();
    private final boolean[] drainQueued;
    private final boolean[] busyFlag;
    private int busyCount;
    private final int timerLeaves;
    private final long[] timerMin; // min tree over "due at" per connection (Long.MAX_VALUE: no timer that can fall due)
    private final long traceOffset; // cycle of the RTL's time 0: the wheel's slots are counted in the RTL's time
    private final TimerWheelModel wheel;
    private final long[] retireClearedAt; // RTL time from which retirePending was last false (a timer is due only then)
    private final boolean[] wheelKeyedLonger; // re-opened with a shorter RTO while its old entry is in the wheel
    private long timerServed;
    private long timerWorstLate = Long.MIN_VALUE;

    /**
     * @param traceOffset cycle of the RTL's time 0 on the clock of {@code t} in {@link #onTrace} (0 for the standalone TLM)
     */
    public ConnStateUnitModel(AdapterParams p, CsrFileModel csr, Downstream out, Supplier<String> context, long traceOffset) {
        this.p = p;
        this.traceOffset = traceOffset;
        this.wheel = new TimerWheelModel(p.numConns(), p.timerSlotCycles(), p.timerSlots());
        this.retireClearedAt = new long[p.numConns()];
        this.wheelKeyedLonger = new boolean[p.numConns()];
        this.csr = csr;
        this.out = out;
        this.context = context;
        this.st = new ConnState[p.numConns()];
        this.ring = new RingEntry[p.numConns()][p.retained()];
        this.ringMask = 2 * p.retained() - 1;
        for (int c = 0; c < p.numConns(); c++) {
            st[c] = new ConnState();
            activeHistory.add(new ValueHistory(0, Integer.MAX_VALUE, 0));
            // The framer asks about its latch cycle, a frame's length behind at most: past 4096 changes, keep 100k cycles.
            unaHistory.add(new ValueHistory(0, 4096, 100_000));
            epochHistory.add(new ValueHistory(0, 4096, 100_000));
        }
        for (int t = 0; t < p.tags(); t++) {
            freeTags.addLast(t);
        }
        this.tagSeqEnd = new int[p.tags()];
        this.tagJob = new Job[p.tags()];
        this.sendQueued = new boolean[p.numConns()];
        this.retireQueued = new boolean[p.numConns()];
        this.parked = new boolean[p.numConns()];
        this.drainQueued = new boolean[p.numConns()];
        this.busyFlag = new boolean[p.numConns()];
        this.timerLeaves = Integer.highestOneBit(Math.max(1, p.numConns() - 1)) << 1;
        this.timerMin = new long[2 * timerLeaves];
        java.util.Arrays.fill(timerMin, Long.MAX_VALUE);
        for (int c = 0; c < p.numConns(); c++) {
            reindex(c);
        }
        // A hang detector only (the wheel's bound is checked exactly in timer()): a slot's G cycles, a revolution
        // for a connection re-opened with a shorter RTO, a walk through every connection, and ops of higher priority.
        this.timerSlack = (long) p.timerSlots() * p.timerSlotCycles() + p.timerSlotCycles() + 4L * p.numConns() + 512;
    }

    // ---- what other blocks tell the unit to expect ----

    public void expectCtl(int conn, boolean open) {
        ctl.addLast(new Ctl(conn, open));
    }

    /** A descriptor the fetch hands on; {@code taken} hears the cycle the unit took it (the fetch waits for that). */
    public void expectDesc(FetchedDescriptor d, java.util.function.LongConsumer taken) {
        expectDesc(d, taken, taken);
    }

    /** The same, with {@code parked} hearing the cycle instead when the unit parks it (its ring is full). */
    public void expectDesc(FetchedDescriptor d, java.util.function.LongConsumer taken, java.util.function.LongConsumer parkedAt) {
        descs.addLast(d);
        descTaken.addLast(taken);
        descParked.addLast(parkedAt);
    }

    public void onWake(Wake w) {
        this.wake = w;
    }

    public void expectAck(AckInfo a) {
        acks.addLast(a);
    }

    public void expectFault(int tag, int conn, int code, long detail) {
        faults.computeIfAbsent(tag, k -> new ArrayDeque<>()).addLast(new PendingFault(conn, code, detail));
        pendingFaults++;
    }

    // ---- queries ----

    public ConnState state(int conn) {
        return st[conn];
    }

    public boolean active(int conn) {
        return st[conn].active();
    }

    /** Whether the connection was active as seen by logic reading the RTL's registers in {@code cycle}. */
    public boolean activeAt(int conn, long cycle) {
        return activeHistory.get(conn).before(cycle) != 0;
    }

    /** The connection's snd.una as the RTL's state memory held it during {@code cycle} (what the framer reads). */
    public int unaAt(int conn, long cycle) {
        return (int) unaHistory.get(conn).before(cycle);
    }

    /** The connection's retransmission epoch as the RTL's state memory held it during {@code cycle}. */
    public int epochAt(int conn, long cycle) {
        return (int) epochHistory.get(conn).before(cycle);
    }

    public boolean busy(int conn) {
        return st[conn].busy();
    }

    /** Some connection still has a tag in flight, a block to retire or a ring to drain. */
    public boolean anyBusy() {
        return busyCount != 0;
    }

    public long stateRegister(int conn, int which) {
        ConnState s = st[conn];
        return switch (which) {
            case 0 -> s.status();
            case 1 -> Integer.toUnsignedLong(s.sndUna);
            case 2 -> Integer.toUnsignedLong(s.sndNxt);
            default -> Integer.toUnsignedLong(s.sndMax);
        };
    }

    public long ackAbove() {
        return ackAbove;
    }

    public long ackOld() {
        return ackOld;
    }

    public long records() {
        return records;
    }

    // ---- the trace ----

    /** One trace record; {@code t} is its cycle on the testbench's clock. */
    public void onTrace(TraceRecord r, long t) {
        records++;
        recent.addLast(r);
        if (recent.size() > 8) {
            recent.removeFirst();
        }
        checkTimersServed(t);
        Op op;
        try {
            op = Op.of(r.op());
        } catch (IllegalArgumentException e) {
            throw fail(r, t, "unknown op " + r.op());
        }
        int c = r.conn();
        if (c < 0 || c >= p.numConns()) {
            throw fail(r, t, "connection " + c + " does not exist");
        }
        ConnState s = st[c];
        long rt = t - traceOffset;
        wheel.catchUp(rt - 1);
        boolean walked = op == Op.TIMER || op == Op.WHEEL;
        if ((op == Op.SEG || op == Op.SKIP) && wheel.stepReady(rt)) {
            throw fail(r, t, "the send queue was served while the timer wheel had connection " + wheel.walkHead()
                    + " to look at (the wheel goes first)");
        }
        if (walked) {
            if (!wheel.stepReady(rt) || wheel.walkHead() != c) {
                throw fail(r, t, wheel.stepReady(rt) ? "the timer wheel's walk is at connection " + wheel.walkHead()
                        : "the timer wheel has no connection to look at in this cycle (walk at " + wheel.walkHead() + ")");
            }
            wheel.step(c, rt);
        }
        boolean wasRetiring = s.retirePending;
        switch (op) {
            case OPEN, STOP -> ctl(r, t, op == Op.OPEN);
            case DESC -> desc(r, t, s);
            case SEG -> seg(r, t, s);
            case ACK -> ack(r, t, s);
            case RETIRE -> retire(r, t, s);
            case TIMER -> timer(r, t, s);
            case TAG_DONE -> tagDone(r, t, s);
            case FAULT -> fault(r, t, s);
            case DRAIN -> drain(r, t, s);
            case SKIP -> skip(r, t, s);
            case WHEEL -> wheelStep(r, t, s);
            default -> throw fail(r, t, "unhandled op");
        }
        if (walked) {
            wheelKeyedLonger[c] = false;
        }
        // As the RTL: a parked chain is woken by the first op after which its ring has room or the connection is not active.
        if (parked[c] && (!st[c].active() || ((st[c].tail - st[c].head) & ringMask) != p.retained())) {
            parked[c] = false;
            wake.wake(c, t);
        }
        if (wasRetiring && !st[c].retirePending) {
            retireClearedAt[c] = rt + 1;
        }
        // As the RTL: a connection whose timer runs is in the wheel, once.
        if (st[c].timerOn && !wheel.contains(c)) {
            wheel.insert(c, wheelKey(st[c], rt), rt); // as the RTL: from now, for a put-back too
        }
        // st[c], not s: OPEN replaces the state. Only changes are kept: activeAt looks up the last one before a cycle.
        activeHistory.get(c).remember(t, st[c].active() ? 1 : 0);
        unaHistory.get(c).remember(t, st[c].sndUna);
        epochHistory.get(c).remember(t, st[c].epoch);
        reindex(c);
    }

    /** Brings the connection indexes up to date with {@code st[c]}. */
    private void reindex(int c) {
        ConnState s = st[c];
        if (Segmenter.eligible(s) && !sendQueued[c]) {
            sendQ.addLast(c);
            sendQueued[c] = true;
        }
        if (s.retirePending != retireQueued[c]) {
            requeue(retireQ, retireQueued, c, s.retirePending);
        }
        if (s.draining != drainQueued[c]) {
            requeue(drainQ, drainQueued, c, s.draining);
        }
        boolean b = s.busy();
        if (b != busyFlag[c]) {
            busyFlag[c] = b;
            busyCount += b ? 1 : -1;
        }
        int i = timerLeaves + c;
        timerMin[i] = s.active() && s.timerOn && !s.retirePending ? s.deadline : Long.MAX_VALUE;
        for (i >>= 1; i >= 1; i >>= 1) {
            timerMin[i] = Math.min(timerMin[2 * i], timerMin[2 * i + 1]);
        }
    }

    private static void requeue(Deque<Integer> q, boolean[] queued, int c, boolean want) {
        if (want) {
            q.addLast(c);
        } else {
            q.removeFirstOccurrence(c); // only when a connection stops: rare, so a linear search is fine
        }
        queued[c] = want;
    }

    /** The lowest-numbered connection whose timer is due at {@code t} ({@link RetransmitFsm#due}), or -1. */
    private int firstDue(long t) {
        if (timerMin[1] > t) {
            return -1;
        }
        int i = 1;
        while (i < timerLeaves) {
            i = timerMin[2 * i] <= t ? 2 * i : 2 * i + 1;
        }
        return i - timerLeaves;
    }

    private void ctl(TraceRecord r, long t, boolean open) {
        Ctl want = ctl.pollFirst();
        if (want == null || want.conn != r.conn() || want.open != open) {
            throw fail(r, t, "expected " + (want == null ? "no open/stop (no CTRL write asked for one)"
                    : (want.open ? "OPEN" : "STOP") + " of connection " + want.conn));
        }
        ConnState s = st[r.conn()];
        if (open) {
            ConnCfg cfg = csr.cfg(r.conn());
            expectFields(r, t, cfg.iss(), (int) cfg.peerWnd(), (cfg.rto() << 16) | cfg.mss());
            ConnState n = new ConnState();
            n.state = ConnState.ACTIVE;
            n.mode = cfg.mode();
            n.sndUna = n.sndNxt = n.sndMax = n.fetchedEnd = n.recover = n.sentEnd = cfg.iss();
            n.peerWnd = cfg.peerWnd();
            n.wndShift = cfg.sndWndShift();
            n.mss = cfg.mss();
            n.rto = cfg.rto();
            timerRule(n, false, t);
            // Its old entry may still be in the wheel, in a slot chosen with the old RTO: with a shorter one it
            // may come up later than the bound (within a revolution, when the hashed slot index comes round).
            wheelKeyedLonger[r.conn()] = wheel.contains(r.conn()) && n.rto < s.rto;
            st[r.conn()] = n;
        } else {
            expectFields(r, t, 0, 0, 0);
            stop(s);
        }
    }

    private void desc(TraceRecord r, long t, ConnState s) {
        FetchedDescriptor d = descs.pollFirst();
        if (d == null || d.conn() != r.conn() || d.seq() != r.seq() || d.size() != r.len() || d.descVa() != r.aux()) {
            throw fail(r, t, "expected the descriptor the fetch handed on: " + (d == null ? "none" : d));
        }
        boolean full = ((s.tail - s.head) & ringMask) == p.retained();
        if (r.tag() == 2) {
            // Parked: the fetch keeps the chain; nothing changes here but the parked bit.
            if (!s.active() || !full || parked[r.conn()]) {
                throw fail(r, t, "descriptor parked although " + (!s.active() ? "the connection is not active"
                        : !full ? "its ring has room" : "a chain of the connection is parked already"));
            }
            parked[r.conn()] = true;
            descTaken.pollFirst();
            descParked.pollFirst().accept(t - 1);
            return;
        }
        boolean taken = r.tag() == 0;
        if (r.tag() != 1 && !taken) {
            throw fail(r, t, "a descriptor record is taken (0), dropped (1) or parked (2)");
        }
        if (taken && (!s.active() || full)) {
            throw fail(r, t, "descriptor taken although the connection is " + (s.active() ? "out of ring space" : "not active"));
        }
        if (!taken && s.active()) {
            throw fail(r, t, "descriptor dropped although the connection is active");
        }
        if (taken) {
            ring[r.conn()][s.tail & (p.retained() - 1)] = new RingEntry(d.descVa(), d.va(), d.pa(), d.size(), d.seq());
            s.tail = (s.tail + 1) & ringMask;
            s.fetchedEnd = d.seq() + d.size();
            timerRule(s, false, t);
        } else if (s.mode == CsrMap.MODE_PREPINNED) {
            out.release(new Release(0, d.conn(), d.va(), d.size(), true), t);
        }
        descParked.pollFirst();
        descTaken.pollFirst().accept(t - 1); // the RTL takes it in stage 0, a cycle before its record
    }

    private void seg(TraceRecord r, long t, ConnState s) {
        Integer want = sendQ.peekFirst();
        if (want == null) {
            throw fail(r, t, "segment cut while the send queue is empty");
        }
        if (want != r.conn()) {
            throw fail(r, t, "the send queue's head is connection " + want + " (queue: " + sendQ + ", eligible: " + eligibleList() + ")");
        }
        if (!Segmenter.eligible(s)) {
            throw fail(r, t, "segment cut for a connection that is not eligible (it should have been skipped)");
        }
        Integer tag = freeTags.peekFirst();
        if (tag == null || tag != r.tag()) {
            throw fail(r, t, "the free-tag queue gives tag " + tag);
        }
        RingEntry e = ring[r.conn()][(s.fastRetx ? s.head : s.cursor) & (p.retained() - 1)];
        Segmenter.Cut cut = Segmenter.cut(s, e);
        long aux = cut.kind() | (cut.psh() ? 4 : 0) | (cut.prepinned() ? 8 : 0) | (cut.releaseBlock() ? 16 : 0);
        expectFields(r, t, cut.seq(), cut.len(), aux);
        freeTags.pollFirst();
        sendQ.pollFirst();
        sendQueued[r.conn()] = false;
        Job job = new Job(tag, r.conn(), cut.seq(), cut.len(), cut.va(), cut.pa(), cut.kind(), s.mode, cut.psh(),
                cut.prepinned(), cut.releaseBlock(), e.va, e.size, s.lastTagValid, s.lastTag, s.epoch);
        Segmenter.apply(s, cut, ringMask);
        if (cut.releaseBlock()) {
            e.releaseIssued = true;
        }
        s.tagsInFlight++;
        s.lastTag = tag;
        s.lastTagValid = true;
        tagSeqEnd[tag] = cut.seq() + cut.len();
        tagJob[tag] = job;
        timerRule(s, false, t);
        out.job(job, t);
    }

    private void ack(TraceRecord r, long t, ConnState s) {
        AckInfo a = acks.pollFirst();
        if (a == null || a.conn() != r.conn() || a.ack() != r.seq() || a.wnd() != r.len()) {
            throw fail(r, t, "expected the ACK the parser found: " + (a == null ? "none" : a));
        }
        RingEntry head = ring[r.conn()][s.head & (p.retained() - 1)];
        RetransmitFsm.AckOutcome o = RetransmitFsm.onAck(s, head == null ? new RingEntry(0, 0, 0, 0, 0) : head, a.ack(),
                a.wnd(), a.hasPayload());
        long aux = o.result().ordinal() | (long) s.dupAcks << 4;
        if (r.aux() != aux) {
            throw fail(r, t, "the ACK is " + o.result() + " with " + s.dupAcks + " duplicates (aux 0x" + Long.toHexString(aux) + ")");
        }
        if (o.result() == AckResult.ABOVE) {
            ackAbove++;
        } else if (o.result() == AckResult.OLD) {
            ackOld++;
        }
        timerRule(s, o.restart(), t);
    }

    private void retire(TraceRecord r, long t, ConnState s) {
        RingEntry e = ring[r.conn()][s.head & (p.retained() - 1)];
        if (!s.retirePending || e == null || e.end() != r.seq() || e.descVa != r.aux()) {
            throw fail(r, t, s.retirePending ? "the retained head entry is " + e : "nothing is waiting to be retired");
        }
        int newHead = (s.head + 1) & ringMask;
        if (s.cursor == s.head) {
            s.cursor = newHead;
        }
        s.head = newHead;
        RingEntry next = ring[r.conn()][newHead & (p.retained() - 1)];
        s.retirePending = newHead != s.tail && (s.sndUna - next.end()) >= 0;
        // As the RTL: served from the queue's head, back to its tail while more is to retire.
        requeue(retireQ, retireQueued, r.conn(), false);
        out.completion(new Completion(r.conn(), e.end(), e.descVa), t);
    }

    private void timer(TraceRecord r, long t, ConnState s) {
        if (!RetransmitFsm.due(s, t)) {
            throw fail(r, t, "timer served but not due (timer " + (s.timerOn ? "due at " + s.deadline : "off") + ")");
        }
        // The wheel's bound: the slot it was found in starts no later than G cycles after it fell due.
        long dueFrom = Math.max(s.deadline - traceOffset, retireClearedAt[r.conn()]);
        long found = wheel.slotTime();
        if (found > dueFrom + p.timerSlotCycles() && !wheelKeyedLonger[r.conn()]) {
            throw fail(r, t, "the timer wheel found this expiry in the slot of cycle " + found + " (RTL time), more than "
                    + p.timerSlotCycles() + " cycles after it fell due at " + dueFrom);
        }
        timerServed++;
        timerWorstLate = Math.max(timerWorstLate, t - traceOffset - dueFrom);
        ConnState before = s.copy(); // for the message below; printing it on every expiry was a cost of its own
        RetransmitFsm.TimerOutcome o = RetransmitFsm.onTimer(s, p.maxRetries(), p.maxBackoff());
        long aux = o.kind().ordinal() | (long) s.backoff << 4 | (long) s.retries << 8;
        if (r.aux() != aux) {
            throw fail(r, t, "the expiry is " + o.kind() + " (aux 0x" + Long.toHexString(aux) + ") from " + before);
        }
        if (o.stop()) {
            stop(s);
            out.event(new AdapterEvent(r.conn(), EventCode.RETRY_LIMIT, Integer.toUnsignedLong(s.sndUna)), t);
        } else {
            timerRule(s, true, t);
        }
    }

    private void tagDone(TraceRecord r, long t, ConnState s) {
        int tag = r.tag();
        if (tag < 0 || tag >= p.tags() || r.seq() != tagSeqEnd[tag]) {
            throw fail(r, t, "TAG_DONE of tag " + tag + " reports its segment's end as seq " + Integer.toUnsignedLong(r.seq())
                    + ", but the segment cut for it ends at " + (tag < 0 || tag >= p.tags() ? "?" : Integer.toUnsignedLong(tagSeqEnd[tag])));
        }
        boolean sent = r.aux() != 0;
        out.tagDone(tag, r.conn(), sent, t);
        s.tagsInFlight--;
        if (s.lastTagValid && s.lastTag == tag) {
            s.lastTagValid = false;
        }
        if (s.state == ConnState.STOPPED && s.mode == CsrMap.MODE_PREPINNED && s.tagsInFlight == 0) {
            s.draining = s.drainPtr != s.tail;
        }
        // As the RTL: the frame has left, so the timer starts now if it is not running (RFC 6298 5.1).
        if (sent && s.sentEnd - r.seq() < 0) {
            s.sentEnd = r.seq();
        }
        Job j = tagJob[tag];
        if (sent && j != null && j.retx() && j.epoch() == s.epoch) {
            s.passPending = false; // as the RTL: that decision has reached the wire
            s.fastPending = false;
        }
        timerRule(s, false, t);
        freeTags.addLast(tag);
    }

    private void fault(TraceRecord r, long t, ConnState s) {
        Deque<PendingFault> q = faults.get(r.tag());
        PendingFault f = q == null ? null : q.pollFirst();
        if (f != null) {
            pendingFaults--;
        }
        if (f == null || f.conn != r.conn() || f.code != r.aux()) {
            throw fail(r, t, "expected " + (f == null ? "no fault for this tag" : "fault " + f));
        }
        stop(s);
        out.event(new AdapterEvent(r.conn(), f.code, f.detail), t);
    }

    /** WHEEL: the walk found the connection not due: back into the slot of its key (tag 1), or out (tag 0, timer stopped). */
    private void wheelStep(TraceRecord r, long t, ConnState s) {
        if (RetransmitFsm.due(s, t)) {
            throw fail(r, t, "the timer wheel put back a connection whose timer is due (it should have been a TIMER)");
        }
        long key = s.timerOn ? wheelKey(s, t - traceOffset) : 0;
        if (r.tag() != (s.timerOn ? 1 : 0) || r.aux() != key || r.seq() != 0 || r.len() != 0) {
            throw fail(r, t, s.timerOn ? "the connection goes back into slot " + key + " (tag 1)" : "the timer has stopped: dropped (tag 0, aux 0)");
        }
    }

    /** The wheel slot a connection goes to (the RTL's rule; {@code base} in the RTL's time). */
    private long wheelKey(ConnState s, long base) {
        return wheel.key(s.deadline - traceOffset, base, s.rto);
    }

    private void skip(TraceRecord r, long t, ConnState s) {
        Integer head = sendQ.peekFirst();
        if (head == null || head != r.conn()) {
            throw fail(r, t, "the send queue's head is " + (head == null ? "nothing" : "connection " + head) + " (queue: " + sendQ + ")");
        }
        if (Segmenter.eligible(s)) {
            throw fail(r, t, "connection skipped although it is eligible");
        }
        expectFields(r, t, 0, 0, 0);
        sendQ.pollFirst();
        sendQueued[r.conn()] = false;
    }

    private void drain(TraceRecord r, long t, ConnState s) {
        RingEntry e = ring[r.conn()][s.drainPtr & (p.retained() - 1)];
        if (!s.draining || e.seq != r.seq() || e.size != r.len() || e.va != r.aux() || (r.tag() != 0) == e.releaseIssued) {
            throw fail(r, t, s.draining ? "the entry to drain is " + e + (e.releaseIssued ? " (release already issued)" : "")
                    : "the connection is not draining");
        }
        s.drainPtr = (s.drainPtr + 1) & ringMask;
        s.draining = s.drainPtr != s.tail;
        requeue(drainQ, drainQueued, r.conn(), false); // as the RTL: back to the queue's tail while more is to drain
        if (!e.releaseIssued) {
            out.release(new Release(0, r.conn(), e.va, e.size, true), t);
        }
    }

    // ---- deciding instead of following (the standalone TLM) ----

    /**
     * The op the RTL's unit would do in cycle {@code t}, in its priority order (drain, fault,
     * tag-done, retire, control, ACK, descriptor, timer wheel, segment or skip), as the trace record it would emit;
     * null when there is nothing to do. Feeding the record to {@link #onTrace} applies it, with every
     * check the lockstep uses, so the standalone TLM runs exactly the rules the RTL is held to.
     *
     * @param doneTag a tag the framer has finished with (-1: none), its connection and whether it was sent
     */
    public TraceRecord decide(long t, int doneTag, int doneConn, boolean doneSent) {
        Integer dq = drainQ.peekFirst();
        if (dq != null) {
            int dc = dq;
            ConnState s = st[dc];
            RingEntry e = ring[dc][s.drainPtr & (p.retained() - 1)];
            return rec(Op.DRAIN, dc, e.releaseIssued ? 0 : 1, e.seq, e.size, e.va, t);
        }
        if (pendingFaults != 0) {
            for (Map.Entry<Integer, Deque<PendingFault>> f : faults.entrySet()) {
                PendingFault pf = f.getValue().peekFirst();
                if (pf != null) {
                    return rec(Op.FAULT, pf.conn, f.getKey(), 0, 0, pf.code, t);
                }
            }
        }
        if (doneTag >= 0) {
            return rec(Op.TAG_DONE, doneConn, doneTag, tagSeqEnd[doneTag], 0, doneSent ? 1 : 0, t);
        }
        Integer rq = retireQ.peekFirst();
        if (rq != null) {
            int rc = rq;
            ConnState s = st[rc];
            RingEntry e = ring[rc][s.head & (p.retained() - 1)];
            return rec(Op.RETIRE, rc, 0, e.end(), 0, e.descVa, t);
        }
        Ctl k = ctl.peekFirst();
        if (k != null) {
            if (!k.open) {
                return rec(Op.STOP, k.conn, 0, 0, 0, 0, t);
            }
            ConnCfg cfg = csr.cfg(k.conn);
            return rec(Op.OPEN, k.conn, 0, cfg.iss(), (int) cfg.peerWnd(), (cfg.rto() << 16) | cfg.mss(), t);
        }
        AckInfo a = acks.peekFirst();
        if (a != null) {
            ConnState s = st[a.conn()].copyInto(scratch);
            RingEntry head = ring[a.conn()][s.head & (p.retained() - 1)];
            RetransmitFsm.AckOutcome o = RetransmitFsm.onAck(s, head == null ? new RingEntry(0, 0, 0, 0, 0) : head, a.ack(), a.wnd(),
                    a.hasPayload());
            return rec(Op.ACK, a.conn(), 0, a.ack(), a.wnd(), o.result().ordinal() | (long) s.dupAcks << 4, t);
        }
        FetchedDescriptor d = descs.peekFirst();
        if (d != null) {
            ConnState s = st[d.conn()];
            boolean full = ((s.tail - s.head) & ringMask) == p.retained();
            return rec(Op.DESC, d.conn(), !s.active() ? 1 : full ? 2 : 0, d.seq(), d.size(), d.descVa(), t);
        }
        long rt = t - traceOffset;
        wheel.catchUp(rt - 1);
        if (wheel.stepReady(rt)) {
            int tc = wheel.walkHead();
            ConnState s = st[tc].copyInto(scratch);
            if (!RetransmitFsm.due(s, t)) {
                return rec(Op.WHEEL, tc, s.timerOn ? 1 : 0, 0, 0, s.timerOn ? wheelKey(s, rt) : 0, t);
            }
            RetransmitFsm.TimerOutcome o = RetransmitFsm.onTimer(s, p.maxRetries(), p.maxBackoff());
            return rec(Op.TIMER, tc, 0, 0, 0, o.kind().ordinal() | (long) s.backoff << 4 | (long) s.retries << 8, t);
        }
        Integer h = sendQ.peekFirst();
        Integer tag = freeTags.peekFirst();
        if (h != null && !Segmenter.eligible(st[h])) {
            return rec(Op.SKIP, h, 0, 0, 0, 0, t);
        }
        if (h != null && tag != null) {
            int c = h;
            ConnState s = st[c];
            RingEntry e = ring[c][(s.fastRetx ? s.head : s.cursor) & (p.retained() - 1)];
            Segmenter.Cut cut = Segmenter.cut(s, e);
            long aux = cut.kind() | (cut.psh() ? 4 : 0) | (cut.prepinned() ? 8 : 0) | (cut.releaseBlock() ? 16 : 0);
            return rec(Op.SEG, c, tag, cut.seq(), cut.len(), aux, t);
        }
        return null;
    }

    /**
     * Whether {@link #decide} would give an op for cycle {@code t}, without building it (no record, no
     * trial ACK or expiry on a copy of the state): the standalone TLM asks this after every op, to
     * know whether to step the next cycle. The same conditions as decide's, in its order.
     */
    public boolean hasOp(long t, int doneTag) {
        if (!drainQ.isEmpty() || doneTag >= 0 || !retireQ.isEmpty() || !ctl.isEmpty() || !acks.isEmpty() || !descs.isEmpty()) {
            return true;
        }
        if (pendingFaults != 0) {
            for (Deque<PendingFault> q : faults.values()) {
                if (!q.isEmpty()) {
                    return true;
                }
            }
        }
        long rt = t - traceOffset;
        wheel.catchUp(rt - 1);
        if (wheel.stepReady(rt)) {
            return true;
        }
        Integer h = sendQ.peekFirst();
        return h != null && (!Segmenter.eligible(st[h]) || !freeTags.isEmpty());
    }

    private static TraceRecord rec(Op op, int conn, int tag, int seq, int len, long aux, long t) {
        return new TraceRecord(op.code, conn, tag, seq, len, aux, t);
    }

    /** The first cycle after {@code now} at which the timer wheel may have a connection to look at (Long.MAX_VALUE: none). */
    public long nextWheelStep(long now) {
        long n = wheel.nextStep(now - traceOffset);
        return n == Long.MAX_VALUE ? n : n + traceOffset;
    }

    /** Expiries served, and the most cycles one waited after it fell due (Long.MIN_VALUE: none). */
    public long timersServed() {
        return timerServed;
    }

    public long timerWorstLate() {
        return timerWorstLate;
    }

    // ---- shared rules ----

    /**
     * As the RTL's: runs while data whose frame has left is unacknowledged, or a closed window holds data back and no
     * frame of the connection is still being made (a probe waits for the one before it to leave).
     */
    private void timerRule(ConnState n, boolean restart, long t) {
        boolean want = n.active() && (n.sndUna - n.sentEnd < 0 || (n.peerWnd == 0 && n.fetchedEnd != n.sndNxt && n.tagsInFlight == 0));
        if (!want) {
            n.timerOn = false;
        } else if (!n.timerOn || restart) {
            n.timerOn = true;
            n.deadline = t + (n.rto << n.backoff);
        }
    }

    private void stop(ConnState s) {
        if (s.active()) {
            s.state = ConnState.STOPPED;
            s.timerOn = false;
            s.fastRetx = false;
            s.probe = false;
            s.retirePending = false;
            // As the RTL: blocks go back only after the last tag in flight, which may still read them.
            s.draining = s.mode == CsrMap.MODE_PREPINNED && s.head != s.tail && s.tagsInFlight == 0;
            s.drainPtr = s.head;
        }
    }

    private List<Integer> eligibleList() {
        List<Integer> l = new ArrayList<>();
        for (int c = 0; c < p.numConns(); c++) {
            if (Segmenter.eligible(st[c])) {
                l.add(c);
            }
        }
        return l;
    }

    /** A timer left expired much longer than the wheel can take to reach it is a hang in the making. */
    private void checkTimersServed(long t) {
        int c = firstDue(t - timerSlack);
        if (c >= 0) {
            ConnState s = st[c];
            throw new LockstepMismatchError("m_trace", t, "TRACE CHECK FAILED at cycle " + t + ": connection " + c
                    + "'s timer expired at cycle " + s.deadline + " and was not served within " + timerSlack
                    + " cycles\n  state: " + s + "\n" + context.get());
        }
    }

    private void expectFields(TraceRecord r, long t, int seq, int len, long aux) {
        if (r.seq() != seq || r.len() != len || r.aux() != aux) {
            throw fail(r, t, "expected seq=%d len=%d aux=0x%x".formatted(Integer.toUnsignedLong(seq),
                    Integer.toUnsignedLong(len), aux));
        }
    }

    private LockstepMismatchError fail(TraceRecord r, long t, String why) {
        StringBuilder m = new StringBuilder("TRACE CHECK FAILED at cycle " + t + ": the RTL did\n  " + r + "\n  but the model says: "
                + why);
        if (r.conn() >= 0 && r.conn() < p.numConns()) {
            m.append("\n  model state of connection ").append(r.conn()).append(": ").append(st[r.conn()]);
        }
        m.append("\n  recent trace:");
        recent.forEach(x -> m.append("\n    ").append(x));
        m.append("\n").append(context.get());
        return new LockstepMismatchError("m_trace", t, m.toString());
    }

    /** Expectations nobody met by the end of a run. */
    public List<String> leftovers() {
        List<String> l = new ArrayList<>();
        ctl.forEach(x -> l.add("m_trace: CTRL asked for " + (x.open ? "OPEN" : "STOP") + " of connection " + x.conn + ", never traced"));
        descs.forEach(d -> l.add("m_trace: descriptor never taken: " + d));
        acks.forEach(a -> l.add("m_trace: ACK never applied: " + a));
        faults.forEach((tag, q) -> q.forEach(f -> l.add("m_trace: fault of tag " + tag + " never applied: " + f)));
        return l;
    }

    /** No tag in flight, nothing retained to retire: what a finished run looks like per connection. */
    public List<Integer> tagsInUse() {
        List<Integer> l = new ArrayList<>();
        for (int c = 0; c < p.numConns(); c++) {
            if (st[c].tagsInFlight != 0) {
                l.add(c);
            }
        }
        return l;
    }

    public int freeTags() {
        return freeTags.size();
    }

    /** The timer wheel's mirror (for coverage counters). */
    public TimerWheelModel wheel() {
        return wheel;
    }
}
