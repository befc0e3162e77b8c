package vtoe.model.net;

/**
 * What {@link TcpFrame#parse} made of a frame: either a frame and the sizes of the parts that
 * {@link TcpFrame} does not keep, or an error. Exactly one of {@code frame} and {@code error} is
 * non-null.
 *
 * @param frame the decoded frame, null on error
 * @param error why the frame was rejected, null when {@link #ok()}
 * @param ipOptionsBytes IPv4 options skipped (IHL * 4 - 20); 0 on error
 * @param tcpOptionsBytes TCP options skipped (data offset * 4 - 20); 0 on error
 * @param paddingBytes bytes after the IP total length (Ethernet padding); 0 on error
 */
public record ParseResult(TcpFrame frame, FrameError error, int ipOptionsBytes, int tcpOptionsBytes, int paddingBytes) {
    public ParseResult {
        if ((frame == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of frame and error must be given, got " + frame + " and " + error);
        }
        if (error != null && (ipOptionsBytes | tcpOptionsBytes | paddingBytes) != 0) {
            throw new IllegalArgumentException("a rejected frame has no option or padding sizes");
        }
        if (ipOptionsBytes < 0 || tcpOptionsBytes < 0 || paddingBytes < 0) {
            throw new IllegalArgumentException("sizes must not be negative: ip options " + ipOptionsBytes
                    + ", tcp options " + tcpOptionsBytes + ", padding " + paddingBytes);
        }
    }

    public static ParseResult of(TcpFrame frame, int ipOptionsBytes, int tcpOptionsBytes, int paddingBytes) {
        return new ParseResult(frame, null, ipOptionsBytes, tcpOptionsBytes, paddingBytes);
    }

    public static ParseResult of(FrameError error) {
        return new ParseResult(null, error, 0, 0, 0);
    }

    public boolean ok() {
        return error == null;
    }

    /** The frame, or an {@link IllegalStateException} naming the error, for callers that expect a good frame. */
    public TcpFrame orElseThrow() {
        if (error != null) {
            throw new IllegalStateException("frame rejected: " + error);
        }
        return frame;
    }

    @Override
    public String toString() {
        return ok()
                ? "ParseResult[" + frame + ", ipOptions=" + ipOptionsBytes + ", tcpOptions=" + tcpOptionsBytes
                        + ", padding=" + paddingBytes + "]"
                : "ParseResult[" + error + "]";
    }
}
