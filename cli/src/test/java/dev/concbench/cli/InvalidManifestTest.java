package dev.concbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** An invalid manifest: exit code 2, a message naming the field, and nothing run. */
class InvalidManifestTest {

    /** Fails the test if the runner gets as far as starting a kernel. */
    private static final Supplier<KernelLauncher> NEVER = () -> (runtime, args) -> fail("a kernel was started");

    @TempDir
    Path tmp;

    private CliHarness run(String spec) throws IOException {
        Path file = tmp.resolve("cb.yaml");
        Files.writeString(file, """
                apiVersion: concbench.dev/v1alpha1
                kind: ConcurrencyBenchmark
                metadata:
                  name: bad
                  labels: {team: perf}
                spec:
                """ + spec.indent(2));
        return CliHarness.run(NEVER, "run", file.toString());
    }

    @Test
    void morePodsThanTasks() throws IOException {
        CliHarness cli = run("""
                workload: {type: cpu, size: 10, tasks: 3}
                pods: 4
                """);
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.out()).isEmpty();
        assertThat(cli.err()).contains("invalid manifest, nothing was run")
                .contains("spec.pods (4) must not exceed spec.workload.tasks (3)");
    }

    @Test
    void unknownStrategy() throws IOException {
        CliHarness cli = run("""
                workload: {type: cpu, size: 10, tasks: 3}
                strategies: [sequential, greenlets]
                """);
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("spec.strategies[1]: unknown value \"greenlets\" (expected one of: "
                + "sequential, threads, thread-pool, processes, process-pool, asyncio, interpreter-pool, virtual-threads)");
    }

    @Test
    void unknownSpecField() throws IOException {
        CliHarness cli = run("""
                workload: {type: cpu, size: 10, tasks: 3}
                repetiton: 7
                """);
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("spec.repetiton: unknown field").contains("repetitions");
    }

    @Test
    void unknownNestedFields() throws IOException {
        CliHarness cli = run("""
                workload: {type: cpu, sise: 10, tasks: 3}
                """);
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("spec.workload.sise: unknown field");

        cli = run("""
                workload: {type: cpu, size: 10, tasks: 3}
                resources: {limts: {cpu: "1"}}
                """);
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("spec.resources.limts: unknown field");
    }

    @Test
    void wrongTypesAndRanges() throws IOException {
        CliHarness cli = run("""
                workload: {type: cpu, size: 10, tasks: many}
                """);
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("spec.workload.tasks: expected an integer");

        cli = run("""
                workload: {type: disk, size: 10, tasks: 3}
                """);
        assertThat(cli.err()).contains("spec.workload.type: unknown value \"disk\" (expected one of: cpu, io)");

        cli = run("""
                workload: {type: cpu, size: 10, tasks: 3}
                repetitions: 50
                """);
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("spec.repetitions must be between 1 and 20, got 50");
    }

    @Test
    void notABenchmark() throws IOException {
        Path file = tmp.resolve("deploy.yaml");
        Files.writeString(file, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: 1}
                """);
        CliHarness cli = CliHarness.run(NEVER, "run", file.toString());
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("apiVersion must be concbench.dev/v1alpha1, got apps/v1")
                .contains("kind must be ConcurrencyBenchmark, got Deployment");
    }

    @Test
    void missingNameAndBrokenYaml() throws IOException {
        Path file = tmp.resolve("noname.yaml");
        Files.writeString(file, """
                apiVersion: concbench.dev/v1alpha1
                kind: ConcurrencyBenchmark
                spec:
                  workload: {type: io, size: 1, tasks: 1}
                """);
        CliHarness cli = CliHarness.run(NEVER, "run", file.toString());
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("metadata.name is required");

        Files.writeString(file, "spec: [unclosed\n");
        cli = CliHarness.run(NEVER, "run", file.toString());
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("not valid YAML");

        cli = CliHarness.run(NEVER, "run", tmp.resolve("missing.yaml").toString());
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("missing.yaml: no such file");
    }

    @Test
    void anInvalidDocumentStopsTheWholeFile() throws IOException {
        Path file = tmp.resolve("two.yaml");
        Files.writeString(file, """
                apiVersion: concbench.dev/v1alpha1
                kind: ConcurrencyBenchmark
                metadata: {name: good}
                spec:
                  workload: {type: io, size: 1, tasks: 1}
                ---
                apiVersion: concbench.dev/v1alpha1
                kind: ConcurrencyBenchmark
                metadata: {name: bad}
                spec:
                  workload: {type: io, size: 1, tasks: 1}
                  warmup: -1
                """);
        CliHarness cli = CliHarness.run(NEVER, "run", file.toString());
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("(document 2): spec.warmup must be between 0 and 10, got -1");
    }

    @Test
    void badCommandLine() {
        CliHarness cli = CliHarness.run(NEVER, "run", "x.yaml", "-o", "xml");
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("xml");
        assertThat(CliHarness.run(NEVER, "frobnicate").exitCode()).isEqualTo(2);
        assertThat(CliHarness.run(NEVER, "run", "--help").exitCode()).isZero();
    }
}
