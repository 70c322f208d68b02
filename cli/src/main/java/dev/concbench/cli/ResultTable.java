package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RunStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.domain.BenchmarkPlanner;
import dev.concbench.domain.Conditions;
import dev.concbench.domain.Statistics;
import dev.concbench.domain.StatusAggregator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The human-readable rendering of a benchmark's status: a header line (what ran where),
 * one aligned row per result row, the fastest strategy, and the failure when there is one.
 */
public final class ResultTable {

    private ResultTable() {
    }

    public static String render(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status) {
        StringBuilder sb = new StringBuilder();
        sb.append(header(cb, status)).append('\n');

        if (status.getResults() != null && !status.getResults().isEmpty()) {
            sb.append('\n');
            sb.append(rows(status.getResults()));
            if (status.getResults().stream().anyMatch(r -> Boolean.TRUE.equals(r.getResultsDiffer()))) {
                sb.append("results differ: the strategy's values were not sequential's (the first differing task in "
                        + "brackets): its timings measured wrong results\n");
            }
            if (status.getResults().stream().anyMatch(r -> r.getLostUpdates() != null)) {
                sb.append("LOST: updates of the shared variable lost over the repetitions (race)\n");
            }
            if (status.getResults().stream().anyMatch(r -> Boolean.TRUE.equals(r.getUnstable()))) {
                sb.append(String.format(Locale.ROOT, "unstable: the standard deviation exceeds %.0f%% of the mean; "
                        + "read with care (more repetitions, a quieter machine)\n", Statistics.UNSTABLE_CV * 100));
            }
            List<ResultRow> contended = status.getResults().stream()
                    .filter(r -> Boolean.TRUE.equals(r.getContended())).toList();
            if (!contended.isEmpty()) {
                sb.append("contended: the row could not get the CPUs it could use, and the CPU it missed went to other "
                        + "work (it waited runnable, was throttled, or was stolen): its times say more about the machine "
                        + "than the strategy\n");
                contended.forEach(r -> sb.append("  ").append(StatusAggregator.label(r, false)).append(": ")
                        .append(r.getContendedReason()).append('\n'));
            }
            if (hasCpuFigures(status.getResults())) {
                sb.append("CPUS: CPUs obtained (CPU time / wall time, summed over the pods)")
                        .append(isolation(status.getEnvironment())).append('\n');
            }
        }
        if (status.getResults() != null && status.getResults().stream().anyMatch(r -> r.getRuntime() != null)
                && status.getEnvironment() != null && status.getEnvironment().getRuntimes() != null) {
            sb.append("VS FIRST: the first runtime's single-pod sequential median / the row's median; SPEEDUP is "
                    + "against the row's own runtime's sequential\n");
            status.getEnvironment().getRuntimes().forEach(e -> sb.append("runtime: ").append(e.getRuntime())
                    .append(' ').append(Objects.toString(e.getRuntimeVersion(), "?"))
                    .append(e.getKernel() == null || e.getKernel().getGil() == null ? ""
                            : e.getKernel().getGil() ? " (GIL enabled)" : " (GIL disabled)")
                    .append('\n'));
        }
        if (status.getFastest() != null) {
            sb.append("fastest: ").append(status.getFastest());
            Optional<ResultRow> row = StatusAggregator.fastest(status.getResults());
            row.ifPresent(r -> {
                List<String> details = new ArrayList<>();
                if (!status.getFastest().contains("@")
                        && status.getResults().stream().map(ResultRow::getPods).distinct().count() > 1) {
                    details.add("pods=" + r.getPods());
                }
                if (r.getPoolSize() != null) {
                    details.add("pool size " + r.getPoolSize());
                }
                if (!details.isEmpty()) {
                    sb.append(" (").append(String.join(", ", details)).append(')');
                }
            });
            if (status.getFastestSpeedup() != null) {
                sb.append(String.format(Locale.ROOT, ", speedup %.2f", status.getFastestSpeedup()));
                row.map(ResultRow::getSpeedupError).ifPresent(e -> sb.append(String.format(Locale.ROOT, " ±%.2f", e)));
                sb.append(" over the single-pod sequential baseline")
                        .append(row.map(ResultRow::getRuntime).map(rt -> " of " + rt).orElse(""));
            }
            sb.append('\n');
        }
        if (status.getEnvironment() != null && status.getEnvironment().getSkipped() != null) {
            status.getEnvironment().getSkipped().forEach((strategy, why) ->
                    sb.append("skipped: ").append(strategy).append(": ").append(why).append('\n'));
        }
        status.getRuns().stream().map(RunStatus::getSetupSeconds).filter(Objects::nonNull).max(Double::compare)
                .ifPresent(setup -> sb.append(String.format(Locale.ROOT, "setup: %.3f s before the timed calls (the "
                        + "code's import, once per process; not in the times)\n", setup)));
        if (status.getConclusion() != null) {
            sb.append("conclusion: ").append(status.getConclusion()).append('\n');
        }
        if (status.getPhase() == Phase.Failed) {
            Conditions.find(status.getConditions(), Conditions.FAILED)
                    .or(() -> Conditions.find(status.getConditions(), Conditions.VALID))
                    .ifPresent(c -> sb.append("failed: ").append(c.getReason()).append(": ")
                            .append(c.getMessage()).append('\n'));
        }
        return sb.toString();
    }

    /** e.g. {@code demo: python 3.11.7, cpu n=400 x 80 tasks, CPUs seen 2, 3 repetitions (+1 warmup): Succeeded}. */
    static String header(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status) {
        ConcurrencyBenchmarkSpec spec = cb.getSpec();
        EnvironmentStatus env = status.getEnvironment();
        List<String> parts = new ArrayList<>();
        String runtime = env != null && env.getRuntime() != null ? env.getRuntime()
                : BenchmarkPlanner.sweepRuntimes(spec).stream().map(Runtime::value).collect(Collectors.joining(","));
        parts.add(env != null && env.getRuntimeVersion() != null ? runtime + " " + env.getRuntimeVersion() : runtime);
        parts.add(workload(spec.getWorkload()) + " x " + spec.getWorkload().getTasks() + " tasks");
        if (env != null && env.getCpus() != null && !env.getCpus().isEmpty()) {
            parts.add("CPUs seen " + env.getCpus().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        parts.add(spec.getRepetitions() + " repetition" + (spec.getRepetitions() == 1 ? "" : "s")
                + (spec.getWarmup() != null && spec.getWarmup() > 0 ? " (+" + spec.getWarmup() + " warmup)" : ""));
        return cb.getMetadata().getName() + ": " + String.join(", ", parts)
                + (status.getPhase() == null ? "" : ": " + status.getPhase());
    }

    /** e.g. {@code cpu n=400}, {@code io 50 ms}, {@code hash 1024 KiB}, {@code custom records:work}. */
    static String workload(WorkloadSpec w) {
        return switch (w.getType()) {
            case CPU -> "cpu n=" + w.getSize();
            case IO -> "io " + w.getSize() + " ms";
            case HASH -> "hash " + w.getSize() + " KiB";
            case MIXED -> "mixed n=" + w.getSize() + " io " + Math.round(100 * (w.getIoFraction() == null
                    ? WorkloadSpec.DEFAULT_IO_FRACTION : w.getIoFraction())) + "%";
            case RACE -> "race " + w.getSize() + " updates";
            case CUSTOM -> "custom " + (w.getCustom().getEntrypoint() != null ? w.getCustom().getEntrypoint()
                    : w.getCustom().getClassName());
        };
    }

    /** Any row with CPU figures (a format-2 kernel): the CPUS column is shown. */
    private static boolean hasCpuFigures(List<ResultRow> results) {
        return results.stream().anyMatch(r -> r.getCpu() != null);
    }

    /** e.g. {@code ; cgroup v1, CPUs shared with the machine, QoS Burstable}: what the pods ran on, as far as known. */
    static String isolation(EnvironmentStatus env) {
        if (env == null) {
            return "";
        }
        List<String> facts = new ArrayList<>();
        if (env.getCgroup() != null) {
            facts.add("cgroup " + env.getCgroup());
        }
        if (env.getExclusiveCpus() != null) {
            facts.add(env.getExclusiveCpus() ? "CPUs of its own" : "CPUs shared with the machine");
        }
        if (env.getQosClass() != null) {
            facts.add("QoS " + env.getQosClass());
        }
        return facts.isEmpty() ? "" : "; " + String.join(", ", facts);
    }

    static String rows(List<ResultRow> results) {
        // A sweep over runtimes: which runtime, and each row against the first runtime's sequential.
        boolean runtimes = results.stream().anyMatch(r -> r.getRuntime() != null);
        boolean cpu = hasCpuFigures(results);
        List<Column> columns = new ArrayList<>();
        if (runtimes) {
            columns.add(new Column("RUNTIME", false));
        }
        columns.addAll(List.of(new Column("STRATEGY", false), new Column("PODS", true), new Column("WORKERS", true),
                new Column("MEDIAN s", true), new Column("±STDDEV", false), new Column("SPEEDUP", true),
                new Column("±ERR", false), new Column("EFFICIENCY", true), new Column("TASKS/s", true)));
        if (cpu) {
            columns.add(new Column("CPUS", true));
        }
        if (runtimes) {
            columns.add(new Column("VS FIRST", true));
        }
        boolean race = results.stream().anyMatch(r -> r.getLostUpdates() != null);
        if (race) {
            columns.add(new Column("LOST", true));
        }
        columns.add(new Column("", false));
        Table t = new Table(columns.toArray(Column[]::new));
        for (ResultRow r : results) {
            List<String> cells = new ArrayList<>();
            if (runtimes) {
                cells.add(Objects.toString(r.getRuntime(), "-"));
            }
            cells.addAll(List.of(r.getStrategy(),
                    String.valueOf(r.getPods()),
                    workers(r),
                    number(r.getMedian(), 3),
                    r.getStddev() == null ? "" : "±" + number(r.getStddev(), 3),
                    number(r.getSpeedup(), 2),
                    r.getSpeedupError() == null ? "" : "±" + number(r.getSpeedupError(), 2),
                    r.getEfficiency() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", r.getEfficiency() * 100),
                    number(r.getTasksPerSecond(), 1)));
            if (cpu) {
                cells.add(number(r.getCpu() == null ? null : r.getCpu().getObtained(), 2));
            }
            if (runtimes) {
                cells.add(r.getRelativeToFirstRuntime() == null ? "-" : number(r.getRelativeToFirstRuntime(), 2) + "x");
            }
            if (race) {
                cells.add(r.getLostUpdates() == null ? "-" : String.valueOf(r.getLostUpdates()));
            }
            List<String> flags = new ArrayList<>();
            if (Boolean.TRUE.equals(r.getResultsDiffer())) {
                flags.add("results differ (task " + r.getFirstDifferingCall() + ")");
            }
            if (Boolean.TRUE.equals(r.getUnstable())) {
                flags.add("unstable");
            }
            if (Boolean.TRUE.equals(r.getContended())) {
                flags.add("contended");
            }
            cells.add(String.join(", ", flags));
            t.add(cells.toArray(String[]::new));
        }
        return t.render();
    }

    /** Pool size for the pooled strategies, "(auto)" when it came from the CPUs (workers 0); "-" otherwise. */
    private static String workers(ResultRow r) {
        if (r.getPoolSize() == null) {
            return "-";
        }
        return r.getWorkers() != null && r.getWorkers() == 0 ? r.getPoolSize() + " (auto)" : String.valueOf(r.getPoolSize());
    }

    private static String number(Double value, int decimals) {
        return value == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private record Column(String title, boolean right) {
    }

    /** Columns padded to their widest cell, two spaces apart, trailing blanks trimmed. */
    private static final class Table {
        private final Column[] columns;
        private final List<String[]> rows = new ArrayList<>();

        Table(Column... columns) {
            this.columns = columns;
        }

        void add(String... cells) {
            rows.add(cells);
        }

        String render() {
            int[] width = new int[columns.length];
            for (int c = 0; c < columns.length; c++) {
                width[c] = columns[c].title().length();
                for (String[] row : rows) {
                    width[c] = Math.max(width[c], row[c].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            String[] titles = new String[columns.length];
            for (int c = 0; c < columns.length; c++) {
                titles[c] = columns[c].title();
            }
            line(sb, titles, width);
            for (String[] row : rows) {
                line(sb, row, width);
            }
            return sb.toString();
        }

        private void line(StringBuilder sb, String[] cells, int[] width) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns.length; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[c] - cells[c].length());
                line.append(columns[c].right() ? pad + cells[c] : cells[c] + pad);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
