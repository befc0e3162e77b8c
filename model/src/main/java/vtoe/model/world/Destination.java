package vtoe.model.world;

import java.util.List;
import vtoe.model.net.Link;
import vtoe.model.txn.Bytes;

/**
 * The far end of one connection as the {@link World} sees it: where the adapter's frames go, and what
 * the end-of-run verdict asks of it. {@link Peer} is our own {@code TcpReceiver} over simulated links;
 * {@code vtoe.model.linux.LinuxPeer} is a socket of the Linux kernel behind a TAP device.
 */
public interface Destination {
    /** A frame the adapter sent on this connection (it enters the link towards the destination). */
    void fromAdapter(Bytes frame);

    /** Bytes the destination's application has received in order so far. */
    long bytesReceived();

    /** SHA-256 (hex) of the bytes its application received. */
    String sha256();

    /**
     * Whether the destination has said its last word: our receiver always has; a real peer once its
     * application has reported what its socket delivered (or the connection failed).
     */
    default boolean finished() {
        return true;
    }

    /** What went wrong at this destination beyond the stream comparison (empty: nothing). */
    default List<String> failures() {
        return List.of();
    }

    Link toPeer();

    Link fromPeer();

    /** One line of the destination's own counters, for diagnostics. */
    String stats();
}
