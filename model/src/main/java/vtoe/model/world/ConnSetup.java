package vtoe.model.world;

import vtoe.model.adapter.CsrMap;
import vtoe.model.net.Link;

/**
 * Everything about one connection of a test: adapter context (mode, MSS, RTO, peer window, first seq,
 * addresses; our port XOR {@link CsrMap#PORT_BASE} is the connection number, as the adapter requires), the
 * destination's receive buffer and read rate, the link in each direction, the peer's sequence
 * number that our frames acknowledge, and the window scale the handshake negotiated.
 *
 * @param peerWnd  the peer's window at hand-over, in bytes (already scaled: the host saw the handshake)
 * @param wndShift RFC 7323's shift of the peer's receive window (its Rcv.Wind.Shift, our Snd.Wind.Shift), 0..14: the
 *                 peer advertises {@code window >> wndShift}, the adapter reads {@code SEG.WND << wndShift}
 */
public record ConnSetup(int conn, int mode, int mss, long rto, int peerWnd, int iss, long ourMac, long peerMac, int ourIp,
        int peerIp, int ourPort, int peerPort, int rcvBuffer, double readRate, Link.Config toPeer, Link.Config fromPeer, int peerSeq,
        int wndShift) {
    public ConnSetup {
        if (wndShift < 0 || wndShift > CsrMap.MAX_WND_SHIFT) {
            throw new IllegalArgumentException("connection " + conn + ": window shift must be 0.." + CsrMap.MAX_WND_SHIFT + ", not "
                    + wndShift);
        }
        long most = Math.min(MAX_BUFFER, 65535L << wndShift);
        if (mss < 1 || rto < 1 || peerWnd < 0 || peerWnd > most || rcvBuffer < 1 || rcvBuffer > most) {
            throw new IllegalArgumentException("connection " + conn + ": bad setup (window and buffer must be at most " + most
                    + " bytes with window shift " + wndShift + ") " + this);
        }
    }

    /** RFC 7323 section 2.3: shifts above 14 are taken as 14. */
    public static final int MAX_WND_SHIFT = CsrMap.MAX_WND_SHIFT;

    /** RFC 7323 section 2.3: a window of at most 2^30 bytes (shift 14). */
    public static final int MAX_BUFFER = 1 << 30;

    /** The smallest window shift whose 16-bit window field reaches {@code bytes} (0 up to 65535; 14 at most). */
    public static int shiftFor(long bytes) {
        if (bytes < 0 || bytes > MAX_BUFFER) {
            throw new IllegalArgumentException("a window of " + bytes + " bytes is beyond RFC 7323's 2^30");
        }
        int s = 0;
        while (bytes > 65535L << s) {
            s++;
        }
        return s;
    }

    /** Our TCP port is this XOR the connection number (the adapter takes the connection from the port's low bits XOR this). */
    public static final int PORT_BASE = CsrMap.PORT_BASE;

    /** The connection whose port is {@code port}, or -1 if the port is not one of ours. */
    public static int connOfPort(int port, int numConns) {
        int c = port ^ PORT_BASE;
        return c >= 0 && c < numConns ? c : -1;
    }

    /**
     * Our port of connection {@code conn}: {@code PORT_BASE + conn} below 16384 connections as always, and still one
     * port per connection up to 65536 (then ports below PORT_BASE, 0 included, for connections 16384..32767).
     */
    public static int portOf(int conn) {
        return PORT_BASE ^ conn;
    }

    /** The peer's port: 5001 + conn below 16384, then the same ports again (our ports keep the 4-tuples apart). */
    public static int peerPortOf(int conn) {
        return 5001 + (conn & 0x3fff);
    }

    /** Sensible defaults: MSS 1460, a 64 KiB window, a short ideal link. */
    public static ConnSetup of(int conn, int mode) {
        return new ConnSetup(conn, mode, 1460, 20_000, 65535, 0x1000_0000 + conn * 0x100_0000,
                0x02_00_00_00_00_00L | conn, 0x02_00_00_00_01_00L | conn, 0x0a00_0001, 0x0a00_0100 + conn,
                portOf(conn), peerPortOf(conn), 65535, Double.POSITIVE_INFINITY, Link.Config.ideal(200), Link.Config.ideal(200), PEER_SEQ, 0);
    }

    /** The sequence number of our destination's (empty) stream that our frames acknowledge by default. */
    public static final int PEER_SEQ = 0x10000;

    /**
     * Where the connection runs on the wire: both ends' MAC and IPv4 addresses and the peer's port
     * (ours stays {@link #portOf} the connection number).
     */
    public ConnSetup withAddresses(long ourMacAddr, long peerMacAddr, int ourIpAddr, int peerIpAddr, int peerPortNumber) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMacAddr, peerMacAddr, ourIpAddr, peerIpAddr, ourPort,
                peerPortNumber, rcvBuffer, readRate, toPeer, fromPeer, peerSeq, wndShift);
    }

    /** The peer's next sequence number, which our frames acknowledge (a real peer chose its ISN in the handshake). */
    public ConnSetup withPeerSeq(int seq) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, seq, wndShift);
    }

    public ConnSetup withMss(int m) {
        return new ConnSetup(conn, mode, m, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, peerSeq, wndShift);
    }

    public ConnSetup withRto(long r) {
        return new ConnSetup(conn, mode, mss, r, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, peerSeq, wndShift);
    }

    public ConnSetup withIss(int s) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, s, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, peerSeq, wndShift);
    }

    public ConnSetup withWindow(int peerWindow, int receiveBuffer) {
        return new ConnSetup(conn, mode, mss, rto, peerWindow, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort,
                receiveBuffer, readRate, toPeer, fromPeer, peerSeq, wndShift);
    }

    /** The window scale the handshake negotiated (RFC 7323): the peer's window and buffer may then reach 65535 << shift. */
    public ConnSetup withWndShift(int shift) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, peerSeq, shift);
    }

    /**
     * A window of {@code bytes} (up to 2^30) at hand-over and for the receive buffer, with the smallest shift whose
     * window field reaches it (0 up to 65535 bytes, so such setups stay as they were).
     */
    public ConnSetup withScaledWindow(int bytes) {
        return new ConnSetup(conn, mode, mss, rto, bytes, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, bytes,
                readRate, toPeer, fromPeer, peerSeq, shiftFor(bytes));
    }

    public ConnSetup withLinks(Link.Config to, Link.Config from) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, to, from, peerSeq, wndShift);
    }

    public ConnSetup withReadRate(double bytesPerCycle) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                bytesPerCycle, toPeer, fromPeer, peerSeq, wndShift);
    }

    /**
     * The CSR writes that program this connection's context and descriptor region and enable it, in
     * the order the adapter accepts them (the region and context first, CTRL last).
     */
    public java.util.List<vtoe.model.txn.CsrRequest> contextWrites(long regionVa, long regionPa, int regionBytes) {
        java.util.List<vtoe.model.txn.CsrRequest> w = new java.util.ArrayList<>();
        java.util.function.BiConsumer<Integer, Long> reg = (r, v) -> w.add(vtoe.model.txn.CsrRequest.write(CsrMap.conn(conn, r), v));
        reg.accept(CsrMap.REGION_VA, regionVa);
        reg.accept(CsrMap.REGION_PA, regionPa);
        reg.accept(CsrMap.REGION_BYTES, (long) regionBytes);
        reg.accept(CsrMap.DESC_SEQ, Integer.toUnsignedLong(iss));
        reg.accept(CsrMap.MAC, ourMac);
        reg.accept(CsrMap.PEER_MAC, peerMac);
        reg.accept(CsrMap.IPS, Integer.toUnsignedLong(ourIp) << 32 | Integer.toUnsignedLong(peerIp));
        reg.accept(CsrMap.PORTS, (long) ourPort << 16 | peerPort);
        reg.accept(CsrMap.MSS, (long) mss);
        reg.accept(CsrMap.RTO, rto);
        reg.accept(CsrMap.PEER_WND, CsrMap.peerWnd(peerWnd, wndShift));
        // Our frames acknowledge the peer's (empty) stream; the host's receive side would keep this current.
        reg.accept(CsrMap.RCV, 0xffffL << 32 | Integer.toUnsignedLong(peerSeq));
        reg.accept(CsrMap.CTRL, CsrMap.ctrl(true, mode));
        return w;
    }

    public String modeName() {
        return switch (mode) {
            case CsrMap.MODE_PUSH -> "PUSH";
            case CsrMap.MODE_TRANSLATE -> "TRANSLATE";
            default -> "PREPINNED";
        };
    }
}
