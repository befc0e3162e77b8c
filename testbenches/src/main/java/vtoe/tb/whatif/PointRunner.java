package vtoe.tb.whatif;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import vtoe.cosim.Dut;
import vtoe.cosim.DutOptions;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.net.Link;
import vtoe.model.payload.PayloadMode;
import vtoe.model.standalone.RetainedCopy;
import vtoe.model.standalone.StandaloneAdapter;
import vtoe.model.standalone.StandaloneWorld;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.PortShim;
import vtoe.model.world.RunProbe;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.rtlcfg.RtlBuilds;
import vtoe.tb.rtlcfg.RtlConfig;
import vtoe.tb.stim.RunStreams;
import vtoe.tb.world.WorldTb;

/**
 * Runs one {@link Point} with one seed and measures it: on the standalone TLM (the default, fast)
 * or on the RTL co-simulation with the TLM in lockstep (to confirm a point; every lockstep and
 * end-of-run check applies). Both runs build the same world from the point and watch the wires
 * with the same {@link RunProbe}, so their metrics are comparable name by name.
 */
public final class PointRunner {
    /** Cycles per second of the adapter clock all rates are quoted at. */
    public static final double CLOCK_HZ = 250e6;

    /**
     * What the loaded RTL build says about itself, read once: its parameters and state sizes, bits per
     * connection of its connection state, one retained entry and its configuration, and the staging buffer.
     */
    record Elaborated(AdapterParams params, long stateBitsPerConnection, long stagingBytes, long connStateBits, long ringEntryBits,
            long connCfgBits) {
        /**
         * Per-connection state bits and staging bytes of the adapter {@code c}: this build's own figures when it is
         * that configuration, else its widths with c's retained entries and tags (a point's TLM run need not wait for
         * a build; the connection state's few ring-pointer bits that grow with retained are left out).
         */
        State state(RtlConfig c) {
            if (c.equals(RtlConfig.of(params))) {
                return new State(stateBitsPerConnection, stagingBytes);
            }
            AdapterParams q = c.params();
            return new State(connStateBits + ringEntryBits * q.retained() + connCfgBits, (long) q.tags() * q.slotBytes());
        }
    }

    /** On-adapter state of one configuration: bits per connection, and the staging buffer's bytes. */
    record State(long bitsPerConnection, long stagingBytes) {}

    private static Elaborated elaborated;

    static synchronized Elaborated elaborated() {
        if (elaborated == null) {
            try (Dut d = Dut.open(DutOptions.of("VtoeAdapter"))) {
                JsonNode s = d.elaboration().get("stateBits");
                elaborated = new Elaborated(d.params(), s.get("perConnection").asLong(), s.get("stagingBytes").asLong(),
                        s.get("connState").asLong(), s.get("ringEntry").asLong(), s.get("connCfg").asLong());
            }
        }
        return elaborated;
    }

    private PointRunner() {}

    /** Why {@code p} cannot run on the RTL, or null if it can (on the default build or on a build of its own configuration). */
    public static String rtlRefusal(Point p) {
        if (p.mode().equals("COPY_RETAIN")) {
            return "COPY_RETAIN is the TLM-only baseline; the RTL implements the method";
        }
        return null;
    }

    /**
     * The adapter a point runs on, on the TLM and on the RTL alike: the default build's parameters with the
     * point's datapath, tags and retained entries, and its connections rounded up to a power of two but never
     * fewer than the default build's 64 (so that every point of up to 64 connections and default widths runs
     * on the build Maven made, and the TLM's figures do not move with the connection count below it).
     */
    public static RtlConfig config(Point p) {
        RtlConfig d = RtlConfig.defaults();
        int conns = Math.max(d.numConns(), Integer.highestOneBit(Math.max(1, p.connections() - 1)) << 1);
        return new RtlConfig(conns, p.dataBytes(), p.tags(), p.retained(), d.other());
    }

    /** Whether {@code c} is the configuration of the co-simulation library this JVM loads (else it needs a build and a JVM of its own). */
    public static boolean onLoadedBuild(RtlConfig c) {
        return c.equals(RtlConfig.of(elaborated().params()));
    }

    static AdapterParams tlmParams(Point p) {
        return config(p).params();
    }

    static World.Config world(Point p) {
        Latency storage = new Latency(p.storageLatency(), 0.5);
        long prepin = Math.max(p.prepinKiB() * 1024L, p.blockBytes() + 2L * Driver.PAGE);
        return new World.Config(p.ramKiB() / 4, storage, storage, 2, new Latency(p.hostLatency(), p.hostCv()), Latency.fixed(10),
                Latency.fixed(10), Latency.fixed(10), new Driver.Config(p.blockBytes(), regionBytes(p), prepin, Math.max(20_000, 2 * p.rtt())),
                p.hogKiB() / 4, 20);
    }

    /**
     * Each connection's descriptor region: 16 KiB (512 descriptors) while the kernel memory below the pool holds that
     * many (up to 1984 connections, as always), else the largest power of two it holds for every connection (4 KiB at
     * 4096 connections, 256 bytes at 65536: 8 descriptors, which bounds what the driver posts at once, not what it sends).
     */
    static int regionBytes(Point p) {
        long kernel = World.POOL_BASE - Driver.KERNEL_BASE;
        long each = kernel / p.connections();
        return each >= 16384 ? 16384 : (int) Math.max(64, Long.highestOneBit(each));
    }

    static ConnSetup setup(Point p, int conn) {
        Link.Config link = Link.Config.ideal(p.rtt() / 2).withLoss(p.loss());
        int mode = switch (p.mode()) {
            case "PUSH" -> CsrMap.MODE_PUSH;
            case "TRANSLATE" -> CsrMap.MODE_TRANSLATE;
            default -> CsrMap.MODE_PREPINNED; // COPY_RETAIN sends first from PAs given up front, as a conventional driver does
        };
        return ConnSetup.of(conn, mode).withMss(p.mss()).withRto(p.effectiveRto()).withScaledWindow(p.window())
                .withLinks(link, link);
    }

    /** COPY_RETAIN's ring per connection: a power of two above the window plus a segment, and 128 KiB at least (as before scaling). */
    static int copyRing(Point p, AdapterParams ap) {
        return Math.max(1 << 17, Integer.highestOneBit(p.window() + ap.slotBytes()) << 1);
    }

    static long maxCycles(Point p) {
        return Math.max(50_000_000L, p.bytes() * p.connections() * 2000);
    }

    private static byte[] data(Point p, long seed, int conn) {
        byte[] d = new byte[Math.toIntExact(p.bytes())];
        new RunStreams(seed).stream("whatif-payload-" + conn).nextBytes(d);
        return d;
    }

    /** The point on the standalone TLM, with payload (every other caller's choice; whatif's default is {@link PayloadMode#NONE}). */
    public static RunResult tlm(Point p, long seed) {
        return tlm(p, seed, PayloadMode.FULL);
    }

    /** The point on the standalone TLM with payload in {@code payload}: the same run and metrics, payload-free without its bytes. */
    public static RunResult tlm(Point p, long seed, PayloadMode payload) {
        long t0 = System.nanoTime();
        AdapterParams ap = tlmParams(p);
        RetainedCopy copy = null;
        if (p.mode().equals("COPY_RETAIN")) {
            BitSet all = new BitSet();
            all.set(0, p.connections());
            copy = new RetainedCopy(ap, all, copyRing(p, ap), p.cardLatency());
        }
        RetainedCopy c = copy;
        RunProbe probe = new RunProbe(ap, pa -> c != null && c.holds(pa));
        List<PortShim> shims = new ArrayList<>(List.of(probe));
        if (copy != null) {
            shims.add(copy);
        }
        String context = "whatif TLM " + p.values() + " seed 0x" + Long.toHexString(seed) + " payload " + payload.name().toLowerCase(java.util.Locale.ROOT);
        try {
            StandaloneWorld w = new StandaloneWorld(ap, world(p), StandaloneAdapter.Timing.defaults(), new RunStreams(seed)::stream,
                    () -> context, shims, payload);
            for (int i = 0; i < p.connections(); i++) {
                w.open(setup(p, i));
            }
            long start = w.cycle();
            for (int i = 0; i < p.connections(); i++) {
                int conn = i;
                w.send(i, p.bytes(), n -> data(p, seed, conn));
            }
            List<String> failures = w.finish(maxCycles(p));
            return result(p, seed, "tlm", failures, w.world, probe, copy, w.cycle() - start, t0);
        } catch (RuntimeException e) {
            return failed(p, seed, "tlm", e, t0);
        }
    }

    /**
     * The point on the RTL co-simulation, the TLM in lockstep. A point whose {@link #config} is not the loaded
     * library's runs on a build of its configuration ({@link RtlBuilds}, built first if the cache lacks it) in a
     * child JVM that loads that build ({@link RtlPointChild}): a JVM holds one co-simulation library.
     */
    public static RunResult rtl(Point p, long seed) {
        long t0 = System.nanoTime();
        String refusal = rtlRefusal(p);
        if (refusal != null) {
            throw new IllegalArgumentException("cannot run on the RTL: " + refusal);
        }
        RtlConfig want = config(p);
        if (!onLoadedBuild(want)) {
            RtlBuilds builds = RtlBuilds.forCheckout();
            return RtlPointChild.run(p, seed, builds.cached(want).orElseGet(() -> builds.get(want)), t0);
        }
        RunProbe probe = new RunProbe(elaborated().params());
        try (WorldTb tb = new WorldTb(SimRun.of("Whatif", "rtl", seed), AdapterTb.Timing.fast(), world(p), List.of(probe))) {
            for (int i = 0; i < p.connections(); i++) {
                tb.open(setup(p, i));
            }
            long start = tb.h.dut.cycle();
            for (int i = 0; i < p.connections(); i++) {
                tb.world.send(i, data(p, seed, i));
            }
            List<String> failures = new ArrayList<>();
            try {
                tb.finish(maxCycles(p));
            } catch (AssertionError | RuntimeException e) {
                failures.add(e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
            }
            return result(p, seed, "rtl", failures, tb.world, probe, null, tb.h.dut.cycle() - start, t0);
        } catch (RuntimeException e) {
            return failed(p, seed, "rtl", e, t0);
        }
    }

    static RunResult failed(Point p, long seed, String engine, RuntimeException e, long t0) {
        Map<String, Double> m = new LinkedHashMap<>();
        RunResult.METRICS.keySet().forEach(k -> m.put(k, Double.NaN));
        m.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
        return new RunResult(p, seed, engine, false, why, m, (System.nanoTime() - t0) / 1e9);
    }

    private static RunResult result(Point p, long seed, String engine, List<String> failures, World w, RunProbe probe, RetainedCopy copy,
            long cycles, long t0) {
        World.Figures f = w.figures();
        Driver.Stats d = w.driver().stats();
        RunProbe.Figures pf = probe.figures();
        RetainedCopy.Figures cf = copy == null ? null : copy.figures();
        double seconds = cycles / CLOCK_HZ;
        long delivered = 0;
        int stopped = 0;
        for (int i = 0; i < p.connections(); i++) {
            delivered += w.peer(i).receiver().bytesReceived();
            stopped += w.driver().stopped(i) ? 1 : 0;
        }
        if (stopped > 0) {
            // The world exempts a stopped connection from the stream check (fault tests stop them on purpose); a study's
            // point never means to, and its goodput would silently leave that stream out.
            failures = new ArrayList<>(failures);
            failures.add(stopped + " of " + p.connections() + " connection(s) stopped (retry limit or fault) with their streams undelivered");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("goodput_gbps", delivered * 8 / seconds / 1e9);
        m.put("cycles", (double) cycles);
        m.put("retransmitted_frames", (double) pf.retransmittedFrames());
        m.put("retransmit_requests", (double) pf.retransmitRequests());
        m.put("retransmits_from_swap", (double) f.retransmitsFromSwap());
        long timed = pf.retransmitLatency().getTotalCount();
        m.put("retx_swapped_share", timed == 0 ? Double.NaN : (double) pf.retransmitLatencySwapped().getTotalCount() / timed);
        m.put("host_requests", (double) d.hostRequests());
        m.put("pins", (double) d.pins());
        m.put("translations", (double) d.extentsAnswered());
        m.put("page_ins", (double) f.pageIns());
        m.put("page_outs", (double) f.pageOuts());
        m.put("host_cpu_util", cycles == 0 ? 0 : Math.min(1, (double) d.cpuBusyCycles() / cycles));
        m.put("host_bus_bytes", (double) pf.hostBusBytes());
        State st = elaborated().state(config(p));
        double state = Math.ceil(st.bitsPerConnection() * p.connections() / 8.0) + st.stagingBytes();
        double copyBytes = copy == null ? 0 : pf.unackedPeakBytes();
        m.put("adapter_state_bytes", state);
        m.put("copy_bytes", copyBytes);
        m.put("adapter_memory_bytes", state + copyBytes);
        m.put("unacked_peak_bytes", (double) pf.unackedPeakBytes());
        m.put("copy_bandwidth_gbps", cf == null ? 0 : (cf.bytesWritten() + cf.bytesRead()) * 8 / seconds / 1e9);
        percentiles(m, "retx", pf.retransmitLatency(), true);
        percentiles(m, "retx_swapped", pf.retransmitLatencySwapped(), false);
        percentiles(m, "retx_resident", pf.retransmitLatencyResident(), false);
        percentiles(m, "send", pf.sendLatency(), false);
        double wall = (System.nanoTime() - t0) / 1e9;
        m.put("wall_seconds", wall);
        return new RunResult(p, seed, engine, failures.isEmpty(), failures.isEmpty() ? null : String.join("; ", failures), m, wall);
    }

    /** Percentiles of a latency histogram; NaN where there was nothing to measure (so means skip the run). */
    private static void percentiles(Map<String, Double> m, String name, Histogram h, boolean full) {
        boolean none = h.getTotalCount() == 0;
        m.put(name + "_p50", none ? Double.NaN : h.getValueAtPercentile(50));
        if (full) {
            m.put(name + "_p90", none ? Double.NaN : h.getValueAtPercentile(90));
        }
        m.put(name + "_p99", none ? Double.NaN : h.getValueAtPercentile(99));
        if (full) {
            m.put(name + "_max", none ? Double.NaN : h.getMaxValue());
        }
    }
}
