package vtoe.model.txn;

/** m_completion: the descriptor at descVa is fully acknowledged (up to ackedSeq). */
public record Completion(int conn, int ackedSeq, long descVa) implements Txn {
    @Override
    public String toString() {
        return "Completion[conn=%d, ackedSeq=%d, descVa=0x%x]".formatted(conn, Integer.toUnsignedLong(ackedSeq), descVa);
    }
}
