package vtoe.model.world;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;
import org.HdrHistogram.Histogram;
import vtoe.model.AdapterParams;
import vtoe.model.host.AddressSpace;
import vtoe.model.net.TcpHeaderView;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;

/**
 * Measures a run from the wires, the same way on the RTL co-simulation and on the standalone TLM:
 * frames and bytes sent and resent, the bytes sent but not yet acknowledged (what a COPY_RETAIN
 * adapter would have to hold), the bytes that crossed the host bus, and latency histograms
 * (HdrHistogram) from a host request to the frame that carries its data, split for retransmissions
 * by whether the data's pages were swapped out when the adapter asked.
 *
 * <p>Frames are read by their header fields only ({@link TcpHeaderView}). A frame whose bits the link
 * flipped can mislead the probe's ACK tracking; acknowledgements outside the bytes in flight are
 * ignored for that reason.
 */
public final class RunProbe implements PortShim {
    /** What the probe saw; latencies in cycles. */
    public record Figures(long txFrames, long txPayloadBytes, long retransmittedFrames, long retransmittedBytes, long unackedPeakBytes,
            long hostBusBytes, long retransmitRequests, long retransmitsUnmatched, Histogram retransmitLatency,
            Histogram retransmitLatencySwapped, Histogram retransmitLatencyResident, Histogram sendLatency) {}

    private record Pending(long at, boolean swapped, boolean retransmit) {}

    private final AdapterParams p;
    private final LongPredicate onAdapter;
    private World world;
    private Timeline t;
    private final SentFrontier frontier;
    private final int[] una;
    private final long[] unacked;
    private long unackedSum;
    private long unackedPeak;
    private long txFrames;
    private long txPayload;
    private long retxFrames;
    private long retxBytes;
    private long hostBus;
    private long retxRequests;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<Integer, Integer> pushLen = new HashMap<>(); // tag -> bytes of the request a PUSH answer carries
    private final Histogram retx = new Histogram(3);
    private final Histogram retxSwapped = new Histogram(3);
    private final Histogram retxResident = new Histogram(3);
    private final Histogram send = new Histogram(3);

    /**
     * @param onAdapter physical addresses that are the adapter's own memory, not the host's (reads
     *                  there do not cross the host bus)
     */
    public RunProbe(AdapterParams p, LongPredicate onAdapter) {
        this.p = p;
        this.onAdapter = onAdapter;
        this.frontier = new SentFrontier(p.numConns());
        this.una = new int[p.numConns()];
        this.unacked = new long[p.numConns()];
    }

    public RunProbe(AdapterParams p) {
        this(p, pa -> false);
    }

    @Override
    public void attach(Context c) {
        this.world = c.world();
        this.t = c.timeline();
    }

    @Override
    public AdapterPorts inputs(AdapterPorts next) {
        return new ForwardingPorts(next) {
            @Override
            public void hostResponse(HostResponse r) {
                answered(r);
                next.hostResponse(r);
            }

            @Override
            public void hostResponses(java.util.List<HostResponse> beats) {
                if (!beats.isEmpty()) {
                    answered(beats.get(0));
                }
                next.hostResponses(beats);
            }

            @Override
            public void rxFrame(Bytes f) {
                ack(f);
                next.rxFrame(f);
            }
        };
    }

    @Override
    public AdapterOutputs outputs(AdapterOutputs next) {
        return new ForwardingOutputs(next) {
            @Override
            public void hostRequest(HostRequest r) {
                request(r);
                next.hostRequest(r);
            }

            @Override
            public void dmaRead(DmaReadRequest ar) {
                if (!onAdapter.test(ar.addr())) {
                    hostBus += (long) ar.beats() * p.dataBytes();
                }
                next.dmaRead(ar);
            }

            @Override
            public void txFrame(Bytes f) {
                sent(f);
                next.txFrame(f);
            }
        };
    }

    /** The first beat of an answer: a PUSH answer means the host pushed the request's bytes over the bus itself. */
    private void answered(HostResponse r) {
        Integer len = pushLen.remove(r.tag());
        if (len != null && r.status() == HostResponse.OK && r.len() == 0) {
            hostBus += len;
        }
    }

    private void request(HostRequest r) {
        boolean retransmit = r.kind() == HostRequest.RETRANSMIT;
        if (retransmit) {
            retxRequests++;
        }
        if (world == null || r.conn() < 0 || r.conn() >= p.numConns() || world.peer(r.conn()) == null) {
            return; // a request for no open connection: the driver answers FAULT, there is nothing to time
        }
        Driver d = world.driver();
        boolean swapped = false;
        if (retransmit) {
            AddressSpace as = d.addressSpace(r.conn());
            long end = r.va() + Integer.toUnsignedLong(r.len());
            for (long a = r.va() & -Driver.PAGE; a < end && !swapped; a += Driver.PAGE) {
                swapped = as.mapped(a, 1) && !as.isResident(a);
            }
        }
        int seq = d.seqOf(r.conn(), r.va());
        pending.putIfAbsent(key(r.conn(), seq), new Pending(t.now(), swapped, retransmit));
        pushLen.put(r.tag(), r.len());
    }

    private static long key(int conn, int seq) {
        return (long) conn << 32 | Integer.toUnsignedLong(seq);
    }

    private void sent(Bytes f) {
        TcpHeaderView h = TcpHeaderView.of(f);
        if (h == null) {
            return;
        }
        txFrames++;
        int conn = ConnSetup.connOfPort(h.srcPort(), p.numConns());
        if (h.payloadLen() == 0 || conn < 0) {
            return;
        }
        int seq = h.seq();
        txPayload += h.payloadLen();
        if (!frontier.started(conn)) {
            una[conn] = seq;
        }
        if (!frontier.sent(conn, seq, h.payloadLen())) {
            retxFrames++;
            retxBytes += h.payloadLen();
        }
        update(conn);
        Pending pd = pending.remove(key(conn, seq));
        if (pd != null) {
            long lat = Math.max(0, t.now() - pd.at);
            if (pd.retransmit) {
                retx.recordValue(lat);
                (pd.swapped ? retxSwapped : retxResident).recordValue(lat);
            } else {
                send.recordValue(lat);
            }
        }
    }

    private void ack(Bytes f) {
        TcpHeaderView h = TcpHeaderView.of(f);
        if (h == null || !h.hasAck()) {
            return;
        }
        int conn = ConnSetup.connOfPort(h.dstPort(), p.numConns());
        if (conn < 0 || !frontier.started(conn)) {
            return;
        }
        int ack = h.ack();
        if (ack - una[conn] > 0 && ack - frontier.max(conn) <= 0) {
            una[conn] = ack;
            update(conn);
        }
    }

    private void update(int conn) {
        long now = Integer.toUnsignedLong(frontier.max(conn) - una[conn]);
        unackedSum += now - unacked[conn];
        unacked[conn] = now;
        unackedPeak = Math.max(unackedPeak, unackedSum);
    }

    public Figures figures() {
        long unmatched = pending.values().stream().filter(Pending::retransmit).count();
        return new Figures(txFrames, txPayload, retxFrames, retxBytes, unackedPeak, hostBus, retxRequests, unmatched, retx.copy(),
                retxSwapped.copy(), retxResident.copy(), send.copy());
    }
}
