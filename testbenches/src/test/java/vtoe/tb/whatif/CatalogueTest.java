package vtoe.tb.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of metrics and parameters: every parameter a point has and every metric a run reports
 * has a title, and every number a unit, so no plot axis or summary column shows a bare variable name.
 *
 * <p>Run just this: {@code ./scripts/test --only CatalogueTest}
 */
class CatalogueTest {
    @Test
    void everyParameterAndMetricIsCatalogued() {
        assertThat(Catalogue.PARAMETERS.keySet()).containsExactlyElementsOf(Point.KEYS);
        assertThat(Catalogue.METRICS.keySet()).containsExactlyElementsOf(RunResult.METRICS.keySet());
        for (Catalogue.Quantity q : Catalogue.METRICS.values()) {
            assertThat(q.title()).as(q.name()).isNotBlank().isNotEqualTo(q.name());
            assertThat(q.unit()).as("unit of " + q.name()).isNotBlank();
        }
        for (Catalogue.Quantity q : Catalogue.PARAMETERS.values()) {
            assertThat(q.title()).as(q.name()).isNotBlank();
            if (!q.name().equals("mode")) {
                assertThat(q.unit()).as("unit of " + q.name()).isNotBlank();
            }
        }
    }

    @Test
    void axesSayWhatAndInWhichUnit() {
        assertThat(Catalogue.of("retx_p99").label()).isEqualTo("retransmission latency, 99th percentile (cycles)");
        assertThat(Catalogue.of("storageLatency").label()).isEqualTo("storage latency (cycles at 250 MHz)");
        assertThat(Catalogue.axisLabel(List.of("goodput_gbps"))).isEqualTo("goodput (Gbit/s)");
        assertThat(Catalogue.axisLabel(List.of("goodput_gbps", "copy_bandwidth_gbps"))).as("a shared unit").isEqualTo("Gbit/s");
        assertThat(Catalogue.axisLabel(List.of("goodput_gbps", "cycles"))).isEqualTo("goodput, run time");
        assertThat(Catalogue.of("mode").label()).isEqualTo("mode");
        assertThatThrownBy(() -> Catalogue.of("retx_p42")).hasMessageContaining("neither a metric nor a parameter").hasMessageContaining(
                "retx_p99");
    }
}
