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
    public static final int PORTS = 8; // ours << 16 | peer; our port's low bits = connection number
    public static final int MSS = 9;
    public static final int RTO = 10;
    public static final int PEER_WND = 11;
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

    public static long ctrl(boolean enable, int mode) {
        return (enable ? 1 : 0) | (long) mode << 1;
    }
}
