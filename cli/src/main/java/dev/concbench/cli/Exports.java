package dev.concbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RowCpuUsage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A result in the formats of the tools people already read benchmarks with: pyperf's JSON
 * ({@code pyperf stats}, {@code pyperf compare_to}), hyperfine's JSON, CSV, and the Markdown
 * table of {@code concbench report}. Each carries the environment it was measured in.
 */
final class Exports {

    enum Format { PYPERF, HYPERFINE, CSV, MARKDOWN }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a result was measured on; Kubernetes' version only when read from a cluster. */
    record Environment(String runtime, String runtimeVersion, List<Integer> cpus, List<String> nodes,
                       String cgroup, Boolean exclusiveCpus, String qosClass,
                       String kubernetesVersion, String concbenchVersion) {

        static Environment of(ConcurrencyBenchmarkStatus status, String kubernetesVersion) {
            EnvironmentStatus env = status.getEnvironment() == null ? new EnvironmentStatus() : status.getEnvironment();
            return new Environment(env.getRuntime(), env.getRuntimeVersion(),
                    env.getCpus() == null ? List.of() : env.getCpus(),
                    env.getNodes() == null ? List.of() : env.getNodes(),
                    env.getCgroup(), env.getExclusiveCpus(), env.getQosClass(),
                    kubernetesVersion, ConcbenchCli.Version.number());
        }

        /** Name to value, the unknown ones left out. */
        Map<String, String> fields() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, "runtime", runtime);
            put(m, "runtime_version", runtimeVersion);
            put(m, "cpus_seen", cpus.stream().map(String::valueOf).collect(Collectors.joining(",")));
            put(m, "nodes", String.join(",", nodes));
            put(m, "cgroup", cgroup);
            put(m, "exclusive_cpus", exclusiveCpus == null ? null : exclusiveCpus.toString());
            put(m, "qos_class", qosClass);
            put(m, "kubernetes_version", kubernetesVersion);
            put(m, "concbench_version", concbenchVersion);
            return m;
        }

        private static void put(Map<String, String> m, String key, String value) {
            if (value != null && !value.isEmpty()) {
                m.put(key, value);
            }
        }
    }

    private Exports() {
    }

    static String write(Format format, String name, ConcurrencyBenchmarkStatus status, Environment env) {
        return switch (format) {
            case PYPERF -> pyperf(name, status, env);
            case HYPERFINE -> hyperfine(status, env);
            case CSV -> csv(name, status, env);
            case MARKDOWN -> MarkdownReport.results(name, status) + "\n" + env.fields().entrySet().stream()
                    .map(e -> "- " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n")) + "\n";
        };
    }

    /** The name of a row in every export: the same measurement has the same name in two exports. */
    static String rowName(ResultRow r) {
        // a sweep over runtimes has the same strategy once per runtime
        return (r.getRuntime() == null ? "" : r.getRuntime() + " ") + r.getStrategy() + " pods=" + r.getPods() + " workers=" + r.getWorkers();
    }

    /**
     * pyperf's JSON format 1.0: one benchmark per row, one run holding the row's raw samples (seconds,
     * one loop per value); the environment in the suite's metadata (pyperf shows it with
     * {@code pyperf metadata}).
     */
    static String pyperf(String name, ConcurrencyBenchmarkStatus status, Environment env) {
        ObjectNode suite = JSON.createObjectNode();
        suite.put("version", "1.0");
        ObjectNode metadata = suite.putObject("metadata");
        metadata.put("unit", "second");
        metadata.put("loops", 1);
        if (name != null) {
            metadata.put("description", "concbench " + name);
        }
        env.fields().forEach((k, v) -> {
            if (k.equals("runtime_version") && "python".equals(env.runtime())) {
                metadata.put("python_version", v);
            }
            metadata.put(k, v);
        });
        if (env.cpus().size() == 1) {
            metadata.put("cpu_count", env.cpus().get(0));
        }
        ArrayNode benchmarks = suite.putArray("benchmarks");
        for (ResultRow r : status.getResults()) {
            if (r.getSamples() == null || r.getSamples().isEmpty()) {
                continue;
            }
            ObjectNode b = benchmarks.addObject();
            ObjectNode rowMetadata = b.putObject("metadata").put("name", rowName(r));
            if (r.getCpu() != null && r.getCpu().getObtained() != null) {
                rowMetadata.put("cpus_obtained", r.getCpu().getObtained());
            }
            if (Boolean.TRUE.equals(r.getContended())) {
                rowMetadata.put("contended", r.getContendedReason());
            }
            ArrayNode values = b.putArray("runs").addObject().putArray("values");
            r.getSamples().forEach(values::add);
        }
        return suite.toString() + "\n";
    }

    /**
     * hyperfine's {@code --export-json} shape: a result per row with its field names (times in seconds);
     * user and system are null (the kernel measures their sum, as CPUs obtained), the pods and workers are
     * its parameters, the CPU figures under an extra {@code concbench} key of the result, the environment
     * under one of the document.
     */
    static String hyperfine(ConcurrencyBenchmarkStatus status, Environment env) {
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode results = doc.putArray("results");
        for (ResultRow r : status.getResults()) {
            ObjectNode o = results.addObject();
            o.put("command", rowName(r));
            o.put("mean", r.getMean());
            o.put("stddev", r.getStddev());
            o.put("median", r.getMedian());
            o.putNull("user");
            o.putNull("system");
            o.put("min", r.getMin());
            o.put("max", r.getMax());
            ArrayNode times = o.putArray("times");
            ArrayNode exitCodes = o.putArray("exit_codes");
            if (r.getSamples() != null) {
                r.getSamples().forEach(t -> {
                    times.add(t);
                    exitCodes.add(0);
                });
            }
            ObjectNode parameters = o.putObject("parameters");
            if (r.getRuntime() != null) {
                parameters.put("runtime", r.getRuntime());
            }
            parameters.put("strategy", r.getStrategy());
            parameters.put("pods", String.valueOf(r.getPods()));
            parameters.put("workers", String.valueOf(r.getWorkers()));
            if (r.getCpu() != null) {
                // hyperfine's user and system stay null: the kernel measures their sum, per strategy.
                ObjectNode cpu = o.putObject("concbench");
                cpu.put("cpus_obtained", r.getCpu().getObtained());
                cpu.put("wait_fraction", r.getCpu().getWaitFraction());
                cpu.put("throttled_fraction", r.getCpu().getThrottledFraction());
                cpu.put("steal_fraction", r.getCpu().getStealFraction());
                cpu.put("contended", r.getContended());
                if (r.getContendedReason() != null) {
                    cpu.put("contended_reason", r.getContendedReason());
                }
            }
        }
        ObjectNode concbench = doc.putObject("concbench");
        env.fields().forEach(concbench::put);
        return doc.toPrettyString() + "\n";
    }

    static final List<String> CSV_COLUMNS = List.of("benchmark", "strategy", "pods", "workers", "pool_size",
            "samples", "min", "median", "mean", "stddev", "max", "ci_low", "ci_high", "speedup", "speedup_error",
            "parallelism", "efficiency", "tasks_per_second", "unstable",
            "runtime", "runtime_version", "cpus_seen", "nodes", "kubernetes_version", "concbench_version",
            "cpus_obtained", "wait_fraction", "throttled_fraction", "steal_fraction", "efficiency_per_cpu_obtained",
            "contended", "contended_reason", "cgroup", "exclusive_cpus", "qos_class");

    /** One line per row; samples separated by spaces; the environment repeated on every line. */
    static String csv(String name, ConcurrencyBenchmarkStatus status, Environment env) {
        StringBuilder sb = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        Map<String, String> e = env.fields();
        for (ResultRow r : status.getResults()) {
            List<Object> cells = List.of(orEmpty(name), r.getStrategy(), r.getPods(), orEmpty(r.getWorkers()),
                    orEmpty(r.getPoolSize()),
                    r.getSamples() == null ? "" : r.getSamples().stream().map(Exports::number).collect(Collectors.joining(" ")),
                    number(r.getMin()), number(r.getMedian()), number(r.getMean()), number(r.getStddev()),
                    number(r.getMax()), number(r.getCiLow()), number(r.getCiHigh()), number(r.getSpeedup()),
                    number(r.getSpeedupError()), number(r.getParallelism()), number(r.getEfficiency()),
                    number(r.getTasksPerSecond()), Boolean.TRUE.equals(r.getUnstable()),
                    r.getRuntime() != null ? r.getRuntime() : e.getOrDefault("runtime", ""),
                    runtimeVersion(status, r, e),
                    e.getOrDefault("cpus_seen", ""), e.getOrDefault("nodes", ""),
                    e.getOrDefault("kubernetes_version", ""), e.getOrDefault("concbench_version", ""),
                    number(cpu(r, RowCpuUsage::getObtained)), number(cpu(r, RowCpuUsage::getWaitFraction)),
                    number(cpu(r, RowCpuUsage::getThrottledFraction)), number(cpu(r, RowCpuUsage::getStealFraction)),
                    number(cpu(r, RowCpuUsage::getEfficiency)), orEmpty(r.getContended()), orEmpty(r.getContendedReason()),
                    e.getOrDefault("cgroup", ""), e.getOrDefault("exclusive_cpus", ""), e.getOrDefault("qos_class", ""));
            sb.append(cells.stream().map(c -> quote(String.valueOf(c))).collect(Collectors.joining(","))).append('\n');
        }
        return sb.toString();
    }

    /** The row's runtime's version in a sweep over runtimes, else the benchmark's. */
    private static String runtimeVersion(ConcurrencyBenchmarkStatus status, ResultRow r, Map<String, String> env) {
        if (r.getRuntime() != null && status.getEnvironment() != null && status.getEnvironment().getRuntimes() != null) {
            return status.getEnvironment().getRuntimes().stream().filter(x -> r.getRuntime().equals(x.getRuntime()))
                    .map(x -> Objects.toString(x.getRuntimeVersion(), "")).findFirst().orElse("");
        }
        return env.getOrDefault("runtime_version", "");
    }

    private static Double cpu(ResultRow r, java.util.function.Function<RowCpuUsage, Double> figure) {
        return r.getCpu() == null ? null : figure.apply(r.getCpu());
    }

    private static Object orEmpty(Object o) {
        return o == null ? "" : o;
    }

    private static String number(Double d) {
        return d == null ? "" : String.format(Locale.ROOT, "%s", d);
    }

    /** RFC 4180: quote a cell holding a comma, a quote or a line break. */
    private static String quote(String cell) {
        return cell.contains(",") || cell.contains("\"") || cell.contains("\n")
                ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
