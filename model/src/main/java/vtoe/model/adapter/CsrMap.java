package vtoe.model.adapter;

/**
 * The adapter's CSR address map, the same numbers as the RTL's {@code vtoe.rtl.Csr}: per-connection
 * 64-bit registers at {@code conn << 8 | reg << 3}, global read-only ones at {@code 1 << 31 | reg << 3}.
 */
public final class CsrMap {
    public static final int CTRL = 0; // bit 0 enable, bits 2..1 mode
    public static final int REGION_VA = 1;
    public static final int REGION_PA = 2;
    public static final int REGION_BYTES = 3;
    public static final int DESC_SEQ = 4;
    public static final int MAC = 5;
    public static final int PEER_MAC = 6;
    public static final int IPS = 7; // ours << 32 | peer
    public static final int PORTS = 8; // ours << 16 | peer; our port's low bits XOR PORT_BASE = connection number
    public static final int MSS = 9;
    public static final int RTO = 10;
    /** The peer's window at hand-over in bytes in 31..0; the send window shift (RFC 7323, 0..14) in 35..32. */
    public static final int PEER_WND = 11;
    /** RFC 7323 section 2.3: the largest window shift. */
    public static final int MAX_WND_SHIFT = 14;
    /**
     * Our ports are this XOR the connection number (the adapter takes the connection from the low bits of our port
     * XOR this): the same as PORT_BASE + conn up to 16384 connections, and one distinct port each up to 65536.
     */
    public static final int PORT_BASE = 0x4000;
    public static final int RCV = 12; // window << 32 | ack number (writable while enabled)
    public static final int STATUS = 13; // read-only: state | tags in flight << 8 | busy << 16
    public static final int SND_UNA = 14;
    public static final int SND_NXT = 15;
    public static final int SND_MAX = 16;

    public static final int G_ID = 0;
    public static final int G_NUM_CONNS = 1;
    public static final int G_DATA_BYTES = 2;
    public static final int G_MAX_BLOCK_BYTES = 3;
    public static final int G_MAX_REGION_BYTES = 4;
    public static final int G_TAGS = 5;
    public static final int G_SLOT_BYTES = 6;
    public static final int G_RETAINED = 7;
    public static final int G_MAX_RETRIES = 8;
    public static final int G_MAX_BACKOFF = 9;
    /** 16 + RxClass ordinal: frames received per class; then ACKs above sndMax, ACKs below sndUna. */
    public static final int G_RX_COUNTER_BASE = 16;
    public static final int G_ACK_ABOVE = 30;
    public static final int G_ACK_OLD = 31;
    public static final long ID_VALUE = (0x76746f65L << 32) | 1;

    public static final int MODE_PUSH = 0;
    public static final int MODE_TRANSLATE = 1;
    public static final int MODE_PREPINNED = 2;

    private CsrMap() {}

    public static int conn(int conn, int reg) {
        if (conn < 0 || conn > 0xffff || reg < 0 || reg > 31) {
            throw new IllegalArgumentException("no CSR for connection " + conn + " register " + reg);
        }
        return conn << 8 | reg << 3;
    }

    public static int global(int reg) {
        return 1 << 31 | reg << 3;
    }

    /** The PEER_WND register's value: the window at hand-over (bytes) and the send window shift. */
    public static long peerWnd(long bytes, int shift) {
        if (bytes < 0 || bytes >>> 32 != 0 || shift < 0 || shift > MAX_WND_SHIFT) {
            throw new IllegalArgumentException("peer window " + bytes + " or window shift " + shift + " out of range");
        }
        return bytes | (long) shift << 32;
    }

    public static long ctrl(boolean enable, int mode) {
        return (enable ? 1 : 0) | (long) mode << 1;
    }
}
