package dev.concbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** An invalid manifest: exit code 2, a message naming the field, and nothing run. */
class InvalidManifestTest {

    /** Fails the test if the runner gets as far as starting a kernel. */
    private static final Supplier<KernelLauncher> NEVER = () -> (runtime, args) -> fail("a kernel was started");

    @TempDir
    Path tmp;

    /** An invalid spec and the messages the runner must print for it, each naming the field. */
    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                Arguments.of("workload: {type: cpu, size: 10, tasks: 3}\npods: 4", List.of(
                        "invalid manifest, nothing was run", "spec.pods (4) must not exceed spec.workload.tasks (3)")),
                Arguments.of("workload: {type: cpu, size: 10, tasks: 3}\nstrategies: [sequential, greenlets]", List.of(
                        "spec.strategies[1]: unknown value \"greenlets\" (expected one of: sequential, threads, "
                                + "thread-pool, processes, process-pool, asyncio, interpreter-pool, virtual-threads)")),
                Arguments.of("workload: {type: cpu, size: 10, tasks: 3}\nrepetiton: 7",
                        List.of("spec.repetiton: unknown field", "repetitions")),
                Arguments.of("workload: {type: cpu, sise: 10, tasks: 3}", List.of("spec.workload.sise: unknown field")),
                Arguments.of("workload: {type: cpu, size: 10, tasks: 3}\nresources: {limts: {cpu: \"1\"}}",
                        List.of("spec.resources.limts: unknown field")),
                Arguments.of("workload: {type: cpu, size: 10, tasks: many}", List.of("spec.workload.tasks: expected an integer")),
                Arguments.of("workload: {type: disk, size: 10, tasks: 3}",
                        List.of("spec.workload.type: unknown value \"disk\" (expected one of: cpu, io, hash, mixed, race, custom)")),
                Arguments.of("workload: {type: cpu, size: 10, tasks: 3}\nrepetitions: 50",
                        List.of("spec.repetitions must be between 1 and 20, got 50")));
    }

    @ParameterizedTest
    @MethodSource("invalidSpecs")
    void anInvalidSpecExitsTwoNamingTheFieldAndRunsNothing(String spec, List<String> messages) throws IOException {
        Path file = tmp.resolve("cb.yaml");
        Files.writeString(file, CliHarness.manifest("bad", spec));
        CliHarness cli = CliHarness.run(NEVER, "run", file.toString());
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.out()).isEmpty();
        assertThat(cli.err()).contains(messages);
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
        Files.writeString(file, CliHarness.manifest("good", "workload: {type: io, size: 1, tasks: 1}") + "---\n"
                + CliHarness.manifest("bad", "workload: {type: io, size: 1, tasks: 1}\nwarmup: -1"));
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
