package vtoe.model.payload;

import java.util.List;
import vtoe.model.txn.Bytes;

/**
 * One end's summary of a connection's byte stream, fed in stream order ({@code offset} is where
 * {@code data} starts in the stream): the sender's of what it posted, the receiver's of what it
 * delivered to its application. The two ends' {@link #hex} must be equal at the end of a run.
 */
public interface StreamDigest {
    void update(long offset, Bytes data);

    /** The digest so far, for comparison with the other end's. */
    String hex();

    /** What went wrong as it was fed (payload-free: a piece that is not the stream bytes it stands at); empty if nothing. */
    default List<String> failures() {
        return List.of();
    }

    /** What the digest is, for messages ("SHA-256", "range fingerprint"). */
    String name();

    /** The digest of {@code mode}: SHA-256 over real bytes, or range fingerprints of stream {@code stream}. */
    static StreamDigest of(PayloadMode mode, int stream) {
        return mode == PayloadMode.FULL ? new Sha256Digest() : new RangeDigest(stream);
    }
}
