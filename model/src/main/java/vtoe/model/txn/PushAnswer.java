package vtoe.model.txn;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The host's whole answer to one PUSH request: its data beats on s_hostresp, each {@code beatBytes}
 * wide (the last zero-padded), status OK, {@code last} on the final one.
 *
 * <p>A list of {@link HostResponse} beats like any other answer, but made on demand from the bytes
 * of the whole answer: the co-simulation drives the beats one by one, while the standalone TLM,
 * which takes a well-formed PUSH answer in one event, reads {@link #whole()} and never makes the
 * beats. That saves a slice, a record and (payload-free) a content object per beat, which was the
 * largest cost of a PUSH segment in the TLM (a 1460-byte segment is 183 beats at 8 bytes).
 */
public final class PushAnswer extends AbstractList<HostResponse> implements RandomAccess {
    private final int tag;
    private final Bytes whole;
    private final int beatBytes;
    private final int beats;

    public PushAnswer(int tag, Bytes whole, int beatBytes) {
        if (beatBytes < 1) {
            throw new IllegalArgumentException("a PUSH answer's beats hold at least one byte, not " + beatBytes);
        }
        this.tag = tag;
        this.whole = whole;
        this.beatBytes = beatBytes;
        this.beats = (whole.length() + beatBytes - 1) / beatBytes;
    }

    public int tag() {
        return tag;
    }

    /** The answer's bytes, without the last beat's padding. */
    public Bytes whole() {
        return whole;
    }

    @Override
    public HostResponse get(int i) {
        if (i < 0 || i >= beats) {
            throw new IndexOutOfBoundsException("beat " + i + " of " + beats);
        }
        int from = i * beatBytes;
        int n = Math.min(beatBytes, whole.length() - from);
        Bytes b = whole.slice(from, from + n);
        if (n < beatBytes) {
            b = Bytes.concat(b, Bytes.wrap(new byte[beatBytes - n]));
        }
        return new HostResponse(tag, HostResponse.OK, b, 0, 0, i == beats - 1);
    }

    @Override
    public int size() {
        return beats;
    }
}
