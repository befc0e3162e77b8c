package vtoe.model.payload;

import java.util.ArrayList;
import java.util.List;
import vtoe.model.txn.Bytes;

/**
 * The payload-free digest of stream {@code stream}: the sum of {@link Fingerprint}s of the stream
 * ranges fed to it, computed from what each piece says it holds (the receiver) or from where the
 * application put it (the sender), and a check at once that a piece holds exactly the stream bytes
 * it stands at (stream, offset and length), which names the first wrong byte. A byte at a wrong
 * offset, twice, missing, from another stream or from a page nobody owns fails either check.
 * O(pieces), not O(bytes); a collision of the sums needs about 2^-61 luck.
 */
public final class RangeDigest implements StreamDigest {
    private static final int MAX_FAILURES = 8;
    private final int stream;
    private long sum;
    private long bytes;
    private final List<String> failures = new ArrayList<>();

    public RangeDigest(int stream) {
        this.stream = stream;
    }

    @Override
    public void update(long offset, Bytes data) {
        if (data.length() == 0) {
            return;
        }
        Content c = data.content();
        if (c == null || c.length() != data.length()) {
            fail(offset, data.length(), "real bytes where a payload-free run carries only stream content: " + data);
            return;
        }
        update(offset, c);
    }

    /** The same for content (the sender: the range it posted). */
    public void update(long offset, Content c) {
        sum = Fingerprint.add(sum, c.fingerprintAt(offset));
        bytes += c.length();
        int bad = Content.of(stream, offset, c.length()).firstDifference(c);
        if (bad >= 0 || c.corrupted()) {
            fail(offset, c.length(), "stream byte " + (offset + Math.max(0, bad)) + " arrived as " + c.describeAt(Math.max(0, bad))
                    + (c.corrupted() ? " (corrupted)" : "") + "; the piece holds " + c);
        }
    }

    private void fail(long offset, int len, String what) {
        if (failures.size() < MAX_FAILURES) {
            failures.add("stream " + stream + " bytes [" + offset + ", " + (offset + len) + "): " + what);
        } else if (failures.size() == MAX_FAILURES) {
            failures.add("(more pieces were wrong; the first " + MAX_FAILURES + " are above)");
        }
    }

    @Override
    public String hex() {
        return java.util.HexFormat.of().toHexDigits(sum) + "/" + bytes; // as %016x/%d, without the formatter
    }

    @Override
    public List<String> failures() {
        return failures;
    }

    @Override
    public String name() {
        return "range fingerprint";
    }
}
