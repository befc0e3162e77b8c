package vtoe.tb.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import vtoe.cosim.Dut;
import vtoe.cosim.DutOptions;
import vtoe.tb.junit.SimRun;

/**
 * Records the port traces that {@code ./scripts/profile} replays under perf: the VtoeAdapter idle
 * (reset, then nothing on any port: the cost every cycle pays) and busy (the demo's stream, one trace
 * per mode, the same world as {@link CosimSpeedBench}). A replay of a trace is the Verilated model
 * alone, with no Java and no bus models, so its profile is the model's and nothing else's.
 *
 * <p>{@code java vtoe.tb.bench.ProfileTraces record <dir> <idle cycles> <stream bytes> [seed]} writes
 * {@code idle.ptrace} and {@code busy-<MODE>.ptrace} into {@code dir} and prints one line per trace; the
 * modes' worlds use seeds {@code seed}, {@code seed + 1}, {@code seed + 2} (default 7, the benchmark's; the PGO
 * build's training, cosim/src/main/native/pgo-build.sh, uses others so that it is not trained on what is timed).
 * {@code java [-Dvtoe.lib=...] vtoe.tb.bench.ProfileTraces idle-loop <cycles>} prints {@code IDLE <cycles/s>}
 * of the Sim's native loop on an idle VtoeAdapter (bus models included, as {@link CosimSpeedBench} measures it),
 * so that two builds of the library can be timed side by side in child JVMs.
 */
public final class ProfileTraces {
    private static final String[] MODES = {"PUSH", "TRANSLATE", "PREPINNED"};

    private ProfileTraces() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("idle-loop")) {
            System.out.println("IDLE " + Math.round(CosimSpeedBench.idleNativeLoop("VtoeAdapter", Long.parseLong(args[1]))));
            return;
        }
        if (args.length < 4 || args.length > 5 || !args[0].equals("record")) {
            System.err.println("usage: ProfileTraces record <dir> <idle cycles> <stream bytes> [seed] | idle-loop <cycles>");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        long idleCycles = Long.parseLong(args[2]);
        long bytes = Long.parseLong(args[3]);
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 7;
        Files.createDirectories(dir);
        Path idle = dir.resolve("idle.ptrace");
        try (Dut d = Dut.open(DutOptions.of("VtoeAdapter").portTrace(idle))) {
            d.step(d.cycle() + idleCycles);
        }
        System.out.println("TRACE idle " + idle);
        for (int mode = 0; mode < MODES.length; mode++) {
            Path busy = dir.resolve("busy-" + MODES[mode] + ".ptrace");
            // By default the seeds CosimSpeedBench uses, so the busy profile is of the run the benchmark times.
            CosimSpeedBench.WorldSpeed w = CosimSpeedBench.world(SimRun.of("Profile", "busy" + MODES[mode], seed + mode)
                    .withPortTrace(busy), CosimSpeedBench.spec(mode, bytes));
            if (!w.intact()) {
                throw new IllegalStateException("the " + MODES[mode] + " stream did not arrive intact: " + w);
            }
            System.out.println("TRACE busy-" + MODES[mode] + " " + busy + " " + w.cycles() + " cycles");
        }
    }
}
