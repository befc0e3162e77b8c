package vtoe.model.adapter;

import java.util.function.Function;
import vtoe.model.AdapterParams;
import vtoe.model.check.LockstepModel;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.Txn;

/**
 * TLM of {@code vtoe.rtl.FetchTop}, block for block: CsrFile, DescriptorFetch (DMA id 0) and the DMA
 * read mux. Used as the lockstep reference of the RTL top of the same name.
 */
public final class FetchTopModel implements LockstepModel {
    /** Makes the descriptor fetch; tests substitute a deliberately wrong one. */
    public interface FetchFactory {
        DescriptorFetch create(AdapterParams p, int dmaId, SerialDescriptorFetch.CsrView csr, OutputSink out);
    }

    public static final FetchFactory SERIAL =
            (p, id, csr, out) -> new SerialDescriptorFetch(p, id, csr, out, "m_desc", "m_event");

    private final CsrFileModel csr;
    private final DescriptorFetch fetch;
    private final DmaReadMuxModel dma;

    public FetchTopModel(AdapterParams p, OutputSink out) {
        this(p, out, SERIAL);
    }

    public FetchTopModel(AdapterParams p, OutputSink out, FetchFactory factory) {
        CsrFileModel[] csrRef = new CsrFileModel[1];
        this.fetch = factory.create(p, 0, c -> csrRef[0].cfg(c), out);
        this.csr = new CsrFileModel(p, fetch, out);
        csrRef[0] = csr;
        DmaReadMuxModel.Client[] owners = new DmaReadMuxModel.Client[1 << p.dmaIdBits()];
        owners[0] = fetch::readBeat;
        this.dma = new DmaReadMuxModel(p, owners, out, "m_event");
    }

    /** m_event carries two independent sources whose interleaving depends on timing: key them apart. */
    public static final Function<Txn, Object> EVENT_SOURCE =
            t -> ((AdapterEvent) t).code() == EventCode.DMA_STRAY_RESPONSE.code() ? "dma" : "fetch";

    @Override
    public void input(String port, Txn txn, long cycle) {
        switch (port) {
            case "s_csr" -> csr.request((CsrRequest) txn, cycle);
            case "s_doorbell" -> fetch.doorbell((Doorbell) txn, cycle);
            case "s_dma_r" -> dma.beat((DmaReadBeat) txn, cycle);
            default -> throw new IllegalArgumentException("FetchTop has no input port " + port);
        }
    }

    @Override
    public void outputObserved(String port, Txn txn, long cycle) {
        if (port.equals("m_dma_ar")) {
            dma.requestAccepted((DmaReadRequest) txn);
        }
    }

    public CsrFileModel csr() {
        return csr;
    }

    public DescriptorFetch fetch() {
        return fetch;
    }
}
