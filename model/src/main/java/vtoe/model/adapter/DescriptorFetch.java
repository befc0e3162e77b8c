package vtoe.model.adapter;

import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.Doorbell;

/**
 * TLM of the RTL's {@code vtoe.rtl.DescriptorFetch}: follows descriptor chains and hands on the
 * descriptors that pass the checks of design brief section 3. Implementations mirror the RTL ones.
 */
public interface DescriptorFetch {
    void doorbell(Doorbell d, long cycle);

    /** A read data beat for this block's DMA id (routed by {@link DmaReadMuxModel}). */
    void readBeat(DmaReadBeat beat, long cycle);

    /** The seq the next descriptor of {@code conn} must carry (CSR DESC_SEQ). */
    int descSeq(int conn);

    void setDescSeq(int conn, int seq);

    /** No chain in progress and no doorbell waiting. */
    boolean idle();
}
