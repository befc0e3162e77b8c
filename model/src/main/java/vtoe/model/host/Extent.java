package vtoe.model.host;

/** A physically contiguous run of bytes: what TRANSLATE answers and PREPINNED descriptors carry. */
public record Extent(long pa, int len) {
    @Override
    public String toString() {
        return "Extent[pa=0x%x, len=%d]".formatted(pa, len);
    }
}
