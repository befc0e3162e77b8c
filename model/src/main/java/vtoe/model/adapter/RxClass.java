package vtoe.model.adapter;

/** Why AckParser drops a frame, in the order it checks (RTL {@code vtoe.rtl.RxClass}). */
public enum RxClass {
    OK, TOO_SHORT, NOT_IPV4, BAD_IP_HEADER, BAD_IP_LENGTH, FRAGMENTED, BAD_IP_CHECKSUM, NOT_TCP, BAD_TCP_HEADER,
    BAD_TCP_CHECKSUM, NOT_FOR_OFFLOAD, UNKNOWN_CONN
}
