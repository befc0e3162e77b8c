package vtoe.tb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import vtoe.model.payload.PayloadMode;

/**
 * The TLM speed bench's TLM half answers the bench's commands: in this JVM over piped streams, and in a child JVM
 * through the client the bench uses, which must name the child's error and leave no child behind.
 *
 * <p>Run just this: {@code ./scripts/test --only TlmServerTest}
 */
class TlmServerTest {
    /** Row 4 of the bench: lan TRANSLATE (pressured, lan, wan, each in PUSH, TRANSLATE, PREPINNED). */
    private static final int LAN_TRANSLATE = 4;

    @Test
    void answersEachCommandInTurnAndStopsAtTheFirstBadOne() throws Exception {
        assertThat(TlmSpeedBench.scenarios().get(LAN_TRANSLATE).name()).isEqualTo("lan");
        assertThat(TlmSpeedBench.modeName(TlmSpeedBench.scenarios().get(LAN_TRANSLATE).modes()[0])).isEqualTo("TRANSLATE");
        String in = "RUN 4 1 NONE 0.05 3\nRUN 4 1 FULL 0 1\nRUN 99 1 NONE 0 1\nRUN 4 1 NONE 0 1\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = TlmServer.serve(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8), 0);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(exit).isEqualTo(1);
        assertThat(lines).hasSize(4); // READY, two answers, the error; the command after it is not run
        assertThat(lines[0]).isEqualTo("READY");
        TlmServer.Window free = new com.fasterxml.jackson.databind.ObjectMapper().readValue(lines[1].substring(4), TlmServer.Window.class);
        TlmServer.Window full = new com.fasterxml.jackson.databind.ObjectMapper().readValue(lines[2].substring(4), TlmServer.Window.class);
        assertThat(free.runs()).isGreaterThanOrEqualTo(3);
        assertThat(full.runs()).isEqualTo(1);
        assertThat(free.meanWall()).isPositive();
        // The same simulation with and without payload: the same goodput and the same kernel events.
        assertThat(free.goodput()).isEqualTo(full.goodput()).isBetween(7.0, 8.0);
        assertThat(free.events()).isEqualTo(full.events()).isPositive();
        assertThat(lines[3]).isEqualTo("ERROR no row 99: the bench's rows are 0..8");
    }

    @Test
    void theClientRunsAChildAndNamesItsError() {
        TlmServer.Client c = new TlmServer.Client(0);
        try (c) {
            TlmServer.Window w = c.run(LAN_TRANSLATE, 2, PayloadMode.NONE, 0.05, 2);
            assertThat(w.runs()).isGreaterThanOrEqualTo(2);
            assertThat(w.goodput()).isBetween(7.0, 8.0);
            assertThatThrownBy(() -> c.run(99, 1, PayloadMode.NONE, 0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RUN 99").hasMessageContaining("no row 99");
        }
        assertThat(c.alive()).as("the child JVM after close").isFalse();
    }
}
