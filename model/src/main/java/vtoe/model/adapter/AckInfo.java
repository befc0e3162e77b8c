package vtoe.model.adapter;

/** A valid ACK for a connection, from the parser to ConnStateUnit. */
public record AckInfo(int conn, int ack, int wnd, boolean hasPayload) {}
