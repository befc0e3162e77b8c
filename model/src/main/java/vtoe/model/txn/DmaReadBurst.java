package vtoe.model.txn;

/** All beats of one read response, assembled by the read monitor; {@code resp} is the worst beat's. */
public record DmaReadBurst(int id, Bytes data, int beats, int resp) implements Txn {}
