package vtoe.model.host;

/** A physically contiguous run of {@code len} bytes at {@code pa}: what a DMA descriptor can cover in one piece. */
public record Extent(long pa, int len) {
    public Extent {
        if (pa < 0 || len <= 0) {
            throw new IllegalArgumentException("extent at PA 0x%x of %d bytes: PA must be >= 0 and length > 0".formatted(pa, len));
        }
    }

    public long end() {
        return pa + len;
    }

    @Override
    public String toString() {
        return "[0x%x, 0x%x)".formatted(pa, pa + len);
    }
}
