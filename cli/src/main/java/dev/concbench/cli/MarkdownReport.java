package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.domain.RowComparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Markdown of {@code concbench report}: the result table and the comparison of two statuses. */
public final class MarkdownReport {

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
        // A sweep over runtimes: each row's runtime, and its time against the first runtime's sequential.
        boolean runtimes = status.getResults().stream().anyMatch(r -> r.getRuntime() != null);
        // A format-2 kernel's rows: the CPUs each got, and whether it was contended.
        boolean cpu = status.getResults().stream().anyMatch(r -> r.getCpu() != null);
        sb.append(runtimes ? "| runtime " : "")
                .append("| strategy | pods | workers | median s | 95% CI s | speedup | efficiency | unstable |")
                .append(cpu ? " CPUs obtained | contended |" : "")
                .append(runtimes ? " vs first runtime's sequential |\n" : "\n");
        sb.append(runtimes ? "|---" : "").append("|---|---:|---:|---:|---|---:|---:|---|")
                .append(cpu ? "---:|---|" : "")
                .append(runtimes ? "---:|\n" : "\n");
        for (ResultRow r : status.getResults()) {
            if (runtimes) {
                sb.append("| ").append(escape(String.valueOf(r.getRuntime()))).append(' ');
            }
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
                    .append(cpu ? " | " + number(r.getCpu() == null ? null : r.getCpu().getObtained(), 2) + " | "
                            + (Boolean.TRUE.equals(r.getContended()) ? escape(r.getContendedReason()) : "") : "")
                    .append(runtimes ? " | " + (r.getRelativeToFirstRuntime() == null ? "-"
                            : number(r.getRelativeToFirstRuntime(), 2) + "x") : "")
                    .append(" |\n");
        }
        if (status.getConclusion() != null) {
            sb.append("\n").append(escape(status.getConclusion())).append("\n");
        }
        return sb.toString();
    }

    /** The rows of B that A has too, compared (B against A). */
    public static List<RowComparison> compare(ConcurrencyBenchmarkStatus a, ConcurrencyBenchmarkStatus b) {
        return RowComparison.compare(a.getResults(), b.getResults()).stream().filter(c -> c.baseline() != null).toList();
    }

    public static String comparison(String nameA, String nameB, List<RowComparison> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Comparison: B = ").append(escape(nameB)).append(" against A = ").append(escape(nameA))
                .append("\n\nWelch's t-test on the raw samples, two-sided; significant when p < ")
                .append(RowComparison.ALPHA).append(".\n\n");
        if (rows.isEmpty()) {
            return sb.append("No (strategy, pods, workers) row is present in both.\n").toString();
        }
        sb.append("| row | median A s | median B s | ratio B/A | p-value | verdict |\n");
        sb.append("|---|---:|---:|---:|---:|---|\n");
        for (RowComparison c : rows) {
            ResultRow a = c.baseline();
            String verdict = switch (c.verdict()) {
                case UNDECIDABLE -> sampleCount(a) < 2 || sampleCount(c.current()) < 2 ? "n/a (needs ≥2 samples each)"
                        : "n/a (no variance)";
                case FASTER, SLOWER -> "B " + c.verdict().words() + " (p<0.05)";
                default -> c.verdict().words();
            };
            sb.append("| ").append(escape(a.getStrategy())).append(" pods=").append(a.getPods())
                    .append(" workers=").append(a.getWorkers() == null ? "-" : a.getWorkers())
                    .append(" | ").append(number(a.getMedian(), 3))
                    .append(" | ").append(number(c.current().getMedian(), 3))
                    .append(" | ").append(number(c.ratio(), 3))
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
