package vtoe.model.txn;

/** m_desc (FetchTop): a descriptor that passed every check of design brief section 3. */
public record FetchedDescriptor(int conn, long descVa, long va, int size, int seq, long pa) implements Txn {
    @Override
    public String toString() {
        return "Desc[conn=%d, descVa=0x%x, va=0x%x, size=%d, seq=%d, pa=0x%x]"
                .formatted(conn, descVa, va, Integer.toUnsignedLong(size), Integer.toUnsignedLong(seq), pa);
    }
}
