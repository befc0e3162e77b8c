package vtoe.model.txn;

/** m_csr_resp: read data (0 for writes) and the AXI response code of one access. */
public record CsrResponse(long data, int resp) implements Txn {
    public static final int OKAY = 0;
    public static final int SLVERR = 2;
    public static final int DECERR = 3;

    public boolean ok() {
        return resp == OKAY;
    }

    @Override
    public String toString() {
        String r = switch (resp) {
            case OKAY -> "OKAY";
            case SLVERR -> "SLVERR";
            case DECERR -> "DECERR";
            default -> "resp" + resp;
        };
        return "CsrResponse[data=0x%x, %s]".formatted(data, r);
    }
}
