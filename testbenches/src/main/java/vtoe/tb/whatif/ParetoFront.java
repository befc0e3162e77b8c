package vtoe.tb.whatif;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The Pareto front of a trade-off in which a cost is to be kept low and a value high (on-adapter
 * memory against goodput): the points no other point beats on both, or matches on one and beats on
 * the other. Commons Math has no such thing, and it is a sort and one pass.
 */
public final class ParetoFront {
    private ParetoFront() {}

    /**
     * The non-dominated items, cheapest first (so their values rise strictly along the front). Items
     * whose cost or value is NaN are left out: a point that measured nothing is on no front.
     */
    public static <T> List<T> of(List<T> items, ToDoubleFunction<T> cost, ToDoubleFunction<T> value) {
        List<T> sorted = new ArrayList<>(items.stream().filter(t -> !Double.isNaN(cost.applyAsDouble(t)) && !Double.isNaN(value.applyAsDouble(t)))
                .toList());
        // Cheapest first, and of equal costs the best first, so that the sweep keeps only that one.
        sorted.sort(Comparator.comparingDouble(cost).thenComparing(Comparator.comparingDouble(value).reversed()));
        List<T> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (T t : sorted) {
            double v = value.applyAsDouble(t);
            if (v > best) {
                front.add(t);
                best = v;
            }
        }
        return front;
    }
}
