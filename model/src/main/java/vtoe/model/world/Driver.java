package vtoe.model.world;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
import vtoe.model.host.AddressSpace;
import vtoe.model.host.Extent;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.host.PinResult;
import vtoe.model.host.VirtualMemory;
import vtoe.model.payload.Content;
import vtoe.model.payload.PayloadMode;
import vtoe.model.payload.StreamDigest;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.PushAnswer;
import vtoe.model.txn.Release;

/**
 * The device driver (design brief section 6). It opens connections through s_csr, copies the
 * application's data into the connection's virtual memory, posts it as descriptor chains, and
 * services the adapter: m_hostreq (range check, page-in and pin, then bytes, extents or FAULT),
 * m_release (unpin) and m_completion (recycle the descriptor slot, free the buffer pages, post more).
 *
 * <p>The host CPU is one FIFO server: each operation takes a service time drawn from its own
 * distribution, so a busy host delays every answer behind it; page-ins do not hold the CPU (the
 * request waits on the storage controller and is answered when its pin completes).
 *
 * <p>It also keeps the ledger the end-of-run checks need: every pin it took and why, and every DMA
 * read checked against what was granted at that moment (the adapter's hard rule, design brief
 * section 4). A breach is recorded as a violation, never silently tolerated.
 */
public final class Driver {
    public static final int PAGE = 4096;

    /**
     * @param blockBytes       bytes per descriptor block the driver posts (the adapter's maxBlockBytes at most)
     * @param regionBytes      descriptor region per connection (its slots bound what can be posted)
     * @param prepinBytes      PREPINNED: bytes pinned ahead of the adapter per connection (pins are memory the pager cannot use)
     * @param freeLagCycles    how long freed buffer pages stay mapped after their completion (see {@link #completion})
     */
    public record Config(int blockBytes, int regionBytes, long prepinBytes, long freeLagCycles) {
        public Config {
            if (blockBytes < 1 || regionBytes < 64 || regionBytes % 32 != 0 || prepinBytes < PAGE || freeLagCycles < 0) {
                throw new IllegalArgumentException("driver config: block 1.., region a multiple of 32 of at least 64, prepin >= "
                        + PAGE + ", free lag >= 0: " + this);
            }
        }

        public static Config defaults() {
            return new Config(8192, 16384, 128 << 10, 20_000);
        }
    }

    /** Service time of each host operation, in cycles (drawn from the world's distributions). */
    public record ServiceTimes(LongSupplier hostRequest, LongSupplier release, LongSupplier completion, LongSupplier post) {
        public static ServiceTimes fixed(long cycles) {
            return new ServiceTimes(() -> cycles, () -> cycles, () -> cycles, () -> cycles);
        }
    }

    /** What the driver did, for summaries and studies. */
    public record Stats(long hostRequests, long retransmitRequests, long faultsAnswered, long releases, long completions,
            long descriptorsPosted, long doorbells, long bytesPushed, long extentsAnswered, long retransmitsFromSwap, long pins,
            long cpuBusyCycles) {}

    private record Grant(int conn, long va, int len, List<Extent> extents) {}

    /** One PREPINNED descriptor: its piece of a pinned block. */
    private record Piece(int conn, long va, int len, long pa) {}

    private static final class Block {
        final long va;
        final int len;
        final int seq;
        boolean ready;
        final List<Descriptor> descs = new ArrayList<>();

        Block(long va, int len, int seq) {
            this.va = va;
            this.len = len;
            this.seq = seq;
        }
    }

    private final class Conn {
        final ConnSetup s;
        final AddressSpace as;
        final long bufBase;
        long bufEnd; // next VA the application's data goes to
        long mappedEnd;
        long freedTo; // pages below are unmapped
        long completedTo; // VA below which every byte is acknowledged
        final long regionVa;
        final long regionPa;
        final BitSet freeSlots = new BitSet();
        final Deque<Block> toPin = new ArrayDeque<>(); // PREPINNED blocks not yet pinned
        final Deque<Block> toPost = new ArrayDeque<>();
        // Keyed by slotKey(descriptor VA): VAs 32 bytes apart, as Long keys, fell into a few hash buckets (turned into trees).
        final Map<Long, Integer> slotSize = new HashMap<>();
        long freeTarget; // pages below may be unmapped once no pin or request holds them
        long pinnedAhead;
        int nextSeq;
        long bytesPosted;
        long bytesCompleted;
        int inService; // host requests of this connection between arrival and answer
        boolean stopped;
        final StreamDigest sent;

        Conn(ConnSetup s, AddressSpace as, long bufBase, long regionVa, long regionPa) {
            this.s = s;
            this.as = as;
            this.bufBase = bufBase;
            this.bufEnd = bufBase;
            this.mappedEnd = bufBase;
            this.freedTo = bufBase;
            this.completedTo = bufBase;
            this.freeTarget = bufBase;
            this.regionVa = regionVa;
            this.regionPa = regionPa;
            this.nextSeq = s.iss();
            freeSlots.set(0, cfg.regionBytes() / 32);
            this.sent = StreamDigest.of(payload, s.conn());
        }
    }

    /** Descriptor regions: below the pager's frames, physically contiguous and pinned for good. */
    public static final long KERNEL_BASE = 1L << 20;

    private final AdapterParams p;
    private final Timeline t;
    private final PhysicalMemory mem;
    private final VirtualMemory vm;
    private final AdapterPorts ports;
    private final Config cfg;
    private final ServiceTimes service;
    private final long kernelLimit;
    private PayloadMode payload = PayloadMode.FULL;
    private long kernelNext = KERNEL_BASE;
    private long cpuFreeAt;
    private int cpuQueued; // operations waiting for or on the CPU
    // Posted bytes not yet completed, over all connections, and whether any connection ever stopped: the
    // world's "done?" is asked after every event, and these answer "not yet" without a look per connection.
    private long uncompleted;
    private boolean anyStopped;
    private final Map<Integer, Conn> conns = new HashMap<>();
    private final List<long[]> regions = new ArrayList<>();
    private final Map<Integer, Grant> grants = new HashMap<>();
    private final Map<Long, Piece> pinnedPieces = new HashMap<>(); // by VA
    // The same pieces by PA, for the granted-range rule: a DMA read of a PREPINNED run looked through every
    // pinned piece, 5% of a payload-free run. Only a shortcut: a read it does not place is checked against all.
    private final TreeMap<Long, Piece> piecesByPa = new TreeMap<>();
    // The piece the last read found: a segment's bursts follow each other through one piece, and the PA
    // index's look-up per burst was 4% of a payload-free PREPINNED run. Still pinned: unindex forgets it.
    private Piece lastHit;
    private final List<String> violations = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<AdapterEvent> events = new ArrayList<>();
    private final List<CsrResponse> csrResponses = new ArrayList<>();
    private long hostRequests;
    private long retransmitRequests;
    private long faultsAnswered;
    private long releases;
    private long completions;
    private long descriptorsPosted;
    private long doorbells;
    private long bytesPushed;
    private long extentsAnswered;
    private long retransmitsFromSwap;
    private long pinCalls;
    private long csrWrites;
    private long cpuBusyCycles;

    /**
     * @param kernelLimit first PA above the kernel memory the descriptor regions come from (the pager's frames start there)
     */
    public Driver(AdapterParams p, Timeline t, PhysicalMemory mem, VirtualMemory vm, AdapterPorts ports, Config cfg,
            ServiceTimes service, long kernelLimit) {
        if (cfg.blockBytes() > p.maxBlockBytes()) {
            throw new IllegalArgumentException("driver block size " + cfg.blockBytes() + " exceeds the adapter's maxBlockBytes "
                    + p.maxBlockBytes());
        }
        this.p = p;
        this.t = t;
        this.mem = mem;
        this.vm = vm;
        this.ports = ports;
        this.cfg = cfg;
        this.service = service;
        this.kernelLimit = kernelLimit;
    }

    /**
     * How the application's data is represented (before the first connection opens): real bytes
     * ({@link #send}) or, payload-free, stream ranges ({@link #sendStream}).
     */
    public Driver payload(PayloadMode mode) {
        if (!conns.isEmpty()) {
            throw new IllegalStateException("the payload mode is chosen before the first connection opens");
        }
        this.payload = mode;
        return this;
    }

    // ---- the host CPU ----

    /** Runs {@code work} on the host CPU after everything queued before it, taking {@code cost} cycles. */
    private void onCpu(LongSupplier cost, Runnable work) {
        long start = Math.max(t.now(), cpuFreeAt);
        long c = Math.max(0, cost.getAsLong());
        cpuFreeAt = start + c;
        cpuBusyCycles += c;
        cpuQueued++;
        t.at(cpuFreeAt, () -> {
            cpuQueued--;
            work.run();
        });
    }

    // ---- connections and data ----

    /**
     * A region's kernel memory: whole pages from a page on, as always; a smaller region (what tens of thousands of
     * connections leave each in the kernel memory below the pool) takes its size rounded up to a power of two, so that
     * regions pack and none straddles a page.
     */
    private java.util.function.IntConsumer onPost = c -> {};

    /** Tells {@code l} the connection each time the application posts more of its stream (it is then not delivered). */
    public void onPost(java.util.function.IntConsumer l) {
        onPost = l;
    }

    private long kernelAlloc(int bytes) {
        long align = bytes >= PAGE ? PAGE : Integer.highestOneBit(bytes - 1) << 1;
        long pa = (kernelNext + align - 1) / align * align;
        kernelNext = pa + (bytes >= PAGE ? (bytes + PAGE - 1) / PAGE * PAGE : align);
        if (kernelNext > kernelLimit) {
            throw new IllegalStateException("kernel memory for descriptor regions exhausted: " + (kernelLimit - KERNEL_BASE)
                    + " bytes below PA 0x" + Long.toHexString(kernelLimit));
        }
        return pa;
    }

    /** Programs the connection's context and region and enables it (answers arrive as CSR responses). */
    public void open(ConnSetup s) {
        if (conns.containsKey(s.conn())) {
            throw new IllegalArgumentException("connection " + s.conn() + " is already open");
        }
        if (s.conn() < 0 || s.conn() >= p.numConns()) {
            throw new IllegalArgumentException("connection " + s.conn() + " does not exist: the adapter has " + p.numConns());
        }
        long regionPa = kernelAlloc(cfg.regionBytes());
        long regionVa = 0x6000_0000_0000L + ((long) s.conn() << 24);
        AddressSpace as = vm.newAddressSpace("conn" + s.conn());
        Conn c = new Conn(s, as, 0x7f00_0000_0000L + ((long) s.conn() << 32), regionVa, regionPa);
        as.carriesStream(s.conn(), c.bufBase);
        conns.put(s.conn(), c);
        regions.add(new long[] {regionPa, cfg.regionBytes()});
        for (CsrRequest w : s.contextWrites(regionVa, regionPa, cfg.regionBytes())) {
            csrWrites++;
            ports.csr(w);
        }
    }

    private Conn conn(int n) {
        Conn c = conns.get(n);
        if (c == null) {
            throw new IllegalArgumentException("connection " + n + " is not open");
        }
        return c;
    }

    /** The application writes {@code data} into its send buffer (virtual memory) and the driver posts it. */
    public void send(int conn, byte[] data) {
        Conn c = conn(conn);
        if (data.length == 0) {
            return;
        }
        if (payload != PayloadMode.FULL) {
            throw new IllegalStateException("a payload-free run sends stream ranges (sendStream), not bytes");
        }
        long va = c.bufEnd;
        long end = va + data.length;
        mapTo(c, end);
        c.as.write(va, data);
        c.bufEnd = end;
        c.sent.update(va - c.bufBase, Bytes.wrap(data));
        postRange(c, va, data.length);
    }

    /** Maps the connection's send buffer up to {@code end}, in whole pages, as the application's buffer grows. */
    private static void mapTo(Conn c, long end) {
        long mapTo = (end + PAGE - 1) & -PAGE;
        if (mapTo > c.mappedEnd) {
            c.as.map(c.mappedEnd, mapTo - c.mappedEnd);
            c.mappedEnd = mapTo;
        }
    }

    /**
     * Payload-free: the application puts the next {@code len} bytes of its stream into its send buffer
     * (the same mapping, page faults and LRU touches as {@link #send}, no byte) and the driver posts them.
     */
    public void sendStream(int conn, long len) {
        Conn c = conn(conn);
        if (len <= 0) {
            return;
        }
        if (payload != PayloadMode.NONE) {
            throw new IllegalStateException("a run with payload sends bytes (send), not stream ranges");
        }
        long va = c.bufEnd;
        long end = va + len;
        mapTo(c, end);
        c.as.writeStream(va, len);
        c.bufEnd = end;
        for (long off = 0; off < len; off += Integer.MAX_VALUE) {
            int n = (int) Math.min(Integer.MAX_VALUE, len - off);
            c.sent.update(va - c.bufBase + off, Bytes.of(Content.of(conn, va - c.bufBase + off, n)));
        }
        postRange(c, va, len);
    }

    /**
     * Posts bytes the application already has at {@code [va, va+len)} of the connection's address space
     * (zero-copy send). A range that is not mapped there is refused before anything is posted.
     */
    public void post(int conn, long va, long len) {
        Conn c = conn(conn);
        if (len <= 0 || !c.as.mapped(va, len)) {
            throw new IllegalArgumentException("connection " + conn + ": cannot send [0x%x, 0x%x): the range is not mapped in %s"
                    .formatted(va, va + len, c.as.name()) + " (nothing was posted)");
        }
        if (va != c.bufEnd) {
            throw new IllegalArgumentException("connection " + conn + ": the stream continues at VA 0x%x, not 0x%x (nothing was posted)"
                    .formatted(c.bufEnd, va));
        }
        c.sent.update(va - c.bufBase, c.as.readContent(va, (int) len));
        c.bufEnd = va + len;
        c.mappedEnd = Math.max(c.mappedEnd, (va + len + PAGE - 1) & -PAGE);
        postRange(c, va, len);
    }

    private void postRange(Conn c, long va, long len) {
        if (c.stopped) {
            throw new IllegalStateException("connection " + c.s.conn() + " has stopped; nothing was posted");
        }
        c.bytesPosted += len;
        uncompleted += len;
        onPost.accept(c.s.conn());
        for (long off = 0; off < len;) {
            int n = (int) Math.min(cfg.blockBytes(), len - off);
            Block b = new Block(va + off, n, c.nextSeq);
            c.nextSeq += n;
            off += n;
            if (c.s.mode() == CsrMap.MODE_PREPINNED) {
                c.toPin.addLast(b);
            } else {
                b.descs.add(new Descriptor(b.va, 0, b.len, b.seq, 0));
                b.ready = true;
            }
            c.toPost.addLast(b);
        }
        pinAhead(c);
        ring(c);
    }

    /** PREPINNED: pins blocks ahead of the adapter, up to the pin budget, and splits them where the frames are not contiguous. */
    private void pinAhead(Conn c) {
        while (!c.toPin.isEmpty() && c.pinnedAhead + c.toPin.peekFirst().len <= cfg.prepinBytes() && !c.stopped) {
            Block b = c.toPin.pollFirst();
            c.pinnedAhead += b.len;
            pinCalls++;
            c.as.pin(b.va, b.len, r -> pinned(c, b, r));
        }
    }

    private void pinned(Conn c, Block b, PinResult r) {
        if (!r.ok()) {
            errors.add("connection " + c.s.conn() + ": could not pin the PREPINNED block [0x%x, +%d): %s".formatted(b.va, b.len,
                    r.error()));
            c.pinnedAhead -= b.len;
            stop(c);
            return;
        }
        long va = b.va;
        int seq = b.seq;
        for (Extent e : r.extents()) {
            b.descs.add(new Descriptor(va, 0, e.len(), seq, e.pa()));
            Piece pc = new Piece(c.s.conn(), va, e.len(), e.pa());
            unindex(pinnedPieces.put(va, pc));
            piecesByPa.put(pc.pa, pc);
            va += e.len();
            seq += e.len();
        }
        b.ready = true;
        ring(c);
    }

    /** Writes ready blocks in order into free descriptor slots as one chain and rings the doorbell. */
    private void ring(Conn c) {
        List<Descriptor> chain = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        while (!c.toPost.isEmpty() && c.toPost.peekFirst().ready && c.freeSlots.cardinality() >= c.toPost.peekFirst().descs.size()
                && chain.size() < 64 && !c.stopped) {
            for (Descriptor d : c.toPost.pollFirst().descs) {
                int slot = c.freeSlots.nextSetBit(0);
                c.freeSlots.clear(slot);
                slots.add(slot);
                chain.add(d);
            }
        }
        if (chain.isEmpty()) {
            return;
        }
        for (int i = 0; i < chain.size(); i++) {
            long next = i + 1 < chain.size() ? c.regionVa + 32L * slots.get(i + 1) : 0;
            long va = c.regionVa + 32L * slots.get(i);
            mem.write(c.regionPa + 32L * slots.get(i), chain.get(i).withNext(next).encode());
            c.slotSize.put(slotKey(va), chain.get(i).size());
        }
        descriptorsPosted += chain.size();
        long head = c.regionVa + 32L * slots.get(0);
        onCpu(service.post(), () -> {
            doorbells++;
            ports.doorbell(new Doorbell(c.s.conn(), head));
        });
    }

    // ---- m_hostreq ----

    public void hostRequest(HostRequest r) {
        hostRequests++;
        if (r.kind() == HostRequest.RETRANSMIT) {
            retransmitRequests++;
        }
        Conn c0 = conns.get(r.conn());
        if (c0 != null) {
            c0.inService++;
        }
        onCpu(service.hostRequest(), () -> serve(r));
    }

    private void serve(HostRequest r) {
        Conn c = conns.get(r.conn());
        long len = Integer.toUnsignedLong(r.len());
        if (c == null) {
            fault(r, null, "connection " + r.conn() + " is not open");
            return;
        }
        if (c.s.mode() == CsrMap.MODE_PREPINNED && r.kind() == HostRequest.SEND) {
            violations.add(r + " asks the host for a PREPINNED first send (the PAs were in the descriptor)");
        }
        if (len == 0 || r.va() < c.freedTo || r.va() + len > c.bufEnd) {
            String why = r.va() < c.freedTo && r.va() >= c.bufBase
                    ? "the range was acknowledged and its pages freed more than " + cfg.freeLagCycles() + " cycles ago"
                    : "[0x%x, 0x%x) is not in the connection's send buffer [0x%x, 0x%x)".formatted(r.va(), r.va() + len, c.freedTo,
                            c.bufEnd);
            if (r.va() < c.freedTo && r.va() >= c.bufBase) {
                violations.add(r + ": " + why);
            }
            fault(r, c, why);
            return;
        }
        if (r.kind() == HostRequest.RETRANSMIT) {
            for (long a = r.va() & -PAGE; a < r.va() + len; a += PAGE) {
                if (!c.as.isResident(a)) {
                    retransmitsFromSwap++;
                    break;
                }
            }
        }
        pinCalls++;
        c.as.pin(r.va(), len, res -> {
            if (!res.ok()) {
                fault(r, c, res.error());
                return;
            }
            if (c.s.mode() == CsrMap.MODE_PUSH) {
                // The host copies the bytes while they are pinned; the adapter never learns a PA.
                Bytes all = c.as.readContent(r.va(), (int) len);
                c.as.unpin(r.va(), len);
                done(c);
                ports.hostResponses(new PushAnswer(r.tag(), all, p.dataBytes()));
                bytesPushed += len;
                return;
            }
            if (grants.containsKey(r.tag())) {
                violations.add(r + " reuses tag " + r.tag() + " before its release");
            }
            grants.put(r.tag(), new Grant(r.conn(), r.va(), r.len(), res.extents()));
            done(c);
            List<Extent> ext = res.extents();
            extentsAnswered += ext.size();
            for (int i = 0; i < ext.size(); i++) {
                ports.hostResponse(new HostResponse(r.tag(), HostResponse.OK, Bytes.wrap(new byte[p.dataBytes()]), ext.get(i).pa(),
                        ext.get(i).len(), i == ext.size() - 1));
            }
        });
    }

    private void done(Conn c) {
        c.inService--;
        freeBuffers(c);
    }

    private void fault(HostRequest r, Conn c, String why) {
        faultsAnswered++;
        errors.add("FAULT answered to " + r + ": " + why);
        if (c != null) {
            done(c);
        }
        ports.hostResponse(new HostResponse(r.tag(), HostResponse.FAULT, Bytes.wrap(new byte[p.dataBytes()]), 0, 0, true));
    }

    // ---- m_release ----

    public void release(Release r) {
        onCpu(service.release(), () -> {
            releases++;
            Conn c = conns.get(r.conn());
            if (r.prepinned()) {
                Piece pc = pinnedPieces.get(r.va());
                if (pc == null || pc.conn != r.conn() || pc.len != r.len()) {
                    violations.add(r + " releases a block that is not pinned" + (pc == null ? "" : " as such (pinned: " + pc + ")"));
                    return;
                }
                unindex(pinnedPieces.remove(r.va()));
                c.as.unpin(pc.va, pc.len);
                c.pinnedAhead -= pc.len;
                pinAhead(c);
                freeBuffers(c);
                return;
            }
            Grant g = grants.remove(r.tag());
            if (g == null) {
                violations.add(r + " releases tag " + r.tag() + ", which holds no pins");
            } else if (g.conn != r.conn() || g.va != r.va() || g.len != r.len()) {
                violations.add(r + " does not match what tag " + r.tag() + " pinned: conn " + g.conn + " va 0x" + Long.toHexString(g.va)
                        + " len " + g.len);
                grants.put(r.tag(), g);
            } else {
                conn(g.conn).as.unpin(g.va, Integer.toUnsignedLong(g.len));
                freeBuffers(conn(g.conn));
            }
        });
    }

    /** A descriptor VA as a key that hashes well: its low bits, all zero for a slot, rotated out of the way (one to one). */
    private static long slotKey(long descVa) {
        return Long.rotateRight(descVa, 5);
    }

    // ---- m_completion ----

    /**
     * Recycles the descriptor slot and posts more. The buffer pages below the acknowledged point are
     * unmapped {@code freeLagCycles} later: the adapter may have cut a retransmission of that data
     * just before the ACK retired it, and its request can reach the host after the completion. A
     * request for pages freed after the lag is a violation (and is answered FAULT).
     */
    public void completion(Completion o) {
        onCpu(service.completion(), () -> {
            completions++;
            Conn c = conns.get(o.conn());
            if (c == null) {
                violations.add(o + " for a connection that is not open");
                return;
            }
            Integer size = c.slotSize.remove(slotKey(o.descVa()));
            if (size == null) {
                violations.add(o + " names a descriptor slot that holds no posted descriptor");
                return;
            }
            int slot = (int) ((o.descVa() - c.regionVa) / 32);
            Descriptor d = Descriptor.decode(Bytes.wrap(mem.read(c.regionPa + 32L * slot, 32)), 0);
            c.freeSlots.set(slot);
            c.bytesCompleted += Integer.toUnsignedLong(size);
            uncompleted -= Integer.toUnsignedLong(size);
            c.completedTo = Math.max(c.completedTo, d.va() + Integer.toUnsignedLong(d.size()));
            long to = c.completedTo;
            t.after(cfg.freeLagCycles(), () -> {
                c.freeTarget = Math.max(c.freeTarget, to);
                freeBuffers(c);
            });
            ring(c);
        });
    }

    /** Unmaps whole pages that are acknowledged, past their lag, and held by no pin or request in service. */
    private void freeBuffers(Conn c) {
        if (c.inService > 0) {
            return;
        }
        while (c.freedTo + PAGE <= c.freeTarget && c.as.pinCount(c.freedTo) == 0) {
            c.as.unmap(c.freedTo, PAGE);
            c.freedTo += PAGE;
        }
    }

    // ---- m_event, m_csr_resp ----

    public void event(AdapterEvent e) {
        events.add(e);
        Conn c = conns.get(e.conn());
        if (c != null && (e.code() == vtoe.model.txn.EventCode.HOST_FAULT.code() || e.code() == vtoe.model.txn.EventCode.RETRY_LIMIT.code()
                || e.code() == vtoe.model.txn.EventCode.HOST_BAD_RESPONSE.code()
                || e.code() == vtoe.model.txn.EventCode.DMA_READ_ERROR.code())) {
            stop(c);
        }
    }

    public void csrResponse(CsrResponse r) {
        csrResponses.add(r);
        if (!r.ok()) {
            errors.add("CSR access refused: " + r);
        }
    }

    /**
     * Teardown of a stopped connection, once the adapter is quiet: the PREPINNED blocks the adapter
     * never fetched cannot be released by it, so the driver unpins them itself.
     */
    public void teardown(int conn) {
        Conn c = conn(conn);
        for (Piece pc : new ArrayList<>(pinnedPieces.values())) {
            if (pc.conn == conn) {
                unindex(pinnedPieces.remove(pc.va));
                c.as.unpin(pc.va, pc.len);
                c.pinnedAhead -= pc.len;
            }
        }
        c.toPost.clear();
        c.toPin.clear();
    }

    /** Drops a piece that is no longer pinned from the PA index (if it is the one indexed at its PA). */
    private void unindex(Piece pc) {
        if (pc != null) {
            piecesByPa.remove(pc.pa, pc);
            if (pc == lastHit) {
                lastHit = null;
            }
        }
    }

    // ---- the granted-range rule ----

    /** Checks one read the adapter issued against what is granted now: descriptor regions, the tag's extents, pinned pieces. */
    public void dmaRead(DmaReadRequest ar) {
        long lo = ar.addr();
        long hi = lo + (long) ar.beats() * p.dataBytes();
        long d = p.dataBytes();
        if (ar.id() == 0) {
            for (long[] reg : regions) {
                if (lo >= reg[0] && hi <= reg[0] + reg[1]) {
                    return;
                }
            }
        } else {
            Grant g = grants.get(ar.id() - 1);
            if (g != null) {
                for (Extent e : g.extents) {
                    if (covers(e.pa(), e.len(), lo, hi, d)) {
                        return;
                    }
                }
            }
            Piece h = lastHit;
            if (h != null && covers(h.pa, h.len, lo, hi, d)) {
                return;
            }
            // Pieces are disjoint in PA, so one that holds the read starts below lo + d and, going down, ends fall.
            for (Map.Entry<Long, Piece> en = piecesByPa.lowerEntry(lo + d); en != null; en = piecesByPa.lowerEntry(en.getKey())) {
                Piece pc = en.getValue();
                if (covers(pc.pa, pc.len, lo, hi, d)) {
                    lastHit = pc;
                    return;
                }
                if (hi > (pc.pa + pc.len + d - 1 & -d)) {
                    break;
                }
            }
            for (Piece pc : pinnedPieces.values()) {
                if (covers(pc.pa, pc.len, lo, hi, d)) {
                    return;
                }
            }
        }
        violations.add(ar + " reads outside every granted range");
    }

    /** Whether the beats [lo, hi) lie within the {@code d}-byte words that PA range [pa, pa + len) touches. */
    private static boolean covers(long pa, long len, long lo, long hi, long d) {
        return lo >= (pa & -d) && hi <= (pa + len + d - 1 & -d);
    }

    // ---- queries ----

    public boolean delivered(int conn, long bytesReceived) {
        Conn c = conn(conn);
        return c.bytesCompleted == c.bytesPosted && bytesReceived == c.bytesPosted && c.toPost.isEmpty();
    }

    /** Teardown of every stopped connection (see {@link #teardown}). */
    public void teardownStopped() {
        for (Conn c : conns.values()) {
            if (c.stopped) {
                teardown(c.s.conn());
            }
        }
    }

    /** The connection stopped (the adapter stopped it, or its blocks could not be pinned): no more is posted on it. */
    private void stop(Conn c) {
        c.stopped = true;
        anyStopped = true;
    }

    /**
     * True when some connection still waits for completions and none has stopped: then the world is
     * certainly not done (a cheap answer for the common case; false says nothing).
     */
    public boolean waitingForCompletions() {
        return uncompleted != 0 && !anyStopped;
    }

    public boolean stopped(int conn) {
        return conn(conn).stopped;
    }

    public long bytesPosted(int conn) {
        return conn(conn).bytesPosted;
    }

    public long bytesCompleted(int conn) {
        return conn(conn).bytesCompleted;
    }

    /** The digest of what the application posted (SHA-256, or a payload-free run's range fingerprint). */
    public String sentSha256(int conn) {
        return conn(conn).sent.hex();
    }

    /** What {@link #sentSha256} is ("SHA-256", "range fingerprint"). */
    public String digestName(int conn) {
        return conn(conn).sent.name();
    }

    public AddressSpace addressSpace(int conn) {
        return conn(conn).as;
    }

    /** The first byte of the connection's send buffer (the application's data starts here). */
    public long bufferBase(int conn) {
        return conn(conn).bufBase;
    }

    /** The TCP sequence number of the byte at {@code va} of the connection's send buffer (the stream is contiguous from its ISS). */
    public int seqOf(int conn, long va) {
        Conn c = conn(conn);
        return c.s.iss() + (int) (va - c.bufBase);
    }

    public List<String> violations() {
        return violations;
    }

    /** Defined errors (FAULT answers, failed pins, refused CSR accesses), with the reason a person can act on. */
    public List<String> errors() {
        return errors;
    }

    public List<AdapterEvent> events() {
        return events;
    }

    /** CSR accesses issued and not yet answered. */
    public long csrOutstanding() {
        return csrWrites - csrResponses.size();
    }

    public List<CsrResponse> csrResponses() {
        return csrResponses;
    }

    public int grantsOutstanding() {
        return grants.size() + pinnedPieces.size();
    }

    public String pinReport() {
        List<Piece> ps = new ArrayList<>(pinnedPieces.values());
        ps.sort(java.util.Comparator.comparingLong(Piece::va));
        return "tags holding pins: " + grants.keySet() + ", PREPINNED pieces still pinned: " + ps.size()
                + (ps.isEmpty() ? "" : " " + ps.subList(0, Math.min(8, ps.size())) + (ps.size() > 8 ? " ..." : ""));
    }

    /** Every piece of work the driver owes the adapter or the pager is done (nothing being pinned, posted or freed). */
    public boolean idle() {
        // Counted, not compared with cpuFreeAt: other events of that last cycle may run before the CPU's.
        if (cpuQueued != 0) {
            return false;
        }
        for (Conn c : conns.values()) {
            if (c.inService != 0) {
                return false;
            }
        }
        return true;
    }

    public Stats stats() {
        return new Stats(hostRequests, retransmitRequests, faultsAnswered, releases, completions, descriptorsPosted, doorbells,
                bytesPushed, extentsAnswered, retransmitsFromSwap, pinCalls, cpuBusyCycles);
    }
}
