package vtoe.model.payload;

/**
 * {@code length} bytes of stream {@code stream} from byte {@code offset} of that stream: what a range
 * of payload holds in payload-free mode. Streams {@code >= 0} are connections' send streams; the
 * negative ids name contents that are nobody's stream data ({@link #ZEROS}, {@link #FREE_FRAME},
 * {@link #OTHER}), so reading them where a stream belongs is caught like a wrong offset is.
 */
public record Span(int stream, long offset, int length) {
    /** Memory never written (zeros in the full mode): offset is where it was read. */
    public static final int ZEROS = -1;
    /** A pager frame no page owns (freed or reserved for a page-in): offset is its PA. */
    public static final int FREE_FRAME = -2;
    /** A page of an address space that holds no stream (another process): offset is its VA. */
    public static final int OTHER = -3;

    public Span {
        if (length <= 0) {
            throw new IllegalArgumentException("a span has at least one byte, not " + length);
        }
    }

    /** Whether {@code next} continues this span in the same stream. */
    boolean joins(Span next) {
        return next.stream == stream && next.offset == offset + length;
    }

    public long end() {
        return offset + length;
    }

    @Override
    public String toString() {
        String what = switch (stream) {
            case ZEROS -> "never-written memory at ";
            case FREE_FRAME -> "a free page frame at PA ";
            case OTHER -> "another process's page at VA ";
            default -> "stream " + stream + " bytes ";
        };
        return stream >= 0 ? what + "[" + offset + ", " + end() + ")" : what + "0x" + Long.toHexString(offset) + " (" + length + " bytes)";
    }
}
