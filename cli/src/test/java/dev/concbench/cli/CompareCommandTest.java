package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static dev.concbench.cli.TestResults.row;
import static dev.concbench.cli.TestResults.status;
import static org.assertj.core.api.Assertions.assertThat;

/** The exit codes of {@code concbench compare}, the contract with a CI pipeline. */
class CompareCommandTest {

    private static final Supplier<KernelLauncher> NO_LAUNCHER = () -> {
        throw new AssertionError("compare runs no kernel");
    };
    private static final List<Double> BASE = List.of(1.00, 1.01, 0.99, 1.00, 1.02);
    private static final List<Double> THREE_PERCENT_SLOWER = List.of(1.03, 1.04, 1.02, 1.03, 1.05);
    private static final List<Double> TWICE_AS_SLOW = List.of(2.00, 2.02, 1.98, 2.00, 2.04);

    @TempDir
    Path dir;

    private Path save(String name, ConcurrencyBenchmarkStatus status) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, ConcbenchCli.yaml(status));
        return file;
    }

    private static ConcurrencyBenchmarkStatus result(List<Double> sequential, List<Double> pool) {
        return status(row("sequential", 1, 0, 1, sequential, 1, 0), row("process-pool", 1, 0, 2, pool, 2, 0));
    }

    private CliHarness compare(Path old, Path current, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("compare", old.toString(), current.toString()));
        args.addAll(List.of(options));
        return CliHarness.run(NO_LAUNCHER, args.toArray(String[]::new));
    }

    @Test
    void equalInputsPass() throws IOException {
        Path a = save("a.yaml", result(BASE, BASE));
        CliHarness r = compare(a, a);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ROW", "VERDICT", "sequential pods=1 workers=0", "process-pool pods=1 workers=0")
                .contains("1.000x");
    }

    @Test
    void aRowSignificantlySlowerBeyondTheThresholdIsARegression() throws IOException {
        Path a = save("a.yaml", result(BASE, BASE));
        Path b = save("b.yaml", result(BASE, TWICE_AS_SLOW));
        CliHarness r = compare(a, b, "--fail-if-slower", "5%");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(CompareCommand.EXIT_REGRESSION);
        assertThat(r.out()).containsPattern("process-pool pods=1 workers=0 .* 2\\.000x .* slower  REGRESSION");
        assertThat(r.err()).contains("1 row(s) significantly slower", "process-pool pods=1 workers=0");
        // The other way round it got faster: no regression.
        assertThat(compare(b, a).exitCode()).isZero();
    }

    @Test
    void aSignificantSlowdownWithinTheThresholdPasses() throws IOException {
        Path a = save("a.yaml", result(BASE, BASE));
        Path b = save("b.yaml", result(THREE_PERCENT_SLOWER, BASE));
        CliHarness within = compare(a, b, "--fail-if-slower", "5%");
        assertThat(within.exitCode()).as(within.out()).isZero();
        assertThat(within.out()).containsPattern("sequential pods=1 workers=0 .* slower\\n");
        assertThat(compare(a, b, "--fail-if-slower", "0%").exitCode()).isEqualTo(CompareCommand.EXIT_REGRESSION);
    }

    @Test
    void aContendedRowOnEitherSideIsNotComparableNeverARegression() throws IOException {
        String starved = "got 1.05 of 2 CPUs (waited 46 % of its time)";
        Path quiet = save("quiet.yaml", status(TestResults.cpu(row("sequential", 1, 0, 1, BASE, 1, 0), 0.99, null),
                TestResults.cpu(row("process-pool", 1, 0, 2, BASE, 2, 0), 1.97, null)));
        Path noisy = save("noisy.yaml", status(TestResults.cpu(row("sequential", 1, 0, 1, BASE, 1, 0), 0.99, null),
                TestResults.cpu(row("process-pool", 1, 0, 2, TWICE_AS_SLOW, 1, 0), 1.05, starved)));

        CliHarness r = compare(quiet, noisy, "--fail-if-slower", "5%");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("process-pool pods=1 workers=0 .* 2\\.000x .* not comparable \\(contended\\)\\n")
                .doesNotContain("REGRESSION");
        assertThat(r.err()).contains("1 row(s) not comparable: contended", "process-pool pods=1 workers=0 (NEW: " + starved
                + ")");
        // The baseline's side contended: the same.
        CliHarness back = compare(noisy, quiet);
        assertThat(back.exitCode()).isZero();
        assertThat(back.err()).contains("(OLD: " + starved + ")");

        // Nothing comparable left: every match contended.
        Path allNoisy = save("all-noisy.yaml", status(
                TestResults.cpu(row("sequential", 1, 0, 1, TWICE_AS_SLOW, 1, 0), 0.5, "got 0.50 of 1 CPU (waited 50 % of its time)")));
        CliHarness none = compare(quiet, allNoisy);
        assertThat(none.exitCode()).isEqualTo(CompareCommand.EXIT_NOT_COMPARABLE);
        assertThat(none.err()).contains("every matching row was contended");
    }

    @Test
    void unreadableInputIsBadInput() throws IOException {
        Path a = save("a.yaml", result(BASE, BASE));
        Path garbage = dir.resolve("garbage.yaml");
        Files.writeString(garbage, "::: not yaml [");
        assertThat(compare(a, garbage).exitCode()).isEqualTo(ConcbenchCli.EXIT_INVALID);
        CliHarness missing = compare(a, dir.resolve("missing.yaml"));
        assertThat(missing.exitCode()).isEqualTo(ConcbenchCli.EXIT_INVALID);
        assertThat(missing.err()).contains("no such file");
        assertThat(compare(a, a, "--fail-if-slower", "lots").exitCode()).isEqualTo(ConcbenchCli.EXIT_INVALID);
    }

    @Test
    void nothingInCommonCannotBeCompared() throws IOException {
        Path a = save("a.yaml", status(row("threads", 1, 0, 1, BASE, 1, 0)));
        Path b = save("b.yaml", status(row("processes", 1, 0, 1, BASE, 1, 0)));
        CliHarness r = compare(a, b);
        assertThat(r.exitCode()).isEqualTo(CompareCommand.EXIT_NOT_COMPARABLE);
        assertThat(r.out()).contains("no matching row");
    }

    @Test
    void percentagesParse() {
        assertThat(CompareCommand.percent("5%")).isEqualTo(0.05);
        assertThat(CompareCommand.percent(" 12.5 % ")).isEqualTo(0.125);
        assertThat(CompareCommand.percent("0")).isZero();
    }
}
