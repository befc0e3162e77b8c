package vtoe.model.txn;

/** m_trace: one connection state change of the adapter (fields per op: RTL {@code vtoe.rtl.Op}). */
public record TraceRecord(int op, int conn, int tag, int seq, int len, long aux, long time) implements Txn {
    @Override
    public String toString() {
        String name;
        try {
            name = vtoe.model.adapter.Op.of(op).name();
        } catch (IllegalArgumentException e) {
            name = "op" + op;
        }
        return "Trace[%s conn=%d tag=%d seq=%d len=%d aux=0x%x t=%d]".formatted(name, conn, tag,
                Integer.toUnsignedLong(seq), Integer.toUnsignedLong(len), aux, time);
    }
}
