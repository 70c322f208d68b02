package dev.concbench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.BenchmarkPlanner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code concbench}: the command line. A plain main class (no Quarkus): bin/concbench runs
 * it with the operator module's runtime classpath.
 *
 * <p>Exit codes: 0 success, 1 a benchmark failed (or the runner could not work), 2 an
 * invalid manifest or command line (nothing was run).
 */
@Command(name = "concbench", mixinStandardHelpOptions = true, versionProvider = ConcbenchCli.Version.class,
        description = "Benchmarks concurrency strategies: the ConcurrencyBenchmark operator's command line.",
        subcommands = {ConcbenchCli.Run.class, ReportCommand.class, CompareCommand.class, CommandLine.HelpCommand.class})
public final class ConcbenchCli implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_INVALID = 2;

    private final Supplier<KernelLauncher> launcher;
    private final PrintStream progress;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * @param launcher how kernels start (the repository's kernels in production)
     * @param progress where progress lines go; null for none
     */
    public ConcbenchCli(Supplier<KernelLauncher> launcher, PrintStream progress) {
        this.launcher = launcher;
        this.progress = progress;
    }

    public static void main(String[] args) {
        PrintStream out = utf8(new FileOutputStream(FileDescriptor.out));
        PrintStream err = utf8(new FileOutputStream(FileDescriptor.err));
        System.setOut(out);
        System.setErr(err);
        int code = execute(args, KernelLauncher::fromSystemProperties, out, err);
        out.flush();
        System.exit(code);
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(String[] args, Supplier<KernelLauncher> launcher, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(launcher, err);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    static CommandLine commandLine(Supplier<KernelLauncher> launcher, PrintStream progress) {
        CommandLine cl = new CommandLine(new ConcbenchCli(launcher, progress));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("concbench: " + e.getMessage());
            return EXIT_FAILED;
        });
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_INVALID;
    }

    /** Output formats of {@code run}. */
    public enum Format { table, json, yaml }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs a ConcurrencyBenchmark on this machine, no cluster: every pod of every run "
                    + "becomes a local kernel process; the result is the status the operator would write.",
                    "Exit codes: 0 succeeded, 1 a benchmark failed, 2 invalid manifest (nothing run)."})
    static final class Run implements Callable<Integer> {

        @ParentCommand
        ConcbenchCli parent;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE",
                description = "A ConcurrencyBenchmark manifest (YAML, one or more documents), as for kubectl apply.")
        Path file;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
                description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}): json and yaml print only the status object, "
                        + "exactly as the operator writes it (a list of them for several documents).")
        Format format;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<ConcurrencyBenchmark> benchmarks;
            ManifestReader.Manifest manifest;
            try {
                manifest = ManifestReader.readManifest(file);
                benchmarks = manifest.benchmarks();
            } catch (InvalidManifestException e) {
                err.println("concbench: invalid manifest, nothing was run:");
                e.problems().forEach(p -> err.println("  " + p));
                return EXIT_INVALID;
            }
            KernelLauncher launcher = parent.launcher.get();
            for (ConcurrencyBenchmark cb : benchmarks) {
                // every runtime of a sweep, before anything runs: a missing interpreter is named at once
                BenchmarkPlanner.sweepRuntimes(cb.getSpec()).forEach(launcher::check);
            }

            LocalRunner runner = new LocalRunner(launcher, parent.progress);
            Thread abort = new Thread(runner::abort, "concbench-abort");
            Runtime.getRuntime().addShutdownHook(abort);
            List<ConcurrencyBenchmarkStatus> statuses = new ArrayList<>();
            boolean failed = false;
            try {
                for (ConcurrencyBenchmark cb : benchmarks) {
                    ConcurrencyBenchmarkStatus status = runner.run(cb, manifest.configMaps());
                    cb.setStatus(status);
                    statuses.add(status);
                    failed |= status.getPhase() != Phase.Succeeded;
                    if (format == Format.table) {
                        if (statuses.size() > 1) {
                            out.println();
                        }
                        out.print(ResultTable.render(cb, status));
                        out.flush();
                    }
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(abort);
                } catch (IllegalStateException e) {
                    // Already shutting down: the hook runs.
                }
            }
            if (format != Format.table) {
                Object document = statuses.size() == 1 ? statuses.get(0) : statuses;
                out.print(format == Format.json ? json(document) : yaml(document));
                out.flush();
            }
            return failed ? EXIT_FAILED : EXIT_OK;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // A checksum or version is a string; unquoted it would read back as a number.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    /** The status as JSON, as the operator writes it into the resource. */
    public static String json(Object status) throws JsonProcessingException {
        return JSON.writeValueAsString(status) + System.lineSeparator();
    }

    /** The status as YAML. */
    public static String yaml(Object status) throws JsonProcessingException {
        return YAML.writeValueAsString(status);
    }

    private static PrintStream utf8(OutputStream stream) {
        return new PrintStream(stream, true, StandardCharsets.UTF_8);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"concbench " + number()};
        }

        static String number() {
            String v = ConcbenchCli.class.getPackage().getImplementationVersion();
            return v == null ? "0.1.0-SNAPSHOT" : v;
        }
    }
}
