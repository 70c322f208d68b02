package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.ResultRow;
import org.apache.commons.math3.stat.inference.TTest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The Markdown of {@code concbench report}: the result table and the comparison of two statuses. */
public final class MarkdownReport {

    /** Below this two-sided p-value a difference is called significant. */
    public static final double ALPHA = 0.05;

    private MarkdownReport() {
    }

    public static String results(String name, ConcurrencyBenchmarkStatus status) {
        StringBuilder sb = new StringBuilder();
        sb.append("# concbench report").append(name == null ? "" : ": " + name).append("\n\n");
        List<String> facts = new ArrayList<>();
        if (status.getPhase() != null) {
            facts.add("phase " + status.getPhase());
        }
        if (status.getFastest() != null) {
            facts.add("fastest **" + escape(status.getFastest()) + "**"
                    + (status.getFastestSpeedup() == null ? ""
                    : String.format(Locale.ROOT, " (speedup %.2f)", status.getFastestSpeedup())));
        }
        if (!facts.isEmpty()) {
            sb.append(String.join(", ", facts)).append("\n\n");
        }
        sb.append("| strategy | pods | workers | median s | 95% CI s | speedup | efficiency | unstable |\n");
        sb.append("|---|---:|---:|---:|---|---:|---:|---|\n");
        for (ResultRow r : status.getResults()) {
            sb.append("| ").append(escape(r.getStrategy()))
                    .append(" | ").append(r.getPods() == null ? "-" : r.getPods())
                    .append(" | ").append(workers(r))
                    .append(" | ").append(number(r.getMedian(), 3))
                    .append(" | ").append(r.getCiLow() == null || r.getCiHigh() == null ? "-"
                            : "[" + number(r.getCiLow(), 3) + ", " + number(r.getCiHigh(), 3) + "]")
                    .append(" | ").append(number(r.getSpeedup(), 2))
                    .append(r.getSpeedup() != null && r.getSpeedupError() != null
                            ? " ± " + number(r.getSpeedupError(), 2) : "")
                    .append(" | ").append(r.getEfficiency() == null ? "-"
                            : String.format(Locale.ROOT, "%.0f%%", r.getEfficiency() * 100))
                    .append(" | ").append(Boolean.TRUE.equals(r.getUnstable()) ? "yes" : "")
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** One compared row: medians of A and B, Welch's two-sided p (NaN when it cannot be computed). */
    public record Comparison(ResultRow a, ResultRow b, double pValue) {
        public boolean significant() {
            return !Double.isNaN(pValue) && pValue < ALPHA;
        }
    }

    /** The rows present in both statuses, keyed by (strategy, pods, workers), in A's order. */
    public static List<Comparison> compare(ConcurrencyBenchmarkStatus a, ConcurrencyBenchmarkStatus b) {
        Map<String, ResultRow> byKey = new LinkedHashMap<>();
        for (ResultRow r : b.getResults()) {
            byKey.putIfAbsent(key(r), r);
        }
        List<Comparison> out = new ArrayList<>();
        for (ResultRow ra : a.getResults()) {
            ResultRow rb = byKey.get(key(ra));
            if (rb != null) {
                out.add(new Comparison(ra, rb, welchP(ra.getSamples(), rb.getSamples())));
            }
        }
        return out;
    }

    /** Welch's t-test, two-sided; NaN with fewer than two samples on a side or no variance at all. */
    static double welchP(List<Double> a, List<Double> b) {
        if (a == null || b == null || a.size() < 2 || b.size() < 2) {
            return Double.NaN;
        }
        double[] x = a.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = b.stream().mapToDouble(Double::doubleValue).toArray();
        return new TTest().tTest(x, y);
    }

    public static String comparison(String nameA, String nameB, List<Comparison> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Comparison: B = ").append(escape(nameB)).append(" against A = ").append(escape(nameA))
                .append("\n\nWelch's t-test on the raw samples, two-sided; significant when p < ")
                .append(ALPHA).append(".\n\n");
        if (rows.isEmpty()) {
            return sb.append("No (strategy, pods, workers) row is present in both.\n").toString();
        }
        sb.append("| row | median A s | median B s | ratio B/A | p-value | verdict |\n");
        sb.append("|---|---:|---:|---:|---:|---|\n");
        for (Comparison c : rows) {
            ResultRow a = c.a();
            Double ratio = a.getMedian() == null || c.b().getMedian() == null || a.getMedian() == 0 ? null
                    : c.b().getMedian() / a.getMedian();
            String verdict;
            if (Double.isNaN(c.pValue())) {
                verdict = sampleCount(a) < 2 || sampleCount(c.b()) < 2 ? "n/a (needs ≥2 samples each)"
                        : "n/a (no variance)";
            } else {
                verdict = c.significant() ? "significant (p<0.05)" : "noise";
            }
            sb.append("| ").append(escape(a.getStrategy())).append(" pods=").append(a.getPods())
                    .append(" workers=").append(a.getWorkers() == null ? "-" : a.getWorkers())
                    .append(" | ").append(number(a.getMedian(), 3))
                    .append(" | ").append(number(c.b().getMedian(), 3))
                    .append(" | ").append(number(ratio, 3))
                    .append(" | ").append(Double.isNaN(c.pValue()) ? "-" : pValue(c.pValue()))
                    .append(" | ").append(verdict).append(" |\n");
        }
        return sb.toString();
    }

    static String pValue(double p) {
        return p < 1e-4 ? String.format(Locale.ROOT, "%.2e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    private static int sampleCount(ResultRow r) {
        return r.getSamples() == null ? 0 : r.getSamples().size();
    }

    static String key(ResultRow r) {
        return r.getStrategy() + "|" + r.getPods() + "|" + Objects.toString(r.getWorkers(), "-");
    }

    /** Requested workers, with the pool size really used when it differs (e.g. {@code 0 (pool 2)}). */
    private static String workers(ResultRow r) {
        if (r.getWorkers() == null) {
            return r.getPoolSize() == null ? "-" : String.valueOf(r.getPoolSize());
        }
        if (r.getPoolSize() != null && !r.getPoolSize().equals(r.getWorkers())) {
            return r.getWorkers() + " (pool " + r.getPoolSize() + ")";
        }
        return String.valueOf(r.getWorkers());
    }

    private static String number(Double value, int decimals) {
        return value == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String escape(String s) {
        return s == null ? "-" : s.replace("|", "\\|");
    }
}
