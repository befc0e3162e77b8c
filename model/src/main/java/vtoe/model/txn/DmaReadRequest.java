package vtoe.model.txn;

/** m_dma_ar: read {@code len + 1} beats from {@code addr} (AXI ARLEN meaning). */
public record DmaReadRequest(int id, long addr, int len) implements Txn {
    public int beats() {
        return len + 1;
    }

    @Override
    public String toString() {
        return "DmaRead[id=%d, addr=0x%x, beats=%d]".formatted(id, addr, len + 1);
    }
}
