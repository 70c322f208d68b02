package dev.concbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.domain.RowComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.concbench.cli.TestResults.row;
import static dev.concbench.cli.TestResults.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exports as the tools that read them see them: pyperf's JSON read by the real pyperf (from
 * PyPI, in a virtual environment made on first use and cached), hyperfine's field names, CSV.
 */
class ExportsTest {

    private static final Supplier<KernelLauncher> NO_LAUNCHER = () -> {
        throw new AssertionError("no kernel");
    };
    static final String PYPERF_VERSION = "2.11.0";

    @TempDir
    Path dir;

    private static ConcurrencyBenchmarkStatus measured(List<Double> sequential, List<Double> pool, List<Double> threads) {
        ConcurrencyBenchmarkStatus s = status(row("sequential", 1, 0, 1, sequential, 1, 0),
                row("process-pool", 1, 0, 2, pool, 2, 0), row("threads", 1, 0, 2, threads, 1, 0));
        EnvironmentStatus env = TestResults.environment("node-a");
        s.setEnvironment(env);
        return s;
    }

    private static final ConcurrencyBenchmarkStatus OLD = measured(List.of(1.00, 1.01, 0.99, 1.00, 1.02),
            List.of(0.50, 0.51, 0.49, 0.50, 0.52), List.of(1.00, 1.02, 0.98, 1.01, 0.99));
    /** process-pool got slower, sequential faster, threads the same within noise. */
    private static final ConcurrencyBenchmarkStatus NEW = measured(List.of(0.80, 0.81, 0.79, 0.80, 0.82),
            List.of(0.70, 0.71, 0.69, 0.70, 0.72), List.of(1.01, 0.99, 1.00, 1.02, 0.98));

    private Path export(String name, ConcurrencyBenchmarkStatus status, String format) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, ConcbenchCli.yaml(status));
        CliHarness r = CliHarness.run(NO_LAUNCHER, "report", file.toString(), "--format", format);
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path out = dir.resolve(name + "." + (format.equals("csv") ? "csv" : "json"));
        Files.writeString(out, r.out());
        return out;
    }

    @Test
    void pyperfReadsTheExportAndAgreesWithConcbenchsVerdicts() throws Exception {
        Path old = export("old", OLD, "pyperf");
        Path current = export("new", NEW, "pyperf");

        Run stats = pyperf("stats", old.toString());
        assertThat(stats.code()).as(stats.out()).isZero();
        assertThat(stats.out()).contains("Number of benchmarks: 3", "sequential pods=1 workers=0",
                "process-pool pods=1 workers=0", "Total number of values: 5");
        Run metadata = pyperf("metadata", old.toString());
        assertThat(metadata.out()).contains("runtime: python", "python_version: 3.11.7", "cpu_count: 2",
                "nodes: node-a", "concbench_version:");

        Run compared = pyperf("compare_to", old.toString(), current.toString());
        assertThat(compared.code()).as(compared.out()).isZero();
        System.out.println(compared.out());
        for (RowComparison c : RowComparison.compare(OLD.getResults(), NEW.getResults())) {
            String name = Exports.rowName(c.current());
            switch (c.verdict()) {
                case SLOWER -> assertThat(compared.out()).containsPattern(name + ":.*x slower");
                case FASTER -> assertThat(compared.out()).containsPattern(name + ":.*x faster");
                case NOT_SIGNIFICANT -> assertThat(compared.out())
                        .containsPattern("hidden because not significant.*" + name);
                default -> throw new AssertionError("unexpected verdict " + c.verdict() + " for " + name);
            }
        }
        assertThat(RowComparison.compare(OLD.getResults(), NEW.getResults())).extracting(RowComparison::verdict)
                .containsExactly(RowComparison.Verdict.FASTER, RowComparison.Verdict.SLOWER,
                        RowComparison.Verdict.NOT_SIGNIFICANT);
    }

    @Test
    void hyperfineExportUsesHyperfinesFieldNames() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(export("old", OLD, "hyperfine").toFile());
        JsonNode first = doc.path("results").get(0);
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("command", "mean", "stddev", "median", "user", "system", "min", "max",
                "times", "exit_codes", "parameters");
        assertThat(first.path("command").asText()).isEqualTo("sequential pods=1 workers=0");
        assertThat(first.path("times")).hasSize(5);
        assertThat(first.path("exit_codes").toString()).isEqualTo("[0,0,0,0,0]");
        assertThat(first.path("parameters").path("pods").asText()).isEqualTo("1");
        assertThat(doc.path("concbench").path("runtime_version").asText()).isEqualTo("3.11.7");
    }

    @Test
    void csvHasARowPerResultWithTheEnvironment() throws IOException {
        List<String> lines = Files.readAllLines(export("old", OLD, "csv"));
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).split(",")).containsExactlyElementsOf(Exports.CSV_COLUMNS);
        String[] seq = lines.get(1).split(",", -1);
        assertThat(seq[1]).isEqualTo("sequential");
        assertThat(seq[5]).isEqualTo("1.0 1.01 0.99 1.0 1.02");
        assertThat(seq[Exports.CSV_COLUMNS.indexOf("runtime_version")]).isEqualTo("3.11.7");
        assertThat(seq[Exports.CSV_COLUMNS.indexOf("nodes")]).isEqualTo("node-a");
    }

    @Test
    void aSweepOverRuntimesExportsEachRowWithItsRuntime() throws IOException {
        ConcurrencyBenchmarkStatus s = measured(List.of(1.0, 1.0), List.of(0.5, 0.5), List.of(1.0, 1.0));
        s.getResults().get(0).setRuntime("cpython-3.11");
        s.getResults().get(1).setRuntime("cpython-3.11");
        s.getResults().get(2).setRuntime("pypy-3.11");
        s.getResults().get(2).setStrategy("sequential");
        dev.concbench.api.v1alpha1.RuntimeEnvironment pypy = new dev.concbench.api.v1alpha1.RuntimeEnvironment();
        pypy.setRuntime("pypy-3.11");
        pypy.setRuntimeVersion("3.11.11");
        s.getEnvironment().setRuntimes(List.of(pypy));

        List<String> csv = Files.readAllLines(export("sweep", s, "csv"));
        JsonNode pyperf = new ObjectMapper().readTree(export("sweep", s, "pyperf").toFile());

        String[] pypyRow = csv.get(3).split(",", -1);
        assertThat(pypyRow[Exports.CSV_COLUMNS.indexOf("strategy")]).isEqualTo("sequential");
        assertThat(pypyRow[Exports.CSV_COLUMNS.indexOf("runtime")]).isEqualTo("pypy-3.11");
        assertThat(pypyRow[Exports.CSV_COLUMNS.indexOf("runtime_version")]).isEqualTo("3.11.11");
        assertThat(csv.get(1).split(",", -1)[Exports.CSV_COLUMNS.indexOf("runtime")]).isEqualTo("cpython-3.11");
        List<String> names = new ArrayList<>();
        pyperf.path("benchmarks").forEach(b -> names.add(b.path("metadata").path("name").asText()));
        assertThat(names).containsExactly("cpython-3.11 sequential pods=1 workers=0",
                "cpython-3.11 process-pool pods=1 workers=0", "pypy-3.11 sequential pods=1 workers=0");
    }

    @Test
    void everyFormatCarriesTheCpusObtainedAndTheContendedFlag() throws Exception {
        String starved = "got 1.05 of 2 CPUs (waited 46 % of its time)";
        ConcurrencyBenchmarkStatus s = measured(List.of(1.0, 1.01, 0.99), List.of(0.95, 0.96, 0.94),
                List.of(1.0, 1.02, 0.98));
        TestResults.cpu(s.getResults().get(0), 0.99, null);
        TestResults.cpu(s.getResults().get(1), 1.05, starved);
        s.getEnvironment().setCgroup("v2");
        s.getEnvironment().setExclusiveCpus(true);
        s.getEnvironment().setQosClass("Guaranteed");

        Path pyperfFile = export("cpu", s, "pyperf");
        Run metadata = pyperf("metadata", pyperfFile.toString());
        assertThat(metadata.code()).as(metadata.out()).isZero();
        assertThat(metadata.out()).contains("cgroup: v2", "exclusive_cpus: true", "qos_class: Guaranteed",
                "cpus_obtained: 1.05", "contended: " + starved);
        assertThat(pyperf("stats", pyperfFile.toString()).code()).isZero();

        JsonNode hyperfine = new ObjectMapper().readTree(export("cpu", s, "hyperfine").toFile());
        JsonNode pool = hyperfine.path("results").get(1).path("concbench");
        assertThat(pool.path("cpus_obtained").asDouble()).isEqualTo(1.05);
        assertThat(pool.path("contended").asBoolean()).isTrue();
        assertThat(pool.path("contended_reason").asText()).isEqualTo(starved);
        assertThat(hyperfine.path("results").get(2).has("concbench")).as("no figures, no key").isFalse();

        List<String> csv = Files.readAllLines(export("cpu", s, "csv"));
        String[] poolRow = csv.get(2).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
        assertThat(poolRow[Exports.CSV_COLUMNS.indexOf("cpus_obtained")]).isEqualTo("1.05");
        assertThat(poolRow[Exports.CSV_COLUMNS.indexOf("wait_fraction")]).isEqualTo("0.46");
        assertThat(poolRow[Exports.CSV_COLUMNS.indexOf("contended")]).isEqualTo("true");
        assertThat(poolRow[Exports.CSV_COLUMNS.indexOf("contended_reason")]).isEqualTo(starved);
        assertThat(poolRow[Exports.CSV_COLUMNS.indexOf("qos_class")]).isEqualTo("Guaranteed");
        String[] threadsRow = csv.get(3).split(",", -1);
        assertThat(threadsRow[Exports.CSV_COLUMNS.indexOf("cpus_obtained")]).as("unknown stays empty").isEmpty();
        assertThat(threadsRow[Exports.CSV_COLUMNS.indexOf("contended")]).isEmpty();

        String markdown = Files.readString(export("cpu", s, "markdown"));
        assertThat(markdown).contains("| CPUs obtained | contended |", "| 1.05 | " + starved + " |",
                "- qos_class: Guaranteed");
    }

    @Test
    void anUnknownFormatIsAUsageError() throws IOException {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, ConcbenchCli.yaml(OLD));
        CliHarness r = CliHarness.run(NO_LAUNCHER, "report", file.toString(), "--format", "xml");
        assertThat(r.exitCode()).isEqualTo(ConcbenchCli.EXIT_INVALID);
        assertThat(r.err()).contains("pyperf, hyperfine, csv or markdown");
    }

    record Run(int code, String out) {
    }

    /** The real pyperf: a virtual environment with pyperf from PyPI, made once and kept in the cache. */
    static Run pyperf(String... args) throws IOException, InterruptedException {
        Path cache = Path.of(System.getenv().getOrDefault("CONCBENCH_CACHE",
                System.getProperty("user.home") + "/.cache/concbench"));
        Path venv = cache.resolve("pyperf-" + PYPERF_VERSION);
        Path python = venv.resolve("bin/python");
        if (!Files.isExecutable(python) || run(List.of(python.toString(), "-c", "import pyperf")).code() != 0) {
            Files.createDirectories(cache);
            Run made = run(List.of("python3", "-m", "venv", "--clear", venv.toString()));
            assertThat(made.code()).as("python3 -m venv: " + made.out()).isZero();
            Run pip = run(List.of(python.toString(), "-m", "pip", "install", "-q", "pyperf==" + PYPERF_VERSION));
            assertThat(pip.code()).as("pip install pyperf: " + pip.out()).isZero();
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), "-m", "pyperf"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
