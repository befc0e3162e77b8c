package vtoe.tb.bench;

import java.util.ArrayList;
import java.util.List;
import vtoe.model.AdapterParams;
import vtoe.model.linux.TapBridge;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.linux.LinuxRun;

/**
 * Issue 13: the adapter against the Linux kernel's TCP, per mode, on the RTL with the TLM in lockstep
 * and on the standalone TLM, in one run: bytes per wall second, what the time coupling cost (the wall
 * time spent waiting for the kernel), and the retransmissions the kernel's own counters and ours see.
 * The world is the Linux demo's: 4 sockets, 1% loss each way with duplicates and reordering, RAM
 * pressure.
 */
public final class LinuxBench {
    private LinuxBench() {}

    public static void section(StringBuilder md, long bytesPerConnection) {
        md.append("## Against the Linux kernel (issue 13)\n\n");
        java.util.Optional<String> lack = TapBridge.missing();
        if (lack.isPresent()) {
            md.append("Not measured: ").append(lack.get()).append("\n\n");
            return;
        }
        int conns = 4;
        AdapterParams p = AdapterTb.elaboratedParams();
        List<LinuxRun.Result> runs = new ArrayList<>();
        String[] names = {"PUSH", "TRANSLATE", "PREPINNED"};
        for (int mode = 0; mode < 3; mode++) {
            LinuxRun.Spec spec = LinuxRun.spec(mode, conns, bytesPerConnection, 0.01, LinuxRun.pressured(p, conns));
            SimRun sim = SimRun.of("LinuxBench", names[mode], 0xbe0c + mode);
            String again = "./scripts/bench --only linux";
            runs.add(LinuxRun.rtl(sim, spec, b -> {}, again));
            runs.add(LinuxRun.tlm(sim, spec, b -> {}, again));
        }
        md.append("Measured ").append(java.time.LocalDate.now()).append(". Per mode, ").append(conns).append(" connections × ").append(bytesPerConnection >> 20)
                .append(" MiB to as many sockets of one application in a network namespace of the run's own, 1% loss each way")
                .append(" (a fifth of that duplicated, as much reordered), the send buffers swapped under a memory hog.")
                .append(" Kernel ").append(runs.get(0).kernelRelease()).append(". Every run passed its verdict (SHA-256 per socket,")
                .append(" kernel counters, tshark, sender rules, pins, scoreboard) unless the table says otherwise.\n\n");
        md.append("| mode | engine | verdict | MB/s (wall) | cycles | cycles/s | wait for the kernel (share of wall) | retx "
                + "| kernel had | already acked | kernel DelayedACKLost |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (LinuxRun.Result r : runs) {
            md.append(String.format("| %s | %s | %s | %.2f | %d | %d | %d waits, %.2f s (%.0f%%) | %d | %d | %d | %d |%n", r.mode(),
                    r.engine(), r.pass() ? "pass" : "**FAIL**", r.bytesPerWallSecond() / 1e6, r.cycles(),
                    Math.round(r.cycles() / r.wallSeconds()), r.waits(), r.waitedSeconds(), 100 * r.waitedSeconds() / r.wallSeconds(),
                    r.retransmissions(), r.retransmissionsKernelHad(), r.retransmissionsAlreadyAcked(),
                    r.kernel().getOrDefault("TcpExt.DelayedACKLost", -1L)));
        }
        md.append("\n");
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            md.append(String.format("- %s: the standalone TLM delivers %.1fx the RTL co-simulation's bytes per wall second.%n",
                    runs.get(i).mode(), runs.get(i + 1).bytesPerWallSecond() / runs.get(i).bytesPerWallSecond()));
        }
        md.append("\n*Wait for the kernel*: the wall time the simulation stood still because the kernel owed an answer for ")
                .append("more than 1000 simulated cycles (README, \"The Linux kernel as the destination\"). *retx*: data frames ")
                .append("sent again; *kernel had*: of those, frames whose bytes had all reached the kernel before (go-back-N over ")
                .append("data the kernel held out of order); *already acked*: frames the kernel had acknowledged before the ")
                .append("adapter sent them (the ACK still crossing our 3000-cycle link, or lost on it); *DelayedACKLost*: the kernel's own count of wholly duplicate segments. ")
                .append("Runs against the kernel are not reproducible cycle for cycle, so these figures move from run to run.\n\n");
    }
}
