package vtoe.model.world;

import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.Release;

/** The adapter's output ports as the world takes them ({@link World} implements it); the mirror of {@link AdapterPorts}. */
public interface AdapterOutputs {
    void csrResponse(CsrResponse r);

    void hostRequest(HostRequest r);

    void release(Release r);

    void completion(Completion c);

    void event(AdapterEvent e);

    /** A read the adapter issued on m_dma_ar (the world checks it against what is granted). */
    void dmaRead(DmaReadRequest ar);

    /** A whole frame from m_axis_tx. */
    void txFrame(Bytes frame);
}
