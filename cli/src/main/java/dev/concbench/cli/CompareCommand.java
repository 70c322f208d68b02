package dev.concbench.cli;

import dev.concbench.cli.StatusFile.BadStatusFileException;
import dev.concbench.cli.StatusFile.Loaded;
import dev.concbench.domain.RowComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code concbench compare OLD NEW [--fail-if-slower 5%]}: a gate for CI pipelines. Compares
 * every row of NEW with the matching row of OLD (Welch's t-test on the raw samples) and exits
 * with a code of its own when a row got significantly slower by more than the threshold.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares two results row by row (same strategy, pods, workers): ratio of medians and "
                + "Welch's t-test on the raw samples, verdicts in pyperf's words.",
                "OLD and NEW are status files (concbench run -o json|yaml, kubectl get cb NAME -o yaml) or "
                        + "live:NAMESPACE/NAME for a benchmark in the cluster of the kubeconfig.",
                "A row contended on either side (it could not get the CPUs it could use) is not comparable: "
                        + "never a regression.",
                "Exit codes: 0 no comparable row significantly slower beyond the threshold; 2 bad input (unreadable "
                        + "file, no such benchmark, bad option); 3 a regression: a comparable row significantly slower "
                        + "beyond the threshold; 4 not comparable: no row of NEW has an uncontended match in OLD."})
final class CompareCommand implements Callable<Integer> {

    static final int EXIT_REGRESSION = 3;
    static final int EXIT_NOT_COMPARABLE = 4;
    static final String LIVE = "live:";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The baseline: a status file or live:NAMESPACE/NAME.")
    String old;

    @Parameters(index = "1", paramLabel = "NEW", description = "The result to judge: a status file or live:NAMESPACE/NAME.")
    String current;

    @Option(names = "--fail-if-slower", paramLabel = "PERCENT", defaultValue = "5%",
            description = "A row regresses when it is significantly slower (p < 0.05) and its median is more than "
                    + "this much above OLD's (default: ${DEFAULT-VALUE}; 0% fails on any significant slowdown).")
    String failIfSlower;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double threshold;
        try {
            threshold = percent(failIfSlower);
        } catch (IllegalArgumentException e) {
            err.println("concbench: --fail-if-slower " + failIfSlower + ": " + e.getMessage());
            return ConcbenchCli.EXIT_INVALID;
        }
        Loaded a;
        Loaded b;
        try {
            a = load(old);
            b = load(current);
        } catch (BadStatusFileException e) {
            err.println("concbench: " + e.getMessage());
            return ConcbenchCli.EXIT_INVALID;
        }
        List<RowComparison> rows = RowComparison.compare(a.status().getResults(), b.status().getResults());
        out.print(table(old, current, rows, threshold));
        out.flush();
        List<RowComparison> contended = rows.stream().filter(c -> c.verdict() == RowComparison.Verdict.CONTENDED)
                .toList();
        if (!contended.isEmpty()) {
            err.println("concbench: " + contended.size() + " row(s) not comparable: contended (could not get the CPUs "
                    + "they could use) in " + String.join(", ", contended.stream().map(CompareCommand::contendedSide)
                    .toList()));
        }
        if (rows.stream().allMatch(c -> c.verdict() == RowComparison.Verdict.NO_MATCH)) {
            err.println("concbench: nothing to compare: no row of " + current + " has a matching row in " + old);
            return EXIT_NOT_COMPARABLE;
        }
        if (rows.stream().allMatch(c -> c.verdict() == RowComparison.Verdict.NO_MATCH
                || c.verdict() == RowComparison.Verdict.CONTENDED)) {
            err.println("concbench: nothing to compare: every matching row was contended; rerun on a quiet node, or "
                    + "with requests equal to limits in whole CPUs");
            return EXIT_NOT_COMPARABLE;
        }
        List<RowComparison> regressions = regressions(rows, threshold);
        if (!regressions.isEmpty()) {
            err.println("concbench: " + regressions.size() + " row(s) significantly slower than " + old + " by more than "
                    + failIfSlower + ": " + String.join(", ", regressions.stream()
                    .map(c -> Exports.rowName(c.current())).toList()));
            return EXIT_REGRESSION;
        }
        return ConcbenchCli.EXIT_OK;
    }

    /** e.g. {@code process-pool pods=1 workers=0 (NEW: got 1.05 of 2 CPUs (waited 46 % of its time))}. */
    private static String contendedSide(RowComparison c) {
        List<String> sides = new java.util.ArrayList<>();
        if (Boolean.TRUE.equals(c.baseline().getContended())) {
            sides.add("OLD: " + c.baseline().getContendedReason());
        }
        if (Boolean.TRUE.equals(c.current().getContended())) {
            sides.add("NEW: " + c.current().getContendedReason());
        }
        return Exports.rowName(c.current()) + " (" + String.join("; ", sides) + ")";
    }

    /** Rows significantly slower whose median is more than {@code threshold} (a fraction) above the baseline's. */
    static List<RowComparison> regressions(List<RowComparison> rows, double threshold) {
        return rows.stream()
                .filter(c -> c.verdict() == RowComparison.Verdict.SLOWER && c.ratio() > 1.0 + threshold)
                .toList();
    }

    /** "5%", "5" or "0.5%" as a fraction. */
    static double percent(String text) {
        String t = text.strip();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a percentage such as 5%");
        }
        if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("expected a percentage of 0% or more");
        }
        return v / 100.0;
    }

    static String table(String oldName, String newName, List<RowComparison> rows, double threshold) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "OLD = %s%nNEW = %s%n", oldName, newName));
        sb.append(String.format(Locale.ROOT, "%-36s %10s %10s %9s %10s  %s%n", "ROW", "OLD s", "NEW s", "NEW/OLD",
                "p", "VERDICT"));
        for (RowComparison c : rows) {
            String verdict = c.verdict().words();
            if (c.verdict() == RowComparison.Verdict.SLOWER && c.ratio() > 1.0 + threshold) {
                verdict += "  REGRESSION";
            }
            sb.append(String.format(Locale.ROOT, "%-36s %10s %10s %9s %10s  %s%n", Exports.rowName(c.current()),
                    c.baseline() == null ? "-" : seconds(c.baseline().getMedian()), seconds(c.current().getMedian()),
                    c.ratio() == null ? "-" : String.format(Locale.ROOT, "%.3fx", c.ratio()),
                    Double.isNaN(c.pValue()) ? "-" : MarkdownReport.pValue(c.pValue()), verdict));
        }
        return sb.toString();
    }

    private static String seconds(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.3f", d);
    }

    static Loaded load(String ref) throws BadStatusFileException {
        if (!ref.startsWith(LIVE)) {
            return StatusFile.read(Path.of(ref));
        }
        return LiveStatus.readFromKubeconfig(ref.substring(LIVE.length()), ref).loaded();
    }
}
