package vtoe.model.net;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import vtoe.model.txn.Bytes;

/**
 * Writes Ethernet frames to a classic pcap file (not pcapng) with nanosecond timestamps, for
 * Wireshark and for {@link TsharkCheck}.
 *
 * <p>Hand-written on purpose: no pure-Java general pcap writer exists (pcap4j's dumper needs native
 * libpcap), and the format is three fixed little-endian headers. Nanosecond resolution (magic
 * 0xa1b23c4d) keeps cycle times distinct at clock rates above 1 MHz.
 *
 * <p>Frames longer than {@link #SNAPLEN} are cut to it with their original length recorded, as a
 * capture would; the adapter never sends such frames.
 */
public final class PcapWriter implements AutoCloseable {
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    public static final int SNAPLEN = 262144;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int GLOBAL_HEADER = 24;
    public static final int RECORD_HEADER = 16;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Path file;
    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private int frames;
    private boolean closed;

    /** Creates (or truncates) {@code file} and its missing parent directories, and writes the global header. */
    public PcapWriter(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            ByteBuffer g = ByteBuffer.allocate(GLOBAL_HEADER).order(ByteOrder.LITTLE_ENDIAN);
            g.putInt(MAGIC_NANOS).putShort((short) 2).putShort((short) 4);
            g.putInt(0).putInt(0); // thiszone, sigfigs
            g.putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
            out.write(g.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Appends {@code frame} (Ethernet, no FCS) stamped {@code timeNanos} after the epoch. */
    public void write(long timeNanos, Bytes frame) {
        if (closed) {
            throw new IllegalStateException("write after close of " + file);
        }
        long seconds = timeNanos / NANOS_PER_SECOND;
        if (timeNanos < 0 || seconds >>> 32 != 0) {
            throw new IllegalArgumentException("timeNanos must be in 0 .. 2^32 s, not " + timeNanos);
        }
        int included = Math.min(frame.length(), SNAPLEN);
        header.clear();
        header.putInt((int) seconds).putInt((int) (timeNanos % NANOS_PER_SECOND));
        header.putInt(included).putInt(frame.length());
        try {
            out.write(header.array());
            out.write(included == frame.length() ? frame.toArray() : frame.slice(0, included).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        frames++;
    }

    /** Frames written so far. */
    public int frames() {
        return frames;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
