package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vtoe.model.payload.PayloadMode;
import vtoe.tb.whatif.Point;
import vtoe.tb.whatif.PointRunner;
import vtoe.tb.whatif.RunResult;
import vtoe.tb.whatif.Study;

/**
 * The payload-free TLM is honest: every ready-made study (studies/*.study) runs its points with
 * payload and without, and every metric agrees, counts exactly and the rest within 1% (wall time
 * aside). The studies are made smaller to keep the test short (fewer bytes, of each swept
 * parameter its first and last value, of a linked axis its first tuple), keeping every mode and every
 * kind of axis they sweep.
 *
 * <p>Run just this: {@code mvn -B -o verify -pl testbenches -am -Dtest=PayloadFreeHonestyTest -Dit.test=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}
 */
class PayloadFreeHonestyTest {
    /** Metrics that count something: they must agree exactly. */
    private static final Set<String> COUNTS = Set.of("cycles", "retransmitted_frames", "retransmit_requests", "retransmits_from_swap",
            "host_requests", "pins", "translations", "page_ins", "page_outs", "host_bus_bytes", "adapter_state_bytes", "copy_bytes",
            "adapter_memory_bytes", "unacked_peak_bytes");

    /** Bytes per connection for each study, small enough for a test and large enough that each still loses, retransmits and swaps. */
    private static final Map<String, String> BYTES = Map.of("goodput", "128K", "memory", "24K", "swap", "512K", "tradeoff", "24K");

    static Stream<String> studies() {
        return Stream.of("goodput", "memory", "swap", "tradeoff");
    }

    @ParameterizedTest(name = "[{index}] study={0}")
    @MethodSource("studies")
    void everyMetricOfEveryPointAgreesWithAndWithoutPayload(String name) throws IOException {
        Study study = smaller(name);
        SoftAssertions soft = new SoftAssertions();
        int compared = 0;
        for (Point p : study.points()) {
            long seed = 0x5eedL + p.hashCode();
            RunResult full = PointRunner.tlm(p, seed, PayloadMode.FULL);
            RunResult none = PointRunner.tlm(p, seed, PayloadMode.NONE);
            String what = name + " " + study.describe(p) + " seed 0x" + Long.toHexString(seed);
            soft.assertThat(full.ok()).as(what + " with payload: " + full.error()).isTrue();
            soft.assertThat(none.ok()).as(what + " payload-free: " + none.error()).isTrue();
            soft.assertThat(none.metrics().keySet()).as(what + ": the metrics measured").isEqualTo(full.metrics().keySet());
            for (String m : full.metrics().keySet()) {
                if (m.equals("wall_seconds") || !none.metrics().containsKey(m)) {
                    continue;
                }
                double a = full.metric(m);
                double b = none.metric(m);
                if (Double.isNaN(a) || Double.isNaN(b)) {
                    soft.assertThat(Double.isNaN(b)).as(what + ": " + m + " is " + a + " with payload, " + b + " without").isEqualTo(Double.isNaN(a));
                } else if (COUNTS.contains(m)) {
                    soft.assertThat(b).as(what + ": " + m + " (a count) with payload and without").isEqualTo(a);
                } else {
                    soft.assertThat(Math.abs(b - a)).as(what + ": " + m + " with payload " + a + ", without " + b + " (within 1%)")
                            .isLessThanOrEqualTo(0.01 * Math.abs(a) + 1e-12);
                }
            }
            compared++;
        }
        soft.assertAll();
        assertThat(compared).isGreaterThan(0);
    }

    /** The study from its file, each axis cut to its first and last value and bytes from {@link #BYTES}. */
    private static Study smaller(String name) throws IOException {
        Path file = Path.of("..", "studies", name + ".study");
        List<String> sets = new ArrayList<>();
        Map<String, String> axes = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String l : lines) {
            String t = l.strip();
            if (t.startsWith("--set ")) {
                sets.add(t.substring(6).strip());
            } else if (t.startsWith("--axis ")) {
                String[] kv = t.substring(7).strip().split("=", 2);
                String[] v = kv[1].split(",");
                if (kv[0].contains("/")) {
                    // A linked axis: its first (smallest) tuple, with the test's bytes where the tuple sets them.
                    List<String> params = List.of(kv[0].split("/"));
                    String[] first = v[0].split("/");
                    if (params.contains("bytes")) {
                        first[params.indexOf("bytes")] = BYTES.get(name);
                    }
                    axes.put(kv[0], String.join("/", first));
                } else {
                    axes.put(kv[0], kv[0].equals("mode") || v.length <= 2 ? kv[1] : v[0] + "," + v[v.length - 1]);
                }
            }
        }
        assertThat(axes).as(file + " sweeps something").isNotEmpty();
        sets.removeIf(s -> s.startsWith("bytes="));
        sets.add("bytes=" + BYTES.get(name));
        // The full mode keeps every RAM frame: the trade-off study's 8 GiB host (for 65,536 connections) is more
        // than the smaller study's 64 connections need or the full mode can hold.
        if (sets.removeIf(s -> s.startsWith("ramKiB=") && Point.defaults().with("ramKiB", s.substring(7)).ramKiB() > (256 << 10))) {
            sets.add("ramKiB=256K");
        }
        List<String> axisArgs = axes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return Study.of(name, name, sets, axisArgs, List.of());
    }
}
