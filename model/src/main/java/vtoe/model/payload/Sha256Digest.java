package vtoe.model.payload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import vtoe.model.txn.Bytes;

/** The full mode's digest: SHA-256 of every byte. Exact and independent of what the bytes mean; costs a pass over every byte at both ends. */
public final class Sha256Digest implements StreamDigest {
    private final MessageDigest sha;

    public Sha256Digest() {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void update(long offset, Bytes data) {
        sha.update(data.buffer());
    }

    /** The same for bytes the caller owns (no copy). */
    public void update(byte[] data) {
        sha.update(data);
    }

    @Override
    public String hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "SHA-256";
    }
}
