package vtoe.model.txn;

/** m_event: an error or notable event; {@link #describe()} says what happened in words. */
public record AdapterEvent(int conn, int code, long detail) implements Txn {
    public AdapterEvent(int conn, EventCode code, long detail) {
        this(conn, code.code(), detail);
    }

    public EventCode eventCode() {
        return EventCode.of(code);
    }

    public String describe() {
        return EventCode.describe(this);
    }

    @Override
    public String toString() {
        String name = EventCode.known(code) ? EventCode.of(code).name() : "code" + code;
        return "Event[conn=%d, %s, detail=0x%x]".formatted(conn, name, detail);
    }
}
