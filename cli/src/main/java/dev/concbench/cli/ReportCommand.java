package dev.concbench.cli;

import dev.concbench.cli.StatusFile.BadStatusFileException;
import dev.concbench.cli.StatusFile.Loaded;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code concbench report STATUS_FILE [--compare OTHER] [--out DIR]}: a Markdown report
 * (report.md) and charts (speedup.png, speedup-vs-pods.png for a sweep over pods,
 * speedup-vs-workers.png for a sweep over workers; report.md links each) of a saved status;
 * with --compare also compare.md, Welch's t-test per common row.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes a Markdown report and speedup charts of a saved status: what `concbench run -o json|yaml` "
                + "prints, or a whole resource from `kubectl get cb NAME -o yaml`.",
                "Exit codes: 0 written, 1 could not write, 2 a bad status file (or --live resource, or no cluster)."})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STATUS_FILE",
            description = "A status or ConcurrencyBenchmark, JSON or YAML.")
    Path file;

    @Option(names = "--live", paramLabel = "NAMESPACE/NAME",
            description = "Instead of STATUS_FILE: read the ConcurrencyBenchmark from the cluster of the kubeconfig.")
    String live;

    @Option(names = "--compare", paramLabel = "OTHER_STATUS_FILE",
            description = "Compare against this status (B) row by row: Welch's t-test on the raw samples.")
    Path compare;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Instead of the report: print the result on stdout as pyperf (pyperf's JSON: pyperf stats, "
                    + "pyperf compare_to), hyperfine (hyperfine's JSON), csv or markdown, with the environment.")
    String format;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Where report.md, the charts and compare.md go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        System.setProperty("java.awt.headless", "true");
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Loaded a;
        Loaded b = null;
        try {
            if ((file == null) == (live == null)) {
                err.println("concbench: report needs either STATUS_FILE or --live NAMESPACE/NAME");
                return ConcbenchCli.EXIT_INVALID;
            }
            a = file != null ? StatusFile.read(file) : readLive(live);
            if (compare != null) {
                b = StatusFile.read(compare);
            }
        } catch (BadStatusFileException e) {
            err.println("concbench: " + e.getMessage());
            return ConcbenchCli.EXIT_INVALID;
        }
        if (format != null) {
            Exports.Format f;
            try {
                f = Exports.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                err.println("concbench: --format " + format + ": expected pyperf, hyperfine, csv or markdown");
                return ConcbenchCli.EXIT_INVALID;
            }
            stdout.print(Exports.write(f, a.name(), a.status(), Exports.Environment.of(a.status(), kubernetesVersion)));
            stdout.flush();
            return ConcbenchCli.EXIT_OK;
        }

        Files.createDirectories(out);
        String report = MarkdownReport.results(a.name(), a.status());
        List<Path> charts = SpeedupCharts.write(a.status(), out);
        if (!charts.isEmpty()) {
            StringBuilder images = new StringBuilder("\n");
            for (Path chart : charts) {
                images.append("![").append(chart.getFileName()).append("](").append(chart.getFileName()).append(")\n");
            }
            report += images;
        }
        Files.writeString(out.resolve("report.md"), report);
        stdout.print(report);

        if (b != null) {
            String comparison = MarkdownReport.comparison(label(a, file), label(b, compare),
                    MarkdownReport.compare(a.status(), b.status()));
            Files.writeString(out.resolve("compare.md"), comparison);
            stdout.println();
            stdout.print(comparison);
        }
        stdout.flush();
        return ConcbenchCli.EXIT_OK;
    }

    /** The cluster's version, when the result was read from one (for the exports' environment). */
    private String kubernetesVersion;

    private Loaded readLive(String ref) throws BadStatusFileException {
        LiveStatus.Live live = LiveStatus.readFromKubeconfig(ref, "--live " + ref);
        kubernetesVersion = live.kubernetesVersion();
        return live.loaded();
    }

    private static String label(Loaded loaded, Path path) {
        if (path == null) {
            return loaded.name();
        }
        return loaded.name() != null ? loaded.name() + " (" + path.getFileName() + ")" : String.valueOf(path.getFileName());
    }
}
