package vtoe.model.txn;

/** s_dma_r: one beat of read data. */
public record DmaReadBeat(int id, Bytes data, boolean last, int resp) implements Txn {}
