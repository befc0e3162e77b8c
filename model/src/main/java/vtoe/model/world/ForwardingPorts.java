package vtoe.model.world;

import vtoe.model.txn.Bytes;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.HostResponse;

/** Passes every adapter input on to {@code next}; a {@link PortShim} overrides what it watches or answers. */
public class ForwardingPorts implements AdapterPorts {
    protected final AdapterPorts next;

    public ForwardingPorts(AdapterPorts next) {
        this.next = next;
    }

    @Override
    public void csr(CsrRequest r) {
        next.csr(r);
    }

    @Override
    public void doorbell(Doorbell d) {
        next.doorbell(d);
    }

    @Override
    public void hostResponse(HostResponse r) {
        next.hostResponse(r);
    }

    /** Passed on whole, so the standalone TLM can take a PUSH answer in one event. */
    @Override
    public void hostResponses(java.util.List<HostResponse> beats) {
        next.hostResponses(beats);
    }

    @Override
    public void rxFrame(Bytes frame) {
        next.rxFrame(frame);
    }
}
