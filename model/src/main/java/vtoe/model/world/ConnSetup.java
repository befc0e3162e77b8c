package vtoe.model.world;

import vtoe.model.adapter.CsrMap;
import vtoe.model.net.Link;

/**
 * Everything about one connection of a test: adapter context (mode, MSS, RTO, peer window, first seq,
 * addresses; our port's low bits are the connection number, as the adapter requires), the
 * destination's receive buffer and read rate, the link in each direction, and the peer's sequence
 * number that our frames acknowledge.
 */
public record ConnSetup(int conn, int mode, int mss, long rto, int peerWnd, int iss, long ourMac, long peerMac, int ourIp,
        int peerIp, int ourPort, int peerPort, int rcvBuffer, double readRate, Link.Config toPeer, Link.Config fromPeer, int peerSeq) {
    public ConnSetup {
        if (mss < 1 || rto < 1 || peerWnd < 0 || peerWnd > 65535 || rcvBuffer < 1 || rcvBuffer > 65535) {
            throw new IllegalArgumentException("connection " + conn + ": bad setup " + this);
        }
    }

    /** Our TCP port is this plus the connection number (the adapter takes the connection from the port's low bits). */
    public static final int PORT_BASE = 0x4000;

    /** The connection whose port is {@code port}, or -1 if the port is not one of ours. */
    public static int connOfPort(int port, int numConns) {
        int c = port - PORT_BASE;
        return c >= 0 && c < numConns ? c : -1;
    }

    /** Sensible defaults: MSS 1460, a 64 KiB window, a short ideal link. */
    public static ConnSetup of(int conn, int mode) {
        return new ConnSetup(conn, mode, 1460, 20_000, 65535, 0x1000_0000 + conn * 0x100_0000,
                0x02_00_00_00_00_00L | conn, 0x02_00_00_00_01_00L | conn, 0x0a00_0001, 0x0a00_0100 + conn,
                PORT_BASE | conn, 5001 + conn, 65535, Double.POSITIVE_INFINITY, Link.Config.ideal(200), Link.Config.ideal(200), PEER_SEQ);
    }

    /** The sequence number of our destination's (empty) stream that our frames acknowledge by default. */
    public static final int PEER_SEQ = 0x10000;

    /**
     * Where the connection runs on the wire: both ends' MAC and IPv4 addresses and the peer's port
     * (ours stays {@link #PORT_BASE} plus the connection number).
     */
    public ConnSetup withAddresses(long ourMacAddr, long peerMacAddr, int ourIpAddr, int peerIpAddr, int peerPortNumber) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMacAddr, peerMacAddr, ourIpAddr, peerIpAddr, ourPort,
                peerPortNumber, rcvBuffer, readRate, toPeer, fromPeer, peerSeq);
    }

    /** The peer's next sequence number, which our frames acknowledge (a real peer chose its ISN in the handshake). */
    public ConnSetup withPeerSeq(int seq) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, seq);
    }

    public ConnSetup withMss(int m) {
        return new ConnSetup(conn, mode, m, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, peerSeq);
    }

    public ConnSetup withRto(long r) {
        return new ConnSetup(conn, mode, mss, r, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, peerSeq);
    }

    public ConnSetup withIss(int s) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, s, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, toPeer, fromPeer, peerSeq);
    }

    public ConnSetup withWindow(int peerWindow, int receiveBuffer) {
        return new ConnSetup(conn, mode, mss, rto, peerWindow, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort,
                receiveBuffer, readRate, toPeer, fromPeer, peerSeq);
    }

    public ConnSetup withLinks(Link.Config to, Link.Config from) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                readRate, to, from, peerSeq);
    }

    public ConnSetup withReadRate(double bytesPerCycle) {
        return new ConnSetup(conn, mode, mss, rto, peerWnd, iss, ourMac, peerMac, ourIp, peerIp, ourPort, peerPort, rcvBuffer,
                bytesPerCycle, toPeer, fromPeer, peerSeq);
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
        reg.accept(CsrMap.PEER_WND, (long) peerWnd);
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
