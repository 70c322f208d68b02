package dev.concbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.domain.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/concbench run on custom code with the real Python kernel: the ConfigMap document of the same file
 * is the code, as kubectl apply would make it; a missing one, and a function that fails, end Failed
 * WorkloadError before or when the kernel runs.
 */
class CustomWorkloadRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String BENCHMARK = """
            apiVersion: concbench.dev/v1alpha1
            kind: ConcurrencyBenchmark
            metadata:
              name: %s
            spec:
              workload:
                type: custom
                tasks: 4
                custom:
                  entrypoint: "%s"
                  %s
              strategies: [threads, processes]
              repetitions: 1
              warmup: 0
            """;

    private static CliHarness run(Path file, String format) {
        return CliHarness.run(() -> KernelLauncher.forHome(TestPaths.repoRoot()), "run", file.toString(), "-o", format);
    }

    private static ConcurrencyBenchmarkStatus status(CliHarness cli) throws IOException {
        return JSON.readValue(cli.out(), ConcurrencyBenchmarkStatus.class);
    }

    @Test
    void theConfigMapOfTheSameFileIsTheCodeAndAFunctionThatIsNotThreadSafeIsMarked(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("unsafe.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: unsafe-code
                data:
                  unsafe.py: |
                    import time

                    LAST = {"index": None}


                    def work(index):
                        print("a user's print goes to the log, not into the result")
                        LAST["index"] = index
                        time.sleep(0.05)
                        return LAST["index"]
                ---
                """ + BENCHMARK.formatted("unsafe", "unsafe:work", "configMap: unsafe-code"));

        CliHarness cli = run(file, "json");

        assertThat(cli.exitCode()).as(cli.err()).isZero();
        ConcurrencyBenchmarkStatus status = status(cli);
        assertThat(status.getPhase()).isEqualTo(Phase.Succeeded);
        ResultRow threads = status.getResults().stream().filter(r -> r.getStrategy().equals("threads")).findFirst()
                .orElseThrow();
        assertThat(threads.getResultsDiffer()).isTrue();
        assertThat(status.getResults()).filteredOn(r -> !r.getStrategy().equals("threads"))
                .allSatisfy(r -> assertThat(r.getResultsDiffer()).isNull());
        assertThat(status.getRuns().get(0).getSetupSeconds()).isPositive();
        assertThat(status.getConclusion()).contains("threads gave different results than sequential: the code is not "
                + "thread-safe");

        CliHarness table = run(file, "table");
        assertThat(table.out()).contains("custom unsafe:work x 4 tasks").contains("results differ (task ")
                .contains("setup: ").contains("conclusion: ");
    }

    @Test
    void aConfigMapTheFileLacksFailsNamingItAndRunsNothing(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("no-code.yaml");
        Files.writeString(file, BENCHMARK.formatted("no-code", "records:work", "configMap: records-code"));

        CliHarness cli = run(file, "json");

        assertThat(cli.exitCode()).isEqualTo(1);
        ConcurrencyBenchmarkStatus status = status(cli);
        Condition failed = Conditions.find(status.getConditions(), Conditions.FAILED).orElseThrow();
        assertThat(failed.getReason()).isEqualTo("WorkloadError");
        assertThat(failed.getMessage()).startsWith("workload.custom.configMap: ConfigMap records-code does not exist in "
                + "the manifest");
        assertThat(status.getRuns()).allSatisfy(r -> assertThat(r.getStartTime()).isNull()); // no kernel ran
    }

    @Test
    void aFunctionThatRaisesEndsFailedWithItsFileLineAndException(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("raises.yaml");
        Files.writeString(file, BENCHMARK.formatted("raises", "broken:work",
                "source: |\n        def work(index):\n            return 10 // (index - 2)"));

        CliHarness cli = run(file, "table");

        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
        assertThat(cli.out()).contains("failed: WorkloadError: pod raises-g1-r0-0: task 2: ZeroDivisionError: integer "
                + "division or modulo by zero (").contains("broken.py, line 2, in work)")
                .doesNotContain("concbench_kernel.py");
    }
}
