package vtoe.model.net;

import java.io.ByteArrayOutputStream;
import vtoe.model.payload.Sha256Digest;
import vtoe.model.payload.StreamDigest;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;

/**
 * The destination of one connection: checks every frame (framing and both checksums, via
 * {@link TcpFrame#parse}), drops bad or foreign ones, reassembles the byte stream from segments in
 * any order, and answers every data segment with a cumulative ACK carrying its receive window. The
 * window is the free room of a receive buffer that the application drains at its own rate, or not at
 * all while paused, so the window closes and reopens; when it reopens from zero the receiver sends a
 * window update on its own, as TCP does.
 *
 * <p>With a window shift (RFC 7323, negotiated by the hosts' handshake) the buffer may reach 2^30 bytes
 * and the window field carries {@code RCV.WND >> shift}, rounded up to a whole unit (as Linux does, so that
 * a room smaller than one unit is not advertised as zero) and never moving the right edge (RCV.NXT +
 * field << shift) left of one already advertised (RFC 7323 section 2.4; RFC 9293 3.8.6: the receiver
 * must not shrink the window). Data up to an advertised right edge is accepted
 * even where it is a little more than the buffer's room: the receiver offered it. With shift 0
 * nothing rounds and the window is the buffer's room, as before.
 */
public final class TcpReceiver {
    /** One side of the connection as it appears in frames. */
    public record Endpoint(long mac, int ip, int port) {}

    /** Counters of what arrived. */
    public record Stats(long frames, long badFrames, long foreign, long dataSegments, long duplicateBytes, long outOfOrder,
            long acksSent, long bytesDelivered) {}

    private final Endpoint self;
    private final Endpoint peer;
    private final long bufferBytes;
    private final int wndShift;
    /** The right edge of the window last advertised (RCV.NXT + window), in sequence space. */
    private int rightEdge;
    private final Timeline t;
    private final Consumer<Bytes> sendAck;
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private final StreamDigest digest;
    private final int firstSeq;
    private final TreeMap<Integer, Bytes> ooo = new TreeMap<>(Integer::compareUnsigned);
    private int rcvNxt;
    private long unread; // in order but not yet consumed by the application
    private boolean paused;
    private double readBytesPerCycle;
    private long lastDrain;
    private int advertised;
    private int ownSeq = 0x10000;
    private long frames;
    private long badFrames;
    private long foreign;
    private long dataSegments;
    private long duplicateBytes;
    private long outOfOrder;
    private long acksSent;
    private boolean keepStream;

    /**
     * @param firstSeq          the sender's first sequence number (its DESC_SEQ)
     * @param bufferBytes       receive buffer: the largest window, at most 65535 (no window scaling)
     * @param readBytesPerCycle how fast the application drains the buffer (infinity: at once)
     */
    public TcpReceiver(Endpoint self, Endpoint peer, int firstSeq, long bufferBytes, double readBytesPerCycle, Timeline t,
            Consumer<Bytes> sendAck) {
        this(self, peer, firstSeq, bufferBytes, 0, readBytesPerCycle, t, sendAck, new Sha256Digest());
    }

    /**
     * With a window shift, and {@code digest} summarising the delivered stream (a payload-free run's range fingerprints;
     * keeps no stream).
     *
     * @param bufferBytes receive buffer: the largest window, at most {@code 65535 << wndShift} and 2^30
     * @param wndShift    RFC 7323 Rcv.Wind.Shift, 0..14: the window field counts units of {@code 2^wndShift} bytes
     */
    public TcpReceiver(Endpoint self, Endpoint peer, int firstSeq, long bufferBytes, int wndShift, double readBytesPerCycle, Timeline t,
            Consumer<Bytes> sendAck, StreamDigest digest) {
        if (wndShift < 0 || wndShift > 14) {
            throw new IllegalArgumentException("window shift must be 0..14 (RFC 7323 2.3), not " + wndShift);
        }
        long most = Math.min(1L << 30, 65535L << wndShift);
        if (bufferBytes < 1 || bufferBytes > most) {
            throw new IllegalArgumentException("receive buffer must be 1.." + most + " bytes with window shift " + wndShift + ", not "
                    + bufferBytes);
        }
        this.wndShift = wndShift;
        this.rightEdge = firstSeq + (int) bufferBytes;
        this.self = self;
        this.peer = peer;
        this.rcvNxt = firstSeq;
        this.bufferBytes = bufferBytes;
        this.readBytesPerCycle = readBytesPerCycle;
        this.t = t;
        this.sendAck = sendAck;
        this.advertised = (int) Math.min(65535, units(bufferBytes));
        this.digest = digest;
        this.firstSeq = firstSeq;
        this.keepStream = digest instanceof Sha256Digest;
    }

    /** Keep the received bytes (else only their hash and count), for tests that compare them. */
    public TcpReceiver keepStream(boolean keep) {
        this.keepStream = keep && digest instanceof Sha256Digest;
        return this;
    }

    public void receive(Bytes frame) {
        frames++;
        drain();
        ParseResult r = TcpFrame.parse(frame);
        if (!r.ok()) {
            badFrames++;
            return;
        }
        TcpFrame f = r.frame();
        if (f.dstMac() != self.mac() || f.dstIp() != self.ip() || f.dstPort() != self.port() || f.srcIp() != peer.ip()
                || f.srcPort() != peer.port()) {
            foreign++;
            return;
        }
        int len = f.payload().length();
        if (len > 0) {
            dataSegments++;
            accept(f.seq(), f.payload());
        }
        ack();
    }

    private void accept(int seq, Bytes data) {
        // What the buffer has room for, or up to the right edge advertised if that is further (rounded up).
        long room = Math.max(bufferBytes - unread, Math.max(0, rightEdge - rcvNxt));
        int off = rcvNxt - seq; // bytes of this segment already received
        if (off > 0) {
            duplicateBytes += Math.min(off, data.length());
            if (off >= data.length()) {
                return;
            }
            data = data.slice(off, data.length());
            seq = rcvNxt;
        }
        long ahead = Integer.toUnsignedLong(seq - rcvNxt);
        if (ahead >= room) {
            return; // beyond the window: dropped (a probe into a closed window lands here)
        }
        if (ahead + data.length() > room) {
            data = data.slice(0, (int) (room - ahead));
        }
        if (ahead > 0) {
            outOfOrder++;
            ooo.merge(seq, data, (a, b) -> a.length() >= b.length() ? a : b);
            return;
        }
        deliver(data);
        // Pull in what was waiting behind the hole.
        while (!ooo.isEmpty()) {
            Map.Entry<Integer, Bytes> e = ooo.firstEntry();
            int d = rcvNxt - e.getKey();
            if (d < 0) {
                break;
            }
            ooo.pollFirstEntry();
            if (d < e.getValue().length()) {
                deliver(e.getValue().slice(d, e.getValue().length()));
            } else {
                duplicateBytes += e.getValue().length();
            }
        }
    }

    private void deliver(Bytes data) {
        if (keepStream) {
            stream.writeBytes(data.toArray());
        }
        digest.update(Integer.toUnsignedLong(rcvNxt - firstSeq), data);
        rcvNxt += data.length();
        unread += data.length();
        delivered += data.length();
    }

    private long delivered;

    /**
     * The window field: the buffer's room in units of 2^shift, rounded up, but never less than what keeps the
     * right edge already advertised (RFC 7323 2.4), and at most 65535. Moves the right edge when it grows.
     * Rounding down would scale a room smaller than one unit away for good: a 1460-byte buffer with shift
     * 14 would advertise zero for ever and take one probe byte per persist timeout (sign-off seed
     * 0x4f3300fa44cc8b61). Linux rounds up for the same reason (__tcp_select_window: ALIGN(free_space,
     * 1 << rcv_wscale), "prevent zero window announcement if 1<<rcv_wscale > mss").
     */
    int windowField() {
        long room = Math.max(0, bufferBytes - unread);
        long field = units(room);
        int edge = rightEdge - rcvNxt; // what the last advertisement still offers past RCV.NXT
        if (edge > 0) {
            field = Math.max(field, units(edge));
        }
        field = Math.min(field, 65535);
        int newEdge = rcvNxt + (int) (field << wndShift);
        if (newEdge - rightEdge > 0) {
            rightEdge = newEdge;
        }
        return (int) field;
    }

    /** {@code bytes} in window units of 2^shift, rounded up. */
    private long units(long bytes) {
        return (bytes + (1L << wndShift) - 1) >>> wndShift;
    }

    /** The window shift this receiver advertises with (RFC 7323 Rcv.Wind.Shift). */
    public int wndShift() {
        return wndShift;
    }

    private void ack() {
        acksSent++;
        advertised = windowField();
        sendAck.accept(new TcpFrame(peer.mac(), self.mac(), self.ip(), peer.ip(), 0, 64, true, self.port(), peer.port(), ownSeq,
                rcvNxt, TcpFrame.ACK, advertised, Bytes.of()).encode());
    }

    /** The application reads what its rate allows since last time; reopening a closed window is announced. */
    private void drain() {
        long now = t.now();
        if (!paused && unread > 0) {
            long can = Double.isInfinite(readBytesPerCycle) ? unread : (long) ((now - lastDrain) * readBytesPerCycle);
            unread -= Math.min(unread, can);
        }
        lastDrain = now;
    }

    /** Stops the application reading: the window closes as data arrives. */
    public void pause() {
        drain();
        paused = true;
    }

    /** The application reads everything buffered and goes on; a window that was closed is announced open. */
    public void resume() {
        drain();
        paused = false;
        boolean wasClosed = advertised == 0;
        unread = 0;
        if (wasClosed) {
            ack();
        }
    }

    public int rcvNxt() {
        return rcvNxt;
    }

    public long bytesReceived() {
        return delivered;
    }

    public Bytes stream() {
        return Bytes.wrap(stream.toByteArray());
    }

    /** The digest of the delivered stream (SHA-256 in the full mode). */
    public String sha256() {
        return digest.hex();
    }

    public StreamDigest digest() {
        return digest;
    }

    public Stats stats() {
        return new Stats(frames, badFrames, foreign, dataSegments, duplicateBytes, outOfOrder, acksSent, delivered);
    }
}
