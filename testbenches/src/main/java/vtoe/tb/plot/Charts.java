package vtoe.tb.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.text.DecimalFormat;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * PNG line charts for the what-if studies and the benchmarks (JFreeChart, headless). Lines with
 * error bars where a series carries an interval (confidence intervals), log axes on request, and the same
 * colours in the same order on every chart so that a mode keeps its colour across plots.
 */
public final class Charts {
    /** Colour-blind-safe palette (Okabe-Ito), in series order. */
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000)};

    /** What a chart shows; {@code logX}/{@code logY} use a log axis (all values must be positive). */
    public record Spec(String title, String xLabel, String yLabel, boolean logX, boolean logY) {}

    private Charts() {}

    /** Draws {@code series} into a {@code width} x {@code height} PNG at {@code png} (parent folders are created). */
    public static void lines(Spec spec, List<Series> series, Path png, int width, int height) {
        draw(spec, series, null, true, png, width, height);
    }

    /**
     * A trade-off: each series' points as markers without lines (a point's neighbours in x are not related), and
     * {@code front} (null: none) as a black staircase through its points, the best y reachable for each x.
     */
    public static void scatter(Spec spec, List<Series> series, Series front, Path png) {
        draw(spec, series, front, false, png, 800, 500);
    }

    private static void draw(Spec spec, List<Series> series, Series front, boolean linesVisible, Path png, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Series s : series) {
            YIntervalSeries ys = new YIntervalSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (Double.isNaN(y) || (spec.logX() && s.x()[i] <= 0)) {
                    continue;
                }
                double lo = s.hasBand() ? s.lo()[i] : y;
                double hi = s.hasBand() ? s.hi()[i] : y;
                if (spec.logY()) {
                    // A log axis cannot show zero or an interval reaching below it: skip the point, clip the bar at a tenth.
                    if (y <= 0) {
                        continue;
                    }
                    lo = Math.max(lo, y * 0.1);
                }
                ys.add(s.x()[i], y, lo, hi);
            }
            data.addSeries(ys);
        }
        if (front != null) {
            // A staircase: from each front point the value holds until the next, cheaper-is-worse, point.
            YIntervalSeries fs = new YIntervalSeries(front.name(), false, true);
            for (int i = 0; i < front.x().length; i++) {
                if (i > 0) {
                    fs.add(front.x()[i], front.y()[i - 1], front.y()[i - 1], front.y()[i - 1]);
                }
                fs.add(front.x()[i], front.y()[i], front.y()[i], front.y()[i]);
            }
            data.addSeries(fs);
        }
        ValueAxis x = axis(spec.xLabel(), spec.logX());
        ValueAxis y = axis(spec.yLabel(), spec.logY());
        // Error bars rather than shaded bands: with four or more lines, overlapping bands hide each other.
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDrawYError(true);
        r.setDefaultLinesVisible(linesVisible);
        r.setDefaultShapesVisible(true);
        r.setCapLength(6);
        r.setErrorPaint(null); // each bar in its series' colour
        r.setErrorStroke(new BasicStroke(1.2f));
        for (int i = 0; i < series.size(); i++) {
            Color c = PALETTE[i % PALETTE.length];
            r.setSeriesPaint(i, c);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        if (front != null) {
            int f = series.size();
            r.setSeriesPaint(f, Color.BLACK);
            r.setSeriesStroke(f, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            r.setSeriesLinesVisible(f, true);
            r.setSeriesShapesVisible(f, false);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        JFreeChart chart = new JFreeChart(spec.title(), new Font("SansSerif", Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        try {
            if (png.getParent() != null) {
                Files.createDirectories(png.getParent());
            }
            ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the chart " + png + ": " + e.getMessage(), e);
        }
    }

    public static void lines(Spec spec, List<Series> series, Path png) {
        lines(spec, series, png, 800, 500);
    }

    private static ValueAxis axis(String label, boolean log) {
        if (log) {
            LogAxis a = new LogAxis(label);
            a.setSmallestValue(1e-9);
            // Whole decades with plain numbers: the default ticks read 10^-2.9, which nobody wants to.
            a.setTickUnit(new NumberTickUnit(1));
            a.setNumberFormatOverride(new DecimalFormat("0.#####"));
            a.setMinorTickMarksVisible(true);
            return a;
        }
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(false);
        return a;
    }
}
