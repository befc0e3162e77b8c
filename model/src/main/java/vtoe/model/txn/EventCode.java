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
    CONN_DISABLED(0x0a),
    HOST_FAULT(0x10),
    RETRY_LIMIT(0x11),
    HOST_BAD_RESPONSE(0x12),
    HOST_STRAY_RESPONSE(0x13),
    DESC_BAD_PA(0x14),
    DMA_READ_ERROR(0x15);

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
            case CONN_DISABLED -> c + "disabled or stopped while its chain was being fetched; the chain stopped before VA 0x"
                    + Long.toHexString(d) + ".";
            case HOST_FAULT -> c + "the host answered FAULT for the request at VA 0x" + Long.toHexString(d)
                    + "; the connection stopped. Disable and re-enable it once STATUS shows it idle.";
            case RETRY_LIMIT -> c + "no acknowledgement after the maximum number of retransmissions (sndUna "
                    + (d & 0xffffffffL) + "); the connection stopped. The peer or the link is gone.";
            case HOST_BAD_RESPONSE -> c + "the host's answer for tag " + (d & 0xff) + " did not fit the request ("
                    + switch ((int) (d >>> 8)) {
                        case 1 -> "PUSH data beats do not cover the requested length";
                        case 2 -> "TRANSLATE extents are empty or do not add up to the requested length";
                        default -> "reason " + (d >>> 8);
                    } + "); the connection stopped.";
            case HOST_STRAY_RESPONSE -> "a host answer arrived for tag " + d
                    + ", which has no request outstanding; it was dropped. The driver answered twice or used a wrong tag.";
            case DESC_BAD_PA -> c + "PREPINNED descriptor at VA 0x" + Long.toHexString(d)
                    + " has no PA; the chain stopped there. The driver must pin the block and fill in its PA.";
            case DMA_READ_ERROR -> c + "reading payload at PA 0x" + Long.toHexString(d)
                    + " returned an error; the connection stopped.";
        };
    }
}
