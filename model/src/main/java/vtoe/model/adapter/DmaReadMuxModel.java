package vtoe.model.adapter;

import vtoe.model.AdapterParams;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.EventCode;

/**
 * TLM of {@code vtoe.rtl.DmaReadMux}: routes read data to the block owning the id, and drops stray
 * data (no read outstanding for its id) with one DMA_STRAY_RESPONSE event per stray burst.
 *
 * <p>Whether a read is outstanding depends on when the RTL accepted it, so the count follows the
 * observed m_dma_ar handshakes ({@link #requestAccepted}), not the predictions.
 */
public final class DmaReadMuxModel {
    /** A block that issues reads and takes their data. */
    @FunctionalInterface
    public interface Client {
        void readBeat(DmaReadBeat beat, long cycle);
    }

    private final Client[] owners;
    private final int[] outstanding;
    private final OutputSink out;
    private final String eventPort;
    private boolean inStray;

    public DmaReadMuxModel(AdapterParams p, Client[] ownerById, OutputSink out, String eventPort) {
        if (ownerById.length != 1 << p.dmaIdBits()) {
            throw new IllegalArgumentException("need an owner (or null) for each of the " + (1 << p.dmaIdBits()) + " ids");
        }
        this.owners = ownerById.clone();
        this.outstanding = new int[ownerById.length];
        this.out = out;
        this.eventPort = eventPort;
    }

    public void requestAccepted(DmaReadRequest r) {
        outstanding[r.id()]++;
    }

    public void beat(DmaReadBeat b, long cycle) {
        if (outstanding[b.id()] > 0) {
            owners[b.id()].readBeat(b, cycle);
            if (b.last()) {
                outstanding[b.id()]--;
            }
            return;
        }
        if (!inStray) {
            out.emit(eventPort, new AdapterEvent(0, EventCode.DMA_STRAY_RESPONSE, b.id()), cycle + 1);
        }
        inStray = !b.last();
    }

    /** A whole burst for {@code id} was taken by its owner at once: the count drops as on its last beat. */
    public void burstTaken(int id) {
        outstanding[id]--;
    }

    public int outstanding(int id) {
        return outstanding[id];
    }
}
