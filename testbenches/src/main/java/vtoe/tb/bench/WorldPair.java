package vtoe.tb.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vtoe.model.AdapterParams;
import vtoe.model.net.Link;
import vtoe.model.payload.PayloadMode;
import vtoe.model.standalone.StandaloneAdapter;
import vtoe.model.standalone.StandaloneWorld;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.rtlcfg.RtlBuild;
import vtoe.tb.stim.RunStreams;
import vtoe.tb.world.WorldTb;

/**
 * One scenario of the speed and scale benches, run the same way on the RTL co-simulation (the TLM in
 * lockstep, {@link WorldTb}) and on the standalone TLM ({@link StandaloneWorld}): {@code conns}
 * connections, each sending {@code bytesPerConn} bytes over its own pair of links, in one world. The
 * wall clock runs from the first {@code send} to the end of the run, verdict included (opening the
 * connections is left out), so both sides are timed over the same simulated work. The cycles run
 * from the first {@code send} to the first cycle the world is done (every byte delivered and its
 * completion taken by the driver): the co-simulation checks that after every Java event, and its
 * end of run comes later, when the lockstep has settled and the DUT has stepped to its next wake-up.
 */
final class WorldPair {
    /** What to run; connection {@code i} uses mode {@code modes[i % modes.length]}. */
    record Scenario(String name, int conns, int[] modes, long bytesPerConn, Link.Config link, long rto, int window,
            World.Config world) {
        ConnSetup setup(int conn) {
            return ConnSetup.of(conn, modes[conn % modes.length]).withLinks(link, link).withRto(rto).withWindow(window, window);
        }

        Scenario withConns(int n) {
            return new Scenario(name, n, modes, bytesPerConn, link, rto, window, world);
        }

        Scenario withBytes(long b) {
            return new Scenario(name, conns, modes, b, link, rto, window, world);
        }

        Scenario withModes(int... m) {
            return new Scenario(name, conns, m, bytesPerConn, link, rto, window, world);
        }

        long totalBytes() {
            return bytesPerConn * conns;
        }
    }

    /**
     * What one run measured: payload bytes delivered, cycles and wall seconds from the first send to
     * the end, and for the TLM the kernel events it ran.
     */
    record Run(long bytes, long cycles, double wallSeconds, List<String> failures, long events) {
        boolean ok() {
            return failures.isEmpty();
        }

        /** Simulated payload bytes per wall-clock second. */
        double bytesPerWallSecond() {
            return bytes / Math.max(1e-6, wallSeconds);
        }

        /** Payload bytes per simulated cycle. */
        double goodput() {
            return (double) bytes / Math.max(1, cycles);
        }
    }

    private WorldPair() {}

    static byte[] data(long bytes, long seed, int conn) {
        byte[] d = new byte[Math.toIntExact(bytes)];
        new java.util.Random(seed * 31 + conn).nextBytes(d);
        return d;
    }

    private static long maxCycles(Scenario s) {
        return Math.max(50_000_000, s.totalBytes() * 400);
    }

    /** The scenario on the Verilated RTL with the TLM in lockstep (throws if the lockstep or the world's checks fail). */
    static Run rtl(Scenario s, long seed) {
        SimRun sim = SimRun.of("Bench", s.name(), seed);
        try (WorldTb tb = new WorldTb(sim, AdapterTb.Timing.fast(), s.world())) {
            if (s.conns() > tb.h.params.numConns()) {
                throw new IllegalArgumentException("the RTL was elaborated with " + tb.h.params.numConns() + " connections, not "
                        + s.conns());
            }
            for (int c = 0; c < s.conns(); c++) {
                tb.open(s.setup(c));
            }
            List<byte[]> d = new ArrayList<>();
            for (int c = 0; c < s.conns(); c++) {
                d.add(data(s.bytesPerConn(), seed, c));
            }
            long c0 = tb.h.dut.cycle();
            long t0 = System.nanoTime();
            for (int c = 0; c < s.conns(); c++) {
                tb.world.send(c, d.get(c));
            }
            long[] doneAt = {-1};
            tb.finish(maxCycles(s), () -> {
                if (doneAt[0] < 0 && tb.world.done()) {
                    doneAt[0] = tb.h.dut.cycle();
                }
            });
            double wall = (System.nanoTime() - t0) / 1e9;
            return new Run(s.totalBytes(), (doneAt[0] < 0 ? tb.h.dut.cycle() : doneAt[0]) - c0, wall, List.of(), 0);
        }
    }

    /** The scenario on the standalone TLM, built with {@code p} (the RTL's parameters, or more connections). */
    static Run tlm(Scenario s, long seed, AdapterParams p) {
        return tlm(s, seed, p, PayloadMode.FULL);
    }

    /** The same with payload in {@code payload} (payload-free: no data is made, the stream goes as ranges). */
    static Run tlm(Scenario s, long seed, AdapterParams p, PayloadMode payload) {
        SimRun sim = SimRun.of("Bench", s.name(), seed);
        StandaloneWorld w = new StandaloneWorld(p, s.world(), StandaloneAdapter.Timing.defaults(), new RunStreams(seed)::stream,
                sim::context, List.of(), payload);
        for (int c = 0; c < s.conns(); c++) {
            w.open(s.setup(c));
        }
        List<byte[]> d = new ArrayList<>();
        for (int c = 0; payload == PayloadMode.FULL && c < s.conns(); c++) {
            d.add(data(s.bytesPerConn(), seed, c));
        }
        long c0 = w.cycle();
        long e0 = w.kernel.executed();
        long t0 = System.nanoTime();
        for (int c = 0; c < s.conns(); c++) {
            int conn = c;
            w.send(c, s.bytesPerConn(), n -> d.get(conn));
        }
        // The standalone run ends at the first event after which the world is done and the adapter quiet:
        // the driver taking the last completion, which leaves the adapter with nothing to do.
        List<String> f = w.finish(maxCycles(s));
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Run(s.totalBytes(), w.cycle() - c0, wall, f, w.kernel.executed() - e0);
    }

    /**
     * {@code WorldPair <args>} in a child JVM that loads build {@code b} (a JVM loads one co-simulation library), or with
     * {@code b} null the library the classpath gives (the default build, PGO unless turned off): its POINT or IDLE line
     * split on blanks.
     */
    static String[] inChild(RtlBuild b, String... args) {
        String library = b == null ? "the default build" : b.library().toString();
        try {
            Process pr = child(b, args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new String(pr.getInputStream().readAllBytes()).lines().filter(l -> l.startsWith("POINT ") || l.startsWith("IDLE "))
                    .findFirst().orElse(null);
            if (pr.waitFor() != 0 || line == null) {
                throw new IllegalStateException("WorldPair " + String.join(" ", args) + " on " + library + " failed (exit "
                        + pr.exitValue() + ")");
            }
            return line.split(" ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code WorldPair <args>} in a JVM of this one's Java and classpath that loads build {@code b} (null: the default build). */
    static ProcessBuilder child(RtlBuild b, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path")));
        if (b != null) {
            cmd.add(b.libraryOption());
        }
        cmd.add("vtoe.tb.bench.WorldPair");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /**
     * {@code WorldPair rtl-point <connections> <bytes per connection>}: one run of {@link ScaleBench}'s
     * scenario on the RTL in this JVM's library (a larger build from the configuration cache, given with -Dvtoe.lib), printed as
     * {@code POINT <elaborated connections> <bytes> <cycles> <wall seconds>}; {@code WorldPair rtl-idle}: the
     * library's adapter doing nothing, printed as {@code IDLE <elaborated connections> <cycles per second> <cycles per CPU second>}.
     * {@code WorldPair <scenario> <seconds> [connections] [bytes]}: runs a speed scenario on the TLM over
     * and over (for a profiler; -Drtl=true for the RTL). {@code WorldPair tlm-server <warm-up seconds> <FULL|NONE>}: the TLM half of the TLM speed
     * bench, driven over standard input and output ({@link TlmServer}).
     */
    public static void main(String[] args) {
        if (args[0].equals("rtl-idle")) {
            double[] idle = ScaleBench.idleSpeeds();
            System.out.printf("IDLE %d %.0f %.0f%n", vtoe.tb.adapter.AdapterTb.elaboratedParams().numConns(), idle[0], idle[1]);
            return;
        }
        if (args[0].equals("rtl-point")) {
            WorldPair.Scenario s = ScaleBench.scenario(Integer.parseInt(args[1]), Long.parseLong(args[2]));
            Run r = rtl(s, 1);
            System.out.printf("POINT %d %d %d %.6f%n", vtoe.tb.adapter.AdapterTb.elaboratedParams().numConns(), r.bytes(), r.cycles(),
                    r.wallSeconds());
            return;
        }
        if (args[0].equals("tlm-server")) {
            try {
                System.exit(TlmServer.serve(System.in, System.out, Double.parseDouble(args[1]), PayloadMode.valueOf(args[2])));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Scenario s = TlmSpeedBench.scenario(args[0]);
        if (args.length > 2) {
            s = s.withConns(Integer.parseInt(args[2]));
        }
        if (args.length > 3) {
            s = s.withBytes(Long.parseLong(args[3]));
        }
        AdapterParams p = ScaleBench.tlmParams(s.conns());
        long end = System.nanoTime() + (long) (Double.parseDouble(args[1]) * 1e9);
        long seed = 1;
        boolean rtl = Boolean.getBoolean("rtl");
        // -Dpayload=both alternates the TLM with payload and the payload-free one seed by seed (the same load on both) and prints their medians.
        String payload = System.getProperty("payload", "full");
        java.util.Map<PayloadMode, List<Double>> walls = new java.util.EnumMap<>(PayloadMode.class);
        do {
            PayloadMode mode = payload.equals("both") ? PayloadMode.values()[(int) (seed % 2)] : PayloadMode.parse(payload);
            Run r = rtl ? rtl(s, seed) : tlm(s, payload.equals("both") ? (seed + 1) / 2 : seed, p, mode);
            walls.computeIfAbsent(mode, m -> new ArrayList<>()).add(r.wallSeconds());
            System.out.printf("%s seed %d: %d bytes, %d cycles, %.3f s, %.0f bytes/s, goodput %.3f B/cycle %s%n", s.name(), seed, r.bytes(),
                    r.cycles(), r.wallSeconds(), r.bytesPerWallSecond(), r.goodput(), r.ok() ? "" : r.failures());
            seed++;
        } while (System.nanoTime() < end);
        walls.forEach((m, w) -> System.out.printf("%s: median %.4f s over %d runs%n", m, TlmSpeedBench.median(w.stream().mapToDouble(x -> x).toArray()), w.size()));
    }
}
