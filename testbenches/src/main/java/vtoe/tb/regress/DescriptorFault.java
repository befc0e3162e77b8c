package vtoe.tb.regress;

import java.util.Arrays;
import java.util.List;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
import vtoe.model.txn.EventCode;
import vtoe.tb.adapter.AdapterTb;

/**
 * A bad descriptor a driver may write into an ordinary chain, and the error the adapter must report
 * for it. The first three break the descriptor's link, so the descriptor itself is sent and the chain ends
 * at the next one; the others break the descriptor, which is not sent.
 */
public enum DescriptorFault {
    /** The link leads past the connection's descriptor region. */
    LINK_OUT_OF_REGION(EventCode.DESC_OUT_OF_REGION, true),
    /** The link is not on a 32-byte slot. */
    LINK_MISALIGNED(EventCode.DESC_MISALIGNED, true),
    /** The link leads back to the descriptor itself. */
    LINK_LOOP(EventCode.DESC_LOOP, true),
    /** The sequence number does not continue the stream. */
    BAD_SEQ(EventCode.DESC_BAD_SEQ, false),
    /** Size 0. */
    SIZE_ZERO(EventCode.DESC_BAD_SIZE, false),
    /** One byte more than the adapter accepts. */
    SIZE_TOO_LARGE(EventCode.DESC_BAD_SIZE, false),
    /** PREPINNED without the block's PA. */
    NO_PA(EventCode.DESC_BAD_PA, false);

    /** What the adapter reports. */
    public final EventCode expect;
    /** Whether the descriptor itself is good and sent (only its link is bad). */
    public final boolean sent;

    DescriptorFault(EventCode expect, boolean sent) {
        this.expect = expect;
        this.sent = sent;
    }

    /** The faults a connection in {@code mode} can be given (only PREPINNED descriptors carry a PA). */
    public static List<DescriptorFault> of(int mode) {
        return Arrays.stream(values()).filter(f -> f != NO_PA || mode == CsrMap.MODE_PREPINNED).toList();
    }

    /**
     * {@code d} (link set by the driver) made bad: {@code slotVa} is where it is written, {@code regionVa} the
     * connection's region, {@code maxBlockBytes} the largest size the adapter accepts.
     */
    public Descriptor apply(Descriptor d, long slotVa, long regionVa, int maxBlockBytes) {
        return switch (this) {
            case LINK_OUT_OF_REGION -> d.withNext(regionVa + AdapterTb.REGION_BYTES + 32);
            case LINK_MISALIGNED -> d.withNext(slotVa + 8);
            case LINK_LOOP -> d.withNext(slotVa);
            case BAD_SEQ -> new Descriptor(d.va(), d.next(), d.size(), d.seq() + 1, d.pa());
            case SIZE_ZERO -> new Descriptor(d.va(), d.next(), 0, d.seq(), d.pa());
            case SIZE_TOO_LARGE -> new Descriptor(d.va(), d.next(), maxBlockBytes + 1, d.seq(), d.pa());
            case NO_PA -> new Descriptor(d.va(), d.next(), d.size(), d.seq(), 0);
        };
    }
}
