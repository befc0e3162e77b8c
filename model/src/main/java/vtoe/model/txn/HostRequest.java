package vtoe.model.txn;

/** m_hostreq: identify {@code len} bytes at {@code va} of connection {@code conn}; kind 0 SEND, 1 RETRANSMIT. */
public record HostRequest(int tag, int conn, long va, int len, int kind) implements Txn {
    public static final int SEND = 0;
    public static final int RETRANSMIT = 1;

    @Override
    public String toString() {
        return "HostReq[tag=%d, conn=%d, va=0x%x, len=%d, %s]".formatted(tag, conn, va, len, kind == SEND ? "SEND" : "RETRANSMIT");
    }
}
