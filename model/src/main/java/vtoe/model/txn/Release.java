package vtoe.model.txn;

/** m_release: unpin what was pinned for {@code tag} (prepinned = false) or the block [va, va+len) (true). */
public record Release(int tag, int conn, long va, int len, boolean prepinned) implements Txn {
    @Override
    public String toString() {
        return prepinned ? "Release[conn=%d, block va=0x%x, len=%d]".formatted(conn, va, len)
                : "Release[tag=%d, conn=%d, va=0x%x, len=%d]".formatted(tag, conn, va, len);
    }
}
