package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ResultRow;
import lombok.Getter;
import lombok.RequiredArgsConstructor;
import lombok.experimental.Accessors;
import org.apache.commons.math3.stat.inference.TTest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One result row compared with the matching row of a baseline (same strategy, pods and workers):
 * the ratio of medians and Welch's two-sided t-test on the raw samples, with pyperf's words for
 * the verdict. Shared by {@code concbench compare}, the report and the exports. A row contended on
 * either side is not comparable ({@link Verdict#CONTENDED}).
 *
 * @param baseline the baseline's row, or null when it has none that matches
 * @param current  the row compared
 * @param ratio    median(current) / median(baseline): above 1 is slower; null without a match
 * @param pValue   Welch's two-sided p; NaN when it cannot be computed (under two samples a side, no variance)
 */
public record RowComparison(ResultRow baseline, ResultRow current, Double ratio, double pValue) {

    /** Significant when p is below this. */
    public static final double ALPHA = 0.05;

    @Getter
    @Accessors(fluent = true)
    @RequiredArgsConstructor
    public enum Verdict {
        FASTER("faster"), SLOWER("slower"), NOT_SIGNIFICANT("not significant"),
        /** Fewer than two samples on a side, or no variance at all. */
        UNDECIDABLE("n/a"),
        NO_MATCH("no matching row"),
        /**
         * One side (or both) was contended: it could not get the CPUs it could use, so a difference says
         * more about the machines than the code. Never a regression.
         */
        CONTENDED("not comparable (contended)");

        /** pyperf's words for it. */
        private final String words;
    }

    public Verdict verdict() {
        if (baseline == null) {
            return Verdict.NO_MATCH;
        }
        if (Boolean.TRUE.equals(baseline.getContended()) || Boolean.TRUE.equals(current.getContended())) {
            return Verdict.CONTENDED;
        }
        if (Double.isNaN(pValue) || ratio == null) {
            return Verdict.UNDECIDABLE;
        }
        if (pValue >= ALPHA || ratio == 1.0) {
            return Verdict.NOT_SIGNIFICANT;
        }
        return ratio > 1.0 ? Verdict.SLOWER : Verdict.FASTER;
    }

    public boolean significant() {
        return verdict() == Verdict.FASTER || verdict() == Verdict.SLOWER;
    }

    /** Every row of {@code current}, in its order, each with the matching row of {@code baseline} if any. */
    public static List<RowComparison> compare(List<ResultRow> baseline, List<ResultRow> current) {
        Map<String, ResultRow> byKey = new LinkedHashMap<>();
        for (ResultRow r : baseline) {
            byKey.putIfAbsent(key(r), r);
        }
        List<RowComparison> out = new ArrayList<>();
        for (ResultRow row : current) {
            ResultRow match = byKey.get(key(row));
            if (match == null) {
                out.add(new RowComparison(null, row, null, Double.NaN));
                continue;
            }
            Double ratio = match.getMedian() == null || row.getMedian() == null || match.getMedian() == 0 ? null
                    : row.getMedian() / match.getMedian();
            out.add(new RowComparison(match, row, ratio, welchP(match.getSamples(), row.getSamples())));
        }
        return out;
    }

    /** Welch's t-test, two-sided; NaN with fewer than two samples on a side or no variance at all. */
    public static double welchP(List<Double> a, List<Double> b) {
        if (a == null || b == null || a.size() < 2 || b.size() < 2) {
            return Double.NaN;
        }
        double[] x = a.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = b.stream().mapToDouble(Double::doubleValue).toArray();
        return new TTest().tTest(x, y);
    }

    /** What makes two rows the same measurement: runtime (in a sweep over runtimes), strategy, pods, workers. */
    public static String key(ResultRow r) {
        return (r.getRuntime() == null ? "" : r.getRuntime() + "|") + r.getStrategy() + "|" + r.getPods() + "|" + Objects.toString(r.getWorkers(), "-");
    }
}
