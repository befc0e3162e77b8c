package vtoe.model.check;

import java.util.function.LongConsumer;
import vtoe.model.txn.Txn;

/**
 * Where a TLM block sends what it predicts on an output port. In lockstep the sink is the scoreboard,
 * which later calls {@code actualCycle} with the cycle the RTL produced the matching transaction, so
 * that the model's timers follow the RTL's clock (design brief section 8).
 */
@FunctionalInterface
public interface OutputSink {
    void emit(String port, Txn txn, long estimatedCycle, LongConsumer actualCycle);

    default void emit(String port, Txn txn, long estimatedCycle) {
        emit(port, txn, estimatedCycle, c -> {});
    }
}
