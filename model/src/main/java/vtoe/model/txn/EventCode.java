package vtoe.model.txn;

import java.util.Map;

/**
 * Codes on m_event, the same numbers as the RTL's {@code vtoe.rtl.EventCode} (checked against the
 * elaborated params.json by a test). Each explains itself in a sentence a person can act on.
 */
public enum EventCode {
    DESC_OUT_OF_REGION(0x01),
    DESC_MISALIGNED(0x02),
    DESC_LOOP(0x03),
    DESC_BAD_SEQ(0x04),
    DESC_BAD_SIZE(0x05),
    DESC_DMA_ERROR(0x06),
    DOORBELL_BAD_CONN(0x07),
    DOORBELL_DISABLED(0x08),
    DMA_STRAY_RESPONSE(0x09),
    CONN_DISABLED(0x0a);

    private final int code;

    EventCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static boolean known(int code) {
        for (EventCode c : values()) {
            if (c.code == code) {
                return true;
            }
        }
        return false;
    }

    public static EventCode of(int code) {
        for (EventCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown event code 0x" + Integer.toHexString(code));
    }

    /** name -> code, as the RTL lists them in params.json. */
    public static Map<String, Integer> table() {
        var m = new java.util.LinkedHashMap<String, Integer>();
        for (EventCode c : values()) {
            m.put(c.name(), c.code);
        }
        return m;
    }

    static String describe(AdapterEvent e) {
        if (!known(e.code())) {
            return "connection " + e.conn() + ": unknown event code 0x" + Integer.toHexString(e.code());
        }
        long d = e.detail();
        String c = "connection " + e.conn() + ": ";
        return switch (of(e.code())) {
            case DESC_OUT_OF_REGION -> c + "descriptor VA 0x" + Long.toHexString(d)
                    + " lies outside the connection's descriptor region; the chain stopped there. "
                    + "Check the doorbell's head VA or the previous descriptor's next link.";
            case DESC_MISALIGNED -> c + "descriptor VA 0x" + Long.toHexString(d)
                    + " is not 32-byte aligned; the chain stopped there.";
            case DESC_LOOP -> c + "descriptor VA 0x" + Long.toHexString(d)
                    + " was already visited in this chain (a loop in the next links); the chain stopped there.";
            case DESC_BAD_SEQ -> c + "descriptor seq " + (d >>> 32) + " does not continue the stream, expected "
                    + (d & 0xffffffffL) + "; the chain stopped there. Post blocks in sequence order.";
            case DESC_BAD_SIZE -> c + "descriptor size " + d
                    + " is 0 or above the adapter's maxBlockBytes; the chain stopped there.";
            case DESC_DMA_ERROR -> c + "reading the descriptor at PA 0x" + Long.toHexString(d)
                    + " failed (error response or wrong beat count); the chain stopped there.";
            case DOORBELL_BAD_CONN -> c + "doorbell for a connection number the adapter does not have (head VA 0x"
                    + Long.toHexString(d) + "); ignored.";
            case DOORBELL_DISABLED -> c + "doorbell for a connection that is not enabled (head VA 0x"
                    + Long.toHexString(d) + "); ignored. Enable it through CTRL first.";
            case DMA_STRAY_RESPONSE -> "DMA read data arrived for id " + d
                    + " with no read outstanding; the beats were dropped. The host memory side answered twice or invented a response.";
            case CONN_DISABLED -> c + "disabled while its chain was being fetched; the chain stopped before VA 0x"
                    + Long.toHexString(d) + ".";
        };
    }
}
