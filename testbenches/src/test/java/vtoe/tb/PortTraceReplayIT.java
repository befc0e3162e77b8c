package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vtoe.cosim.PortTrace;
import vtoe.cosim.Replay;
import vtoe.tb.bench.CosimSpeedBench;
import vtoe.tb.junit.SimRun;

/**
 * The port trace and its replay, which the co-simulation speed benchmark takes as its limit: a
 * recorded world run (RTL, world, TLM in lockstep) replayed by {@code vtoe_replay} with no Java
 * reproduces every output of every cycle; a changed input value, a changed recorded hash and a
 * truncated file are each reported, a difference with the first cycle it shows in.
 *
 * <p>Run just this: {@code ./scripts/test --only PortTraceReplayIT}
 */
class PortTraceReplayIT {
    private static final Path DIR = Path.of("target", "port-traces", "PortTraceReplayIT");
    private static Path recorded;
    private static long runCycles;

    /** A short run of the demo's world (lossy link, pressured host), TRANSLATE mode, recorded. */
    @BeforeAll
    static void record() {
        recorded = DIR.resolve("world.ptrace");
        var w = CosimSpeedBench.world(SimRun.of("PortTraceReplayIT", "record", 0x7ace).withPortTrace(recorded),
                CosimSpeedBench.spec(1, 96 << 10));
        assertThat(w.intact()).isTrue();
        runCycles = w.cycles();
    }

    private static Path copy(String name) throws IOException {
        return Files.copy(recorded, DIR.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void replayReproducesEveryCycleOfTheRecordedRun() {
        PortTrace t = PortTrace.read(recorded);
        assertThat(t.top()).isEqualTo("VtoeAdapter");
        assertThat(t.seed()).isEqualTo(0x7ace);
        assertThat(t.cycles()).as("the trace ends where the run did").isEqualTo(runCycles);
        assertThat(t.changes().get(0).cycle()).isZero();
        assertThat(t.checkpoints()).hasSize((int) ((runCycles + t.checkpointCycles() - 1) / t.checkpointCycles()));
        assertThat(t.endedKind()).isZero();

        Replay.Result r = Replay.run(recorded, true, 2);
        assertThat(r.mismatch()).isNull();
        assertThat(r.match()).isTrue();
        assertThat(r.runs()).hasSize(2).allSatisfy(run -> {
            assertThat(run.checked()).isTrue();
            assertThat(run.cycles()).isEqualTo(runCycles);
        });
    }

    /**
     * The run was recorded with the co-simulation's shortcuts (no falling-edge eval when no input changed,
     * the rising edge without Verilator's input-combinational pass); Verilator's own eval() on both edges
     * of every cycle gives the same outputs in every cycle.
     */
    @Test
    void verilatorsOwnEvalOnEveryEdgeGivesTheSameOutputs() {
        Replay.Result r = Replay.run(recorded, true, 1, true);
        assertThat(r.mismatch()).isNull();
        assertThat(r.match()).isTrue();
        assertThat(r.runs()).singleElement().satisfies(run -> assertThat(run.cycles()).isEqualTo(runCycles));
    }

    /** One bit of one DMA read beat in the middle of the run: what the adapter sends changes from there on. */
    @Test
    void changedInputValueIsCaughtAtTheFirstCycleItShows() throws IOException {
        Path bad = copy("input-flipped.ptrace");
        PortTrace t = PortTrace.read(bad);
        int data = t.slot("s_dma_r_bits_data");
        List<PortTrace.Change> beats = t.changes().stream().filter(c -> c.slot() == data).toList();
        PortTrace.Change victim = beats.get(beats.size() / 2);
        flipBit0(bad, victim.offset()); // the varint's first byte holds bits 6..0 of the value: same length, value ^ 1
        assertThat(PortTrace.read(bad).changes().stream().filter(c -> c.offset() == victim.offset()).findFirst().orElseThrow()
                .value()).isEqualTo(victim.value() ^ 1);

        Replay.Result r = Replay.run(bad, true, 1);
        assertThat(r.match()).isFalse();
        assertThat(r.exitCode()).isEqualTo(1);
        Replay.Run run = r.runs().get(0);
        assertThat(run.firstMismatchCycle()).as("nothing can differ before the changed input is applied")
                .isGreaterThanOrEqualTo(victim.cycle()).isLessThan(runCycles);
        assertThat(run.message()).contains("differs from the recorded run first at cycle " + run.firstMismatchCycle())
                .contains("m_axis_tx_valid=").contains("s_dma_r_bits_data=");
        assertThat(r.stderr()).contains("REPLAY MISMATCH");
    }

    /** A recorded fingerprint changed: the replay names exactly that cycle. */
    @Test
    void changedRecordedHashIsCaughtAtItsCycle() throws IOException {
        Path bad = copy("hash-flipped.ptrace");
        PortTrace t = PortTrace.read(bad);
        PortTrace.Checkpoint cp = t.checkpoints().get(t.checkpoints().size() / 2);
        long cycle = cp.firstCycle() + 1234;
        flipBit0(bad, cp.fingerprints() + 4 * (cycle - cp.firstCycle()));

        Replay.Result r = Replay.run(bad, true, 1);
        assertThat(r.match()).isFalse();
        assertThat(r.runs().get(0).firstMismatchCycle()).isEqualTo(cycle);
        assertThat(r.mismatch()).contains("first at cycle " + cycle);
    }

    @Test
    void truncatedTraceIsRefused() throws IOException {
        Path bad = copy("truncated.ptrace");
        byte[] b = Files.readAllBytes(bad);
        Files.write(bad, java.util.Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> Replay.run(bad, true, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("truncated");
    }

    private static void flipBit0(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[Math.toIntExact(offset)] ^= 1;
        Files.write(file, b);
    }
}
