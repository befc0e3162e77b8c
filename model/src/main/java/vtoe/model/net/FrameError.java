package vtoe.model.net;

/**
 * Why {@link TcpFrame#parse} rejected a frame. The checks run in declaration order and the first
 * that fails is reported, so each frame has exactly one error (the RTL parser reports the same one).
 */
public enum FrameError {
    /** Fewer than 14 + 20 + 20 bytes: not even the fixed headers can be read. */
    TOO_SHORT,
    /** Ethertype is not 0x0800. */
    NOT_IPV4,
    /** IP version is not 4, or IHL is below 5. */
    BAD_IP_HEADER,
    /**
     * IP total length is below the IP header plus a minimal TCP header, or the frame ends before the
     * total length does (a frame truncated after its first 54 bytes lands here).
     */
    BAD_IP_LENGTH,
    /** More-fragments flag set or a non-zero fragment offset. */
    FRAGMENTED,
    /** The IP header (with its options) does not sum to 0xffff. */
    BAD_IP_CHECKSUM,
    /** Protocol is not 6. */
    NOT_TCP,
    /** TCP data offset below 5, or a TCP header longer than the IP payload. */
    BAD_TCP_HEADER,
    /** Pseudo-header, TCP header and payload do not sum to 0xffff. */
    BAD_TCP_CHECKSUM
}
