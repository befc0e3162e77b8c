package vtoe.model.adapter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import vtoe.model.AdapterParams;
import vtoe.model.check.LockstepMismatchError;
import vtoe.model.check.OutputSink;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Frame;
import vtoe.model.txn.Release;

/**
 * TLM of {@code vtoe.rtl.TxFramer}. Which connection's frame goes next is the RTL's choice; when a
 * frame appears, this model names the segment it must carry (the connection's oldest segment not
 * yet framed, skipping those that had to be dropped), checks the segment was complete before the
 * framer latched it, and builds the exact bytes with {@link TcpFrame}. On TAG_DONE it checks the
 * order and predicts the release.
 */
public final class TxFramerModel {
    private final AdapterParams p;
    private final CsrFileModel csr;
    private final ConnStateUnitModel csu;
    private final HostHandshakeModel hh;
    private final StagingBuffer staging;
    private final OutputSink out;
    private final List<ArrayDeque<Integer>> perConn = new ArrayList<>();
    private final boolean[] framed; // per tag: its frame has gone out (or is going) since its job
    private final java.util.function.Supplier<String> context;
    private long frames;

    public TxFramerModel(AdapterParams p, CsrFileModel csr, ConnStateUnitModel csu, HostHandshakeModel hh, StagingBuffer staging,
            OutputSink out, java.util.function.Supplier<String> context) {
        this.p = p;
        this.csr = csr;
        this.csu = csu;
        this.hh = hh;
        this.staging = staging;
        this.out = out;
        this.context = context;
        this.framed = new boolean[p.tags()];
        for (int c = 0; c < p.numConns(); c++) {
            perConn.add(new ArrayDeque<>());
        }
    }

    public void job(Job j) {
        perConn.get(j.conn()).addLast(j.tag());
        framed[j.tag()] = false;
    }

    /** The connection a frame belongs to: the low bits of its source (our) port. */
    public static int connOf(Bytes frame, int numConns) {
        if (frame.length() < 36) {
            return -1;
        }
        return ((((frame.get(34) & 0xff) << 8) | (frame.get(35) & 0xff)) ^ CsrMap.PORT_BASE) & (numConns - 1);
    }

    private boolean mustDrop(int tag, int conn, long latch) {
        Job j = hh.entry(tag).job;
        // Acknowledged since it was cut: snd.una at or past the segment's end, modulo 2^32 (the RTL's TxFramer).
        boolean acked = csu.unaAt(conn, latch) - (j.seq() + j.len()) >= 0;
        // A retransmission of a past epoch: overtaken by a later go-back or cancelled by an ACK of new data (finding F3).
        boolean overtaken = j.retx() && j.epoch() != csu.epochAt(conn, latch);
        return hh.failed(tag) || !csu.activeAt(conn, latch) || acked || overtaken;
    }

    /** The frame the RTL had to send when its frame started at {@code startCycle}. */
    public Frame expected(Frame observed, long startCycle) {
        long latch = startCycle - 1;
        int conn = connOf(observed.bytes(), p.numConns());
        if (conn < 0) {
            throw fail(startCycle, "a frame too short to name its connection: " + observed);
        }
        Integer tag = null;
        for (int t : perConn.get(conn)) {
            if (framed[t] || mustDrop(t, conn, latch)) {
                continue;
            }
            tag = t;
            break;
        }
        if (tag == null) {
            throw fail(startCycle, "connection " + conn + " has no segment to frame, yet a frame went out: " + observed);
        }
        HostHandshakeModel.Entry e = hh.entry(tag);
        if (!hh.complete(tag) || e.lastInput >= latch) {
            throw fail(startCycle, "tag " + tag + " of connection " + conn + " was not complete when the framer latched it "
                    + "at cycle " + latch + " (last input at " + e.lastInput + ", complete now: " + hh.complete(tag) + ")");
        }
        return frame(tag, latch);
    }

    /** Builds the frame of a complete tag latched at {@code latch} and marks it framed (the standalone TLM's framer). */
    public Frame frame(int tag, long latch) {
        framed[tag] = true;
        frames++;
        Job j = hh.entry(tag).job;
        int conn = j.conn();
        ConnCfg c = csr.cfg(conn);
        long rcv = csr.rcvAt(conn, latch);
        Bytes payload = staging.payload(tag, j.len());
        TcpFrame f = new TcpFrame(c.peerMac(), c.ourMac(), c.ourIp(), c.peerIp(), 0, 64, true, c.ourPort(), c.peerPort(),
                j.seq(), (int) rcv, TcpFrame.ACK | (j.psh() ? TcpFrame.PSH : 0), (int) (rcv >>> 32) & 0xffff,
                payload);
        return new Frame(f.encode());
    }

    /** The oldest of the connection's tags not yet handed back (-1: none). */
    public int oldestTag(int conn) {
        Integer t = perConn.get(conn).peekFirst();
        return t == null ? -1 : t;
    }

    /** Whether a tag's segment must be dropped rather than sent (it failed, its connection stopped, it was acknowledged or overtaken). */
    public boolean dropAt(int tag, long latch) {
        return mustDrop(tag, hh.entry(tag).job.conn(), latch);
    }

    public void tagDone(int tag, int conn, boolean sent, long t) {
        ArrayDeque<Integer> l = perConn.get(conn);
        if (l.isEmpty() || l.peekFirst() != tag) {
            throw fail(t, "TAG_DONE of tag " + tag + " out of order: connection " + conn + "'s tags in segment order are " + l);
        }
        if (sent != framed[tag]) {
            throw fail(t, "TAG_DONE says tag " + tag + (sent ? " was sent, but no frame carried it" : " was dropped, but its frame went out"));
        }
        if (!sent && !mustDrop(tag, conn, t)) {
            throw fail(t, "tag " + tag + " of connection " + conn + " was dropped although it did not fail and the connection is active");
        }
        l.pollFirst();
        framed[tag] = false;
        HostHandshakeModel.Entry e = hh.entry(tag);
        Job j = e.job;
        if (e.hasGrant) {
            out.emit("m_release", new Release(tag, conn, j.va(), j.len(), false), t);
        } else if (j.releaseBlock()) {
            out.emit("m_release", new Release(0, conn, j.blockVa(), j.blockSize(), true), t);
        }
        hh.finish(tag);
    }

    public long frames() {
        return frames;
    }

    private LockstepMismatchError fail(long cycle, String why) {
        return new LockstepMismatchError("m_axis_tx", cycle, "FRAMER CHECK FAILED at cycle " + cycle + ": " + why + "\n" + context.get());
    }
}
