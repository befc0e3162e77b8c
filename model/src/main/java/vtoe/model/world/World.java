package vtoe.model.world;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.TxFramerModel;
import vtoe.model.host.AddressSpace;
import vtoe.model.host.DataStorage;
import vtoe.model.host.FrameData;
import vtoe.model.payload.PayloadMode;
import vtoe.model.payload.StreamDigest;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.host.StorageController;
import vtoe.model.host.VirtualMemory;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.Release;

/**
 * Everything around the adapter (design brief sections 6 and 7): physical memory with a paging
 * virtual memory and its data storage, the device driver, and per connection a lossy link pair and
 * the destination TCP receiver. The adapter is either the Verilated RTL (the co-simulation's bus
 * models call the output methods here) or the standalone TLM; the world does not know which.
 *
 * <p>{@link #failures()} is the end-of-run verdict: received stream equals sent stream (SHA-256) on
 * every connection that was not stopped on purpose, no pin left behind, no page evicted while pinned,
 * no DMA read outside what was granted, and the virtual memory's own invariants.
 */
public final class World implements AdapterOutputs {
    /**
     * @param frames       4 KiB frames the pager may use for send buffers (RAM; fewer than the data means swapping)
     * @param storageRead  page-in service time of the storage controller
     * @param storageWrite page-out service time
     * @param channels     storage requests served at once
     * @param hostRequest  driver CPU time to serve one m_hostreq
     * @param release      driver CPU time per m_release
     * @param completion   driver CPU time per m_completion
     * @param post         driver CPU time to ring one doorbell
     */
    public record Config(int frames, Latency storageRead, Latency storageWrite, int channels, Latency hostRequest, Latency release,
            Latency completion, Latency post, Driver.Config driver, int hogPages, long hogInterval) {
        public Config {
            if (frames < 8) {
                throw new IllegalArgumentException("the pager needs at least 8 frames, got " + frames);
            }
            if (channels < 1) {
                throw new IllegalArgumentException("the storage controller needs at least one channel, got " + channels);
            }
            if (hogPages < 0 || (hogPages > 0 && hogInterval < 1)) {
                throw new IllegalArgumentException("a memory hog needs pages >= 0 and an interval of at least 1 cycle, got " + hogPages
                        + " pages every " + hogInterval + " cycles");
            }
        }

        /** Plenty of RAM, a quick host, no other process competing for memory. */
        public static Config defaults() {
            return new Config(16384, new Latency(2000, 0.5), new Latency(2000, 0.5), 2, new Latency(50, 0.5), Latency.fixed(10),
                    Latency.fixed(10), Latency.fixed(10), Driver.Config.defaults(), 0, 0);
        }

        public Config withFrames(int n) {
            return new Config(n, storageRead, storageWrite, channels, hostRequest, release, completion, post, driver, hogPages,
                    hogInterval);
        }

        public Config withHostRequest(Latency l) {
            return new Config(frames, storageRead, storageWrite, channels, l, release, completion, post, driver, hogPages, hogInterval);
        }

        public Config withStorage(Latency read, Latency write) {
            return new Config(frames, read, write, channels, hostRequest, release, completion, post, driver, hogPages, hogInterval);
        }

        public Config withDriver(Driver.Config d) {
            return new Config(frames, storageRead, storageWrite, channels, hostRequest, release, completion, post, d, hogPages,
                    hogInterval);
        }

        /**
         * Another process that keeps writing its own {@code pages}, one every {@code interval} cycles, so
         * that send-buffer pages nobody touched for a while are swapped out (the OS's choice, not ours).
         * More pages than frames make it thrash: a steady stream of evictions.
         */
        public Config withMemoryHog(int pages, long interval) {
            return new Config(frames, storageRead, storageWrite, channels, hostRequest, release, completion, post, driver, pages,
                    interval);
        }
    }

    /** PA of the first pager frame; the driver's kernel memory (descriptor regions) lies below. */
    public static final long POOL_BASE = 32L << 20;

    private final AdapterParams p;
    private final Timeline t;
    private final Config cfg;
    private final PayloadMode mode;
    private final Function<String, UniformRandomProvider> streams;
    private final AdapterPorts ports;
    private final DataStorage storage;
    private final StorageController controller;
    private final VirtualMemory vm;
    private final Driver driver;
    private final Map<Integer, Destination> peers = new LinkedHashMap<>();
    private final Map<Integer, ConnSetup> setups = new LinkedHashMap<>();
    /**
     * Connections that may not be done: set when one opens or the driver posts for it, cleared when {@link #done}
     * finds it done. A connection once done stays done until more is posted (delivery, a stop and a destination's
     * finish never go back), so done() looks at each connection once per posting instead of at every connection
     * after every event (quadratic in the connections: a run of 65536 did not finish in 15 minutes).
     */
    private final BitSet unsettled = new BitSet();

    public World(AdapterParams p, Timeline t, PhysicalMemory mem, AdapterPorts ports, Config cfg,
            Function<String, UniformRandomProvider> streams) {
        this(p, t, mem, ports, cfg, streams, PayloadMode.FULL, FrameData.of(mem));
    }

    /**
     * With payload in {@code mode}: the full mode's bytes in {@code mem}, or, payload-free, kernel
     * memory alone in {@code mem} and the pool's frames in {@code frames} ({@link vtoe.model.host.RangeFrameData}).
     */
    public World(AdapterParams p, Timeline t, PhysicalMemory mem, AdapterPorts ports, Config cfg,
            Function<String, UniformRandomProvider> streams, PayloadMode mode, FrameData frames) {
        long need = POOL_BASE + (long) cfg.frames() * Driver.PAGE;
        if (frames.size() < need) {
            throw new IllegalArgumentException(cfg.frames() + " frames need " + need + " bytes of physical memory, there are "
                    + frames.size());
        }
        this.p = p;
        this.mode = mode;
        this.t = t;
        this.cfg = cfg;
        this.streams = streams;
        this.ports = ports;
        this.storage = new DataStorage();
        this.controller = new StorageController(t, storage, cfg.storageRead().sampler(streams.apply("storage-read")),
                cfg.storageWrite().sampler(streams.apply("storage-write")), cfg.channels());
        this.vm = new VirtualMemory(frames, POOL_BASE, cfg.frames(), t, controller);
        this.driver = new Driver(p, t, mem, vm, ports, cfg.driver(), new Driver.ServiceTimes(
                cfg.hostRequest().sampler(streams.apply("driver-hostreq")), cfg.release().sampler(streams.apply("driver-release")),
                cfg.completion().sampler(streams.apply("driver-completion")), cfg.post().sampler(streams.apply("driver-post"))),
                POOL_BASE).payload(mode);
        driver.onPost(unsettled::set);
        if (cfg.hogPages() > 0) {
            AddressSpace as = vm.newAddressSpace("hog");
            long base = 0x1000_0000L;
            as.map(base, (long) cfg.hogPages() * Driver.PAGE);
            t.after(cfg.hogInterval(), () -> hog(as, base, 0));
        }
    }

    /**
     * One access of the memory hog: a page fault waits for the storage controller like anyone's (a
     * pin for the duration of the write is how an access that may fault is modelled), so the hog
     * slows down when it thrashes instead of flooding the controller with page-outs.
     */
    private void hog(AddressSpace as, long base, long i) {
        long va = base + (i % cfg.hogPages()) * Driver.PAGE;
        as.pin(va, 1, r -> {
            if (r.ok()) {
                as.write(va, new byte[] {(byte) i});
                as.unpin(va, 1);
            }
            // It runs as long as the simulation does: runs end on done(), never on an empty event queue.
            t.after(cfg.hogInterval(), () -> hog(as, base, i + 1));
        });
    }

    /** Opens a connection: the peer and its links, then the driver programs the adapter. */
    public Peer open(ConnSetup s) {
        Peer peer = new Peer(s, t, streams, ports::rxFrame, StreamDigest.of(mode, s.conn()));
        open(s, peer);
        return peer;
    }

    /**
     * Opens a connection whose destination the caller made (a Linux socket that has already done its
     * handshake with the host): the driver programs the adapter, and the adapter's frames go there.
     */
    public void open(ConnSetup s, Destination d) {
        if (peers.containsKey(s.conn())) {
            throw new IllegalArgumentException("connection " + s.conn() + " is already open");
        }
        peers.put(s.conn(), d);
        setups.put(s.conn(), s);
        unsettled.set(s.conn());
        driver.open(s);
    }

    /** The port into the adapter's s_axis_rx (for destinations the caller makes). */
    public AdapterPorts ports() {
        return ports;
    }

    /** The timeline the world runs on. */
    public Timeline timeline() {
        return t;
    }

    /** The run's named random streams. */
    public UniformRandomProvider stream(String name) {
        return streams.apply(name);
    }

    public void send(int conn, byte[] data) {
        driver.send(conn, data);
    }

    /** Payload-free: the next {@code len} bytes of the connection's stream, as ranges ({@link Driver#sendStream}). */
    public void sendStream(int conn, long len) {
        driver.sendStream(conn, len);
    }

    /** How this world represents payload. */
    public PayloadMode payloadMode() {
        return mode;
    }

    // ---- the adapter's outputs ----

    @Override
    public void hostRequest(HostRequest r) {
        driver.hostRequest(r);
    }

    @Override
    public void release(Release r) {
        driver.release(r);
    }

    @Override
    public void completion(Completion c) {
        driver.completion(c);
    }

    @Override
    public void event(AdapterEvent e) {
        driver.event(e);
    }

    @Override
    public void csrResponse(CsrResponse r) {
        driver.csrResponse(r);
    }

    @Override
    public void dmaRead(DmaReadRequest ar) {
        driver.dmaRead(ar);
    }

    /** A frame from m_axis_tx: to the peer its source port names (frames of no open connection go nowhere). */
    @Override
    public void txFrame(Bytes frame) {
        Destination peer = peers.get(TxFramerModel.connOf(frame, p.numConns()));
        if (peer != null) {
            peer.fromAdapter(frame);
        }
    }

    // ---- state and verdict ----

    public boolean delivered(int conn) {
        return driver.delivered(conn, peers.get(conn).bytesReceived());
    }

    /** Every open connection either delivered all its bytes or was stopped by the adapter. */
    public boolean done() {
        if (driver.waitingForCompletions()) {
            return false;
        }
        for (int c = unsettled.nextSetBit(0); c >= 0; c = unsettled.nextSetBit(c + 1)) {
            if (!delivered(c) && !driver.stopped(c) || !peers.get(c).finished()) {
                return false;
            }
            unsettled.clear(c);
        }
        return driver.idle();
    }

    public boolean allDelivered() {
        return setups.keySet().stream().allMatch(this::delivered);
    }

    /**
     * Everything that makes a run fail; empty means it passed. Stopped connections (a FAULT or retry
     * limit the test provoked) are exempt from the stream comparison but not from the pin and
     * memory checks.
     */
    public List<String> failures() {
        List<String> f = new ArrayList<>();
        for (int c : setups.keySet()) {
            peers.get(c).failures().forEach(m -> f.add("connection " + c + ": " + m));
            if (driver.stopped(c)) {
                continue;
            }
            String got = peers.get(c).sha256();
            String want = driver.sentSha256(c);
            if (!delivered(c)) {
                f.add("connection " + c + ": " + driver.bytesCompleted(c) + " of " + driver.bytesPosted(c) + " bytes acknowledged, "
                        + peers.get(c).bytesReceived() + " received");
            } else if (!got.equals(want)) {
                f.add("connection " + c + ": received stream differs from the sent one (" + driver.digestName(c) + " " + got + " vs "
                        + want + ")");
            }
        }
        if (driver.grantsOutstanding() != 0) {
            f.add("pins left by the adapter at the end: " + driver.pinReport());
        }
        // The memory hog may be caught between its pin and its unpin; only pins of the send buffers count.
        List<String> ledger = vm.pinLedger().stream().filter(l -> !l.contains("space hog ")).toList();
        if (!ledger.isEmpty()) {
            f.add("pages still pinned at the end: " + ledger);
        }
        if (vm.evictionsOfPinnedPages() != 0) {
            f.add(vm.evictionsOfPinnedPages() + " pinned page(s) were picked for eviction");
        }
        try {
            vm.checkInvariants();
        } catch (IllegalStateException e) {
            f.add("virtual memory invariant broken: " + e.getMessage());
        }
        driver.violations().forEach(v -> f.add("host side violation: " + v));
        return f;
    }

    /** The run's figures (issue 5's summary fields that the world knows). */
    public record Figures(long bytes, boolean sha256Match, long retransmissions, long retransmitsFromSwap, long pageIns,
            long pageOuts, long pins, int maxPinnedPages, long hostRequests, long faults, long framesLost, long framesCorrupted) {}

    public Figures figures() {
        long bytes = 0;
        boolean match = true;
        long lost = 0;
        long corrupted = 0;
        for (int c : setups.keySet()) {
            bytes += driver.bytesPosted(c);
            match &= peers.get(c).sha256().equals(driver.sentSha256(c)) && delivered(c);
            Destination peer = peers.get(c);
            lost += peer.toPeer().stats().lost() + peer.fromPeer().stats().lost();
            corrupted += peer.toPeer().stats().corrupted() + peer.fromPeer().stats().corrupted();
        }
        VirtualMemory.Stats v = vm.stats();
        Driver.Stats d = driver.stats();
        return new Figures(bytes, match, d.retransmitRequests(), d.retransmitsFromSwap(), v.pageIns() + v.syncPageIns(), v.pageOuts(), d.pins(),
                v.maxPinnedPages(), d.hostRequests(), d.faultsAnswered(), lost, corrupted);
    }

    public Driver driver() {
        return driver;
    }

    public VirtualMemory vm() {
        return vm;
    }

    public StorageController storageController() {
        return controller;
    }

    /**
     * Our own receiver's end of a connection, null if the connection is not open (one to another kind
     * of destination is an error here).
     */
    public Peer peer(int conn) {
        Destination d = peers.get(conn);
        if (d == null || d instanceof Peer) {
            return (Peer) d;
        }
        throw new IllegalArgumentException("connection " + conn + " goes to " + peers.get(conn) + ", not to our own receiver");
    }

    public Destination destination(int conn) {
        return peers.get(conn);
    }

    public Config config() {
        return cfg;
    }

    public String diagnostics() {
        StringBuilder s = new StringBuilder();
        for (int c : setups.keySet()) {
            s.append("  conn ").append(c).append(" ").append(setups.get(c).modeName()).append(": posted ")
                    .append(driver.bytesPosted(c)).append(", completed ").append(driver.bytesCompleted(c)).append(", received ")
                    .append(peers.get(c).bytesReceived()).append(driver.stopped(c) ? ", STOPPED" : "").append("\n    ")
                    .append(peers.get(c).stats()).append("\n    link to peer ").append(peers.get(c).toPeer().stats())
                    .append("\n    link from peer ").append(peers.get(c).fromPeer().stats()).append("\n");
        }
        VirtualMemory.Stats v = vm.stats();
        if (!driver.events().isEmpty()) {
            s.append("  adapter events: ").append(driver.events().stream().limit(8).map(AdapterEvent::describe).toList()).append("\n");
        }
        return s + "  vm: " + v + "\n  driver: " + driver.stats() + "\n  pins: " + driver.pinReport()
                + (driver.errors().isEmpty() ? "" : "\n  driver errors: " + driver.errors().subList(0, Math.min(5, driver.errors().size())));
    }
}
