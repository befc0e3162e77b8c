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
        String[] free = serve(PayloadMode.NONE, "RUN 4 1 0.05 3\nRUN 99 1 0 1\nRUN 4 1 0 1\n", 1);
        assertThat(free).hasSize(3); // READY, the answer, the error; the command after it is not run
        assertThat(free[0]).isEqualTo("READY");
        assertThat(free[2]).isEqualTo("ERROR no row 99: the bench's rows are 0..8");
        String[] full = serve(PayloadMode.FULL, "RUN 4 1 0 1\n", 0);
        assertThat(full).hasSize(2);
        TlmServer.Window w = window(free[1]);
        TlmServer.Window f = window(full[1]);
        assertThat(w.runs()).isGreaterThanOrEqualTo(3);
        assertThat(f.runs()).isEqualTo(1);
        assertThat(w.meanWall()).isPositive();
        // The same simulation with and without payload: the same goodput and the same kernel events.
        assertThat(w.goodput()).isEqualTo(f.goodput()).isBetween(7.0, 8.0);
        assertThat(w.events()).isEqualTo(f.events()).isPositive();
    }

    @Test
    void theClientRunsAChildAndNamesItsError() {
        TlmServer.Client c = new TlmServer.Client(0, PayloadMode.NONE);
        try (c) {
            TlmServer.Window w = c.run(LAN_TRANSLATE, 2, 0.05, 2);
            assertThat(w.runs()).isGreaterThanOrEqualTo(2);
            assertThat(w.goodput()).isBetween(7.0, 8.0);
            assertThatThrownBy(() -> c.run(99, 1, 0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RUN 99").hasMessageContaining("no row 99");
        }
        assertThat(c.alive()).as("the child JVM after close").isFalse();
    }

    private static String[] serve(PayloadMode mode, String commands, int exit) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(TlmServer.serve(new ByteArrayInputStream(commands.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), 0, mode)).as("exit code").isEqualTo(exit);
        return out.toString(StandardCharsets.UTF_8).split("\n");
    }

    private static TlmServer.Window window(String line) throws Exception {
        assertThat(line).startsWith("RUN ");
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(line.substring(4), TlmServer.Window.class);
    }
}
