package vtoe.model.txn;

/**
 * A transaction as a monitor saw it on the pins: {@code startCycle} is the first cycle its valid was
 * high, {@code endCycle} the cycle of the handshake (of its last beat, for multi-beat transactions).
 */
public record Observed<T>(T txn, long startCycle, long endCycle) {
    public Observed {
        if (endCycle < startCycle) {
            throw new IllegalArgumentException("endCycle " + endCycle + " before startCycle " + startCycle);
        }
    }

    @Override
    public String toString() {
        return txn + " @" + (startCycle == endCycle ? Long.toString(endCycle) : startCycle + ".." + endCycle);
    }
}
