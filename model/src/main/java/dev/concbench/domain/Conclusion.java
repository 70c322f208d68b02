package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.KernelInfo;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RuntimeEnvironment;
import dev.concbench.api.v1alpha1.StrategyName;
import dev.concbench.api.v1alpha1.WorkloadType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The experiment's wrap-up in one line, computed from the rows, never written by hand: e.g.
 * {@code cpu-bound on python 3.11.7 (GIL enabled): threads 0.89x, process-pool 2.00x on 2 CPUs: use processes}.
 * Each strategy is represented by its best row (the highest speedup over the single-pod
 * sequential baseline); the advice names the family of the best one when it beats sequential by
 * a clear margin, and says so when none does. A sweep over runtimes gets that line per runtime
 * (against its own sequential), then the fastest row of all and how it compares with the first
 * runtime's sequential.
 *
 * <p>A conclusion rests on the baseline (the single-pod sequential row) and the rows it names (each
 * strategy's best). When one of them is {@code contended} (it could not get the CPUs it could use:
 * {@link Contention}), its speedup says more about the machine than the strategy: the line keeps the
 * speedups measured and says {@code inconclusive} and why instead of advice.
 */
public final class Conclusion {

    /** Below this, "faster" is within what a noisy machine gives: no strategy is recommended. */
    static final double CLEAR_SPEEDUP = 1.2;
    /** What to do about a contended row. */
    static final String RERUN = "rerun on a quiet node, or with requests equal to limits in whole CPUs";

    private Conclusion() {
    }

    public static Optional<String> of(ConcurrencyBenchmarkSpec spec, ConcurrencyBenchmarkStatus status) {
        return speeds(spec, status).map(line -> findings(status.getResults()).map(f -> line + "; " + f).orElse(line));
    }

    private static Optional<String> speeds(ConcurrencyBenchmarkSpec spec, ConcurrencyBenchmarkStatus status) {
        EnvironmentStatus env = status.getEnvironment();
        if (env == null || env.getRuntimes() == null) {
            return line(spec, status.getResults(), env);
        }
        // A sweep over runtimes: the line of each runtime, from its own rows, then the fastest of all.
        List<String> lines = new ArrayList<>();
        for (RuntimeEnvironment rt : env.getRuntimes()) {
            EnvironmentStatus one = new EnvironmentStatus();
            one.setRuntime(rt.getRuntime());
            one.setRuntimeVersion(rt.getRuntimeVersion());
            one.setKernel(rt.getKernel());
            one.setCpus(env.getCpus());
            line(spec, status.getResults().stream().filter(r -> rt.getRuntime().equals(r.getRuntime())).toList(), one)
                    .ifPresent(lines::add);
        }
        Optional<ResultRow> fastest = StatusAggregator.fastest(status.getResults());
        if (lines.isEmpty() || fastest.isEmpty() || status.getFastest() == null) {
            return Optional.empty();
        }
        // Across runtimes the fastest row is compared with the first runtime's sequential.
        List<ResultRow> acrossRestsOn = new ArrayList<>(List.of(fastest.get()));
        baselineRow(status.getResults().stream()
                .filter(r -> env.getRuntimes().get(0).getRuntime().equals(r.getRuntime())).toList())
                .ifPresent(acrossRestsOn::add);
        if (acrossRestsOn.stream().anyMatch(Conclusion::contended)) {
            return Optional.of(String.join("; ", lines) + "; fastest of all: " + status.getFastest()
                    + ", inconclusive (it or " + env.getRuntimes().get(0).getRuntime() + "'s sequential was contended)");
        }
        Double relative = fastest.get().getRelativeToFirstRuntime();
        return Optional.of(String.join("; ", lines) + "; fastest of all: " + status.getFastest()
                + (relative == null ? "" : String.format(Locale.ROOT, " (%.2fx %s's sequential)", relative,
                env.getRuntimes().get(0).getRuntime())));
    }

    /** The line of one runtime, from its rows. */
    private static Optional<String> line(ConcurrencyBenchmarkSpec spec, List<ResultRow> rows, EnvironmentStatus env) {
        Map<String, ResultRow> best = best(rows);
        if (best.isEmpty() || env == null) {
            return Optional.empty();
        }
        List<String> speedups = new ArrayList<>();
        best.values().forEach(r -> speedups.add(r.getStrategy() + (r.getPods() == 1 ? "" : "@pods=" + r.getPods())
                + String.format(Locale.ROOT, " %.2fx", r.getSpeedup())));
        // a strategy that gave wrong results is no advice, however fast
        ResultRow top = best.values().stream().filter(r -> !Boolean.TRUE.equals(r.getResultsDiffer()))
                .max(Comparator.comparingDouble(ResultRow::getSpeedup)).orElse(null);
        List<ResultRow> contended = restsOn(rows, best).stream().filter(Conclusion::contended).toList();
        // The speedups are what was measured; advice from a starved row would be the machine's, not the strategy's.
        String advice = !contended.isEmpty() ? inconclusive(contended)
                : top == null || top.getSpeedup() < CLEAR_SPEEDUP
                ? "nothing beats sequential by " + String.format(Locale.ROOT, "%.1fx", CLEAR_SPEEDUP)
                : "use " + family(top);
        String cpus = env.getCpus() == null || env.getCpus().isEmpty() ? "?" : env.getCpus().stream()
                .map(String::valueOf).collect(Collectors.joining("/"));
        return Optional.of(workload(spec) + " on "
                + runtime(env) + ": " + String.join(", ", speedups) + " on " + cpus + " CPU"
                + ("1".equals(cpus) ? "" : "s") + ": " + advice);
    }

    /** What was measured, in a few words: cpu-bound, io-bound, hashing (C code), ..., custom code records:work. */
    static String workload(ConcurrencyBenchmarkSpec spec) {
        return switch (spec.getWorkload().getType()) {
            case CPU -> "cpu-bound";
            case IO -> "io-bound";
            case HASH -> "hashing (C code)";
            case MIXED -> "mixed cpu and io";
            case RACE -> "the race";
            case CUSTOM -> "custom code " + (spec.getWorkload().getCustom().getEntrypoint() != null
                    ? spec.getWorkload().getCustom().getEntrypoint() : spec.getWorkload().getCustom().getClassName());
        };
    }

    /**
     * What the rows found beyond speed: strategies whose values differed from sequential's (not thread-safe;
     * sequential itself differing: not deterministic), and the race's lost updates. Empty when nothing.
     */
    static Optional<String> findings(List<ResultRow> rows) {
        if (rows == null) {
            return Optional.empty();
        }
        List<String> found = new ArrayList<>();
        List<ResultRow> differ = rows.stream().filter(r -> Boolean.TRUE.equals(r.getResultsDiffer())).toList();
        List<String> unsafe = differ.stream().filter(r -> !StrategyName.SEQUENTIAL.value().equals(r.getStrategy()))
                .map(Conclusion::name).distinct().toList();
        if (!unsafe.isEmpty()) {
            found.add(String.join(", ", unsafe) + " gave different results than sequential: the code is not thread-safe");
        }
        if (differ.stream().anyMatch(r -> StrategyName.SEQUENTIAL.value().equals(r.getStrategy()))) {
            found.add("sequential gave different results from one repetition to the next: the code is not "
                    + "deterministic (workload.custom.deterministic: false measures it without comparing)");
        }
        List<String> lost = rows.stream().filter(r -> r.getLostUpdates() != null && r.getLostUpdates() > 0)
                .map(r -> name(r) + " " + r.getLostUpdates()).toList();
        boolean race = rows.stream().anyMatch(r -> r.getLostUpdates() != null);
        if (race) {
            found.add(lost.isEmpty() ? "no update of the shared variable was lost"
                    : "updates lost without a lock: " + String.join(", ", lost));
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", found));
    }

    /** A row's strategy as the findings name it: with its runtime in a sweep over runtimes. */
    private static String name(ResultRow row) {
        return (row.getRuntime() == null ? "" : row.getRuntime() + "/") + row.getStrategy()
                + (row.getPods() == 1 ? "" : "@pods=" + row.getPods());
    }

    /**
     * Why no conclusion can be drawn, when a row it rests on is contended, e.g. {@code inconclusive:
     * process-pool got 1.05 of 2 CPUs (waited 46 % of its time): rerun on a quiet node, or with requests
     * equal to limits in whole CPUs}; empty when the conclusion stands (or there is none).
     */
    public static Optional<String> inconclusive(ConcurrencyBenchmarkSpec spec, ConcurrencyBenchmarkStatus status) {
        List<ResultRow> rows = status.getResults() == null ? List.of() : status.getResults();
        List<ResultRow> contended = new ArrayList<>();
        for (String runtime : rows.stream().map(ResultRow::getRuntime).distinct().toList()) {
            List<ResultRow> ofRuntime = rows.stream().filter(r -> Objects.equals(runtime, r.getRuntime())).toList();
            restsOn(ofRuntime, best(ofRuntime)).stream().filter(Conclusion::contended).forEach(contended::add);
        }
        return contended.isEmpty() ? Optional.empty() : Optional.of(inconclusive(contended));
    }

    private static String inconclusive(List<ResultRow> contended) {
        return "inconclusive: " + contended.stream()
                .map(r -> StatusAggregator.label(r, false) + " " + r.getContendedReason())
                .collect(Collectors.joining(", ")) + ": " + RERUN;
    }

    /** What a runtime's line rests on: its baseline and the best row of each strategy, in row order. */
    private static List<ResultRow> restsOn(List<ResultRow> rows, Map<String, ResultRow> best) {
        Optional<ResultRow> baseline = baselineRow(rows);
        return rows.stream().filter(r -> best.containsValue(r) || baseline.filter(b -> b == r).isPresent()).toList();
    }

    /** The single-pod sequential row every speedup of these rows (one runtime's) is measured against. */
    private static Optional<ResultRow> baselineRow(List<ResultRow> rows) {
        return rows.stream().filter(Conclusion::isBaseline).findFirst();
    }

    private static boolean isBaseline(ResultRow row) {
        return StrategyName.SEQUENTIAL.value().equals(row.getStrategy()) && row.getPods() == 1;
    }

    private static boolean contended(ResultRow row) {
        return Boolean.TRUE.equals(row.getContended());
    }

    /** Per strategy, the row with the highest speedup (the single-pod sequential baseline aside). */
    private static Map<String, ResultRow> best(List<ResultRow> rows) {
        Map<String, ResultRow> best = new LinkedHashMap<>();
        for (ResultRow row : rows) {
            if (row.getSpeedup() == null || isBaseline(row)) {
                continue;
            }
            best.merge(row.getStrategy(), row, (a, b) -> b.getSpeedup() > a.getSpeedup() ? b : a);
        }
        return best;
    }

    /** e.g. {@code python 3.11.7 (GIL enabled)}, {@code python 3.13.5 (free-threaded, GIL disabled)}. */
    static String runtime(EnvironmentStatus env) {
        StringBuilder sb = new StringBuilder(String.valueOf(env.getRuntime()));
        if (env.getRuntimeVersion() != null) {
            sb.append(' ').append(env.getRuntimeVersion());
        }
        KernelInfo k = env.getKernel();
        if (k != null && k.getGil() != null) {
            sb.append(Boolean.TRUE.equals(k.getFreeThreaded()) ? " (free-threaded, GIL " : " (GIL ")
                    .append(k.getGil() ? "enabled)" : "disabled)");
        }
        return sb.toString();
    }

    private static String family(ResultRow row) {
        String pods = row.getPods() > 1 ? " on " + row.getPods() + " pods" : "";
        return switch (StrategyName.fromValue(row.getStrategy())) {
            case PROCESSES, PROCESS_POOL -> "processes";
            case THREADS, THREAD_POOL, VIRTUAL_THREADS -> "threads";
            case ASYNCIO -> "asyncio";
            case INTERPRETER_POOL -> "subinterpreters";
            case SEQUENTIAL -> "more pods";
        } + (row.getStrategy().equals(StrategyName.SEQUENTIAL.value()) ? "" : pods);
    }
}
