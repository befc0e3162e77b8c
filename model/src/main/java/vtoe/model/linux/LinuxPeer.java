package vtoe.model.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import vtoe.model.net.Link;
import vtoe.model.net.ParseResult;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Destination;

/**
 * One connection to a socket of the Linux kernel (through {@link LinuxNet}'s TAP), and the host
 * stack's part of it: the host, not the adapter, opens and closes TCP connections, as a host stack
 * does before it hands a connection to an offload engine.
 *
 * <ol>
 *   <li>The host sends the SYN (the MSS and window scale options: the adapter does no SACK or
 *       timestamps, so neither is offered) and retries it on a timeout; a SYN-ACK gives the kernel's
 *       ISN, window, MSS and window scale, the host acknowledges it, and {@link #setup()} is the adapter's
 *       connection with those numbers: the kernel's shift is the adapter's send window shift (RFC 7323
 *       section 2, learnt at hand-over as an offload engine does), so the kernel's window may grow past
 *       64 KiB. The host offers shift 0 for its own receive window: it receives no data here. A RST, an ICMP error or no SYN-ACK after the retries fails
 *       the connection with what happened.
 *   <li>While the adapter owns the connection, the kernel's segments go to the adapter's s_axis_rx;
 *       SYN, FIN and RST segments, and everything once the host has taken the connection back, go to
 *       the host.
 *   <li>When the driver says the last byte is acknowledged, the host sends the FIN (and resends it on
 *       a timeout), acknowledges the kernel's FIN, and the connection is done when the application
 *       in the namespace has reported what its socket delivered.
 * </ol>
 *
 * <p>The links between the adapter and the TAP are ours (the kernel here has no netem): loss,
 * duplication, reordering and corruption apply in both directions, to the host's segments too.
 */
public final class LinuxPeer implements Destination {
    /** Where the host's part of the connection is. */
    public enum State { SYN_SENT, ESTABLISHED, FIN_SENT, CLOSED, FAILED }

    private final int conn;
    private final ConnSetup template;
    private final LinuxNet net;
    private final Link toPeer;
    private final Link fromPeer;
    private final Consumer<Bytes> toAdapter;
    private final int ourIsn;
    private State state = State.SYN_SENT;
    private int synsSent;
    private long synAt;
    private int kernelIsn;
    private int kernelWindow;
    private int kernelMss;
    private int kernelWndShift; // the kernel's window scale (its SYN-ACK's option; 0 without one)
    private ConnSetup setup;
    private long totalBytes = -1;
    private LongSupplier completed;
    private int finSeq;
    private long finAt;
    private int finsSent;
    private boolean finAcked;
    private boolean kernelFin;
    private boolean synReached;
    private boolean synAckLeft; // the kernel has sent its SYN-ACK (seen at the TAP, before our link)
    private boolean kernelFinLeft; // the kernel has sent its FIN (seen at the TAP, before our link)
    private int kernelWindowNow = -1; // the window of the kernel's latest ACK (at the TAP)
    private long owedSince = -1;
    private TapBridge.SocketResult result;
    private final List<String> failures = new ArrayList<>();
    // What reached the kernel (offsets from ourIsn + 1): the sequence ranges written to the TAP.
    private final TreeMap<Long, Long> atKernel = new TreeMap<>();
    private long sentEnd; // highest data offset the adapter has sent
    private long kernelAck = -1; // highest offset the kernel acknowledged (from the TAP, before our link)
    private long writtenEnd; // highest offset written to the TAP
    private long dataFrames;
    private long retransmittedFrames;
    private long retransmittedKernelHad;
    private long retransmittedAcked;
    private long framesToAdapter;
    private long framesToHost;
    private long hostFrames;
    private int ipId;

    LinuxPeer(int conn, ConnSetup template, LinuxNet net, Link.Config to, Link.Config from, Consumer<Bytes> toAdapter, int ourIsn) {
        this.conn = conn;
        this.template = template;
        this.net = net;
        this.toAdapter = toAdapter;
        this.ourIsn = ourIsn;
        this.toPeer = new Link(to, net.timeline(), net.stream("link-to-peer-" + conn), net::toKernel);
        this.fromPeer = new Link(from, net.timeline(), net.stream("link-from-peer-" + conn), this::arrived);
    }

    // ---- the host stack's segments ----

    void sendSyn() {
        synsSent++;
        synAt = net.timeline().now();
        hostSend(synFrame(template.peerMac(), template.ourMac(), template.ourIp(), template.peerIp(), template.ourPort(),
                template.peerPort(), ourIsn, 0xffff, template.mss(), OUR_WND_SHIFT));
    }

    private void hostSend(Bytes frame) {
        hostFrames++;
        net.captureFromUs(frame);
        toPeer.send(frame);
    }

    private Bytes segment(int seq, int ack, int flags) {
        ipId = (ipId + 1) & 0xffff;
        return new TcpFrame(template.peerMac(), template.ourMac(), template.ourIp(), template.peerIp(), ipId, 64, true,
                template.ourPort(), template.peerPort(), seq, ack, flags, 0xffff, Bytes.of()).encode();
    }

    /** The window shift the host offers for its own receive window: it receives no data, so it needs no scaling. */
    static final int OUR_WND_SHIFT = 0;

    /**
     * A SYN with the options the host offers: MSS (kind 2, length 4), a NOP, and window scale (kind 3, length 3,
     * RFC 7323 2.2) so that the kernel may scale its window too (scaling holds only when both SYNs carry the option).
     */
    static Bytes synFrame(long dstMac, long srcMac, int srcIp, int dstIp, int srcPort, int dstPort, int seq, int window, int mss,
            int wndShift) {
        return new TcpFrame(dstMac, srcMac, srcIp, dstIp, 0, 64, true, srcPort, dstPort, seq, 0, TcpFrame.SYN, window, Bytes.of())
                .encode(Bytes.of((byte) 2, (byte) 4, (byte) (mss >>> 8), (byte) mss, (byte) 1, (byte) 3, (byte) 3, (byte) wndShift));
    }

    /** The MSS option of a SYN segment, or 536 (RFC 9293 3.7.1's default) when it has none. */
    static int mssOption(Bytes frame) {
        int at = option(frame, 2, 4);
        return at < 0 ? 536 : (frame.get(at) & 0xff) << 8 | frame.get(at + 1) & 0xff;
    }

    /**
     * The window shift of a SYN segment's window scale option (RFC 7323 2.2; above 14 it is taken as 14, 2.3), or 0
     * when it has none: then neither side scales.
     */
    static int wndShiftOption(Bytes frame) {
        int at = option(frame, 3, 3);
        return at < 0 ? 0 : Math.min(14, frame.get(at) & 0xff);
    }

    /** Where the data of the TCP option {@code kind} of length {@code length} starts in {@code frame}, or -1. */
    private static int option(Bytes frame, int wantKind, int wantLength) {
        int ip = TcpFrame.ETH_HEADER;
        int tcp = ip + (frame.get(ip) & 0xf) * 4;
        int end = tcp + ((frame.get(tcp + 12) & 0xff) >>> 4) * 4;
        for (int i = tcp + TcpFrame.TCP_HEADER; i < end; ) {
            int kind = frame.get(i) & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            int len = i + 1 < end ? frame.get(i + 1) & 0xff : 0;
            if (len < 2) {
                break;
            }
            if (kind == wantKind && len == wantLength) {
                return i + 2;
            }
            i += len;
        }
        return -1;
    }

    // ---- frames ----

    @Override
    public void fromAdapter(Bytes frame) {
        ParseResult r = TcpFrame.parse(frame);
        if (r.ok() && r.frame().payload().length() > 0) {
            dataFrames++;
            long off = Integer.toUnsignedLong(r.frame().seq() - (ourIsn + 1));
            long end = off + r.frame().payload().length();
            if (off < sentEnd) {
                retransmittedFrames++;
                if (covered(off, Math.min(end, sentEnd))) {
                    retransmittedKernelHad++;
                }
                if (end <= kernelAck) {
                    retransmittedAcked++; // the kernel had acknowledged it already: the ACK was late or our link lost it
                }
            }
            sentEnd = Math.max(sentEnd, end);
        }
        net.captureFromUs(frame);
        toPeer.send(frame);
    }

    /** Whether every byte of [from, to) has reached the kernel before (the ranges are kept merged). */
    private boolean covered(long from, long to) {
        Map.Entry<Long, Long> e = atKernel.floorEntry(from);
        return e != null && e.getValue() >= to;
    }

    /** A frame of ours has reached the TAP (after our link): remember what the kernel now has. */
    void reachedKernel(TcpFrame f) {
        reachKernel(f);
        refreshOwed(false);
    }

    private void reachKernel(TcpFrame f) {
        int len = f.payload().length() + ((f.flags() & TcpFrame.FIN) != 0 ? 1 : 0);
        if ((f.flags() & TcpFrame.SYN) != 0) {
            synReached = true;
            return;
        }
        if (len == 0) {
            return;
        }
        long from = Integer.toUnsignedLong(f.seq() - (ourIsn + 1));
        long to = from + len;
        writtenEnd = Math.max(writtenEnd, to);
        Map.Entry<Long, Long> lo = atKernel.floorEntry(from);
        if (lo != null && lo.getValue() >= from) {
            from = lo.getKey();
            to = Math.max(to, lo.getValue());
        }
        for (Map.Entry<Long, Long> e = atKernel.ceilingEntry(from); e != null && e.getKey() <= to; e = atKernel.ceilingEntry(from)) {
            to = Math.max(to, e.getValue());
            atKernel.remove(e.getKey());
        }
        atKernel.put(from, to);
    }

    /** A frame the kernel sent has left the TAP for us (before our link): it shows what the kernel has acknowledged. */
    void leftKernel(TcpFrame f) {
        if ((f.flags() & TcpFrame.ACK) != 0 && state != State.SYN_SENT) {
            kernelAck = Math.max(kernelAck, Integer.toUnsignedLong(f.ack() - (ourIsn + 1)));
            kernelWindowNow = f.window();
        }
        kernelFinLeft |= (f.flags() & TcpFrame.FIN) != 0;
        synAckLeft |= (f.flags() & TcpFrame.SYN) != 0;
        refreshOwed(true);
    }

    /**
     * Keeps {@link #owedSince()}: the cycle since which the kernel has owed an answer, restarted
     * whenever it said something ({@code answered}), -1 when it owes nothing.
     */
    void refreshOwed(boolean answered) {
        if (!owed()) {
            owedSince = -1;
        } else if (owedSince < 0 || answered) {
            owedSince = net.timeline().now();
        }
    }

    long owedSince() {
        return owedSince;
    }

    /** A frame from the kernel has come through our link: the adapter's, or the host's. */
    void arrived(Bytes frame) {
        if (LinuxNet.isIcmp(frame)) {
            framesToHost++;
            fail("an ICMP error came back: " + LinuxNet.describeIcmp(frame));
            return;
        }
        ParseResult r = TcpFrame.parse(frame);
        if (!r.ok()) {
            // A frame our link corrupted: the adapter's parser is the one that must cope with that.
            if (state == State.ESTABLISHED) {
                framesToAdapter++;
                toAdapter.accept(frame);
            }
            return;
        }
        TcpFrame f = r.frame();
        boolean control = (f.flags() & (TcpFrame.SYN | TcpFrame.FIN | TcpFrame.RST)) != 0;
        if (state == State.ESTABLISHED && !control) {
            framesToAdapter++;
            toAdapter.accept(frame);
            return;
        }
        framesToHost++;
        host(f, frame);
    }

    private void host(TcpFrame f, Bytes raw) {
        int flags = f.flags();
        if ((flags & TcpFrame.RST) != 0) {
            if (state == State.SYN_SENT) {
                fail("the kernel answered the SYN with a RST: nothing listens on " + LinuxNet.ip(template.peerIp()) + ":"
                        + template.peerPort());
            } else if (state != State.CLOSED) {
                fail("the kernel reset the connection in state " + state + " (RST seq " + Integer.toUnsignedString(f.seq()) + ")");
            }
            return;
        }
        switch (state) {
            case SYN_SENT -> {
                if ((flags & (TcpFrame.SYN | TcpFrame.ACK)) == (TcpFrame.SYN | TcpFrame.ACK) && f.ack() == ourIsn + 1) {
                    kernelIsn = f.seq();
                    kernelWindow = f.window();
                    kernelMss = mssOption(raw);
                    kernelWndShift = wndShiftOption(raw);
                    hostSend(segment(ourIsn + 1, kernelIsn + 1, TcpFrame.ACK));
                    int mss = Math.min(template.mss(), kernelMss);
                    setup = template.withMss(mss).withIss(ourIsn + 1).withWndShift(kernelWndShift)
                            .withWindow(kernelWindow, template.rcvBuffer()).withPeerSeq(kernelIsn + 1);
                    kernelAck = 0;
                    state = State.ESTABLISHED;
                    refreshOwed(true);
                }
            }
            case ESTABLISHED, FIN_SENT -> {
                if ((flags & TcpFrame.SYN) != 0) {
                    // Our ACK of its SYN-ACK was lost: the kernel resends the SYN-ACK; acknowledge it again.
                    hostSend(segment(ourIsn + 1, kernelIsn + 1, TcpFrame.ACK));
                    return;
                }
                if (state == State.FIN_SENT && (flags & TcpFrame.ACK) != 0 && f.ack() == finSeq + 1) {
                    finAcked = true;
                }
                if ((flags & TcpFrame.FIN) != 0) {
                    if (state == State.ESTABLISHED) {
                        fail("the kernel closed the connection (FIN) before the host did: its application stopped reading early");
                        return;
                    }
                    kernelFin = true;
                    hostSend(segment(finSeq + 1, f.seq() + f.payload().length() + 1, TcpFrame.ACK));
                }
                maybeClosed();
            }
            default -> {
                if ((flags & TcpFrame.FIN) != 0 && state == State.CLOSED) {
                    hostSend(segment(finSeq + 1, f.seq() + f.payload().length() + 1, TcpFrame.ACK)); // our last ACK was lost
                }
            }
        }
    }

    private void maybeClosed() {
        if (state == State.FIN_SENT && finAcked && kernelFin) {
            state = State.CLOSED;
        }
        refreshOwed(true);
    }

    /** Time passes for the host: SYN and FIN retries, and the FIN once the driver says the last byte is acknowledged. */
    void tick(long now) {
        LinuxNet.Config c = net.config();
        switch (state) {
            case SYN_SENT -> {
                if (now - synAt >= c.synTimeoutCycles()) {
                    if (synsSent > c.synRetries()) {
                        fail("no SYN-ACK from " + LinuxNet.ip(template.peerIp()) + ":" + template.peerPort() + " after " + synsSent
                                + " SYNs over " + (now - synAt + (long) (synsSent - 1) * c.synTimeoutCycles()) + " cycles");
                    } else {
                        sendSyn();
                    }
                }
            }
            case ESTABLISHED -> {
                if (completed != null && completed.getAsLong() == totalBytes) {
                    finSeq = ourIsn + 1 + (int) totalBytes;
                    state = State.FIN_SENT;
                    refreshOwed(false);
                    sendFin(now);
                }
            }
            case FIN_SENT -> {
                if (!finAcked && now - finAt >= c.finTimeoutCycles()) {
                    if (finsSent > c.synRetries()) {
                        fail("the kernel did not acknowledge the FIN after " + finsSent + " tries");
                    } else {
                        sendFin(now);
                    }
                }
            }
            default -> { }
        }
    }

    private void sendFin(long now) {
        finsSent++;
        finAt = now;
        hostSend(segment(finSeq, kernelIsn + 1, TcpFrame.FIN | TcpFrame.ACK));
    }

    void reported(TapBridge.SocketResult r) {
        this.result = r;
        refreshOwed(true);
        if (r.error() != null) {
            fail("the application's socket failed: " + r.error());
        }
    }

    private void fail(String why) {
        if (state != State.FAILED) {
            failures.add(why);
            state = State.FAILED;
            owedSince = -1;
        }
    }

    // ---- what the owner asks ----

    /** After the handshake: the adapter's connection with the negotiated numbers. */
    public ConnSetup setup() {
        if (setup == null) {
            throw new IllegalStateException("connection " + conn + " has not finished its handshake (" + state + ")");
        }
        return setup;
    }

    /**
     * The application closes after {@code total} bytes: the host sends the FIN once {@code completed}
     * (the driver's count of acknowledged bytes) reaches it.
     */
    public void closeAfter(long total, LongSupplier acknowledged) {
        this.totalBytes = total;
        this.completed = acknowledged;
    }

    public State state() {
        return state;
    }

    public boolean established() {
        return setup != null;
    }

    public boolean failed() {
        return state == State.FAILED;
    }

    /**
     * Whether the kernel owes us an answer, judged from what reached it and what it sent: it holds the
     * byte at its own ACK point (so it will move its ACK, at once or after its delayed-ACK timer), or
     * our SYN or FIN and has not answered it, or its application has not reported. A kernel that only
     * misses bytes our link lost owes nothing: it sent its duplicate ACKs when the later bytes came; nor
     * does one whose window is closed (it answered the probe with its zero window), nor one whose answer
     * is still crossing our link. An answer our link lost is owed again once the link is empty: the
     * kernel resends its SYN-ACK and its FIN on its own timers.
     */
    boolean owed() {
        boolean lostOnOurLink = linkEmpty(fromPeer);
        return switch (state) {
            case SYN_SENT -> synReached && (!synAckLeft || lostOnOurLink);
            case ESTABLISHED -> kernelAck >= 0 && kernelWindowNow != 0 && covered(kernelAck, kernelAck + 1);
            case FIN_SENT, CLOSED -> covered(totalBytes, totalBytes + 1) && (result == null
                    || (kernelAck <= totalBytes || !kernelFinLeft) // not answered yet
                    || lostOnOurLink && (!finAcked || !kernelFin)); // answered, and our link lost it
            default -> false;
        };
    }

    private static boolean linkEmpty(Link l) {
        Link.Stats s = l.stats();
        return s.sent() + s.duplicated() == s.delivered() + s.lost();
    }

    int conn() {
        return conn;
    }

    int ourPort() {
        return template.ourPort();
    }

    void fromKernel(Bytes frame) {
        fromPeer.send(frame);
    }

    @Override
    public long bytesReceived() {
        // Before the socket reports, what the kernel acknowledged (progress; the verdict waits for the report).
        return result != null ? result.bytes() : Math.max(0, Math.min(kernelAck, sentEnd));
    }

    @Override
    public String sha256() {
        return result == null ? "(the socket has not reported)" : result.sha256();
    }

    @Override
    public boolean finished() {
        return state == State.FAILED || state == State.CLOSED && result != null;
    }

    @Override
    public List<String> failures() {
        List<String> f = new ArrayList<>(failures);
        if (state != State.FAILED && !finished()) {
            f.add("the connection did not close: host state " + state + (finAcked ? "" : ", FIN not acknowledged")
                    + (kernelFin ? "" : ", no FIN from the kernel") + (result == null ? ", no report from the socket" : ""));
        }
        return f;
    }

    @Override
    public Link toPeer() {
        return toPeer;
    }

    @Override
    public Link fromPeer() {
        return fromPeer;
    }

    /** What this connection's adapter data looked like from the kernel's side. */
    public record Stats(long dataFrames, long retransmissions, long retransmissionsTheKernelHad, long retransmissionsAlreadyAcked,
            long framesToAdapter,
            long framesToHost, long hostFrames, int synsSent, int finsSent, int kernelWindow, int kernelMss, int kernelWndShift) {}

    public Stats counts() {
        return new Stats(dataFrames, retransmittedFrames, retransmittedKernelHad, retransmittedAcked, framesToAdapter, framesToHost, hostFrames, synsSent,
                finsSent, kernelWindow, kernelMss, kernelWndShift);
    }

    @Override
    public String stats() {
        return "Linux socket " + LinuxNet.ip(template.peerIp()) + ":" + template.peerPort() + " state " + state + ", " + counts()
                + (result == null ? "" : ", socket reported " + result.bytes() + " bytes")
                + (failures.isEmpty() ? "" : ", failures " + failures);
    }

    @Override
    public String toString() {
        return "LinuxPeer[conn " + conn + " " + state + "]";
    }
}
