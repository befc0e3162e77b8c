package vtoe.model.standalone;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import vtoe.model.AdapterParams;
import vtoe.model.payload.PayloadMemory;
import vtoe.model.net.TcpHeaderView;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Release;
import vtoe.model.world.AdapterOutputs;
import vtoe.model.world.AdapterPorts;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.ForwardingOutputs;
import vtoe.model.world.ForwardingPorts;
import vtoe.model.world.PortShim;
import vtoe.model.world.SentFrontier;
import vtoe.model.world.World;

/**
 * The COPY_RETAIN baseline (design brief section 1), TLM only: the conventional offload engine that
 * keeps a copy of every sent, unacknowledged byte in its own memory (card DDR) and resends from it.
 *
 * <p>It is built around the same adapter rather than as a second adapter model, so that the only
 * difference a study sees is where retransmitted bytes come from. The connection runs in PREPINNED
 * mode (the host pins its buffer and gives PAs up front, as a conventional driver does with socket
 * buffers, and unpins after the first read). Every first-sent payload is written into a ring per
 * connection in adapter memory as its frame leaves. A retransmission request of such a connection
 * never reaches the host: this shim answers it with the ring's addresses after the card's own lookup
 * latency, the DMA engine reads the copy, and the release that follows is the card's business. So a
 * retransmission costs no host CPU, no pin and no page-in, and the price shows up as adapter memory
 * (the bytes in flight, measured by {@link vtoe.model.world.RunProbe}) and its bandwidth (counted here).
 *
 * <p>The card's memory is a region of the simulated physical address space above the host's, so the
 * existing DMA path reads it unchanged; reads there are not host-bus reads and are not shown to the
 * driver's grant checks.
 */
public final class RetainedCopy implements PortShim {
    /** Bytes written into and read from the copy, and the retransmissions answered from it. */
    public record Figures(long bytesWritten, long bytesRead, long retransmitsAnswered, long ringBytesPerConnection) {}

    private final AdapterParams p;
    private final BitSet conns;
    private final int ring;
    private final long latency;
    private final int[] slot;
    private final SentFrontier frontier;
    private final Set<Integer> answeredTags = new HashSet<>();
    private World world;
    private Timeline t;
    private PayloadMemory mem;
    private long base;
    private AdapterPorts toAdapter;
    private long written;
    private long read;
    private long answered;

    /**
     * @param conns     connections that keep a copy
     * @param ringBytes copy ring per connection: a power of two, more than the largest window plus one segment (the caller
     *                  knows the windows; this checks the unscaled 65535 as a floor)
     * @param latency   cycles from the adapter's request to the copy's addresses (the card's lookup, no host)
     */
    public RetainedCopy(AdapterParams p, BitSet conns, int ringBytes, long latency) {
        if (Integer.bitCount(ringBytes) != 1 || ringBytes < 65536 + p.slotBytes()) {
            throw new IllegalArgumentException("the COPY_RETAIN ring must be a power of two above the largest window (65535) plus one "
                    + "segment (" + p.slotBytes() + "), not " + ringBytes);
        }
        if (conns.length() > p.numConns()) {
            throw new IllegalArgumentException("COPY_RETAIN connection " + (conns.length() - 1) + " does not exist: the adapter has "
                    + p.numConns());
        }
        this.p = p;
        this.conns = (BitSet) conns.clone();
        this.ring = ringBytes;
        this.latency = latency;
        this.slot = new int[p.numConns()];
        int i = 0;
        for (int c = conns.nextSetBit(0); c >= 0; c = conns.nextSetBit(c + 1)) {
            slot[c] = i++;
        }
        this.frontier = new SentFrontier(p.numConns());
    }

    @Override
    public long memoryBytes() {
        return (long) conns.cardinality() * ring;
    }

    @Override
    public void attach(Context c) {
        this.world = c.world();
        this.t = c.timeline();
        this.mem = c.payload();
        this.base = c.memoryBase();
        if (base < 0 || base + memoryBytes() > mem.size()) {
            throw new IllegalStateException("COPY_RETAIN needs " + memoryBytes() + " bytes of adapter memory at PA 0x"
                    + Long.toHexString(base) + "; physical memory ends at 0x" + Long.toHexString(mem.size()));
        }
    }

    private boolean mine(int conn) {
        return conn >= 0 && conn < p.numConns() && conns.get(conn);
    }

    private long ringPa(int conn, int seq) {
        return base + (long) slot[conn] * ring + (Integer.toUnsignedLong(seq) & (ring - 1));
    }

    /** Whether {@code pa} is the copy's memory (reads there are the adapter's own, not the host's). */
    public boolean holds(long pa) {
        return onCard(pa);
    }

    private boolean onCard(long pa) {
        return pa >= base && pa < base + memoryBytes();
    }

    @Override
    public AdapterPorts inputs(AdapterPorts next) {
        this.toAdapter = next;
        return new ForwardingPorts(next);
    }

    @Override
    public AdapterOutputs outputs(AdapterOutputs next) {
        return new ForwardingOutputs(next) {
            @Override
            public void hostRequest(HostRequest r) {
                if (r.kind() == HostRequest.RETRANSMIT && mine(r.conn())) {
                    int seq = world.driver().seqOf(r.conn(), r.va());
                    if (frontier.covers(r.conn(), seq, r.len())) {
                        answer(r, seq);
                        return;
                    }
                }
                next.hostRequest(r);
            }

            @Override
            public void release(Release r) {
                if (!r.prepinned() && answeredTags.remove(r.tag())) {
                    return; // the copy's addresses, not a host grant
                }
                next.release(r);
            }

            @Override
            public void dmaRead(DmaReadRequest ar) {
                if (!onCard(ar.addr())) {
                    next.dmaRead(ar);
                }
            }

            @Override
            public void txFrame(Bytes f) {
                keep(f);
                next.txFrame(f);
            }
        };
    }

    /** Writes a first-sent payload into the connection's ring. */
    private void keep(Bytes f) {
        TcpHeaderView h = TcpHeaderView.of(f);
        if (h == null || h.payloadLen() == 0) {
            return;
        }
        int conn = ConnSetup.connOfPort(h.srcPort(), p.numConns());
        if (!mine(conn) || !frontier.sent(conn, h.seq(), h.payloadLen())) {
            return; // not ours, or a retransmission: its bytes are in the ring already
        }
        Bytes payload = f.slice(h.payloadAt(), h.payloadAt() + h.payloadLen());
        int off = (int) (Integer.toUnsignedLong(h.seq()) & (ring - 1));
        int first = Math.min(payload.length(), ring - off);
        mem.write(ringPa(conn, h.seq()), first == payload.length() ? payload : payload.slice(0, first));
        if (first < payload.length()) {
            mem.write(ringPa(conn, h.seq() + first), payload.slice(first, payload.length()));
        }
        written += payload.length();
    }

    /**
     * Answers a retransmission request of bytes the copy holds ({@code seq} is where they start) with
     * the copy's addresses, one or two extents where the ring wraps. A window probe asks for a byte
     * beyond what was ever sent (kind RETRANSMIT, new data); it is not covered and goes to the host
     * like a first send.
     */
    private void answer(HostRequest r, int seq) {
        int conn = r.conn();
        int len = r.len();
        if (frontier.max(conn) - seq > ring) {
            throw new IllegalStateException("COPY_RETAIN: " + r + " asks for sequence " + Integer.toUnsignedLong(seq) + "+" + len
                    + ", which the connection's copy no longer holds (sent up to " + Integer.toUnsignedLong(frontier.max(conn)) + ", ring of "
                    + ring + " bytes): the ring is smaller than the bytes in flight");
        }
        answered++;
        read += len;
        answeredTags.add(r.tag());
        int off = (int) (Integer.toUnsignedLong(seq) & (ring - 1));
        int first = Math.min(len, ring - off);
        Bytes zero = Bytes.wrap(new byte[p.dataBytes()]);
        t.after(latency, () -> {
            toAdapter.hostResponse(new HostResponse(r.tag(), HostResponse.OK, zero, ringPa(conn, seq), first, first == len));
            if (first < len) {
                toAdapter.hostResponse(new HostResponse(r.tag(), HostResponse.OK, zero, ringPa(conn, seq + first), len - first, true));
            }
        });
    }

    public Figures figures() {
        return new Figures(written, read, answered, ring);
    }
}
