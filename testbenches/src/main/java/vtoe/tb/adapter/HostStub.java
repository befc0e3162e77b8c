package vtoe.tb.adapter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.PermutationSampler;
import vtoe.cosim.StreamSource;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Release;

/**
 * The host side of the adapter tests of issue 4: send buffers in virtual memory mapped page by page
 * onto physical frames placed at random (so extents split and merge), answers to m_hostreq after a
 * seeded latency in the connection's mode, and a ledger of everything pinned. Every DMA read is
 * checked against what is granted at that moment: descriptor regions, the extents of the tag's
 * outstanding request, and PREPINNED blocks not yet released. (Issue 5 replaces this with the device
 * driver over the paging virtual-memory model.)
 */
public final class HostStub {
    public static final int PAGE = 4096;
    private static final long KERNEL_BASE = 1L << 20;
    private static final long POOL_BASE = 32L << 20;

    private record Grant(int conn, long va, int len, List<long[]> extents) {}

    private record Block(int conn, long va, int len) {}

    private final AdapterParams p;
    private final Timeline t;
    private final PhysicalMemory mem;
    private final StreamSource<HostResponse> resp;
    private final LongSupplier latency;
    private final long[] frames; // physical frames in the order they are handed out
    private int nextFrame;
    private long kernelNext;
    /** PA of the buffer pool's first frame; kernel memory (descriptor regions) lies below it. */
    private final long poolPa;
    private final Map<Integer, Integer> modes = new HashMap<>();
    private final Map<Integer, Map<Long, Long>> pageTables = new HashMap<>();
    private final Map<Integer, long[]> buffers = new HashMap<>(); // conn -> {vaBase, bytes}
    private final List<long[]> regions = new ArrayList<>(); // {pa, bytes}
    private final Map<Integer, Grant> grants = new HashMap<>();
    private final List<Block> pinnedBlocks = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private Predicate<HostRequest> faultIf = r -> false;
    private java.util.function.Function<HostRequest, List<HostResponse>> misbehave = r -> null;
    private long requests;
    private long retransmitRequests;
    private long faults;

    public HostStub(AdapterParams p, Timeline t, PhysicalMemory mem, StreamSource<HostResponse> resp, UniformRandomProvider place,
            LongSupplier latency) {
        this.p = p;
        this.t = t;
        this.mem = mem;
        this.resp = resp;
        this.latency = latency;
        this.kernelNext = mem.base() + KERNEL_BASE;
        this.poolPa = mem.base() + POOL_BASE;
        // Frames in runs of 1..8 contiguous pages, the runs in random order: some extents merge, most split.
        int n = (int) ((mem.size() - POOL_BASE) / PAGE);
        List<long[]> runs = new ArrayList<>();
        for (int f = 0; f < n;) {
            int len = Math.min(n - f, 1 + place.nextInt(8));
            runs.add(new long[] {f, len});
            f += len;
        }
        int[] order = PermutationSampler.natural(runs.size());
        PermutationSampler.shuffle(place, order);
        // With memory across 4 GiB, the run holding the first frame above it goes first, so that the first
        // buffers have pages on both sides of the line (and a block across it, where the run reaches back).
        long line = 1L << 32;
        if (poolPa < line && poolPa + (long) n * PAGE > line) {
            long f4g = (line - poolPa) / PAGE;
            for (int i = 0; i < order.length; i++) {
                long[] r = runs.get(order[i]);
                if (r[0] <= f4g && f4g < r[0] + r[1]) {
                    int first = order[i];
                    System.arraycopy(order, 0, order, 1, i);
                    order[0] = first;
                    break;
                }
            }
        }
        frames = new long[n];
        int k = 0;
        for (int i : order) {
            for (int j = 0; j < runs.get(i)[1]; j++) {
                frames[k++] = poolPa + (runs.get(i)[0] + j) * PAGE;
            }
        }
    }

    /** PA of the i-th frame send buffers will get (placement is fixed by the seed before any data). */
    public long frameAt(int i) {
        return frames[i];
    }

    public void faultIf(Predicate<HostRequest> pred) {
        this.faultIf = pred;
    }

    /** Replaces the answer to a request with these beats when it returns non-null (bad-input tests). */
    public void misbehave(java.util.function.Function<HostRequest, List<HostResponse>> answers) {
        this.misbehave = answers;
    }

    /** Pins the host believes it granted for a tag it answered with extents (even a malformed answer). */
    public void grantAnyway(HostRequest r) {
        grants.put(r.tag(), new Grant(r.conn(), r.va(), r.len(), runs(r.conn(), r.va(), Integer.toUnsignedLong(r.len()))));
    }

    /** Physically contiguous, permanently pinned kernel memory (descriptor regions). */
    public long kernelAlloc(int bytes) {
        long pa = kernelNext;
        kernelNext += (bytes + PAGE - 1) / PAGE * PAGE;
        if (kernelNext > poolPa) {
            throw new IllegalStateException("kernel memory exhausted");
        }
        return pa;
    }

    public void registerRegion(long pa, int bytes) {
        regions.add(new long[] {pa, bytes});
    }

    public void registerConn(int conn, int mode, long vaBase) {
        modes.put(conn, mode);
        pageTables.put(conn, new HashMap<>());
        buffers.put(conn, new long[] {vaBase, 0});
    }

    /** Appends bytes to the connection's send buffer; returns the VA of the first. */
    public long append(int conn, byte[] data) {
        long[] b = buffers.get(conn);
        long va = b[0] + b[1];
        Map<Long, Long> pt = pageTables.get(conn);
        for (int i = 0; i < data.length;) {
            long a = va + i;
            long page = a / PAGE;
            Long pa = pt.get(page);
            if (pa == null) {
                if (nextFrame == frames.length) {
                    throw new IllegalStateException("host memory exhausted");
                }
                pa = frames[nextFrame++];
                pt.put(page, pa);
            }
            int n = (int) Math.min(data.length - i, PAGE - a % PAGE);
            byte[] chunk = new byte[n];
            System.arraycopy(data, i, chunk, 0, n);
            mem.write(pa + a % PAGE, chunk);
            i += n;
        }
        b[1] += data.length;
        return va;
    }

    /** Physical runs of [va, va+len): {pa, len} each, adjacent pages merged. */
    public List<long[]> runs(int conn, long va, long len) {
        List<long[]> out = new ArrayList<>();
        Map<Long, Long> pt = pageTables.get(conn);
        for (long a = va; a < va + len;) {
            long pa = pt.get(a / PAGE) + a % PAGE;
            long n = Math.min(va + len - a, PAGE - a % PAGE);
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last[0] + last[1] == pa) {
                last[1] += n;
            } else {
                out.add(new long[] {pa, n});
            }
            a += n;
        }
        return out;
    }

    public void pinBlock(int conn, long va, int len) {
        pinnedBlocks.add(new Block(conn, va, len));
    }

    private boolean inBuffer(int conn, long va, long len) {
        long[] b = buffers.get(conn);
        return b != null && len > 0 && va >= b[0] && va + len <= b[0] + b[1];
    }

    // ---- m_hostreq ----

    public void hostRequest(Observed<HostRequest> o) {
        HostRequest r = o.txn();
        requests++;
        if (r.kind() == HostRequest.RETRANSMIT) {
            retransmitRequests++;
        }
        Integer mode = modes.get(r.conn());
        if (mode != null && mode == CsrMap.MODE_PREPINNED && r.kind() == HostRequest.SEND) {
            violations.add("cycle " + o.endCycle() + ": " + r + " asks the host for a PREPINNED first send");
        }
        if (grants.containsKey(r.tag())) {
            violations.add("cycle " + o.endCycle() + ": " + r + " reuses tag " + r.tag() + " before its release");
        }
        boolean fault = mode == null || !inBuffer(r.conn(), r.va(), Integer.toUnsignedLong(r.len())) || faultIf.test(r);
        // Latency, not service time: answers overlap (a busy host CPU is the driver model's business, issue 5).
        t.at(t.now() + latency.getAsLong(), () -> answer(r, fault));
    }

    private void answer(HostRequest r, boolean fault) {
        int d = p.dataBytes();
        List<HostResponse> odd = misbehave.apply(r);
        if (odd != null) {
            odd.forEach(resp::push);
            return;
        }
        if (fault) {
            faults++;
            resp.push(new HostResponse(r.tag(), HostResponse.FAULT, Bytes.wrap(new byte[d]), 0, 0, true));
            return;
        }
        int mode = modes.get(r.conn());
        if (mode == CsrMap.MODE_PUSH) {
            byte[] all = read(r.conn(), r.va(), r.len());
            int beats = (r.len() + d - 1) / d;
            for (int i = 0; i < beats; i++) {
                byte[] b = new byte[d];
                System.arraycopy(all, i * d, b, 0, Math.min(d, r.len() - i * d));
                resp.push(new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(b), 0, 0, i == beats - 1));
            }
            return;
        }
        List<long[]> ext = split(runs(r.conn(), r.va(), Integer.toUnsignedLong(r.len())));
        grants.put(r.tag(), new Grant(r.conn(), r.va(), r.len(), ext));
        for (int i = 0; i < ext.size(); i++) {
            resp.push(new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(new byte[d]), ext.get(i)[0], (int) ext.get(i)[1],
                    i == ext.size() - 1));
        }
    }

    /**
     * A host may describe a range in more extents than the page runs (the protocol allows any split):
     * with this on, runs are cut at random points, so that segments arrive in three or more extents
     * and the adapter's extent offsets are exercised beyond the one page boundary a segment can cross.
     */
    public void splitExtents(UniformRandomProvider rng, double probability) {
        this.splitRng = rng;
        this.splitProbability = probability;
    }

    private UniformRandomProvider splitRng;
    private double splitProbability;

    private List<long[]> split(List<long[]> runs) {
        if (splitRng == null) {
            return runs;
        }
        List<long[]> out = new ArrayList<>();
        for (long[] run : runs) {
            long pa = run[0];
            long left = run[1];
            while (left > 1 && splitRng.nextDouble() < splitProbability) {
                long n = 1 + splitRng.nextLong(left - 1);
                out.add(new long[] {pa, n});
                pa += n;
                left -= n;
            }
            out.add(new long[] {pa, left});
        }
        return out;
    }

    public byte[] read(int conn, long va, int len) {
        byte[] out = new byte[len];
        int at = 0;
        for (long[] run : runs(conn, va, len)) {
            System.arraycopy(mem.read(run[0], (int) run[1]), 0, out, at, (int) run[1]);
            at += (int) run[1];
        }
        return out;
    }

    // ---- m_release ----

    public void release(Observed<Release> o) {
        Release r = o.txn();
        if (r.prepinned()) {
            Block b = new Block(r.conn(), r.va(), r.len());
            if (!pinnedBlocks.remove(b)) {
                violations.add("cycle " + o.endCycle() + ": " + r + " releases a block that is not pinned");
            }
            return;
        }
        Grant g = grants.remove(r.tag());
        if (g == null) {
            violations.add("cycle " + o.endCycle() + ": " + r + " releases tag " + r.tag() + ", which holds no pins");
        } else if (g.conn != r.conn() || g.va != r.va() || g.len != r.len()) {
            violations.add("cycle " + o.endCycle() + ": " + r + " does not match what tag " + r.tag() + " pinned: conn "
                    + g.conn + " va 0x" + Long.toHexString(g.va) + " len " + g.len);
        }
    }

    // ---- the granted-range rule, on every read the adapter issues ----

    public void dmaRead(Observed<DmaReadRequest> o) {
        DmaReadRequest ar = o.txn();
        long lo = ar.addr();
        long hi = lo + (long) ar.beats() * p.dataBytes();
        if (ar.id() == 0) {
            for (long[] reg : regions) {
                if (lo >= reg[0] && hi <= reg[0] + reg[1]) {
                    return;
                }
            }
        } else {
            long d = p.dataBytes();
            Grant g = grants.get(ar.id() - 1);
            if (g != null) {
                for (long[] e : g.extents) {
                    if (lo >= (e[0] & -d) && hi <= (e[0] + e[1] + d - 1 & -d)) {
                        return;
                    }
                }
            }
            for (Block b : pinnedBlocks) {
                for (long[] e : runs(b.conn, b.va, b.len)) {
                    if (lo >= (e[0] & -d) && hi <= (e[0] + e[1] + d - 1 & -d)) {
                        return;
                    }
                }
            }
        }
        violations.add("cycle " + o.endCycle() + ": " + ar + " reads outside every granted range");
    }

    /** Blocks of a connection still pinned (PREPINNED). */
    public List<long[]> pinnedBlocks(int conn) {
        List<long[]> l = new ArrayList<>();
        for (Block b : pinnedBlocks) {
            if (b.conn == conn) {
                l.add(new long[] {b.va, b.len});
            }
        }
        return l;
    }

    /** The driver unpins a block itself (teardown of blocks the adapter never took). */
    public void unpinBlock(int conn, long va, int len) {
        if (!pinnedBlocks.remove(new Block(conn, va, len))) {
            throw new IllegalStateException("block 0x" + Long.toHexString(va) + " of connection " + conn + " is not pinned");
        }
    }

    public List<String> violations() {
        return violations;
    }

    /** Tags holding pins and PREPINNED blocks still pinned. */
    public int pinsOutstanding() {
        return grants.size() + pinnedBlocks.size();
    }

    public String pinReport() {
        return "tags holding pins: " + grants.keySet() + ", blocks still pinned: " + pinnedBlocks;
    }

    public long requests() {
        return requests;
    }

    public long retransmitRequests() {
        return retransmitRequests;
    }

    public long faults() {
        return faults;
    }
}
