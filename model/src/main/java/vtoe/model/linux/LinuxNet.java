package vtoe.model.linux;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.net.ParseResult;
import vtoe.model.net.PcapWriter;
import vtoe.model.net.TcpFrame;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;
import vtoe.model.world.ConnSetup;

/**
 * The Linux kernel as the destination of a run: one TAP in a namespace of its own ({@link TapBridge})
 * serving every {@link LinuxPeer} of the run, and the coupling of simulated time to the kernel's
 * wall-clock time.
 *
 * <h2>Time</h2>
 * A simulated millisecond takes seconds of wall time (the co-simulation runs at a few hundred
 * thousand cycles a second, the standalone TLM at a few million), while the kernel's timers run on the
 * wall clock. Left alone, the two would disagree in the worst place: while the adapter only waits for
 * ACKs, the simulation races through idle cycles, and the ACK that the kernel delays by 40 ms of wall
 * time (its delayed-ACK timer; up to 200 ms) arrives after thousands of simulated microseconds, past
 * the adapter's RTO: a spurious retransmission that no real link of that length would cause.
 *
 * <p>So the simulation waits for the kernel on purpose, and only when the kernel owes it something:
 * every {@link Config#pollCycles} cycles the world takes what the kernel sent (frames, socket
 * reports); if nothing came and the kernel has owed an answer for {@link Config#answerCycles} of
 * simulated time (a SYN or FIN that reached it unanswered, data that reached it at its ACK point and
 * is not yet acknowledged, its application's report), the world blocks on the TAP without advancing
 * the clock until the kernel says something, for at most {@link Config#waitBudgetMillis} of wall
 * time per silence. A silence ends when a frame goes to the kernel or comes from it. A kernel that
 * never answers (a frame our link corrupted, which it drops) costs the budget once; then simulated
 * time runs on and the adapter's timer does what it would on a real link. A kernel that misses
 * only bytes our link lost owes nothing: it sent its duplicate ACKs when the later bytes came.
 *
 * <p>So the kernel answers within {@code answerCycles} of simulated time whatever the wall clock
 * does (its delayed ACK of 40 ms included, a descheduled JVM thread too), which is a host that
 * answers about as fast as the link's length allows: its delayed ACKs cannot cause retransmissions,
 * and the retransmissions a run shows are the adapter's own. The price: a run against the kernel is
 * not reproducible cycle for cycle (when a kernel frame enters the simulation depends on wall time),
 * only in its verdict.
 *
 * <h2>Capture</h2>
 * The run's pcap holds every frame at the two ends' own interfaces: what the adapter and the host
 * sent (before our link impairs it) and what the kernel sent (as read from the TAP).
 */
public final class LinuxNet implements AutoCloseable {
    /**
     * @param tapMac            the kernel's MAC on the TAP
     * @param peerIp            the kernel's address (the listening socket's)
     * @param prefix            its prefix length; the adapter's address must lie within it (on-link)
     * @param peerPort          where the application listens
     * @param ourMac            the adapter's MAC, one for all its connections (a static ARP entry in the namespace)
     * @param ourIp             the adapter's address
     * @param pollCycles        how often the simulation takes what the kernel sent
     * @param answerCycles      how long in simulated time the kernel may owe an answer before the world waits for it
     * @param waitBudgetMillis  the longest wall-clock wait for the kernel in one silence (above its 200 ms delayed-ACK maximum)
     * @param synTimeoutCycles  the host's SYN retransmission timeout
     * @param synRetries        SYN (and FIN) retries before the host gives up
     * @param finTimeoutCycles  the host's FIN retransmission timeout
     * @param forward           the namespace routes, so a frame to an unroutable address earns an ICMP error
     * @param stallCycles       0: the application reads at once; else it reads nothing until the kernel has
     *                          advertised a zero window and this many simulated cycles have passed since (a reader
     *                          that stalls: the adapter has to probe the closed window), then everything
     */
    public record Config(long tapMac, int peerIp, int prefix, int peerPort, long ourMac, int ourIp, long pollCycles, long answerCycles,
            long waitBudgetMillis, long synTimeoutCycles, int synRetries, long finTimeoutCycles, boolean forward, long stallCycles) {
        public Config {
            if (pollCycles < 1 || answerCycles < 0 || waitBudgetMillis < 0 || synTimeoutCycles < 1 || synRetries < 0
                    || finTimeoutCycles < 1 || prefix < 1 || prefix > 30 || stallCycles < 0) {
                throw new IllegalArgumentException("bad Linux peer configuration " + this);
            }
            int mask = -1 << (32 - prefix);
            if ((peerIp & mask) != (ourIp & mask)) {
                throw new IllegalArgumentException("the adapter's address " + ip(ourIp) + " is not on the kernel's link "
                        + ip(peerIp) + "/" + prefix + ": the kernel would route its answers elsewhere");
            }
        }

        /**
         * 10.0.1.1/16 listening on 5001, the adapter at 10.0.0.1; the kernel answers within 1000 cycles
         * of simulated time, the world waiting up to 300 ms per silence (the kernel delays an ACK 200 ms at most).
         */
        public static Config defaults() {
            return new Config(0x02_00_00_00_01_01L, 0x0a00_0101, 16, 5001, 0x02_00_00_00_00_01L, 0x0a00_0001, 128, 1000, 300, 400_000,
                    4, 400_000, true, 0);
        }

        public Config withPeer(int ip, int port) {
            return new Config(tapMac, ip, prefix, port, ourMac, ourIp, pollCycles, answerCycles, waitBudgetMillis, synTimeoutCycles,
                    synRetries, finTimeoutCycles, forward, stallCycles);
        }

        public Config withWaitBudget(long millis) {
            return new Config(tapMac, peerIp, prefix, peerPort, ourMac, ourIp, pollCycles, answerCycles, millis, synTimeoutCycles,
                    synRetries, finTimeoutCycles, forward, stallCycles);
        }

        public Config withStalledReader(long cycles) {
            return new Config(tapMac, peerIp, prefix, peerPort, ourMac, ourIp, pollCycles, answerCycles, waitBudgetMillis, synTimeoutCycles,
                    synRetries, finTimeoutCycles, forward, cycles);
        }

        public Config withSynTimeout(long cycles, int retries) {
            return new Config(tapMac, peerIp, prefix, peerPort, ourMac, ourIp, pollCycles, answerCycles, waitBudgetMillis, cycles,
                    retries, finTimeoutCycles, forward, stallCycles);
        }
    }

    /** How the simulation and the kernel got on (wall-clock waits are what the coupling cost). */
    public record Stats(long framesToKernel, long framesFromKernel, long otherFrames, long waits, double waitedSeconds,
            long budgetsExhausted, double wallSeconds) {}

    /** Runs the simulation until a condition holds (the co-simulation's scheduler, the standalone kernel). */
    @FunctionalInterface
    public interface Runner {
        void runUntil(BooleanSupplier done, long maxCycles);
    }

    private final Timeline t;
    private final Function<String, UniformRandomProvider> streams;
    private final Config cfg;
    private final TapBridge tap;
    private final PcapWriter pcap;
    private final Map<Integer, LinuxPeer> byPort = new LinkedHashMap<>();
    private final java.util.BitSet fromUs = new java.util.BitSet();
    private final long wallStart = System.nanoTime();
    private boolean closed;
    private long episodeWaited;
    private long framesToKernel;
    private long framesFromKernel;
    private long otherFrames;
    private long waits;
    private long waitedNanos;
    private long budgetsExhausted;
    private boolean exhausted;
    private long zeroWindowAt = -1; // first kernel frame with a zero window (for the stalled reader)
    private boolean readersReleased;

    /**
     * Starts the namespace (fails with one sentence if this machine cannot run it) and the polling.
     *
     * @param pcap where the run's frames go
     * @param log  the namespace helper's stderr
     */
    public LinuxNet(Timeline t, Function<String, UniformRandomProvider> streams, Config cfg, Path pcap, Path log) {
        this.t = t;
        this.streams = streams;
        this.cfg = cfg;
        this.tap = new TapBridge(new TapBridge.Config(cfg.tapMac(), ip(cfg.peerIp()) + "/" + cfg.prefix(), ip(cfg.ourIp()), cfg.ourMac(),
                cfg.peerPort(), cfg.forward(), cfg.stallCycles() > 0, log));
        this.pcap = new PcapWriter(pcap);
        t.after(cfg.pollCycles(), this::poll);
    }

    /**
     * The host opens connection {@code conn} to the kernel: sends the SYN and returns at once; the
     * connection is {@link LinuxPeer#established()} or {@link LinuxPeer#failed()} later.
     *
     * @param base       mode, MSS offered, RTO, links and receive buffer of the connection; addresses and
     *                   sequence numbers come from here and from the handshake
     * @param toAdapter  the adapter's s_axis_rx
     */
    public LinuxPeer connect(int conn, ConnSetup base, Consumer<Bytes> toAdapter) {
        return connect(conn, base, toAdapter, cfg.peerIp(), cfg.peerPort());
    }

    /** {@link #connect(int, ConnSetup, Consumer)} to another address or port than the application's (error cases). */
    public LinuxPeer connect(int conn, ConnSetup base, Consumer<Bytes> toAdapter, int ip, int port) {
        ConnSetup template = base.withAddresses(cfg.ourMac(), cfg.tapMac(), cfg.ourIp(), ip, port);
        if (byPort.containsKey(template.ourPort())) {
            throw new IllegalArgumentException("connection " + conn + " is already connected to the Linux peer");
        }
        LinuxPeer p = new LinuxPeer(conn, template, this, base.toPeer(), base.fromPeer(), toAdapter,
                streams.apply("host-isn-" + conn).nextInt());
        byPort.put(template.ourPort(), p);
        p.sendSyn();
        return p;
    }

    /**
     * {@link #connect} and run until the handshake is done; a RST, an ICMP error or no SYN-ACK is an
     * {@link IllegalStateException} saying which.
     */
    public LinuxPeer handshake(int conn, ConnSetup base, Consumer<Bytes> toAdapter, Runner run) {
        return handshake(conn, base, toAdapter, run, cfg.peerIp(), cfg.peerPort());
    }

    /** {@link #handshake(int, ConnSetup, Consumer, Runner)} to another address or port (error cases). */
    public LinuxPeer handshake(int conn, ConnSetup base, Consumer<Bytes> toAdapter, Runner run, int ip, int port) {
        LinuxPeer p = connect(conn, base, toAdapter, ip, port);
        long most = (cfg.synRetries() + 2L) * cfg.synTimeoutCycles();
        run.runUntil(() -> p.established() || p.failed(), most);
        if (p.failed() || !p.established()) {
            throw new IllegalStateException("connection " + conn + " to the Linux peer " + ip(ip) + ":" + port
                    + " could not be opened: " + (p.failures().isEmpty() ? "no answer within " + most + " cycles" : p.failures().get(0)));
        }
        return p;
    }

    // ---- frames ----

    /** A frame of ours reaches the TAP (after our link). */
    void toKernel(Bytes frame) {
        if (closed) {
            return;
        }
        framesToKernel++;
        episodeWaited = 0;
        exhausted = false;
        tap.write(frame);
        ParseResult r = TcpFrame.parse(frame);
        if (r.ok()) {
            LinuxPeer p = byPort.get(r.frame().srcPort());
            if (p != null) {
                p.reachedKernel(r.frame());
            }
        }
    }

    /** A frame the adapter or the host sent, into the capture (before our link). */
    void captureFromUs(Bytes frame) {
        fromUs.set(pcap.frames());
        pcap.write(t.now() * 4, frame);
    }

    /** Whether frame {@code number} of the pcap (1-based, as tshark counts) is one the adapter or the host sent. */
    public boolean fromUs(int number) {
        return fromUs.get(number - 1);
    }

    private void fromKernel(Bytes frame) {
        framesFromKernel++;
        episodeWaited = 0;
        exhausted = false;
        pcap.write(t.now() * 4, frame);
        LinuxPeer p = null;
        if (isIcmp(frame)) {
            p = byPort.get(icmpQuotedSourcePort(frame));
        } else {
            ParseResult r = TcpFrame.parse(frame);
            if (r.ok()) {
                p = byPort.get(r.frame().dstPort());
                if (p != null) {
                    p.leftKernel(r.frame());
                }
                if (r.frame().window() == 0 && (r.frame().flags() & TcpFrame.SYN) == 0 && zeroWindowAt < 0) {
                    zeroWindowAt = t.now();
                }
            }
        }
        if (p == null) {
            otherFrames++; // not for any connection of ours (the namespace has IPv6 off and a static ARP entry: rare)
            return;
        }
        p.fromKernel(frame);
    }

    private boolean takeFromKernel() {
        boolean any = false;
        for (Bytes f = tap.frames().poll(); f != null; f = tap.frames().poll()) {
            fromKernel(f);
            any = true;
        }
        for (TapBridge.SocketResult r = tap.results().poll(); r != null; r = tap.results().poll()) {
            LinuxPeer p = byPort.get(r.peerPort());
            if (p != null) {
                p.reported(r);
            }
            any = true;
            episodeWaited = 0;
            exhausted = false;
        }
        return any;
    }

    private void poll() {
        if (closed) {
            return;
        }
        boolean any = takeFromKernel();
        if (!any && waitingForKernel()) {
            waitForKernel();
        }
        for (LinuxPeer p : byPort.values()) {
            p.tick(t.now());
        }
        if (cfg.stallCycles() > 0 && !readersReleased && zeroWindowAt >= 0 && t.now() - zeroWindowAt >= cfg.stallCycles()) {
            readersReleased = true;
            tap.releaseReaders();
        }
        t.after(cfg.pollCycles(), this::poll);
    }

    private boolean waitingForKernel() {
        if (exhausted) {
            return false;
        }
        for (LinuxPeer p : byPort.values()) {
            p.refreshOwed(false); // what is owed also changes as our link delivers or loses the kernel's frames
            if (p.owedSince() >= 0 && t.now() - p.owedSince() >= cfg.answerCycles()) {
                return true;
            }
        }
        return false;
    }

    /** Blocks (simulated time stands still) until the kernel says something or this silence's budget is spent. */
    private void waitForKernel() {
        long budget = TimeUnit.MILLISECONDS.toNanos(cfg.waitBudgetMillis());
        long t0 = System.nanoTime();
        waits++;
        Bytes first = null;
        try {
            while (episodeWaited + (System.nanoTime() - t0) < budget) {
                long left = budget - episodeWaited - (System.nanoTime() - t0);
                Bytes f = tap.frames().poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(2)), TimeUnit.NANOSECONDS);
                if (f != null) {
                    first = f;
                    break;
                }
                if (!tap.results().isEmpty() || !tap.alive()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Linux peer", e);
        }
        long waited = System.nanoTime() - t0;
        waitedNanos += waited;
        episodeWaited += waited;
        boolean heard = first != null;
        if (heard) {
            fromKernel(first); // the queue's head: what came after it is taken next, in order
        }
        heard |= takeFromKernel();
        if (!heard && episodeWaited >= budget) {
            exhausted = true; // simulated time runs on until a frame goes to the kernel or comes from it
            budgetsExhausted++;
        }
        if (!tap.alive()) {
            throw new IllegalStateException("the Linux peer's helper died: " + tap.errors());
        }
    }

    // ---- ICMP ----

    static boolean isIcmp(Bytes f) {
        return f.length() >= 14 + 20 + 8 && (f.get(12) & 0xff) == 0x08 && f.get(13) == 0 && f.get(14 + 9) == 1;
    }

    private static int icmpQuotedSourcePort(Bytes f) {
        int icmp = 14 + (f.get(14) & 0xf) * 4;
        int inner = icmp + 8;
        if (f.length() < inner + 20 + 4) {
            return -1;
        }
        int tcp = inner + (f.get(inner) & 0xf) * 4;
        return f.length() < tcp + 2 ? -1 : (f.get(tcp) & 0xff) << 8 | f.get(tcp + 1) & 0xff;
    }

    /** An ICMP error as a person reads it: type, code and what it quotes. */
    static String describeIcmp(Bytes f) {
        int icmp = 14 + (f.get(14) & 0xf) * 4;
        int type = f.get(icmp) & 0xff;
        int code = f.get(icmp + 1) & 0xff;
        String from = ip((f.get(26) & 0xff) << 24 | (f.get(27) & 0xff) << 16 | (f.get(28) & 0xff) << 8 | f.get(29) & 0xff);
        String what = switch (type) {
            case 3 -> "destination unreachable (" + switch (code) {
                case 0 -> "network unreachable";
                case 1 -> "host unreachable";
                case 2 -> "protocol unreachable";
                case 3 -> "port unreachable";
                case 4 -> "fragmentation needed";
                case 13 -> "administratively prohibited";
                default -> "code " + code;
            } + ")";
            case 11 -> "time exceeded (code " + code + ")";
            case 12 -> "parameter problem (code " + code + ")";
            default -> "type " + type + " code " + code;
        };
        return "ICMP " + what + " from " + from;
    }

    static String ip(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    // ---- what the owner asks ----

    Timeline timeline() {
        return t;
    }

    UniformRandomProvider stream(String name) {
        return streams.apply(name);
    }

    public Config config() {
        return cfg;
    }

    public TapBridge tap() {
        return tap;
    }

    public Path pcapFile() {
        return pcap.file();
    }

    /** The namespace's TCP counters now ({@code Tcp.*} from /proc/net/snmp, {@code TcpExt.*} from /proc/net/netstat). */
    public JsonNode kernelCounters() {
        return tap.counters();
    }

    /** The cycle the kernel first advertised a zero window, -1 if it never did. */
    public long zeroWindowAt() {
        return zeroWindowAt;
    }

    public Stats stats() {
        return new Stats(framesToKernel, framesFromKernel, otherFrames, waits, waitedNanos / 1e9, budgetsExhausted,
                (System.nanoTime() - wallStart) / 1e9);
    }

    /** Stops polling, closes the capture and ends the namespace (idempotent; always call it, failed run or not). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            pcap.close();
        } finally {
            tap.close();
        }
    }
}
