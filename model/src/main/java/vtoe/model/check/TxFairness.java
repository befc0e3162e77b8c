package vtoe.model.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vtoe.model.adapter.CsrMap;
import vtoe.model.net.ParseResult;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;

/**
 * Judge of fairness between connections on m_axis_tx, from the adapter's ports alone. The design
 * frames segments store-and-forward, one at a time, "across connections round-robin over ready
 * segments", with at most {@code tags} segments in flight. A round robin over T slots serves every other
 * slot at most once before a ready one, so once a segment is ready (all its bytes have reached the
 * adapter and its connection's previous segment has left) at most T - 1 other frames may start before
 * it, plus the one frame that may already have been chosen when it became ready: a bound of T. No
 * scoreboard sees this: each compares one connection's frames in order, and a framer that always
 * prefers the same slots (a fixed priority) still sends every connection's bytes intact, only late.
 *
 * <p>What the ports show, and how this judge reads it:
 * <ul>
 * <li>A segment is an m_hostreq {tag, conn, va, len}; its sequence number comes from the blocks the
 *     owner posted ({@link #block}), never from the adapter.</li>
 * <li>PUSH: its bytes are in when the last s_hostresp beat of its tag (the data) has gone in.
 *     TRANSLATE: when the host's answer is complete (its last extent beat) and the read bursts of
 *     the tag's own DMA id (1 + tag, the design's id for the tag's payload reads) have covered every
 *     byte of the extents the host granted it, each burst counting at its last beat.</li>
 * <li>Its frame is the connection's frame with its sequence number and length.</li>
 * <li>A segment is ready at the later of its bytes being in and its connection's previous segment's
 *     frame having ended; {@link #SLACK_CYCLES} more cycles allow for the adapter noticing either.</li>
 * </ul>
 * A segment is not judged when the ports cannot say when it became ready: PREPINNED connections (no
 * m_hostreq), a host FAULT, a segment or a previous one that was dropped rather than framed, or a VA outside
 * every posted block; their frames still count as frames of others. The id matters for TRANSLATE: an
 * earlier version credited a segment with any burst over its bytes, and in FaultRandomIT
 * 0x108184b3f2ca7580 blamed the adapter for a 1-byte segment whose word another tag's burst had read at
 * cycle 13,646, while its own read, queued in the DMA engine behind other tags' bursts, ended at 15,719
 * (its frame started at 16,553, after 6 frames of others, well within the bound). Events are kept
 * with their cycles and judged in cycle order at {@link #verdict}, so the order in which monitors report
 * them does not matter. Frames are decoded with {@link TcpFrame#parse}; one it rejects still counts.
 */
public final class TxFairness {
    /** Cycles from a port event to the adapter acting on it: generous, since it only lowers the count. */
    public static final long SLACK_CYCLES = 64;

    private final int tags;
    private final int dataBytes;
    private final Map<Integer, Conn> conns = new HashMap<>();
    private final List<Event> events = new ArrayList<>();
    private long judged;
    private long worst;
    private String worstWhere = "";

    private record Conn(int conn, int mode, int ourPort, int peerPort, TreeMap<Long, long[]> blocks) {
        boolean push() {
            return mode == CsrMap.MODE_PUSH;
        }

        boolean judged() {
            return mode != CsrMap.MODE_PREPINNED;
        }
    }

    private record Event(long cycle, int order, Runnable apply) {}

    private static final class Seg {
        int tag;
        int conn;
        long seq = -1;
        int len;
        int kind;
        long reqCycle;
        long respDone = -1; // TRANSLATE: the host's last extent beat
        long covered; // TRANSLATE: bytes of its extents its own bursts have read
        final List<long[]> extents = new ArrayList<>(); // TRANSLATE: {pa, len}
        long dataDone = -1;
        long frameStart = -1;
        long frameEnd = -1;
        boolean unjudged;
        Seg prev;
    }

    private final Map<Integer, Seg> byTag = new HashMap<>();
    private final Map<Integer, Seg> lastOfConn = new HashMap<>();
    private final List<Seg> segs = new ArrayList<>();
    private final Map<Integer, Deque<long[]>> bursts = new HashMap<>(); // per DMA id: {lo, hi} of its requested bursts, oldest first
    private final List<long[]> frames = new ArrayList<>(); // {start, conn, seq}

    public TxFairness(int tags, int dataBytes) {
        if (tags < 1 || dataBytes < 1) {
            throw new IllegalArgumentException("tags and dataBytes must be positive: " + tags + ", " + dataBytes);
        }
        this.tags = tags;
        this.dataBytes = dataBytes;
    }

    /**
     * A connection as its owner programs it, in {@code mode} ({@link CsrMap}): PUSH and TRANSLATE ones are judged;
     * PREPINNED ones (no m_hostreq says when a segment was cut) are named in reports.
     */
    public void connection(int conn, int mode, int ourPort, int peerPort) {
        conns.put(conn, new Conn(conn, mode, ourPort, peerPort, new TreeMap<>()));
    }

    /** The owner posted {@code len} bytes at {@code va} with sequence number {@code seq} on the connection. */
    public void block(int conn, long va, long len, long seq) {
        Conn c = conns.get(conn);
        if (c != null) {
            c.blocks.put(va, new long[] {len, seq & 0xffff_ffffL});
        }
    }

    public void hostRequest(HostRequest r, long cycle) {
        add(cycle, 0, () -> {
            Conn c = conns.get(r.conn());
            if (c == null || !c.judged()) {
                return;
            }
            Seg s = new Seg();
            s.tag = r.tag();
            s.conn = r.conn();
            s.len = r.len();
            s.kind = r.kind();
            s.reqCycle = cycle;
            Map.Entry<Long, long[]> b = c.blocks.floorEntry(r.va());
            if (b == null || r.va() + r.len() > b.getKey() + b.getValue()[0]) {
                s.unjudged = true; // a VA outside every posted block
            } else {
                s.seq = (b.getValue()[1] + (r.va() - b.getKey())) & 0xffff_ffffL;
            }
            s.prev = lastOfConn.get(r.conn());
            lastOfConn.put(r.conn(), s);
            byTag.put(r.tag(), s);
            segs.add(s);
        });
    }

    /**
     * A beat of s_hostresp: a FAULT drops the segment; the last beat of a PUSH answer puts its bytes in; a
     * TRANSLATE answer's beats give the extents its reads must cover.
     */
    public void hostResponse(HostResponse b, long cycle) {
        add(cycle, 1, () -> {
            Seg s = byTag.get(b.tag());
            if (s == null || s.unjudged || s.dataDone >= 0) {
                return;
            }
            if (b.status() != HostResponse.OK) {
                s.unjudged = true;
            } else if (conns.get(s.conn).push()) {
                if (b.last()) {
                    s.dataDone = cycle;
                }
            } else {
                s.extents.add(new long[] {b.pa(), Integer.toUnsignedLong(b.len())});
                if (b.last()) {
                    s.respDone = cycle;
                    maybeIn(s, cycle);
                }
            }
        });
    }

    /**
     * A read burst requested on m_dma_ar; it counts for the tag its id names once its last beat is in. A burst of
     * a tag whose segment can read no more (a PUSH segment never reads; a TRANSLATE one has read all its bytes)
     * means the tag carries a new segment, a PREPINNED one, which has no m_hostreq: the old segment is over, and
     * if it has no frame by then, the adapter dropped it (a retransmission overtaken by a go-back or an ACK), so no
     * later frame of the same bytes is its own. Before this, FaultRandomIT 0xada0f35ce05897be matched such a
     * dropped retransmission (tag 3, asked for at cycle 4,545 and dropped at 5,662) with the frame of a later
     * retransmission of the same bytes at 7,210 and blamed the adapter for 22 frames in between.
     */
    public void dmaRead(DmaReadRequest ar, long cycle) {
        add(cycle, 2, () -> {
            Seg s = byTag.get(ar.id() - 1);
            if (s != null && s.frameStart < 0 && (conns.get(s.conn).push() || s.dataDone >= 0)) {
                byTag.remove(ar.id() - 1);
            }
            bursts.computeIfAbsent(ar.id(), k -> new ArrayDeque<>()).addLast(new long[] {ar.addr(),
                    ar.addr() + (long) ar.beats() * dataBytes});
        });
    }

    /** A beat on s_dma_r; the last beat of a burst of id 1 + tag adds the bytes it read to the tag's segment. */
    public void dmaBeat(int id, boolean last, long cycle) {
        if (!last) {
            return;
        }
        add(cycle, 3, () -> {
            Deque<long[]> q = bursts.get(id);
            if (q == null || q.isEmpty()) {
                return; // stray data: the bus checker reports it
            }
            long[] b = q.pollFirst();
            Seg s = byTag.get(id - 1);
            if (s == null || s.dataDone >= 0 || conns.get(s.conn).push()) {
                return;
            }
            for (long[] e : s.extents) {
                s.covered += Math.max(0, Math.min(b[1], e[0] + e[1]) - Math.max(b[0], e[0]));
            }
            maybeIn(s, cycle);
        });
    }

    private void maybeIn(Seg s, long cycle) {
        if (s.respDone >= 0 && s.covered >= s.len) {
            s.dataDone = cycle;
        }
    }

    /** A frame on m_axis_tx, its first and last beats' cycles. */
    public void frame(Bytes f, long start, long end) {
        add(start, 4, () -> {
            ParseResult r = TcpFrame.parse(f);
            if (!r.ok()) {
                frames.add(new long[] {start, -1, -1}); // still a frame that went ahead of others (the sender rules name its fault)
                return;
            }
            TcpFrame t = r.frame();
            long seq = Integer.toUnsignedLong(t.seq());
            int len = t.payload().length();
            Conn c = conns.values().stream().filter(k -> k.ourPort() == t.srcPort() && k.peerPort() == t.dstPort()).findFirst()
                    .orElse(null);
            frames.add(new long[] {start, c == null ? -1 : c.conn(), seq});
            if (c == null || !c.judged()) {
                return;
            }
            Seg m = null;
            for (Seg s : byTag.values()) { // the tags in flight; of two with the same bytes, the older goes first
                if (s.conn == c.conn() && s.frameStart < 0 && s.seq == seq && s.len == len && s.reqCycle < start
                        && (m == null || s.reqCycle < m.reqCycle)) {
                    m = s;
                }
            }
            if (m != null) {
                m.frameStart = start;
                m.frameEnd = end;
            }
        });
    }

    private void add(long cycle, int order, Runnable r) {
        events.add(new Event(cycle, order, r));
    }

    /**
     * Replays the events in cycle order and judges every segment whose readiness the ports show.
     *
     * @throws ProtocolError naming the first segment that more than {@code tags} frames overtook
     */
    public void verdict(String context) {
        events.sort(Comparator.comparingLong(Event::cycle).thenComparingInt(Event::order));
        events.forEach(e -> e.apply().run());
        events.clear();
        frames.sort(Comparator.comparingLong(f -> f[0]));
        long[] starts = frames.stream().mapToLong(f -> f[0]).toArray();
        List<Seg> all = new ArrayList<>(segs);
        segs.clear();
        for (Seg s : all) {
            if (s.frameStart < 0 && byTag.get(s.tag) == s) {
                segs.add(s); // still in flight: a later verdict judges it
                continue;
            }
            if (s.unjudged || s.frameStart < 0 || s.dataDone < 0 || (s.prev != null && s.prev.frameEnd < 0)) {
                continue;
            }
            long ready = Math.max(s.dataDone, s.prev == null ? 0 : s.prev.frameEnd) + SLACK_CYCLES;
            if (ready >= s.frameStart) {
                judged++;
                continue;
            }
            int from = upper(starts, ready);
            int to = lower(starts, s.frameStart);
            long overtook = Math.max(0, to - from);
            judged++;
            if (overtook > worst) {
                worst = overtook;
                worstWhere = "tag " + s.tag + " conn " + s.conn + " seq " + s.seq;
            }
            if (overtook > tags) {
                StringBuilder m = new StringBuilder("TX FAIRNESS: connection " + s.conn + "'s segment seq " + s.seq + " (" + s.len
                        + " bytes, tag " + s.tag + ") was ready from cycle " + (ready - SLACK_CYCLES) + " (bytes in at " + s.dataDone
                        + (s.prev != null ? ", previous frame ended at " + s.prev.frameEnd : "") + "), yet " + overtook
                        + " other frames started after cycle " + ready + " and before it at cycle " + s.frameStart
                        + "; a round robin over " + tags + " tags allows at most " + tags + ". Its request: "
                        + (s.kind == HostRequest.SEND ? "SEND" : "RETRANSMIT") + " at cycle " + s.reqCycle + ". Overtaking frames (cycle: conn/seq):");
                for (int i = from; i < to && i < from + 40; i++) {
                    m.append(' ').append(frames.get(i)[0]).append(": ").append(frames.get(i)[1]).append('/').append(frames.get(i)[2]);
                }
                throw new ProtocolError(m + "\n" + context);
            }
        }
    }

    // Index of the first start > v.
    private static int upper(long[] a, long v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // Index of the first start >= v.
    private static int lower(long[] a, long v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Segments judged, and the most frames that overtook one of them (with where). */
    public String summary() {
        return "tx fairness: " + judged + " segments judged, at most " + worst + " frames overtook one (bound " + tags + ")"
                + (worst > 0 ? " at " + worstWhere : "");
    }

    public long judged() {
        return judged;
    }

    public long worst() {
        return worst;
    }
}
