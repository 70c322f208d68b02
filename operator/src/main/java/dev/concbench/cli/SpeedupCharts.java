package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.ResultRow;
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
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The charts of {@code concbench report}, drawn headless with JFreeChart: speedup per
 * strategy with error bars and the ideal, and for a sweep over pods speedup against pods.
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

    /** True when the rows cover more than one pod count: then speedup-vs-pods is worth drawing. */
    public static boolean isPodSweep(ConcurrencyBenchmarkStatus status) {
        return withSpeedup(status).stream().map(ResultRow::getPods).filter(Objects::nonNull).distinct().count() > 1;
    }

    /** One line per strategy (per strategy and workers when workers vary) of speedup against pods, and y = x. */
    public static JFreeChart speedupVsPods(ConcurrencyBenchmarkStatus status) {
        List<ResultRow> rows = withSpeedup(status).stream().filter(r -> r.getPods() != null).toList();
        Map<String, Long> workersPerStrategy = new LinkedHashMap<>();
        rows.stream().map(ResultRow::getStrategy).distinct().forEach(s -> workersPerStrategy.put(s,
                rows.stream().filter(r -> s.equals(r.getStrategy())).map(ResultRow::getWorkers).distinct().count()));
        Map<String, XYSeries> series = new LinkedHashMap<>();
        int maxPods = 1;
        for (ResultRow r : rows) {
            String key = workersPerStrategy.get(r.getStrategy()) > 1
                    ? r.getStrategy() + " workers=" + r.getWorkers() : r.getStrategy();
            series.computeIfAbsent(key, k -> new XYSeries(k, true, false)).addOrUpdate(r.getPods(), r.getSpeedup());
            maxPods = Math.max(maxPods, r.getPods());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        XYSeries ideal = new XYSeries("ideal (y = x)");
        ideal.add(1, 1);
        ideal.add(maxPods, maxPods);
        data.addSeries(ideal);

        JFreeChart chart = ChartFactory.createXYLineChart("Speedup against pods", "pods", "speedup", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int idealIndex = data.getSeriesCount() - 1;
        renderer.setSeriesPaint(idealIndex, Color.DARK_GRAY);
        renderer.setSeriesShapesVisible(idealIndex, false);
        renderer.setSeriesStroke(idealIndex, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        plot.setRenderer(renderer);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return chart;
    }

    /** Writes speedup.png, and speedup-vs-pods.png for a sweep over pods; returns the files written. */
    public static List<Path> write(ConcurrencyBenchmarkStatus status, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        if (withSpeedup(status).isEmpty()) {
            return written;
        }
        Path bars = dir.resolve("speedup.png");
        ChartUtils.saveChartAsPNG(bars.toFile(), speedupBars(status), WIDTH, HEIGHT);
        written.add(bars);
        if (isPodSweep(status)) {
            Path lines = dir.resolve("speedup-vs-pods.png");
            ChartUtils.saveChartAsPNG(lines.toFile(), speedupVsPods(status), WIDTH, HEIGHT);
            written.add(lines);
        }
        return written;
    }

    private static List<ResultRow> withSpeedup(ConcurrencyBenchmarkStatus status) {
        return status.getResults() == null ? List.of()
                : status.getResults().stream().filter(r -> r.getSpeedup() != null && r.getStrategy() != null).toList();
    }

    private static String point(ResultRow r) {
        return "pods=" + r.getPods() + ", workers=" + (r.getWorkers() == null ? "-" : r.getWorkers());
    }
}
