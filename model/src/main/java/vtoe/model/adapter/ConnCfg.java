package vtoe.model.adapter;

/**
 * Static configuration of one connection, as CsrFile holds it (RTL {@code vtoe.rtl.ConnCfg}). {@code peerWnd} is in
 * bytes at hand-over; {@code sndWndShift} is RFC 7323's Snd.Wind.Shift (0..14), which scales every ACK's window field.
 */
public record ConnCfg(boolean enabled, int mode, long regionVa, long regionPa, long regionBytes, int iss, long ourMac,
        long peerMac, int ourIp, int peerIp, int ourPort, int peerPort, int mss, long rto, long peerWnd, int sndWndShift,
        int rcvNxt, int rcvWnd) {
    public static final ConnCfg RESET = new ConnCfg(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** A copy with one field changed; {@code f} names the field as in the record. */
    ConnCfg with(String f, long v) {
        return new ConnCfg(f.equals("enabled") ? v != 0 : enabled, f.equals("mode") ? (int) v : mode,
                f.equals("regionVa") ? v : regionVa, f.equals("regionPa") ? v : regionPa,
                f.equals("regionBytes") ? v : regionBytes, f.equals("iss") ? (int) v : iss, f.equals("ourMac") ? v : ourMac,
                f.equals("peerMac") ? v : peerMac, f.equals("ourIp") ? (int) v : ourIp, f.equals("peerIp") ? (int) v : peerIp,
                f.equals("ourPort") ? (int) v : ourPort, f.equals("peerPort") ? (int) v : peerPort,
                f.equals("mss") ? (int) v : mss, f.equals("rto") ? v : rto, f.equals("peerWnd") ? v : peerWnd,
                f.equals("sndWndShift") ? (int) v : sndWndShift,
                f.equals("rcvNxt") ? (int) v : rcvNxt, f.equals("rcvWnd") ? (int) v : rcvWnd);
    }
}
