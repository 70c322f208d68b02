package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.ResultRow;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.LevelRenderer;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The charts of {@code concbench report}, drawn headless with JFreeChart: speedup per
 * strategy with error bars and the ideal; for a sweep over pods speedup against pods, for a
 * sweep over workers speedup against workers (both with error bars and the ideal y = x).
 */
public final class SpeedupCharts {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 540;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private SpeedupCharts() {
    }

    /** Bars of speedup ± speedupError per strategy (one series per pods/workers point), ideal levels and 1.0. */
    public static JFreeChart speedupBars(ConcurrencyBenchmarkStatus status) {
        List<ResultRow> rows = withSpeedup(status);
        boolean severalPoints = rows.stream().map(SpeedupCharts::point).distinct().count() > 1;
        DefaultStatisticalCategoryDataset bars = new DefaultStatisticalCategoryDataset();
        DefaultCategoryDataset ideal = new DefaultCategoryDataset();
        for (ResultRow r : rows) {
            String series = severalPoints ? point(r) : "speedup";
            bars.add(r.getSpeedup().doubleValue(),
                    r.getSpeedupError() == null ? 0.0 : r.getSpeedupError().doubleValue(), series, r.getStrategy());
            ideal.addValue(r.getParallelism() == null ? Double.valueOf(1.0) : r.getParallelism(),
                    series, r.getStrategy());
        }
        JFreeChart chart = ChartFactory.createBarChart("Speedup over the single-pod sequential baseline",
                "strategy", "speedup", bars, PlotOrientation.VERTICAL, severalPoints, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.05);
        plot.setRenderer(0, renderer);

        // The ideal of each bar: its parallelism, drawn as a dashed level across the bar.
        LevelRenderer levels = new LevelRenderer();
        levels.setItemMargin(0.05);
        for (int i = 0; i < ideal.getRowCount(); i++) {
            levels.setSeriesPaint(i, Color.DARK_GRAY);
            levels.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
        }
        levels.setDefaultSeriesVisibleInLegend(false);
        plot.setDataset(1, ideal);
        plot.setRenderer(1, levels);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);

        ValueMarker one = new ValueMarker(1.0, Color.RED, new BasicStroke(1.5f));
        one.setLabel("1.0");
        one.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        one.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        one.setLabelBackgroundColor(new Color(0, 0, 0, 0));
        one.setLabelPaint(Color.RED);
        plot.addRangeMarker(one);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(
                "error bars: ± speedupError; dashed: ideal (the row's parallelism); red: 1.0"));

        CategoryAxis x = plot.getDomainAxis();
        if (bars.getColumnCount() > 4) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(true);
        double top = 1.0;
        for (ResultRow r : rows) {
            top = Math.max(top, r.getSpeedup() + (r.getSpeedupError() == null ? 0 : r.getSpeedupError()));
            if (r.getParallelism() != null) {
                top = Math.max(top, r.getParallelism());
            }
        }
        y.setRange(0, top * 1.1);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return chart;
    }

    /** The axis a sweep runs over: what the x axis of a "speedup against" chart counts. */
    @Getter
    @Accessors(fluent = true)
    @RequiredArgsConstructor
    public enum Axis {
        PODS("pods", "speedup-vs-pods.png"),
        WORKERS("workers", "speedup-vs-workers.png");

        private final String label;
        /** The chart's file name; stable, the Markdown report links it. */
        private final String fileName;

        Axis other() {
            return this == PODS ? WORKERS : PODS;
        }

        /** The raw value of this axis in a row (workers as requested: 0 = the pod's CPUs). */
        Integer raw(ResultRow r) {
            return this == PODS ? r.getPods() : r.getWorkers();
        }
    }

    /** True when some strategy has rows at more than one point of the axis. */
    public static boolean isSweep(ConcurrencyBenchmarkStatus status, Axis axis) {
        List<ResultRow> rows = withSpeedup(status);
        Map<String, Set<Integer>> points = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            Integer x = x(axis, r, rows);
            if (x != null) {
                points.computeIfAbsent(r.getStrategy(), k -> new TreeSet<>()).add(x);
            }
        }
        return points.values().stream().anyMatch(p -> p.size() > 1);
    }

    /**
     * Speedup against pods or workers: one line per strategy (per strategy and value of the
     * other axis when that varies for the strategy), each point with a vertical error bar of
     * ± speedupError, and the dashed ideal y = x. Dataset 0 is the lines with their error
     * intervals ({@link YIntervalSeriesCollection}), dataset 1 the ideal.
     *
     * <p>On the workers axis a row with workers 0 (the pod's CPUs) is placed at the pool size
     * really used (its own, or that of a pooled row of the same run); without one it is left
     * out. When two rows of one line fall on the same x, the first is drawn.
     */
    public static JFreeChart speedupAgainst(ConcurrencyBenchmarkStatus status, Axis axis) {
        List<ResultRow> all = withSpeedup(status);
        Axis other = axis.other();
        Map<String, Set<Integer>> otherValues = new HashMap<>();
        for (ResultRow r : all) {
            if (x(axis, r, all) != null) {
                otherValues.computeIfAbsent(r.getStrategy(), k -> new HashSet<>()).add(other.raw(r));
            }
        }

        Map<String, Map<Integer, ResultRow>> lines = new LinkedHashMap<>();
        int maxX = 1;
        for (ResultRow r : all) {
            Integer x = x(axis, r, all);
            if (x == null) {
                continue;
            }
            String key = otherValues.get(r.getStrategy()).size() > 1
                    ? r.getStrategy() + " " + other.label() + "=" + other.raw(r) : r.getStrategy();
            lines.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(x, r);
            maxX = Math.max(maxX, x);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Map.Entry<String, Map<Integer, ResultRow>> line : lines.entrySet()) {
            YIntervalSeries series = new YIntervalSeries(line.getKey(), true, false);
            line.getValue().forEach((x, r) -> {
                double speedup = r.getSpeedup();
                double error = r.getSpeedupError() == null ? 0.0 : Math.abs(r.getSpeedupError());
                series.add(x, speedup, speedup - error, speedup + error);
            });
            data.addSeries(series);
        }
        XYSeries idealLine = new XYSeries("ideal (y = x)");
        idealLine.add(1, 1);
        idealLine.add(maxX, maxX);
        XYSeriesCollection ideal = new XYSeriesCollection(idealLine);

        JFreeChart chart = ChartFactory.createXYLineChart("Speedup against " + axis.label(), axis.label(),
                "speedup", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setCapLength(10.0);
        renderer.setErrorStroke(new BasicStroke(1.5f));
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(0, renderer);

        XYLineAndShapeRenderer idealRenderer = new XYLineAndShapeRenderer(true, false);
        idealRenderer.setSeriesPaint(0, Color.DARK_GRAY);
        idealRenderer.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        plot.setDataset(1, ideal);
        plot.setRenderer(1, idealRenderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle("error bars: ± speedupError; dashed: ideal y = x"));

        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        x.setLowerMargin(0.05);
        x.setUpperMargin(0.05);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(true);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return chart;
    }

    /**
     * Writes speedup.png, speedup-vs-pods.png for a sweep over pods and speedup-vs-workers.png
     * for a sweep over workers; returns the files written, in that order.
     */
    public static List<Path> write(ConcurrencyBenchmarkStatus status, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        if (withSpeedup(status).isEmpty()) {
            return written;
        }
        Path bars = dir.resolve("speedup.png");
        ChartUtils.saveChartAsPNG(bars.toFile(), speedupBars(status), WIDTH, HEIGHT);
        written.add(bars);
        for (Axis axis : Axis.values()) {
            if (isSweep(status, axis)) {
                Path lines = dir.resolve(axis.fileName());
                ChartUtils.saveChartAsPNG(lines.toFile(), speedupAgainst(status, axis), WIDTH, HEIGHT);
                written.add(lines);
            }
        }
        return written;
    }

    /**
     * Where a row sits on the axis, or null when it does not: pods as they are; workers as
     * requested, except 0 (the pod's CPUs), which is placed at the pool size really used.
     */
    private static Integer x(Axis axis, ResultRow r, List<ResultRow> rows) {
        Integer raw = axis.raw(r);
        if (axis == Axis.PODS || raw == null || raw > 0) {
            return raw;
        }
        if (r.getPoolSize() != null) {
            return r.getPoolSize();
        }
        return rows.stream()
                .filter(o -> Objects.equals(o.getPods(), r.getPods()) && Objects.equals(o.getWorkers(), raw)
                        && o.getPoolSize() != null)
                .map(ResultRow::getPoolSize).max(Integer::compare).orElse(null);
    }

    private static List<ResultRow> withSpeedup(ConcurrencyBenchmarkStatus status) {
        return status.getResults() == null ? List.of()
                : status.getResults().stream().filter(r -> r.getSpeedup() != null && r.getStrategy() != null).toList();
    }

    private static String point(ResultRow r) {
        return "pods=" + r.getPods() + ", workers=" + (r.getWorkers() == null ? "-" : r.getWorkers());
    }
}
