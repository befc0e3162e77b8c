package vtoe.model.world;

import vtoe.model.txn.Bytes;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.HostResponse;

/**
 * The adapter's input ports as the world drives them. The co-simulation implements it with the bus
 * sources in front of the Verilated RTL, the standalone TLM with direct calls, so the same host,
 * driver and network models drive both (design brief section 8). The adapter's outputs come back
 * through {@link World}'s methods of the same names.
 */
public interface AdapterPorts {
    void csr(CsrRequest r);

    void doorbell(Doorbell d);

    void hostResponse(HostResponse r);

    /**
     * The beats of one answer, in order: the same as {@link #hostResponse} for each (this default).
     * The standalone TLM takes a well-formed PUSH answer in one event instead of one per beat.
     */
    default void hostResponses(java.util.List<HostResponse> beats) {
        beats.forEach(this::hostResponse);
    }

    /** A whole Ethernet frame into s_axis_rx. */
    void rxFrame(Bytes frame);
}
