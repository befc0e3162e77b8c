package vtoe.model.txn;

/**
 * s_hostresp: one beat of an answer. PUSH: data beats; TRANSLATE: one extent {pa, len} per beat;
 * FAULT: status 1. {@code last} ends the answer.
 */
public record HostResponse(int tag, int status, Bytes data, long pa, int len, boolean last) implements Txn {
    public static final int OK = 0;
    public static final int FAULT = 1;

    @Override
    public String toString() {
        return "HostResp[tag=%d, %s, pa=0x%x, len=%d%s]".formatted(tag, status == OK ? "OK" : "FAULT", pa, len,
                last ? ", last" : "");
    }
}
