package vtoe.cosim;

import vtoe.model.check.LockstepTap;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Txn;

/**
 * Puts the scoreboard's view into the waves: per output port a track {@code <port>_rtl} with every
 * transaction as the RTL's monitor saw it (over its valid..handshake cycles) and a track
 * {@code <port>_tlm} with the TLM's prediction compared with it, shown at the same cycles so the pair
 * lines up (its own timing estimate is in the label); a mismatch is the run's failure, with both
 * tracks highlighted.
 */
public final class WaveLockstepTap implements LockstepTap {
    private final WaveTracks tracks;

    public WaveLockstepTap(WaveTracks tracks) {
        this.tracks = tracks;
    }

    public static String rtl(String port) {
        return port + "_rtl";
    }

    public static String tlm(String port) {
        return port + "_tlm";
    }

    @Override
    public void observed(String port, Observed<? extends Txn> actual) {
        tracks.span(rtl(port), actual.startCycle(), actual.endCycle(), TxnLabel.of(actual.txn()));
    }

    @Override
    public void compared(String port, Txn expected, long estimatedCycle, Observed<? extends Txn> actual, boolean equal) {
        String label = (equal ? "" : "MISMATCH ") + TxnLabel.of(expected) + " (est. cycle " + estimatedCycle + ")";
        tracks.span(tlm(port), actual.startCycle(), actual.endCycle(), label);
        if (!equal) {
            tracks.fail(actual.endCycle(), "LOCKSTEP MISMATCH on " + port + " at cycle " + actual.endCycle(), conn(actual.txn()),
                    rtl(port), tlm(port));
        }
    }

    @Override
    public void unmatched(String port, Txn expected, long estimatedCycle) {
        tracks.span(tlm(port), estimatedCycle, estimatedCycle, "NEVER PRODUCED " + TxnLabel.of(expected));
        tracks.fail(estimatedCycle, "LOCKSTEP LEFTOVER on " + port + ": predicted near cycle " + estimatedCycle + ", never produced",
                conn(expected), rtl(port), tlm(port));
    }

    @Override
    public void unpredicted(String port, Observed<? extends Txn> actual) {
        tracks.span(tlm(port), actual.startCycle(), actual.endCycle(), "NEVER PREDICTED " + TxnLabel.of(actual.txn()));
        tracks.fail(actual.endCycle(), "LOCKSTEP LEFTOVER on " + port + ": the RTL produced it at cycle " + actual.endCycle()
                + ", the TLM never predicted it", conn(actual.txn()), rtl(port), tlm(port));
    }

    /** The connection a transaction belongs to (its {@code conn} component), or -1. */
    static int conn(Txn t) {
        for (var c : t.getClass().getRecordComponents()) {
            if (c.getName().equals("conn") && c.getType() == int.class) {
                try {
                    return (int) c.getAccessor().invoke(t);
                } catch (ReflectiveOperationException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
