package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.cosim.SimulationTimeoutException;
import vtoe.model.adapter.CsrMap;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;

/**
 * The hang detector: a host that never answers leaves the adapter waiting with nothing to do, so no
 * port moves; the watchdog must end the run long before its cycle budget, with every port's state.
 *
 * <p>Run just this: {@code ./scripts/test --only WatchdogIT}
 */
class WatchdogIT {
    @Test
    void aHostThatNeverAnswersTripsTheWatchdog() {
        try (AdapterTb tb = new AdapterTb(SimRun.of("WatchdogIT", "aHostThatNeverAnswersTripsTheWatchdog", 0xd06),
                AdapterTb.Timing.fast())) {
            tb.sched.watchdog(20_000);
            tb.openConnection(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
            tb.host.misbehave(r -> List.of()); // requests go unanswered
            tb.send(1, new byte[10_000], 4096);
            assertThatThrownBy(() -> tb.finish(50_000_000)).isInstanceOf(SimulationTimeoutException.class)
                    .hasMessageContaining("WATCHDOG: no handshake on any port for")
                    .hasMessageContaining("port states:")
                    .hasMessageContaining("m_hostreq");
            assertThat(tb.dut.cycle()).as("ended by the watchdog, not the budget").isLessThan(100_000);
        }
    }
}
