package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vtoe.model.AdapterParams;
import vtoe.model.txn.FetchedDescriptor;
import vtoe.tb.fetch.FetchScenario;

/**
 * Stimulus quality of the random fetch scenario, without simulating: over many seeds every fault
 * class occurs, sizes hit their edges, seqs wrap, and a seed always gives the same scenario.
 *
 * <p>Run just this: {@code ./scripts/test --only FetchScenarioTest}
 */
class FetchScenarioTest {
    final AdapterParams p = AdapterParams.defaults();

    @Test
    void everyFaultClassAndEdgeOccurs() {
        Set<String> faults = new HashSet<>();
        Set<Integer> sizes = new HashSet<>();
        boolean wrapped = false;
        for (long seed = 0; seed < 500; seed++) {
            FetchScenario sc = FetchScenario.generate(p, seed);
            for (var c : sc.chains) {
                if (c.fault() != null) {
                    faults.add(c.fault());
                }
                long prev = -1;
                for (FetchedDescriptor d : c.descs()) {
                    sizes.add(d.size());
                    long s = Integer.toUnsignedLong(d.seq());
                    wrapped |= prev >= 0 && s < prev;
                    prev = s;
                }
            }
        }
        assertThat(faults).containsExactlyInAnyOrder("out-of-region", "misaligned", "loop", "bad-seq", "bad-size",
                "dma-error", "bad-conn", "disabled");
        assertThat(sizes).contains(1, 2, 1460, p.maxBlockBytes() - 1, p.maxBlockBytes());
        assertThat(wrapped).as("some chain crosses seq 2^32").isTrue();
    }

    @Test
    void aSeedAlwaysGivesTheSameScenario() {
        for (long seed : new long[] {1, 0xdeadbeefL, -7}) {
            assertThat(FetchScenario.generate(p, seed).describe()).isEqualTo(FetchScenario.generate(p, seed).describe());
            assertThat(FetchScenario.generate(p, seed).chains).isEqualTo(FetchScenario.generate(p, seed).chains);
        }
    }
}
