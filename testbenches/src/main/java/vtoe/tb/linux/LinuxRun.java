package vtoe.tb.linux;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import vtoe.model.AdapterParams;
import vtoe.model.linux.LinuxNet;
import vtoe.model.linux.LinuxPeer;
import vtoe.model.net.Link;
import vtoe.model.net.TsharkCheck;
import vtoe.model.standalone.StandaloneAdapter;
import vtoe.model.standalone.StandaloneWorld;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.Latency;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.stim.RunStreams;
import vtoe.tb.world.WorldTb;

/**
 * Streams from the adapter to sockets of the Linux kernel: {@code connections} connections in one
 * mode, each to its own socket of one listening application in a namespace of the run's own
 * ({@link LinuxNet}), over our lossy links, from swapped virtual memory. Runs on the RTL with the TLM in
 * lockstep ({@link #rtl}) or on the standalone TLM ({@link #tlm}); the verdict is the same for both:
 * every socket delivered exactly the bytes sent (its SHA-256, as the application in the namespace
 * computed it), the kernel counted no checksum or other input error, tshark finds no bad frame in the
 * run's pcap, the TCP sender rules hold, and pins, grants and (on the RTL) the scoreboard are clean.
 */
public final class LinuxRun {
    /**
     * @param mode        PUSH, TRANSLATE or PREPINNED ({@code CsrMap.MODE_*})
     * @param connections connections at once, each to its own socket
     * @param bytes       bytes per connection
     * @param link        each link, both directions
     * @param rto         the adapter's RTO in cycles
     * @param world       the host (RAM, pager, storage, driver)
     */
    public record Spec(int mode, int connections, long bytes, Link.Config link, long rto, World.Config world, LinuxNet.Config net) {
        public Spec {
            if (connections < 1 || bytes < 1) {
                throw new IllegalArgumentException("a Linux run needs at least one connection and one byte, got " + connections + " x "
                        + bytes);
            }
        }
    }

    /**
     * What one run measured.
     *
     * @param engine                 {@code RTL+TLM} (co-simulation with lockstep) or {@code TLM} (standalone)
     * @param socketsMatched         sockets whose application reported exactly the bytes sent (count and SHA-256)
     * @param retransmissions        data frames the adapter sent again
     * @param retransmissionsKernelHad of those, frames whose every byte had reached the kernel before (our count)
     * @param retransmissionsAlreadyAcked of those, frames the kernel had acknowledged before they were sent (spurious)
     * @param probes                 one-byte probes into a zero window, as the sender rules counted them
     * @param senderRuleFindings     violations per TCP sender rule, report-only ones included
     * @param kernel                 the namespace's counters that judge or explain the run ({@code Tcp.*}, {@code TcpExt.*})
     * @param waits                  times the simulation stood still waiting for the kernel; {@code waitedSeconds} in all
     * @param budgetsExhausted       silences in which the kernel said nothing within the wait budget
     * @param tsharkProblems         frames of the adapter or the host that tshark finds bad (must be 0)
     * @param tsharkKernelFrames     frames of the kernel that tshark flags (checksum 0xFFFF, valid by RFC 1624), with examples
     */
    public record Result(String mode, String engine, boolean pass, List<String> failures, int connections, int socketsMatched,
            long bytes, long cycles,
            double wallSeconds, double bytesPerWallSecond, long dataFrames, long retransmissions, long retransmissionsKernelHad,
            long retransmissionsAlreadyAcked, long probes, long linkDuplicatesToKernel, long pageOuts, long retransmitsFromSwap,
            Map<String, Long> kernel, Map<String, Long> senderRuleFindings, long waits, double waitedSeconds, long budgetsExhausted,
            int tsharkProblems, int tsharkKernelFrames, List<String> tsharkKernelExamples, long pcapFrames, String pcap, long transactionsCompared, String kernelRelease, String reproduce,
            List<Integer> kernelWndShifts) {}

    /** Counters read from the namespace after the run. */
    static final List<String> COUNTERS = List.of("Tcp.InSegs", "Tcp.OutSegs", "Tcp.InErrs", "Tcp.InCsumErrors", "Tcp.RetransSegs",
            "Tcp.EstabResets", "TcpExt.DelayedACKs", "TcpExt.DelayedACKLost", "TcpExt.TCPOFOQueue", "TcpExt.TCPOFODrop",
            "TcpExt.TCPOFOMerge", "TcpExt.TCPRcvQDrop", "TcpExt.TCPZeroWindowDrop", "TcpExt.TCPWantZeroWindowAdv",
            "TcpExt.TCPToZeroWindowAdv", "TcpExt.TCPFromZeroWindowAdv", "TcpExt.TCPPureAcks", "TcpExt.TCPHPHits");

    private LinuxRun() {}

    /** The world of a Linux run: far less RAM than the streams, and a memory hog, so pages are swapped between sends. */
    public static World.Config pressured(AdapterParams p, int connections) {
        Driver.Config d = new Driver.Config(8192, 16384, 32 << 10, 20_000);
        int pinnable = p.tags() * (p.slotBytes() / Driver.PAGE + 2) + connections * (int) (d.prepinBytes() / Driver.PAGE + 2);
        return World.Config.defaults().withFrames(pinnable + 48).withMemoryHog(64, 20)
                .withStorage(new Latency(400, 0.5), new Latency(400, 0.5)).withDriver(d);
    }

    /** The default run of the demo and the test: loss each way, duplicates and reordering too, a 3000-cycle link. */
    public static Spec spec(int mode, int connections, long bytes, double loss, World.Config world) {
        Link.Config link = Link.Config.ideal(3000).withImpairments(loss, loss / 5, loss, 1500, 0);
        return new Spec(mode, connections, bytes, link, 20_000, world, LinuxNet.Config.defaults());
    }

    static byte[] data(long seed, int conn, long bytes) {
        byte[] d = new byte[Math.toIntExact(bytes)];
        new RunStreams(seed).stream("payload-" + conn).nextBytes(d);
        return d;
    }

    static Path pcapOf(SimRun sim, String engine) {
        return Path.of("target", "linux", sim.testClass(), sim.method() + "-" + engine + "[seed=" + sim.seedHex() + "].pcap");
    }

    /** On the Verilated RTL with the TLM in lockstep on every port. */
    public static Result rtl(SimRun sim, Spec spec, LongConsumer progress, String reproduce) {
        List<String> failures = new ArrayList<>();
        try (WorldTb tb = new WorldTb(sim, AdapterTb.Timing.fast(), spec.world())) {
            try (LinuxNet net = new LinuxNet(tb.h.sched, tb.streams()::stream, spec.net(), pcapOf(sim, "rtl"),
                    logOf(sim, "rtl"))) {
                long t0 = System.nanoTime();
                long c0 = tb.h.dut.cycle();
                List<LinuxPeer> peers = new ArrayList<>();
                for (int c = 0; c < spec.connections(); c++) {
                    peers.add(tb.openLinux(net, base(c, spec)));
                }
                send(tb.world, peers, spec, sim.seed());
                try {
                    tb.finish(Math.max(50_000_000, spec.bytes() * spec.connections() * 200),
                            () -> progress.accept(peers.stream().mapToLong(LinuxPeer::bytesReceived).sum()));
                } catch (AssertionError | RuntimeException e) {
                    failures.add(e.getMessage() == null ? e.toString() : e.getMessage());
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                return result(spec, "RTL+TLM", failures, net, peers, tb.h.dut.cycle() - c0, wall, tb.h.lockstep.compared(), reproduce,
                        tb.world, tb.h.senderRules);
            }
        }
    }

    /** On the standalone TLM (no RTL), in the same world. */
    public static Result tlm(SimRun sim, Spec spec, LongConsumer progress, String reproduce) {
        AdapterParams p = AdapterTb.elaboratedParams();
        StandaloneWorld w = new StandaloneWorld(p, spec.world(), StandaloneAdapter.Timing.defaults(), new RunStreams(sim.seed())::stream,
                sim::context);
        List<String> failures = new ArrayList<>();
        try (LinuxNet net = new LinuxNet(w.kernel, w.streams(), spec.net(), pcapOf(sim, "tlm"), logOf(sim, "tlm"))) {
            long t0 = System.nanoTime();
            long c0 = w.cycle();
            List<LinuxPeer> peers = new ArrayList<>();
            for (int c = 0; c < spec.connections(); c++) {
                peers.add(w.openLinux(net, base(c, spec)));
            }
            send(w.world, peers, spec, sim.seed());
            long most = Math.max(50_000_000, spec.bytes() * spec.connections() * 200);
            long step = 1_000_000;
            try {
                // In slices, for the progress bar; finish() itself is one call with the whole budget left.
                while (!(w.adapter.quiet() && w.world.done()) && w.cycle() - c0 < most - step) {
                    w.kernel.runUntil(() -> w.adapter.quiet() && w.world.done(), w.cycle() + step);
                    progress.accept(peers.stream().mapToLong(LinuxPeer::bytesReceived).sum());
                }
                failures.addAll(w.finish(Math.max(1, most - (w.cycle() - c0))));
            } catch (RuntimeException e) {
                failures.add(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            return result(spec, "TLM", failures, net, peers, w.cycle() - c0, wall, 0, reproduce, w.world, w.senderRules);
        }
    }

    private static Path logOf(SimRun sim, String engine) {
        return Path.of("target", "linux", sim.testClass(), sim.method() + "-" + engine + "-helper.log");
    }

    private static ConnSetup base(int c, Spec spec) {
        return ConnSetup.of(c, spec.mode()).withLinks(spec.link(), spec.link()).withRto(spec.rto());
    }

    private static void send(World world, List<LinuxPeer> peers, Spec spec, long seed) {
        for (LinuxPeer p : peers) {
            int c = p.setup().conn();
            world.send(c, data(seed, c, spec.bytes()));
            p.closeAfter(spec.bytes(), () -> world.driver().bytesCompleted(c));
        }
    }

    private static Result result(Spec spec, String engine, List<String> failures, LinuxNet net, List<LinuxPeer> peers, long cycles,
            double wall, long compared, String reproduce, World world, vtoe.model.check.TcpSenderRules rules) {
        World.Figures wf = world.figures();
        int matched = 0;
        for (LinuxPeer p : peers) {
            int c = p.setup().conn();
            if (p.finished() && p.failures().isEmpty() && p.bytesReceived() == world.driver().bytesPosted(c)
                    && p.sha256().equals(world.driver().sentSha256(c))) {
                matched++;
            }
        }
        Map<String, Long> k = new LinkedHashMap<>();
        try {
            JsonNode all = net.kernelCounters();
            for (String name : COUNTERS) {
                String[] g = name.split("\\.");
                JsonNode v = all.path(g[0]).path(g[1]);
                if (!v.isMissingNode()) {
                    k.put(name, v.asLong());
                }
            }
            for (String bad : List.of("Tcp.InCsumErrors", "Tcp.InErrs")) {
                if (k.getOrDefault(bad, 0L) != 0) {
                    failures.add("the kernel counted " + k.get(bad) + " " + bad + " (frames it rejected)");
                }
            }
        } catch (RuntimeException e) {
            failures.add("could not read the kernel's counters: " + e.getMessage());
        }
        net.close(); // the pcap must be complete before tshark reads it
        TsharkCheck.Report ts = TsharkCheck.check(net.pcapFile());
        // Only the adapter's and the host's frames are judged. The kernel's are not ours to fail on: it
        // sends some ACKs with checksum 0xFFFF, the one's-complement "negative zero" that RFC 1624 says
        // receivers must accept and tshark flags as bad; they are counted apart.
        List<TsharkCheck.Problem> ours = ts.problems().stream().filter(pr -> net.fromUs(pr.frame())).toList();
        List<TsharkCheck.Problem> kernels = ts.problems().stream().filter(pr -> !net.fromUs(pr.frame())).toList();
        if (!ours.isEmpty()) {
            failures.add("tshark found " + ours.size() + " bad frame(s) from the adapter or the host in " + net.pcapFile() + ", the first: "
                    + ours.get(0));
        }
        long data = 0;
        long retx = 0;
        long had = 0;
        long acked = 0;
        long dups = 0;
        List<Integer> shifts = new ArrayList<>();
        for (LinuxPeer p : peers) {
            LinuxPeer.Stats s = p.counts();
            shifts.add(s.kernelWndShift());
            data += s.dataFrames();
            retx += s.retransmissions();
            had += s.retransmissionsTheKernelHad();
            acked += s.retransmissionsAlreadyAcked();
            dups += p.toPeer().stats().duplicated();
        }
        LinuxNet.Stats ns = net.stats();
        Map<String, Long> findings = new java.util.TreeMap<>();
        rules.violationCounts().forEach((rule, n) -> findings.put(rule.name(), n));
        long bytes = spec.bytes() * spec.connections();
        return new Result(new String[] {"PUSH", "TRANSLATE", "PREPINNED"}[spec.mode()], engine, failures.isEmpty(), failures,
                spec.connections(), matched, bytes, cycles, Math.round(wall * 1000) / 1000.0, Math.round(bytes / wall), data, retx, had, acked, rules.counters().probes(), dups, wf.pageOuts(), wf.retransmitsFromSwap(), k, findings,
                ns.waits(), Math.round(ns.waitedSeconds() * 1000) / 1000.0, ns.budgetsExhausted(), ours.size(), kernels.size(),
                kernels.stream().map(Object::toString).limit(3).toList(),
                ts.frames().size(), net.pcapFile().toString(), compared, net.tap().hello().kernelRelease(), reproduce, shifts);
    }
}
