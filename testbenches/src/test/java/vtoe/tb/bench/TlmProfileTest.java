package vtoe.tb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;

/**
 * The bench's profile of the payload-free TLM samples the thread that runs it and finds the model's
 * parts on the stacks: the shares add up, and most samples land in a named part (a profile whose
 * classification had broken would put them all under "other").
 *
 * <p>Run just this: {@code ./scripts/test --only TlmProfileTest}
 */
class TlmProfileTest {
    @Test
    void samplesFallIntoTheModelsParts() {
        WorldPair.Scenario lan = TlmSpeedBench.lan(CsrMap.MODE_TRANSLATE).withBytes(256 << 10);
        TlmProfile.Shares s = TlmProfile.of(lan, ScaleBench.tlmParams(lan.conns()), 3);
        assertThat(s.samples()).as("samples of the running thread").isGreaterThan(50);
        assertThat(s.byPart().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.byPart().get("other")).as("samples in no named part").isLessThan(0.5);
        assertThat(s.byPart().entrySet().stream().filter(e -> !e.getKey().equals("other") && e.getValue() > 0.02).count())
                .as("parts with a few percent of the samples each: %s", s.byPart()).isGreaterThanOrEqualTo(4);
        assertThat(s.byPart().get("DMA engine reads (memory, staging)")).as("a TRANSLATE run reads its data by DMA: %s", s.byPart())
                .isGreaterThan(0.02);
    }
}
