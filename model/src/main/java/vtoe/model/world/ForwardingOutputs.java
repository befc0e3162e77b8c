package vtoe.model.world;

import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.Release;

/** Passes every adapter output on to {@code next}; a {@link PortShim} overrides what it watches or holds back. */
public class ForwardingOutputs implements AdapterOutputs {
    protected final AdapterOutputs next;

    public ForwardingOutputs(AdapterOutputs next) {
        this.next = next;
    }

    @Override
    public void csrResponse(CsrResponse r) {
        next.csrResponse(r);
    }

    @Override
    public void hostRequest(HostRequest r) {
        next.hostRequest(r);
    }

    @Override
    public void release(Release r) {
        next.release(r);
    }

    @Override
    public void completion(Completion c) {
        next.completion(c);
    }

    @Override
    public void event(AdapterEvent e) {
        next.event(e);
    }

    @Override
    public void dmaRead(DmaReadRequest ar) {
        next.dmaRead(ar);
    }

    @Override
    public void txFrame(Bytes frame) {
        next.txFrame(frame);
    }
}
