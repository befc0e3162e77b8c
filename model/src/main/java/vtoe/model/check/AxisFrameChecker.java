package vtoe.model.check;

import vtoe.model.txn.AxisBeat;

/**
 * Protocol checker of an AXI4-Stream frame port (m_axis_tx): {@code keep} contiguous from byte 0 and
 * full on every beat but the last, at least one byte on the last, and {@code last} exactly where the
 * frame ends by its own IPv4 total length (or at 60 bytes, the Ethernet minimum it is padded to), so a framer that ends a frame early or late is caught even
 * when the bytes it sent happen to checksum.
 */
public final class AxisFrameChecker {
    private final String port;
    private final int dataBytes;
    private final long fullKeep;
    private final byte[] header = new byte[18];
    private int bytes;
    private long frames;

    public AxisFrameChecker(String port, int dataBytes) {
        this.port = port;
        this.dataBytes = dataBytes;
        this.fullKeep = dataBytes == 64 ? -1L : (1L << dataBytes) - 1;
    }

    public void beat(AxisBeat b, long cycle) {
        long k = b.keep();
        int n = Long.bitCount(k);
        if (n == 0) {
            fail(cycle, "a beat with no byte kept");
        }
        if ((k & (k + 1)) != 0 || (k & ~fullKeep) != 0) {
            fail(cycle, "keep 0x" + Long.toHexString(k) + " is not contiguous from byte 0");
        }
        if (!b.last() && k != fullKeep) {
            fail(cycle, "keep 0x" + Long.toHexString(k) + " on a beat that is not the last of its frame");
        }
        for (int i = 0; i < n; i++) {
            if (bytes + i < header.length) {
                header[bytes + i] = b.data().get(i);
            }
        }
        bytes += n;
        int expected = bytes >= 18 && (((header[12] & 0xff) << 8) | (header[13] & 0xff)) == 0x0800
                ? Math.max(60, 14 + (((header[16] & 0xff) << 8) | (header[17] & 0xff))) : -1; // short frames padded to 60
        if (expected > 0 && bytes > expected) {
            fail(cycle, "the frame runs past its IPv4 total length (" + bytes + " bytes, the header says " + expected + ")");
        }
        if (b.last()) {
            if (expected > 0 && bytes != expected) {
                fail(cycle, "last after " + bytes + " bytes, but the IPv4 header says the frame has " + expected);
            }
            frames++;
            bytes = 0;
        }
    }

    public long frames() {
        return frames;
    }

    /** A frame begun and not ended: at the end of a run there must be none. */
    public boolean midFrame() {
        return bytes != 0;
    }

    private void fail(long cycle, String why) {
        throw new ProtocolError(port + " protocol violation at cycle " + cycle + " (frame " + frames + ", byte " + bytes + "): " + why);
    }
}
