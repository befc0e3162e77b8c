package vtoe.model.txn;

/** A whole Ethernet frame (no FCS), assembled from {@link AxisBeat}s or to be sent as them. */
public record Frame(Bytes bytes) implements Txn {
    @Override
    public String toString() {
        return "Frame[" + bytes.length() + " bytes: " + bytes + "]";
    }
}
