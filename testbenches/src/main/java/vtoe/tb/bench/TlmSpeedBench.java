package vtoe.tb.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.net.Link;
import vtoe.model.payload.PayloadMode;
import vtoe.model.world.World;
import vtoe.tb.world.WorldRun;

/**
 * Issue 7, benchmark 5: simulated payload bytes per wall-clock second of the standalone TLM against
 * the RTL co-simulation (the TLM in lockstep) on the same scenarios, and whether the TLM's timing
 * gives the RTL's goodput (bytes delivered per simulated cycle, mean over seeds: one seed alone
 * diverges chaotically once a loss hits a different frame).
 */
final class TlmSpeedBench {
    private TlmSpeedBench() {}

    static final int[] ALL_MODES = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED};
    /** Seconds of runs the profile of the slowest row samples. */
    static final double PROFILE_SECONDS = 10;
    static final double TARGET_RATIO = 100;
    static final double TARGET_GOODPUT = 0.05;

    /** The demo's world: 192 KiB of RAM, a thrashing memory hog, 1% loss each way, 3000 cycles each way. */
    static WorldPair.Scenario pressured(int mode) {
        return new WorldPair.Scenario("pressured", 1, new int[] {mode}, 2L << 20,
                Link.Config.ideal(3000).withImpairments(0.01, 0.002, 0.01, 1500, 0), 20_000, 65535, WorldRun.pressured());
    }

    /** A LAN at line rate: ideal link of 1000 cycles each way, plenty of RAM, a quick host. */
    static WorldPair.Scenario lan(int mode) {
        return new WorldPair.Scenario("lan", 1, new int[] {mode}, 4L << 20, Link.Config.ideal(1000), 20_000, 65535,
                World.Config.defaults());
    }

    /** A WAN: 25,000 cycles each way (RTT 50,000 = 200 us at 250 MHz), 64 KiB window, 0.1% loss each way. */
    static WorldPair.Scenario wan(int mode) {
        return new WorldPair.Scenario("wan", 1, new int[] {mode}, 2L << 20, Link.Config.ideal(25_000).withLoss(0.001), 150_000,
                65535, World.Config.defaults());
    }

    /** By name, for the profiling main: pressured, lan or wan, with an optional -PUSH/-TRANSLATE/-PREPINNED. */
    static WorldPair.Scenario scenario(String name) {
        String[] parts = name.split("-");
        int mode = parts.length > 1 ? switch (parts[1]) {
            case "PUSH" -> CsrMap.MODE_PUSH;
            case "PREPINNED" -> CsrMap.MODE_PREPINNED;
            default -> CsrMap.MODE_TRANSLATE;
        } : CsrMap.MODE_TRANSLATE;
        return switch (parts[0]) {
            case "pressured" -> pressured(mode);
            case "lan" -> lan(mode);
            case "wan" -> wan(mode);
            default -> throw new IllegalArgumentException("no scenario " + name);
        };
    }

    static String modeName(int mode) {
        return switch (mode) {
            case CsrMap.MODE_PUSH -> "PUSH";
            case CsrMap.MODE_TRANSLATE -> "TRANSLATE";
            default -> "PREPINNED";
        };
    }

    /**
     * One row: a scenario in one mode over {@code seeds} seeds, on the RTL, the TLM with payload and the
     * payload-free TLM ({@code free*}).
     */
    record Row(String scenario, String mode, long bytes, double rtlWall, double tlmWall, double rtlGoodput, double tlmGoodput,
            double rtlSd, double tlmSd, long tlmEvents, double freeWall, double freeGoodput) {
        double rtlSpeed() {
            return bytes / rtlWall;
        }

        double tlmSpeed() {
            return bytes / tlmWall;
        }

        double ratio() {
            return rtlWall / tlmWall;
        }

        double goodputDiff() {
            return (tlmGoodput - rtlGoodput) / rtlGoodput;
        }

        boolean met() {
            return ratio() >= TARGET_RATIO && Math.abs(goodputDiff()) <= TARGET_GOODPUT;
        }

        double freeSpeed() {
            return bytes / freeWall;
        }

        double freeRatio() {
            return rtlWall / freeWall;
        }

        /** The payload-free TLM's goodput against the TLM's with payload (issue 16: within 5%). */
        double freeGoodputDiff() {
            return (freeGoodput - tlmGoodput) / tlmGoodput;
        }

        boolean freeMet() {
            return freeRatio() >= TARGET_RATIO && Math.abs(freeGoodputDiff()) <= TARGET_GOODPUT;
        }
    }

    /**
     * Runs every scenario in every mode on the RTL once per seed and on the TLM {@code reps} times per
     * seed (after a JIT warm-up), and appends the section.
     */
    static void section(StringBuilder md, int seeds, int reps) {
        String loadBefore = loadAverage();
        AdapterParams p = AdapterParams.adapterDefaults();
        List<WorldPair.Scenario> all = new ArrayList<>();
        for (int mode : ALL_MODES) {
            all.add(pressured(mode));
        }
        for (int mode : ALL_MODES) {
            all.add(lan(mode));
        }
        for (int mode : ALL_MODES) {
            all.add(wan(mode));
        }
        // The TLM's code is JIT-compiled while it runs: warm it up on every scenario first, as a study would be.
        long warm = System.nanoTime() + 8_000_000_000L;
        for (int i = 0; System.nanoTime() < warm; i++) {
            WorldPair.tlm(all.get(i % all.size()), 1000 + i, p, i % 2 == 0 ? PayloadMode.FULL : PayloadMode.NONE);
        }
        List<Row> rows = new ArrayList<>();
        long warmRuns = 0;
        for (WorldPair.Scenario s : all) {
            double[] rg = new double[seeds];
            double[] tg = new double[seeds];
            double[] fg = new double[seeds];
            double rw = 0;
            double tw = 0;
            double fw = 0;
            long events = 0;
            for (int k = 0; k < seeds; k++) {
                long seed = k + 1;
                WorldPair.Run r = WorldPair.rtl(s, seed);
                rg[k] = r.goodput();
                rw += r.wallSeconds();
                double[] walls = new double[reps];
                if (k == 0) {
                    warmRuns += steady(s, p, PayloadMode.FULL);
                }
                WorldPair.Run t = null;
                for (int j = 0; j < reps; j++) {
                    t = WorldPair.tlm(s, seed, p);
                    if (!t.ok()) {
                        throw new IllegalStateException("the TLM run of " + s.name() + " seed " + seed + " failed: " + t.failures());
                    }
                    walls[j] = t.wallSeconds();
                }
                tg[k] = t.goodput();
                tw += median(walls);
                events += t.events();
                if (k == 0) {
                    warmRuns += steady(s, p, PayloadMode.NONE);
                }
                WorldPair.Run f = null;
                for (int j = 0; j < reps; j++) {
                    f = WorldPair.tlm(s, seed, p, PayloadMode.NONE);
                    if (!f.ok()) {
                        throw new IllegalStateException("the payload-free TLM run of " + s.name() + " seed " + seed + " failed: " + f.failures());
                    }
                    walls[j] = f.wallSeconds();
                }
                fg[k] = f.goodput();
                fw += median(walls);
            }
            rows.add(new Row(s.name(), modeName(s.modes()[0]), s.totalBytes() * seeds, rw, tw, mean(rg), mean(tg), sd(rg), sd(tg),
                    events / seeds, fw, mean(fg)));
            System.out.printf("tlm speed: %s %s: RTL %.2f s, TLM %.3f s, payload-free TLM %.3f s, goodput %.3f vs %.3f vs %.3f%n", s.name(),
                    modeName(s.modes()[0]), rw, tw, fw, mean(rg), mean(tg), mean(fg));
        }
        // Where the payload-free TLM's time goes on its slowest row, the one a speed-up has to lift.
        int slowest = 0;
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).freeRatio() < rows.get(slowest).freeRatio()) {
                slowest = i;
            }
        }
        TlmProfile.Shares prof = TlmProfile.of(all.get(slowest), p, PROFILE_SECONDS);
        String profiled = rows.get(slowest).scenario() + " " + rows.get(slowest).mode();
        System.out.printf("tlm speed: profiled %s: %d samples%n", profiled, prof.samples());
        write(md, rows, seeds, reps, warmRuns, profiled, prof);
        md.append("The machine's load average (1 minute) was ").append(loadBefore).append(" when this section started and ")
                .append(loadAverage()).append(" when it ended: on a shared machine, wall-clock speeds move with the other jobs; ")
                .append("the RTL and the TLM runs of a row are taken minutes apart, so a row's ratio carries that noise too.\n\n");
    }

    /**
     * Runs the scenario (other seeds than the measured ones) until its run time is steady, as it is in a study
     * that runs many points in one JVM: at least {@link #WARM_MIN} runs, then until the median of the last 10 is
     * within 5% of the 10 before, at most {@link #WARM_MAX_SECONDS}. The JIT needs a few hundred runs of a
     * scenario to compile its hot paths fully (a lan run takes 0.54 s cold, 0.08 s at its third run and 0.015 s
     * after about 200): an 8-second warm-up shared by every scenario measured the middle of that curve.
     *
     * @return the warm-up runs it took
     */
    static int steady(WorldPair.Scenario s, AdapterParams p, PayloadMode mode) {
        List<Double> w = new ArrayList<>();
        long end = System.nanoTime() + (long) (WARM_MAX_SECONDS * 1e9);
        while (System.nanoTime() < end) {
            w.add(WorldPair.tlm(s, 10_000 + w.size(), p, mode).wallSeconds());
            int n = w.size();
            if (n >= WARM_MIN) {
                double last = median(w.subList(n - 10, n).stream().mapToDouble(x -> x).toArray());
                double before = median(w.subList(n - 20, n - 10).stream().mapToDouble(x -> x).toArray());
                if (Math.abs(last - before) <= 0.05 * before) {
                    break;
                }
            }
        }
        return w.size();
    }

    static final int WARM_MIN = 50;
    static final double WARM_MAX_SECONDS = 30;

    /** The 1-minute load average, or "unknown" off Linux. */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void write(StringBuilder md, List<Row> rows, int seeds, int reps, long warmRuns, String profiled,
            TlmProfile.Shares prof) {
        md.append("## Standalone TLM speed against the RTL co-simulation (issue 7, benchmark 5; issue 16, part 2)\n\n");
        md.append("Simulated payload bytes per wall-clock second, the same scenario on the RTL co-simulation (Verilated RTL ")
                .append("with the TLM in lockstep, `WorldTb`) and on the standalone TLM (`StandaloneWorld`): same world model, ")
                .append("same seeds. Wall time runs from the first `send` to the end-of-run verdict (opening the connection is ")
                .append("left out on both). RTL: one run per seed; TLM: the median of ").append(reps)
                .append(" runs per seed, once its run time is steady: an 8-second JIT warm-up over all scenarios, then each ")
                .append("scenario in each payload mode on other seeds until the median of its last 10 runs is within 5% of the 10 ")
                .append("before (at least ").append(WARM_MIN).append(" runs, at most ").append((int) WARM_MAX_SECONDS)
                .append(" s; ").append(warmRuns).append(" warm-up runs in all). That is what a study sees, which runs its ")
                .append("points in one JVM; a cold first run is many times slower (a lan run: 0.54 s cold, 0.08 s at its third ")
                .append("run, 0.015 s after about 200, payload-free). Goodput is payload bytes per ")
                .append("simulated cycle, the mean over seeds 1..").append(seeds)
                .append(" (± the standard deviation over seeds). Target: ")
                .append((int) TARGET_RATIO).append("x or more, with goodput within ").append((int) (100 * TARGET_GOODPUT))
                .append("% of the RTL's.\n\n");
        md.append("Scenarios: *pressured*, the demo's world (2 MiB, 192 KiB of RAM and a thrashing memory hog, 3000 cycles ")
                .append("and 1% loss each way); *lan*, a stream at line rate (4 MiB, ideal link of 1000 cycles each way, ")
                .append("plenty of RAM); *wan*, a long fat pipe (2 MiB, 25,000 cycles each way so an RTT of 50,000 cycles, ")
                .append("a 64 KiB window, 0.1% loss each way, RTO 150,000 cycles).\n\n");
        md.append("The payload-free TLM (`--payload none`, issue 16) is the same standalone run without a payload byte: host pages, ")
                .append("DMA reads, staging, frames and the receiver carry stream ranges, and the ends compare range fingerprints ")
                .append("instead of SHA-256 (every other check of the run stays). Its goodput is compared with the TLM's with payload: ")
                .append("the two runs are the same simulation, so it is equal unless something differs.\n\n");
        md.append("| scenario | mode | RTL bytes/s | TLM bytes/s | TLM/RTL | payload-free TLM bytes/s | payload-free/RTL | ")
                .append("RTL goodput (B/cycle) | TLM goodput (B/cycle) | TLM vs RTL goodput | payload-free vs TLM goodput | ")
                .append("TLM events/run | target met (TLM) | target met (payload-free) |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            md.append(String.format("| %s | %s | %.2e | %.2e | %.0fx | %.2e | %.0fx | %.3f ± %.3f | %.3f ± %.3f | %+.1f%% | %+.1f%% | %d | %s | %s |%n",
                    r.scenario(), r.mode(), r.rtlSpeed(), r.tlmSpeed(), r.ratio(), r.freeSpeed(), r.freeRatio(), r.rtlGoodput(), r.rtlSd(),
                    r.tlmGoodput(), r.tlmSd(), 100 * r.goodputDiff(), 100 * r.freeGoodputDiff(), r.tlmEvents(), r.met() ? "yes" : "NO",
                    r.freeMet() ? "yes" : "NO"));
        }
        md.append("\n");
        long met = rows.stream().filter(Row::met).count();
        long freeMet = rows.stream().filter(Row::freeMet).count();
        List<String> fast = rows.stream().filter(r -> r.ratio() >= TARGET_RATIO).map(r -> r.scenario() + " " + r.mode()).toList();
        List<String> off = rows.stream().filter(r -> Math.abs(r.goodputDiff()) > TARGET_GOODPUT).map(r -> r.scenario() + " " + r.mode())
                .toList();
        List<String> freeSlow = rows.stream().filter(r -> r.freeRatio() < TARGET_RATIO).map(r -> r.scenario() + " " + r.mode()).toList();
        double minFree = rows.stream().mapToDouble(Row::freeRatio).min().orElse(Double.NaN);
        double maxFree = rows.stream().mapToDouble(Row::freeRatio).max().orElse(Double.NaN);
        double gain = Math.exp(rows.stream().mapToDouble(r -> Math.log(r.tlmWall() / r.freeWall())).average().orElse(Double.NaN));
        md.append("Target met on ").append(met).append(" of ").append(rows.size()).append(" rows by the TLM with payload, on ")
                .append(freeMet).append(" of ").append(rows.size()).append(" by the payload-free TLM (")
                .append(String.format("%.0fx to %.0fx the RTL co-simulation", minFree, maxFree))
                .append(freeSlow.isEmpty() ? "" : "; below " + (int) TARGET_RATIO + "x on " + String.join(", ", freeSlow))
                .append(String.format("; %.1fx the TLM with payload, geometric mean over the rows", gain)).append("). Goodput: ")
                .append(off.isEmpty() ? "the TLM's within " + (int) (100 * TARGET_GOODPUT) + "% of the RTL's on every row"
                        : "the TLM's more than " + (int) (100 * TARGET_GOODPUT) + "% off the RTL's on " + String.join(", ", off))
                .append(". Speed of the TLM with payload: ").append(!fast.isEmpty() ? (int) TARGET_RATIO + "x or more on "
                        + String.join(", ", fast) : "below " + (int) TARGET_RATIO + "x everywhere")
                .append(". The TLM is event-driven and skips the cycles in which nothing changes, which the Verilated model ")
                .append("has to clock one by one: the longer the link sits idle (the WAN), the larger the ratio. Where the ")
                .append("link is busy, the TLM does real work for every segment (a few kernel events each: one per DMA burst, ")
                .append("one per answer, frame and ACK), and with payload the world around the adapter, the same code on both ")
                .append("sides, takes a large share of its time: SHA-256 of every byte sent and received, the checksums of every ")
                .append("byte at the framer, the sender rules and the receiver, the copies into pages, staging and frames. The ")
                .append("payload-free TLM does none of that per byte; what is left is per segment (the adapter model, the ")
                .append("sender rules, the event kernel).\n\n");
        md.append("Where the payload-free TLM's time goes on its slowest row, ").append(profiled).append(": the JDK's sampling ")
                .append(String.format("profiler (JFR) over %.0f s of its runs after the measurements, %d samples of the thread ", prof.seconds(),
                        prof.samples()))
                .append("running them, each given to the first part of the model found on its stack (`TlmProfile`).\n\n")
                .append("| part | share of samples |\n|---|---:|\n");
        prof.byPart().forEach((part, share) -> md.append(String.format("| %s | %.1f%% |%n", part, 100 * share)));
        md.append("\n");
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
