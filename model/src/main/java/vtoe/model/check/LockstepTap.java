package vtoe.model.check;

import vtoe.model.txn.Observed;
import vtoe.model.txn.Txn;

/**
 * Sees what the {@link Lockstep} scoreboard sees, for the waves' transaction tracks: every RTL
 * observation when it arrives, every comparison with the TLM's prediction, and the leftovers.
 * Installed only when waves are on, so a run without waves pays one null check per transaction.
 */
public interface LockstepTap {
    /** An RTL output as its monitor saw it. */
    void observed(String port, Observed<? extends Txn> actual);

    /** A TLM prediction compared with an RTL observation ({@code equal} false: the run fails here). */
    void compared(String port, Txn expected, long estimatedCycle, Observed<? extends Txn> actual, boolean equal);

    /** A TLM prediction the RTL never produced, found at the end of the run. */
    void unmatched(String port, Txn expected, long estimatedCycle);

    /** An RTL output the TLM never predicted, found at the end of the run. */
    void unpredicted(String port, Observed<? extends Txn> actual);
}
