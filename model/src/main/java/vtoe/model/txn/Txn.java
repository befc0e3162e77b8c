package vtoe.model.txn;

/**
 * A transaction on one of the adapter's ports. Record component names equal the RTL payload field
 * names ({@code s_doorbell_bits_headVa} becomes {@code Doorbell.headVa}), which is how the
 * co-simulation codecs map records to pins. Cycle stamps are not part of a transaction: monitors wrap
 * it in {@link Observed}, so that a prediction and an observation compare by content alone.
 */
public sealed interface Txn
        permits CsrRequest, CsrResponse, Doorbell, DmaReadRequest, DmaReadBeat, DmaReadBurst, FetchedDescriptor,
                AdapterEvent, HostRequest, HostResponse, Release, Completion, AxisBeat, Frame, TraceRecord {}
