package vtoe.tb.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Pareto front of a trade-off (low cost, high value): a hand-checked case, ties and NaN, and
 * random clouds against the definition (no front point dominated, every other point dominated by one).
 *
 * <p>Run just this: {@code ./scripts/test --only ParetoFrontTest}
 */
class ParetoFrontTest {
    private record P(String name, double cost, double value) {}

    private static List<P> front(List<P> ps) {
        return ParetoFront.of(ps, P::cost, P::value);
    }

    private static boolean dominates(P a, P b) {
        return a.cost() <= b.cost() && a.value() >= b.value() && (a.cost() < b.cost() || a.value() > b.value());
    }

    @Test
    void keepsWhatNothingBeatsCheapestFirst() {
        List<P> ps = List.of(new P("copy 64", 4e6, 5.0), new P("va 64", 2e4, 4.9), new P("va 16", 5e3, 2.0), new P("bad", 3e4, 1.0),
                new P("copy 16", 1e6, 4.0));
        assertThat(front(ps)).extracting(P::name).containsExactly("va 16", "va 64", "copy 64");
    }

    @Test
    void ofEqualCostsOnlyTheBestAndOfEqualValuesOnlyTheCheapestStay() {
        List<P> ps = List.of(new P("a", 10, 1), new P("b", 10, 3), new P("c", 20, 3), new P("d", 5, Double.NaN), new P("e", Double.NaN, 9));
        assertThat(front(ps)).extracting(P::name).containsExactly("b");
        assertThat(front(List.of())).isEmpty();
    }

    @Test
    void randomCloudsMeetTheDefinition() {
        SplittableRandom rnd = new SplittableRandom(0x9a7e70L);
        for (int round = 0; round < 200; round++) {
            List<P> ps = new ArrayList<>();
            int n = 1 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                // Few distinct values, so that ties are common.
                ps.add(new P("p" + i, rnd.nextInt(8), rnd.nextInt(8)));
            }
            List<P> f = front(ps);
            for (P p : ps) {
                boolean dominated = ps.stream().anyMatch(q -> dominates(q, p));
                if (dominated) {
                    assertThat(f).as("round %d: %s is dominated", round, p).doesNotContain(p);
                } else {
                    // Duplicates of one (cost, value) pair: the front keeps one of them.
                    assertThat(f).as("round %d: %s is on the front", round, p)
                            .anySatisfy(q -> assertThat(q.cost() == p.cost() && q.value() == p.value()).isTrue());
                }
            }
            for (int i = 1; i < f.size(); i++) {
                assertThat(f.get(i).cost()).isGreaterThan(f.get(i - 1).cost());
                assertThat(f.get(i).value()).isGreaterThan(f.get(i - 1).value());
            }
        }
    }
}
