package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ComparisonStatus;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.api.v1alpha1.RowComparisonStatus;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.domain.Observation.BaselineSeen;
import io.fabric8.kubernetes.api.model.Condition;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A succeeded benchmark compared with the benchmark its {@code spec.baseline} names: every result row
 * against the baseline's row of the same runtime, strategy, pods and workers ({@link RowComparison}:
 * ratio of medians, Welch's t-test on the raw samples, pyperf's words). Pure: the executor finds the
 * baseline ({@link BaselineSeen}), this decides what the status says.
 *
 * <p>The BaselineCompared condition says whether the comparison is current: True (Compared), or False
 * with a reason, never a failure of the benchmark. The rows keep the last comparison made (and
 * {@code status.comparison.baselineGeneration} names the baseline's generation it was made with) when
 * the baseline is later deleted, re-runs or fails: a benchmark's results do not change after the fact,
 * and the condition says the comparison is no longer current.
 */
public final class BaselineComparison {

    /** The BaselineCompared condition's reason (its name is the reason, one CamelCase word). */
    public enum Reason {
        Compared,
        /** No benchmark of that name in the namespace (never was, or deleted). */
        BaselineNotFound,
        /** The baseline has not succeeded yet (or re-runs after a spec change). */
        BaselinePending,
        BaselineFailed,
        /** Another runtime or workload, or no row of this benchmark has a match. */
        BaselineNotComparable,
        /** The benchmark itself, or not an object name (the schema refuses that already). */
        BaselineInvalid
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private BaselineComparison() {
    }

    /**
     * One look at the baseline.
     *
     * @param rows               the rows compared, null unless the comparison is current
     * @param baselineGeneration the baseline's generation compared with, when {@code rows} is set
     */
    public record Outcome(Reason reason, String message, List<RowComparison> rows, Long baselineGeneration) {
        public boolean compared() {
            return rows != null;
        }
    }

    /** Compares {@code rows} of {@code cb} with {@code baseline} (null: none by that name). */
    public static Outcome compare(ConcurrencyBenchmark cb, List<ResultRow> rows, ConcurrencyBenchmark baseline) {
        String name = cb.getSpec().getBaseline();
        if (!NAME.matcher(name).matches() || name.length() > 63) {
            return notCurrent(Reason.BaselineInvalid, "spec.baseline " + name
                    + " is not the name of a benchmark in this namespace");
        }
        if (name.equals(cb.getMetadata().getName())) {
            return notCurrent(Reason.BaselineInvalid, "a benchmark cannot be its own baseline");
        }
        if (baseline == null) {
            return notCurrent(Reason.BaselineNotFound, "no ConcurrencyBenchmark " + name + " in namespace "
                    + cb.getMetadata().getNamespace());
        }
        ConcurrencyBenchmarkStatus status = baseline.getStatus();
        Phase phase = StatusTransitions.phase(status);
        Long generation = baseline.getMetadata().getGeneration();
        boolean current = StatusTransitions.ofCurrentGeneration(baseline, status);
        if (phase == Phase.Failed && current) {
            String why = Conditions.find(status.getConditions(), Conditions.FAILED).map(Condition::getReason)
                    .orElse("Failed");
            return notCurrent(Reason.BaselineFailed, "baseline " + name + " failed (" + why
                    + "): it has no results to compare with");
        }
        if (phase != Phase.Succeeded || !current) {
            String progress = status == null || status.getProgress() == null ? "" : ", " + status.getProgress() + " runs";
            return notCurrent(Reason.BaselinePending, "baseline " + name + " is "
                    + (current ? phase : Phase.Pending) + " (generation " + generation + progress
                    + "): compared once it has succeeded");
        }
        ConcurrencyBenchmarkSpec mine = cb.getSpec();
        ConcurrencyBenchmarkSpec theirs = baseline.getSpec();
        if (!Objects.equals(runtime(mine), runtime(theirs))) {
            return notCurrent(Reason.BaselineNotComparable, "baseline " + name + " ran runtime " + runtime(theirs)
                    + ", this benchmark " + runtime(mine) + ": rows are compared within one runtime");
        }
        if (!workload(mine).equals(workload(theirs))) {
            return notCurrent(Reason.BaselineNotComparable, "baseline " + name + " measured " + workload(theirs)
                    + ", this benchmark " + workload(mine) + ": only the same workload compares");
        }
        List<RowComparison> compared = RowComparison.compare(status.getResults(), rows);
        if (compared.stream().allMatch(c -> c.verdict() == RowComparison.Verdict.NO_MATCH)) {
            return notCurrent(Reason.BaselineNotComparable, "no row has a match in baseline " + name
                    + " (same strategy, pods and workers)");
        }
        return new Outcome(Reason.Compared, "compared with generation " + generation + " of baseline " + name + ": "
                + tally(compared), compared, generation);
    }

    /**
     * Writes the comparison with the baseline seen into {@code status}: only for a succeeded benchmark
     * with spec.baseline, and only when the executor looked the baseline up.
     */
    static void apply(ConcurrencyBenchmark cb, ConcurrencyBenchmarkStatus status, BaselineSeen seen, Instant now) {
        String name = cb.getSpec().getBaseline();
        if (name == null || !seen.lookedUp() || StatusTransitions.phase(status.getConditions()) != Phase.Succeeded) {
            return;
        }
        Outcome outcome = compare(cb, status.getResults(), seen.benchmark());
        ComparisonStatus comparison = Optional.ofNullable(status.getComparison()).orElseGet(ComparisonStatus::new);
        comparison.setBaseline(name);
        String message = outcome.message();
        if (outcome.compared()) {
            outcome.rows().forEach(c -> c.current().setComparison(rowStatus(c)));
            comparison.setBaselineGeneration(outcome.baselineGeneration());
            comparison.setHeadline(headline(status));
        } else if (comparison.getBaselineGeneration() != null) {
            message += "; the rows keep the comparison with its generation " + comparison.getBaselineGeneration();
            comparison.setHeadline(outcome.reason() + ", last: " + headline(status));
        } else {
            comparison.setHeadline(outcome.reason().name());
        }
        status.setComparison(comparison);
        Conditions.set(status.getConditions(), Conditions.BASELINE_COMPARED, outcome.compared(),
                outcome.reason().name(), message, cb.getMetadata().getGeneration(), now);
    }

    /** The fastest row against its match, in pyperf's words: {@code process-pool 1.25x faster}. */
    static String headline(ConcurrencyBenchmarkStatus status) {
        return StatusAggregator.fastest(status.getResults())
                .map(row -> status.getFastest() + " " + (row.getComparison() == null ? "not compared"
                        : words(row.getComparison())))
                .orElse("no rows");
    }

    /** As pyperf's compare_to says it: the factor is always at least 1 (old/new when faster). */
    public static String words(RowComparisonStatus c) {
        if (c.getRatio() == null || c.getRatio() == 0) {
            return c.getVerdict();
        }
        return switch (c.getVerdict()) {
            case "faster" -> String.format(Locale.ROOT, "%.2fx faster", 1 / c.getRatio());
            case "slower" -> String.format(Locale.ROOT, "%.2fx slower", c.getRatio());
            default -> c.getVerdict();
        };
    }

    static RowComparisonStatus rowStatus(RowComparison c) {
        RowComparisonStatus s = new RowComparisonStatus();
        s.setVerdict(c.verdict().words());
        s.setRatio(round(c.ratio(), 4));
        s.setWelchPValue(Double.isNaN(c.pValue()) ? null : round(c.pValue(), 3));
        s.setBaselineMedian(c.baseline() == null ? null : c.baseline().getMedian());
        return s;
    }

    private static Double round(Double value, int digits) {
        return value == null || value.isNaN() || value.isInfinite() ? null
                : new BigDecimal(value).round(new MathContext(digits)).doubleValue();
    }

    private static String tally(List<RowComparison> rows) {
        StringBuilder s = new StringBuilder(rows.size() + " row(s)");
        for (RowComparison.Verdict v : RowComparison.Verdict.values()) {
            long n = rows.stream().filter(c -> c.verdict() == v).count();
            if (n > 0) {
                s.append(", ").append(n).append(' ').append(v.words());
            }
        }
        return s.toString();
    }

    /**
     * The runtime(s) of a benchmark's rows: spec.runtime, or the runtimes of a sweep over runtimes (whose
     * rows carry their runtime): two benchmarks compare when they ran the same ones.
     */
    private static String runtime(ConcurrencyBenchmarkSpec spec) {
        String runtimes = String.join(", ", BenchmarkPlanner.sweepRuntimes(spec).stream().map(Runtime::value).toList());
        return BenchmarkPlanner.isRuntimeSweep(spec) ? "sweep.runtimes [" + runtimes + "]" : runtimes;
    }

    private static String workload(ConcurrencyBenchmarkSpec spec) {
        WorkloadSpec w = spec.getWorkload();
        return w.getType().value() + " size=" + w.getSize() + " x " + w.getTasks() + " tasks";
    }

    private static Outcome notCurrent(Reason reason, String message) {
        return new Outcome(reason, message, null, null);
    }
}
