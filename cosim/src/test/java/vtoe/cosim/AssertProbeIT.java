package vtoe.cosim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.txn.Observed;

/**
 * The simulation-ending paths of the native boundary: a Chisel assertion ($error + $fatal), $stop and
 * $finish each become a {@link SimulationEndedException} of the right kind with Verilator's text,
 * the JVM survives, and the Dut still closes. Uses the test-only AssertProbe top.
 *
 * <p>Run just this: {@code mvn -pl cosim -am verify -Dit.test=AssertProbeIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 */
class AssertProbeIT {
    private static final int ECHO = 0;
    private static final int ASSERT = 1;
    private static final int STOP = 2;
    private static final int FINISH = 3;

    private static Dut open() {
        Dut dut = Dut.open(DutOptions.of("AssertProbe").seed(7));
        assertThat(dut.ports()).extracting(PortInfo::name).containsExactly("s_cmd", "m_echo");
        return dut;
    }

    @Test
    void echoesThroughTheQueue() {
        try (Dut dut = open()) {
            var cmd = new StreamSource<>(dut, "s_cmd", ProbeCmd.class);
            var echo = new StreamSink<>(dut, "m_echo", Echo.class);
            for (int i = 0; i < 100; i++) {
                cmd.push(new ProbeCmd(ECHO, i * 7919));
            }
            echo.pause(PausePattern.cycle(1, 1, 0));
            new Scheduler(dut).runUntil(() -> echo.count() == 100, 2000, () -> "echo count " + echo.count());
            List<Integer> got = echo.received().stream().map(o -> o.txn().bits()).toList();
            assertThat(got).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(got.get(i)).isEqualTo(i * 7919);
            }
            // Backpressure 2 of 3 cycles: the queue of 2 can pass at most one per 3 cycles.
            Observed<Echo> last = echo.received().peekLast();
            assertThat(last.endCycle()).isGreaterThanOrEqualTo(8 + 3 * 99);
        }
    }

    @Test
    void failedAssertionBecomesJavaException() {
        try (Dut dut = open()) {
            var cmd = new StreamSource<>(dut, "s_cmd", ProbeCmd.class);
            cmd.push(new ProbeCmd(ECHO, 1));
            cmd.push(new ProbeCmd(ASSERT, 4242), dut.cycle() + 20);
            assertThatThrownBy(() -> new Scheduler(dut).run(100))
                    .isInstanceOfSatisfying(SimulationEndedException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SimulationEndedException.Kind.ASSERTION);
                        assertThat(e.cycle()).isBetween(dut.options().resetCycles() + 20L, dut.options().resetCycles() + 22L);
                    })
                    .hasMessageContainingAll("AssertProbe.sv", "assertion fired on purpose, arg=")
                    .hasMessageMatching("(?s).*arg=\\s*4242.*")
                    .hasMessageContaining("port states");
            // Ended simulations refuse to run on but still close cleanly.
            assertThatThrownBy(() -> dut.step(dut.cycle() + 10)).isInstanceOf(SimulationEndedException.class);
        }
    }

    @Test
    void stopBecomesJavaException() {
        try (Dut dut = open()) {
            new StreamSource<>(dut, "s_cmd", ProbeCmd.class).push(new ProbeCmd(STOP, 0));
            assertThatThrownBy(() -> new Scheduler(dut).run(50))
                    .isInstanceOfSatisfying(SimulationEndedException.class,
                            e -> assertThat(e.kind()).isEqualTo(SimulationEndedException.Kind.STOP))
                    .hasMessageContaining("$stop");
        }
    }

    @Test
    void finishBecomesJavaException() {
        try (Dut dut = open()) {
            new StreamSource<>(dut, "s_cmd", ProbeCmd.class).push(new ProbeCmd(FINISH, 0));
            assertThatThrownBy(() -> new Scheduler(dut).run(50))
                    .isInstanceOfSatisfying(SimulationEndedException.class,
                            e -> assertThat(e.kind()).isEqualTo(SimulationEndedException.Kind.FINISH))
                    .hasMessageContaining("$finish");
        }
    }

    /** Ready low 63 cycles in 64. */
    private static PausePattern mostlyStalled() {
        int[] p = new int[64];
        java.util.Arrays.fill(p, 1);
        p[63] = 0;
        return PausePattern.cycle(p);
    }

    /** The native output checker: a payload that changes while valid && !ready ends the run as a protocol violation. */
    @Test
    void payloadChangingWhileStalledIsAProtocolViolation() {
        try (Dut dut = open()) {
            new StreamSource<>(dut, "s_cmd", ProbeCmd.class).push(new ProbeCmd(4, 0));
            new StreamSink<>(dut, "m_echo", Echo.class).pause(mostlyStalled());
            assertThatThrownBy(() -> new Scheduler(dut).run(50))
                    .isInstanceOfSatisfying(SimulationEndedException.class,
                            e -> assertThat(e.kind()).isEqualTo(SimulationEndedException.Kind.PROTOCOL))
                    .hasMessageContaining("m_echo: payload changed while valid && !ready");
        }
    }

    /** And valid dropping before the handshake. */
    @Test
    void validDroppedBeforeTheHandshakeIsAProtocolViolation() {
        try (Dut dut = open()) {
            new StreamSource<>(dut, "s_cmd", ProbeCmd.class).push(new ProbeCmd(5, 0));
            new StreamSink<>(dut, "m_echo", Echo.class).pause(mostlyStalled());
            assertThatThrownBy(() -> new Scheduler(dut).run(50))
                    .isInstanceOfSatisfying(SimulationEndedException.class,
                            e -> assertThat(e.kind()).isEqualTo(SimulationEndedException.Kind.PROTOCOL))
                    .hasMessageContaining("m_echo: valid dropped before the handshake");
        }
    }

    @Test
    void unknownTopListsTheOnesBuilt() {
        assertThatThrownBy(() -> Dut.open(DutOptions.of("NoSuchTop")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NoSuchTop")
                .hasMessageContaining("AssertProbe");
    }

    @Test
    void recordThatDoesNotFitItsPortIsRefusedAtOnce() {
        record Wrong(int op, long argument) {}
        try (Dut dut = open()) {
            assertThatThrownBy(() -> new StreamSource<>(dut, "s_cmd", Wrong.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("record has [op, argument], port has [op, arg]");
        }
    }

    @Test
    void wavesAreWrittenWithASaveFile() throws Exception {
        Path fst = Path.of("target/waves/AssertProbeIT/wavesAreWrittenWithASaveFile.fst");
        Files.deleteIfExists(fst);
        try (Dut dut = Dut.open(DutOptions.of("AssertProbe").waves(fst, 0))) {
            var cmd = new StreamSource<>(dut, "s_cmd", ProbeCmd.class);
            new StreamSink<>(dut, "m_echo", Echo.class);
            cmd.push(new ProbeCmd(ECHO, 0xabcd));
            new Scheduler(dut).run(40);
        }
        assertThat(fst).exists();
        assertThat(Files.size(fst)).isPositive();
        Path gtkw = GtkwSaveFile.pathFor(fst);
        assertThat(Files.readString(gtkw)).contains("[dumpfile]", "TOP.s_cmd_valid", "TOP.m_echo_bits[31:0]");
        // GTKWave's own converter must read the file: the same reader GTKWave uses.
        Process p = new ProcessBuilder("fst2vcd", fst.toString()).redirectErrorStream(true).start();
        String vcd = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        assertThat(vcd).contains("$var", "s_cmd_valid", "m_echo_bits")
                .contains("b" + String.format("%32s", Integer.toBinaryString(0xabcd)).replace(' ', '0'));
    }
}
