package vtoe.tb.plot;

import java.util.Arrays;

/**
 * One line of a chart: points {@code (x[i], y[i])} with an optional band {@code [lo[i], hi[i]]}
 * (a 95% confidence interval over seeds, say). Without a band, {@code lo} and {@code hi} are null.
 */
public record Series(String name, double[] x, double[] y, double[] lo, double[] hi) {
    public Series {
        if (x.length != y.length || (lo != null && lo.length != x.length) || (hi != null && hi.length != x.length)
                || (lo == null) != (hi == null)) {
            throw new IllegalArgumentException("series " + name + ": x, y, lo and hi must be equally long (lo and hi both or neither): "
                    + x.length + ", " + y.length + ", " + (lo == null ? "none" : lo.length) + ", " + (hi == null ? "none" : hi.length));
        }
    }

    public static Series of(String name, double[] x, double[] y) {
        return new Series(name, x, y, null, null);
    }

    public boolean hasBand() {
        return lo != null;
    }

    @Override
    public String toString() {
        return "Series[" + name + ", x=" + Arrays.toString(x) + ", y=" + Arrays.toString(y) + "]";
    }
}
