package vtoe.model.txn;

/** s_doorbell: a new descriptor chain for connection {@code conn}, starting at {@code headVa}. */
public record Doorbell(int conn, long headVa) implements Txn {
    @Override
    public String toString() {
        return "Doorbell[conn=%d, headVa=0x%x]".formatted(conn, headVa);
    }
}
