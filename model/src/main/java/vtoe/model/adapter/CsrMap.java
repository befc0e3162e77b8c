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

    public static final int G_ID = 0;
    public static final int G_NUM_CONNS = 1;
    public static final int G_DATA_BYTES = 2;
    public static final int G_MAX_BLOCK_BYTES = 3;
    public static final int G_MAX_REGION_BYTES = 4;
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
