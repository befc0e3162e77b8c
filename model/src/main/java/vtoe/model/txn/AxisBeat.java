package vtoe.model.txn;

/** One beat of m_axis_tx / s_axis_rx: data, byte keep mask (low bytes first), last. */
public record AxisBeat(Bytes data, long keep, boolean last) implements Txn {}
