package vtoe.model.check;

import vtoe.model.txn.Txn;

/**
 * A transaction-level model run as the lockstep reference of an RTL top. It receives every observed
 * handshake in cycle order (inputs before outputs within a cycle, as the RTL sees inputs before its
 * outputs take effect) and predicts outputs through its {@link OutputSink}.
 */
public interface LockstepModel {
    /** A handshake on an input port, as the RTL saw it. */
    void input(String port, Txn txn, long cycle);

    /**
     * A handshake on an output port after the scoreboard compared it. Blocks whose state depends on
     * when an output happened (e.g. reads outstanding) update it here; most ignore it.
     */
    default void outputObserved(String port, Txn txn, long cycle) {}
}
