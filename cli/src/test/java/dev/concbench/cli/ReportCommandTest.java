package dev.concbench.cli;

import dev.concbench.domain.RowComparison;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.ResultRow;
import org.apache.commons.math3.stat.inference.TTest;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static dev.concbench.cli.TestResults.row;
import static dev.concbench.cli.TestResults.status;
import static org.assertj.core.api.Assertions.assertThat;

class ReportCommandTest {

    private static final Supplier<KernelLauncher> NO_LAUNCHER = () -> {
        throw new AssertionError("report must not launch kernels");
    };

    @TempDir
    Path dir;



    private static ConcurrencyBenchmarkStatus demo() {
        ResultRow unstable = row("thread-pool", 1, 2, 2.0, List.of(2.5, 2.6, 3.4), 0.96, 0.12);
        unstable.setUnstable(true);
        return status(
                row("sequential", 1, 1, 1.0, List.of(2.40, 2.41, 2.39), 1.0, 0.01),
                unstable,
                row("process-pool", 1, 2, 2.0, List.of(1.25, 1.26, 1.24), 1.92, 0.03));
    }

    private Path save(String name, ConcurrencyBenchmarkStatus status) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, name.endsWith(".json") ? ConcbenchCli.json(status) : ConcbenchCli.yaml(status));
        return file;
    }

    private static void assertPng(Path png) throws IOException {
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(5_000);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(SpeedupCharts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(SpeedupCharts.HEIGHT);
    }

    @Test
    void writesMarkdownAndSpeedupChart() throws IOException {
        Path file = save("status.json", demo());
        Path out = dir.resolve("out");

        CliHarness result = CliHarness.run(NO_LAUNCHER, "report", file.toString(), "--out", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md)
                .contains("| strategy | pods | workers | median s | 95% CI s | speedup | efficiency | unstable |")
                .contains("| sequential | 1 | 1 | 2.400 | [2.350, 2.450] | 1.00 ± 0.01 | 100% |  |")
                .contains("| thread-pool | 1 | 2 | 2.600 |")
                .contains("| 0.96 ± 0.12 | 48% | yes |")
                .contains("| process-pool | 1 | 2 | 1.250 | [1.200, 1.300] | 1.92 ± 0.03 | 96% |  |")
                .contains("fastest **process-pool**")
                .contains("![speedup.png](speedup.png)");
        assertThat(result.out()).contains(md);
        assertPng(out.resolve("speedup.png"));
        assertThat(out.resolve("speedup-vs-pods.png")).doesNotExist();
        assertThat(out.resolve("speedup-vs-workers.png")).doesNotExist();
    }

    private static ConcurrencyBenchmarkStatus podSweep() {
        return status(
                row("sequential", 1, 1, 1.0, List.of(4.0, 4.1, 3.9), 1.0, 0.02),
                row("process-pool", 1, 0, 2.0, List.of(2.1, 2.0, 2.2), 1.9, 0.05),
                row("process-pool", 2, 0, 4.0, List.of(1.1, 1.0, 1.2), 3.7, 0.1),
                row("thread-pool", 1, 0, 2.0, List.of(4.0, 4.1, 3.9), 1.0, 0.03),
                row("thread-pool", 2, 0, 4.0, List.of(2.1, 2.0, 2.2), 1.9, 0.06));
    }

    /** sweep.workers [1, 2, 4] on one pod: every strategy measured at each workers value. */
    private static ConcurrencyBenchmarkStatus workerSweep() {
        return status(
                row("sequential", 1, 1, 1.0, List.of(4.0, 4.1, 3.9), 1.0, 0.02),
                row("process-pool", 1, 1, 1.0, List.of(4.1, 4.0, 4.2), 0.98, 0.03),
                row("sequential", 1, 2, 1.0, List.of(4.0, 4.0, 4.1), 1.0, 0.02),
                row("process-pool", 1, 2, 2.0, List.of(2.1, 2.0, 2.2), 1.95, 0.07),
                row("sequential", 1, 4, 1.0, List.of(4.1, 4.0, 3.9), 1.0, 0.02),
                row("process-pool", 1, 4, 4.0, List.of(1.1, 1.0, 1.3), 3.6, 0.25));
    }

    private static YIntervalSeries series(YIntervalSeriesCollection data, String key) {
        int index = data.indexOf(key);
        assertThat(index).as("series %s in %s", key, keys(data)).isNotNegative();
        return data.getSeries(index);
    }

    private static List<String> keys(YIntervalSeriesCollection data) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            keys.add(String.valueOf(data.getSeriesKey(i)));
        }
        return keys;
    }

    /** The (x, y, low, high) of every item of a series, for one assertion per line. */
    private static List<List<Double>> points(YIntervalSeries series) {
        List<List<Double>> points = new ArrayList<>();
        for (int i = 0; i < series.getItemCount(); i++) {
            points.add(List.of(series.getX(i).doubleValue(), series.getYValue(i), series.getYLowValue(i),
                    series.getYHighValue(i)));
        }
        return points;
    }

    @ParameterizedTest
    @EnumSource(SpeedupCharts.Axis.class)
    void aSweepAlsoDrawsSpeedupAgainstItsAxisOnly(SpeedupCharts.Axis axis) throws IOException {
        ConcurrencyBenchmarkStatus sweep = axis == SpeedupCharts.Axis.PODS ? podSweep() : workerSweep();
        CliHarness result = CliHarness.run(NO_LAUNCHER, "report", save("sweep.yaml", sweep).toString(),
                "--out", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertPng(dir.resolve("speedup.png"));
        assertPng(dir.resolve(axis.fileName()));
        String other = axis.other().fileName();
        assertThat(dir.resolve(other)).doesNotExist();
        assertThat(Files.readString(dir.resolve("report.md")))
                .contains("![speedup.png](speedup.png)\n![" + axis.fileName() + "](" + axis.fileName() + ")\n")
                .doesNotContain(other);
        if (axis == SpeedupCharts.Axis.PODS) {
            assertThat(Files.readString(dir.resolve("report.md"))).contains("| process-pool | 2 | 0 |");
        }
    }

    @Test
    void writeReturnsTheChartsOfEachSweep() throws IOException {
        ConcurrencyBenchmarkStatus both = status(
                row("sequential", 1, 1, 1.0, List.of(4.0, 4.1, 3.9), 1.0, 0.02),
                row("process-pool", 1, 1, 1.0, List.of(4.1, 4.0, 4.2), 0.98, 0.03),
                row("process-pool", 1, 2, 2.0, List.of(2.1, 2.0, 2.2), 1.95, 0.07),
                row("process-pool", 2, 1, 2.0, List.of(2.1, 2.0, 2.2), 1.9, 0.05),
                row("process-pool", 2, 2, 4.0, List.of(1.1, 1.0, 1.2), 3.7, 0.1));

        assertThat(SpeedupCharts.write(both, dir)).containsExactly(dir.resolve("speedup.png"),
                dir.resolve("speedup-vs-pods.png"), dir.resolve("speedup-vs-workers.png"));
        assertPng(dir.resolve("speedup-vs-pods.png"));
        assertPng(dir.resolve("speedup-vs-workers.png"));

        Path single = Files.createDirectory(dir.resolve("single"));
        assertThat(SpeedupCharts.write(demo(), single)).containsExactly(single.resolve("speedup.png"));
        try (var files = Files.list(single)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("speedup.png");
        }
    }

    @Test
    void podsChartHasErrorBarsOfSpeedupError() {
        JFreeChart chart = SpeedupCharts.speedupAgainst(podSweep(), SpeedupCharts.Axis.PODS);
        XYPlot plot = chart.getXYPlot();

        assertThat(plot.getRenderer(0)).isInstanceOf(XYErrorRenderer.class);
        assertThat(((XYErrorRenderer) plot.getRenderer(0)).getDrawYError()).isTrue();
        assertThat(plot.getDataset(0)).isInstanceOf(YIntervalSeriesCollection.class);
        YIntervalSeriesCollection data = (YIntervalSeriesCollection) plot.getDataset(0);
        // workers do not vary per strategy: one line per strategy, x = pods, y = speedup ± speedupError
        assertThat(data.getSeriesCount()).isEqualTo(3);
        assertThat(points(series(data, "process-pool"))).containsExactly(
                List.of(1.0, 1.9, 1.9 - 0.05, 1.9 + 0.05),
                List.of(2.0, 3.7, 3.7 - 0.1, 3.7 + 0.1));
        int pp = data.indexOf("process-pool");
        assertThat(data.getStartYValue(pp, 1)).isEqualTo(3.7 - 0.1);
        assertThat(data.getEndYValue(pp, 1)).isEqualTo(3.7 + 0.1);
        assertThat(points(series(data, "sequential"))).containsExactly(List.of(1.0, 1.0, 0.98, 1.02));

        XYDataset ideal = plot.getDataset(1);
        assertThat(ideal.getSeriesKey(0)).isEqualTo("ideal (y = x)");
        assertThat(ideal.getItemCount(0)).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            assertThat(ideal.getYValue(0, i)).isEqualTo(ideal.getXValue(0, i));
        }
        assertThat(ideal.getXValue(0, 1)).isEqualTo(2.0);
        assertThat(plot.getDomainAxis().getStandardTickUnits())
                .isEqualTo(NumberAxis.createIntegerTickUnits());
    }

    @Test
    void workersChartSplitsByPodsAndPlacesWorkersZeroAtThePoolSize() {
        ResultRow cpus = row("thread-pool", 1, 0, 4.0, List.of(1.2, 1.1, 1.3), 3.1, 0.2);
        cpus.setPoolSize(4);
        ConcurrencyBenchmarkStatus sweep = status(
                row("sequential", 1, 1, 1.0, List.of(4.0, 4.1, 3.9), 1.0, 0.02),
                row("thread-pool", 1, 1, 1.0, List.of(4.0, 4.1, 3.9), 0.97, 0.04),
                row("thread-pool", 1, 2, 2.0, List.of(2.1, 2.0, 2.2), 1.8, 0.1),
                cpus,
                row("thread-pool", 2, 1, 2.0, List.of(2.1, 2.0, 2.2), 1.9, 0.05),
                row("thread-pool", 2, 2, 4.0, List.of(1.1, 1.0, 1.2), 3.5, 0.15));
        assertThat(SpeedupCharts.isSweep(sweep, SpeedupCharts.Axis.WORKERS)).isTrue();
        assertThat(SpeedupCharts.isSweep(demo(), SpeedupCharts.Axis.WORKERS)).isFalse();

        YIntervalSeriesCollection data =
                (YIntervalSeriesCollection) SpeedupCharts.speedupAgainst(sweep, SpeedupCharts.Axis.WORKERS).getXYPlot().getDataset(0);

        assertThat(keys(data)).containsExactlyInAnyOrder("sequential", "thread-pool pods=1",
                "thread-pool pods=2");
        assertThat(points(series(data, "thread-pool pods=1"))).containsExactly(
                List.of(1.0, 0.97, 0.97 - 0.04, 0.97 + 0.04),
                List.of(2.0, 1.8, 1.8 - 0.1, 1.8 + 0.1),
                List.of(4.0, 3.1, 3.1 - 0.2, 3.1 + 0.2));
        assertThat(points(series(data, "thread-pool pods=2"))).containsExactly(
                List.of(1.0, 1.9, 1.9 - 0.05, 1.9 + 0.05),
                List.of(2.0, 3.5, 3.5 - 0.15, 3.5 + 0.15));
    }

    @Test
    void compareCallsAClearDifferenceSignificant() throws Exception {
        List<Double> fast = List.of(1.0, 1.01, 0.99, 1.0);
        List<Double> slow = List.of(2.0, 2.02, 1.98, 2.0);
        Path a = save("a.json", status(row("sequential", 1, 1, 1.0, fast, 1.0, 0.01)));
        Path b = save("b.yaml", status(row("sequential", 1, 1, 1.0, slow, 1.0, 0.01),
                row("thread-pool", 1, 2, 2.0, slow, 1.0, 0.01)));

        CliHarness result = CliHarness.run(NO_LAUNCHER, "report", a.toString(), "--compare", b.toString(),
                "--out", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        double expected = new TTest().tTest(new double[] {1.0, 1.01, 0.99, 1.0}, new double[] {2.0, 2.02, 1.98, 2.0});
        assertThat(expected).isLessThan(0.05);
        List<RowComparison> rows = MarkdownReport.compare(
                StatusFile.read(a).status(), StatusFile.read(b).status());
        assertThat(rows).hasSize(1); // thread-pool is only in B
        assertThat(rows.get(0).pValue()).isEqualTo(expected);

        String md = Files.readString(dir.resolve("compare.md"));
        assertThat(md)
                .contains("| row | median A s | median B s | ratio B/A | p-value | verdict |")
                .contains("| sequential pods=1 workers=1 | 1.000 | 2.000 | 2.000 | " + MarkdownReport.pValue(expected)
                        + " | B slower (p<0.05) |")
                .doesNotContain("thread-pool");
        assertThat(result.out()).contains(md);
    }

    @Test
    void compareCallsOverlappingSamplesNoise() throws IOException {
        List<Double> x = List.of(1.0, 1.02, 0.98, 1.01);
        List<Double> y = List.of(1.01, 0.99, 1.0, 1.02);
        Path a = save("a.yaml", status(row("async", 1, 4, 4.0, x, 3.0, 0.1)));
        Path b = save("b.yaml", status(row("async", 1, 4, 4.0, y, 3.0, 0.1)));

        CliHarness result = CliHarness.run(NO_LAUNCHER, "report", a.toString(), "--compare", b.toString(),
                "--out", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        double expected = new TTest().tTest(x.stream().mapToDouble(Double::doubleValue).toArray(),
                y.stream().mapToDouble(Double::doubleValue).toArray());
        assertThat(expected).isGreaterThan(0.05);
        assertThat(result.out()).contains("| " + MarkdownReport.pValue(expected) + " | not significant |");
    }

    @Test
    void compareNeedsTwoSamplesEach() {
        assertThat(RowComparison.welchP(List.of(1.0), List.of(1.0, 2.0))).isNaN();
        ConcurrencyBenchmarkStatus a = status(row("sequential", 1, 1, 1.0, List.of(1.0), 1.0, 0.0));
        String md = MarkdownReport.comparison("a", "b", MarkdownReport.compare(a, a));
        assertThat(md).contains("| - | n/a (needs ≥2 samples each) |");
    }

    @Test
    void acceptsAWholeResourceAsWellAsABareStatus() throws Exception {
        String statusYaml = ConcbenchCli.yaml(demo()).indent(2);
        Path resource = dir.resolve("cb.yaml");
        Files.writeString(resource, CliHarness.manifest("demo", "runtime: python\nworkload: {type: cpu, size: 400, tasks: 80}")
                + "status:\n" + statusYaml);

        CliHarness result = CliHarness.run(NO_LAUNCHER, "report", resource.toString(), "--out", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("# concbench report: demo")
                .contains("| process-pool | 1 | 2 | 1.250 |");
        assertPng(dir.resolve("speedup.png"));

        Path bare = save("bare.yaml", demo());
        StatusFile.Loaded loaded = StatusFile.read(bare);
        assertThat(loaded.name()).isNull();
        assertThat(loaded.status().getResults()).hasSize(3);
    }

    @Test
    void badFilesExitTwoWithOneLine() throws IOException {
        Path garbage = dir.resolve("garbage.yaml");
        Files.writeString(garbage, "phase: [unclosed\n");
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n");
        Path pending = dir.resolve("pending.yaml");
        Files.writeString(pending, CliHarness.manifest("x", "{}"));

        for (Path bad : List.of(garbage, other, pending, dir.resolve("missing.json"))) {
            CliHarness result = CliHarness.run(NO_LAUNCHER, "report", bad.toString(), "--out", dir.toString());
            assertThat(result.exitCode()).as(bad.toString()).isEqualTo(ConcbenchCli.EXIT_INVALID);
            assertThat(result.err().strip().lines()).as(result.err()).hasSize(1);
            assertThat(result.err()).startsWith("concbench: " + bad);
        }
        assertThat(dir.resolve("report.md")).doesNotExist();
    }

    @Test
    void needsExactlyOneOfFileAndLive() throws IOException {
        Path file = save("status.json", demo());
        for (String[] args : List.of(new String[] {"report"},
                new String[] {"report", file.toString(), "--live", "ns/name"})) {
            CliHarness result = CliHarness.run(NO_LAUNCHER, args);
            assertThat(result.exitCode()).isEqualTo(ConcbenchCli.EXIT_INVALID);
            assertThat(result.err()).isEqualTo("concbench: report needs either STATUS_FILE or --live NAMESPACE/NAME"
                    + System.lineSeparator());
        }
    }
}
