package vtoe.model.txn;

/** s_csr: one register access; {@code data} is ignored on reads. Address map: {@code vtoe.model.adapter.CsrMap}. */
public record CsrRequest(boolean write, int addr, long data) implements Txn {
    public static CsrRequest write(int addr, long data) {
        return new CsrRequest(true, addr, data);
    }

    public static CsrRequest read(int addr) {
        return new CsrRequest(false, addr, 0);
    }

    @Override
    public String toString() {
        return (write ? "CsrWrite[addr=0x%08x, data=0x%x]" : "CsrRead[addr=0x%08x]").formatted(addr, data);
    }
}
