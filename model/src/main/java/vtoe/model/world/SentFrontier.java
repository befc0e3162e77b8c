package vtoe.model.world;

/**
 * Per connection, the end of the highest sequence number seen leaving the adapter: what tells a
 * first send from a retransmission on the wire. Sequence numbers wrap (compared as 32-bit
 * differences); a connection starts at its first frame.
 */
public final class SentFrontier {
    private final int[] max;
    private final boolean[] started;

    public SentFrontier(int conns) {
        this.max = new int[conns];
        this.started = new boolean[conns];
    }

    /** Records a frame of {@code len > 0} payload bytes at {@code seq}; true if it carried bytes never sent before. */
    public boolean sent(int conn, int seq, int len) {
        int end = seq + len;
        if (started[conn] && end - max[conn] <= 0) {
            return false;
        }
        started[conn] = true;
        max[conn] = end;
        return true;
    }

    public boolean started(int conn) {
        return started[conn];
    }

    /** One past the highest sequence number sent (meaningful once {@link #started}). */
    public int max(int conn) {
        return max[conn];
    }

    /** Whether every byte of {@code [seq, seq+len)} has been sent. */
    public boolean covers(int conn, int seq, int len) {
        return started[conn] && (seq + len) - max[conn] <= 0;
    }
}
