package vtoe.tb.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.net.Link;
import vtoe.model.world.World;
import vtoe.tb.plot.Charts;
import vtoe.tb.plot.Series;
import vtoe.tb.rtlcfg.RtlBuild;
import vtoe.tb.rtlcfg.RtlBuilds;
import vtoe.tb.rtlcfg.RtlConfig;

/**
 * Issue 7, benchmark 7: how wall time grows with the number of connections and with the bytes sent,
 * on the standalone TLM and on the RTL co-simulation, as tables and one PNG with two log-log charts.
 * Connection counts beyond the normal build's run on a build of the RTL with {@link #SCALE_CONNS}
 * connections from the configuration cache ({@link RtlBuilds}: made once, kept while the RTL is unchanged),
 * in a child JVM that loads it.
 */
final class ScaleBench {
    private ScaleBench() {}

    static final int[] TLM_CONNS = {1, 4, 16, 64, 256, 1024};
    static final long TOTAL = 2L << 20;
    static final long[] BYTES = {256L << 10, 1L << 20, 4L << 20, 16L << 20};

    /** Connections of the larger RTL build: {@code -Dvtoe.scaleConns}, else 1024. */
    static final int SCALE_CONNS = Integer.getInteger("vtoe.scaleConns", 1024);

    private static RtlBuild scaleBuild;

    /** The larger build from the configuration cache: the default configuration with {@link #SCALE_CONNS} connections. */
    private static synchronized RtlBuild scaleBuild() {
        if (scaleBuild == null) {
            scaleBuild = RtlBuilds.forCheckout().get(RtlConfig.defaults().withNumConns(SCALE_CONNS));
        }
        return scaleBuild;
    }

    /** What building the RTL with more connections costs, measured once (the bench does not re-measure it). */
    static final String RTL_BUILD = "Building a 1024-connection RTL is cheap, so the bench does it rather than leave the RTL "
            + "rows out (`./scripts/rtl-build --conns 1024` makes the same build; `--list` shows what each step took): the connection state, configuration and retained ring are memories (st_1024x325, cfgMem_1024x515, "
            + "ring_16384x257). Measured once on this 2-core machine (VtoeAdapter through Chisel and firtool, Verilator 5.006 "
            + "`--cc`, g++ -O3 with one job): 64 connections 7 s to elaborate, 0.6 MB of SystemVerilog, 5.3 MB of C++, 29 s to "
            + "compile, 0.3 GB peak; 256 connections 5 s, 1.1 MB, 6.1 MB, 63 s, 0.5 GB; 1024 connections 7 s, 2.8 MB, 9.7 MB, "
            + "129 s, 0.5 GB. Running it is another matter: what grows is ConnStateUnit's per-connection summary bits "
            + "(eligible, retire pending, draining, timer due) and the priority encoders over them, 2.3 of the 2.8 MB, and "
            + "Verilator evaluates all of them every cycle.";

    /** {@code conns} TRANSLATE connections of {@code bytesPerConn} each over ideal 1000-cycle links, RAM for all of it. */
    static WorldPair.Scenario scenario(int conns, long bytesPerConn) {
        long total = conns * bytesPerConn;
        int frames = (int) Math.max(16384, total / 4096 + 4096);
        return new WorldPair.Scenario("scale", conns, new int[] {CsrMap.MODE_TRANSLATE}, bytesPerConn, Link.Config.ideal(1000), 20_000,
                65535, World.Config.defaults().withFrames(frames));
    }

    /** The TLM built for {@code conns}: the RTL's parameters up to its 64 connections, as many as needed beyond. */
    static AdapterParams tlmParams(int conns) {
        return AdapterParams.adapterDefaults().withNumConns(Math.max(64, Integer.highestOneBit(Math.max(1, conns - 1)) << 1));
    }

    /** One x: the RTL run on the normal build (null beyond its connections), on the scale build (null if not run), the TLM run. */
    record Point(long x, long bytes, WorldPair.Run rtl, WorldPair.Run rtlBig, WorldPair.Run tlm) {}

    private static int bigConns = -1;

    /** Runs both sweeps and appends the section; the chart goes to {@code png}, named in the text as {@code pngRef}. */
    static void section(StringBuilder md, Path png, String pngRef, int reps, int rtlConns) {
        scaleBuild(); // first: a build (minutes, once) must not share the machine with the runs being timed
        // JIT warm-up (the speed section may have done it already; a few seconds more do no harm).
        long warm = System.nanoTime() + 4_000_000_000L;
        for (int i = 0; System.nanoTime() < warm; i++) {
            int n = TLM_CONNS[i % 4];
            WorldPair.tlm(scenario(n, TOTAL / n), 500 + i, tlmParams(n));
        }
        List<Point> conns = new ArrayList<>();
        for (int n : TLM_CONNS) {
            WorldPair.Scenario s = scenario(n, TOTAL / n);
            WorldPair.Run rtl = n <= rtlConns ? WorldPair.rtl(s, 1) : null;
            WorldPair.Run big = n >= rtlConns ? rtlBig(n, TOTAL / n) : null;
            WorldPair.Run tlm = tlmMedian(s, reps, tlmParams(n));
            conns.add(new Point(n, s.totalBytes(), rtl, big, tlm));
            System.out.printf("scale: %d connections: RTL %s s, RTL scale build %s s, TLM %.3f s%n", n, wall(rtl), wall(big),
                    tlm.wallSeconds());
        }
        List<Point> bytes = new ArrayList<>();
        for (long b : BYTES) {
            WorldPair.Scenario s = scenario(1, b);
            WorldPair.Run rtl = WorldPair.rtl(s, 1);
            WorldPair.Run tlm = tlmMedian(s, reps, tlmParams(1));
            bytes.add(new Point(b, b, rtl, null, tlm));
            System.out.printf("scale: %d bytes: RTL %s s, TLM %.3f s%n", b, wall(rtl), tlm.wallSeconds());
        }
        double idle = idleCyclesPerSecond();
        double idleBig = rtlBigIdle();
        write(md, conns, bytes, pngRef, reps, rtlConns);
        md.append(String.format("Idle, the Verilated adapter alone (native loop, no Java per cycle) clocks %.0f cycles/s with %d "
                + "connections%s.%n%n", idle, rtlConns, Double.isNaN(idleBig) ? "" : String.format(" and %.0f with %d (%s)", idleBig,
                        bigConns, idleComparison(idle / idleBig))));
        plot(conns, bytes, png);
    }

    /**
     * How the larger build's idle speed compares, {@code ratio} being the smaller build's cycles/s over the
     * larger's; within 15%, about the run-to-run noise of this machine, it is called the same speed.
     */
    static String idleComparison(double ratio) {
        if (ratio > 1.15) {
            return String.format("%.1fx slower for every cycle, busy or not, while the TLM's work per segment hardly changes with the "
                    + "connections it holds", ratio);
        }
        if (ratio < 1 / 1.15) {
            return String.format("%.1fx faster per cycle", 1 / ratio);
        }
        return "within 15% of it per cycle, about this machine's run-to-run noise";
    }

    private static String wall(WorldPair.Run r) {
        return r == null ? "-" : "%.2f".formatted(r.wallSeconds());
    }

    /** The run with the median wall time of {@code reps} (the same simulation each time). */
    private static WorldPair.Run tlmMedian(WorldPair.Scenario s, int reps, AdapterParams p) {
        List<WorldPair.Run> runs = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            WorldPair.Run r = WorldPair.tlm(s, 1, p);
            if (!r.ok()) {
                throw new IllegalStateException("the TLM run of " + s.conns() + " x " + s.bytesPerConn() + " bytes failed: " + r.failures());
            }
            runs.add(r);
        }
        runs.sort((a, b) -> Double.compare(a.wallSeconds(), b.wallSeconds()));
        return runs.get(runs.size() / 2);
    }

    /** One run on the larger build, in a child JVM (a JVM loads one co-simulation library). */
    private static WorldPair.Run rtlBig(int conns, long bytesPerConn) {
        String[] f = child("rtl-point", Integer.toString(conns), Long.toString(bytesPerConn));
        return new WorldPair.Run(Long.parseLong(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]), List.of(), 0);
    }

    /** Cycles per second of the larger build doing nothing. */
    private static double rtlBigIdle() {
        String[] f = child("rtl-idle");
        return Double.parseDouble(f[2]);
    }

    /** Cycles per second of the normal build doing nothing: the native loop alone. */
    static double idleCyclesPerSecond() {
        return idleSpeeds()[0];
    }

    /**
     * The idle adapter's cycles per wall second and per CPU second of the simulating thread, over at least a
     * second: where the two differ, other load on the shared machine took the CPU away; where they agree, it only
     * slowed the model down.
     */
    static double[] idleSpeeds() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (vtoe.cosim.Dut d = vtoe.cosim.Dut.open(vtoe.cosim.DutOptions.of("VtoeAdapter"))) {
            d.step(d.cycle() + 20_000);
            long c0 = d.cycle();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long n = 20_000;
            while (System.nanoTime() - t0 < 1_000_000_000L) {
                d.step(d.cycle() + n);
                n *= 2;
            }
            double cycles = d.cycle() - c0;
            return new double[] {cycles / ((System.nanoTime() - t0) / 1e9), cycles / ((threads.getCurrentThreadCpuTime() - cpu0) / 1e9)};
        }
    }

    /** {@code WorldPair <args>} in a child JVM on the larger build (built first if the cache lacks it): its POINT/IDLE line split on blanks. */
    private static String[] child(String... args) {
        String[] f = WorldPair.inChild(scaleBuild(), args);
        bigConns = Integer.parseInt(f[1]);
        return f;
    }

    private static void write(StringBuilder md, List<Point> conns, List<Point> bytes, String pngRef, int reps, int rtlConns) {
        boolean big = conns.stream().anyMatch(p -> p.rtlBig() != null);
        md.append("## Scale: connections and bytes (issue 7, benchmark 7)\n\n");
        md.append("Wall time from the first `send` to the end-of-run verdict, TRANSLATE connections over ideal links of 1000 ")
                .append("cycles each way with a 64 KiB window each, RAM for all the data (no paging), seed 1. TLM: the median of ")
                .append(reps).append(" runs after a JIT warm-up; RTL: one run, the TLM in lockstep. Cycles run to the moment ")
                .append("the world is done (every byte delivered and its completion taken).\n\n");
        md.append("**Connections**, ").append(TOTAL >> 20).append(" MiB in all, split evenly (so 1024 connections send ")
                .append(TOTAL / 1024).append(" bytes each, two segments): what the connections cost, not the bytes. The TLM is built with 64 connections up to 64 (the RTL's parameters) and ")
                .append("with as many as it runs beyond. The normal RTL build has ").append(rtlConns).append(" connections; ");
        if (big) {
            md.append("the rows beyond, and the ").append(rtlConns).append("-connection row once more for comparison, run on ")
                    .append("a build elaborated with ").append(bigConns).append(" connections (from the configuration cache, ")
                    .append("`target/rtl-builds/").append(scaleBuild().config().key()).append("/`, which the bench builds when it lacks it).\n\n");
        } else {
            md.append("no larger build ran, so the RTL stops at ").append(rtlConns).append(" connections.\n\n");
        }
        String head = "| RTL build (connections) | RTL wall s | TLM wall s | TLM/RTL | RTL cycles | TLM cycles | RTL s/MiB | TLM s/MiB |\n";
        md.append("| connections | total bytes ").append(head).append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : conns) {
            if (p.rtl() != null || p.rtlBig() == null) {
                row(md, p, p.rtl(), rtlConns);
            }
            if (p.rtlBig() != null) {
                row(md, p, p.rtlBig(), bigConns);
            }
        }
        md.append("\n**Bytes**, one connection.\n\n");
        md.append("| bytes | total bytes ").append(head).append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : bytes) {
            row(md, p, p.rtl(), rtlConns);
        }
        md.append("\n![wall time against connections and bytes](").append(pngRef).append(")\n\n");
        md.append(RTL_BUILD).append("\n\n");
    }

    private static void row(StringBuilder md, Point p, WorldPair.Run r, int build) {
        double mib = p.bytes() / (double) (1 << 20);
        WorldPair.Run t = p.tlm();
        md.append(String.format("| %d | %d | %s | %s | %.3f | %s | %s | %d | %s | %.4f |%n", p.x(), p.bytes(), r == null ? "-" : build,
                wall(r), t.wallSeconds(), r == null ? "-" : "%.0fx".formatted(r.wallSeconds() / t.wallSeconds()),
                r == null ? "-" : Long.toString(r.cycles()), t.cycles(), r == null ? "-" : "%.3f".formatted(r.wallSeconds() / mib),
                t.wallSeconds() / mib));
    }

    private static void plot(List<Point> conns, List<Point> bytes, Path png) {
        try {
            Path dir = Files.createTempDirectory("bench-scale");
            Path left = dir.resolve("conns.png");
            Path right = dir.resolve("bytes.png");
            Charts.lines(new Charts.Spec("Wall time against connections (" + (TOTAL >> 20) + " MiB in all)", "connections",
                    "wall seconds", true, true), series(conns), left, 640, 480);
            Charts.lines(new Charts.Spec("Wall time against bytes sent (one connection)", "bytes sent", "wall seconds", true, true),
                    series(bytes), right, 640, 480);
            BufferedImage a = ImageIO.read(left.toFile());
            BufferedImage b = ImageIO.read(right.toFile());
            BufferedImage both = new BufferedImage(a.getWidth() + b.getWidth(), Math.max(a.getHeight(), b.getHeight()),
                    BufferedImage.TYPE_INT_RGB);
            Graphics2D g = both.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, both.getWidth(), both.getHeight());
            g.drawImage(a, 0, 0, null);
            g.drawImage(b, a.getWidth(), 0, null);
            g.dispose();
            if (png.getParent() != null) {
                Files.createDirectories(png.getParent());
            }
            ImageIO.write(both, "png", png.toFile());
            Files.delete(left);
            Files.delete(right);
            Files.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + png + ": " + e.getMessage(), e);
        }
    }

    private static List<Series> series(List<Point> points) {
        double[] x = points.stream().mapToDouble(Point::x).toArray();
        // The same colours on both charts: RTL, TLM, then the scale build where there is one.
        List<Series> l = new ArrayList<>();
        l.add(Series.of("RTL co-simulation", x, points.stream().mapToDouble(p -> p.rtl() == null ? Double.NaN : p.rtl().wallSeconds())
                .toArray()));
        l.add(Series.of("standalone TLM", x, points.stream().mapToDouble(p -> p.tlm().wallSeconds()).toArray()));
        if (points.stream().anyMatch(p -> p.rtlBig() != null)) {
            l.add(Series.of("RTL co-simulation, " + bigConns + "-connection build", x,
                    points.stream().mapToDouble(p -> p.rtlBig() == null ? Double.NaN : p.rtlBig().wallSeconds()).toArray()));
        }
        return l;
    }
}
