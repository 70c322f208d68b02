package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.ResultRow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user sees when the command line reads a benchmark from a cluster: the result, and no
 * warning of the Kubernetes client (it calls every alpha API "unstable"). Runs the command line as a
 * process of its own, as {@code bin/concbench} does, so its logging is configured as a user's is;
 * the cluster is the Fabric8 mock server, reached through a kubeconfig.
 */
@EnableKubernetesMockClient
class LiveOutputTest {

    KubernetesMockServer server;
    KubernetesClient client;

    private static final String PATH = "/apis/concbench.dev/v1alpha1/namespaces/bench/concurrencybenchmarks/";

    @TempDir
    Path dir;

    @Test
    void reportLiveAndCompareLivePrintNoClientWarning() throws Exception {
        serve("old", 1.25);
        serve("new", 1.20);
        server.expect().get().withPath("/version")
                .andReturn(200, new VersionInfo.Builder().withGitVersion("v1.34.3").withMajor("1").withMinor("34").build())
                .always();
        Path kubeconfig = kubeconfig();

        Run report = run(kubeconfig, "report", "--live", "bench/new", "--out", dir.resolve("report").toString());
        assertThat(report.exitCode).as(report.err).isZero();
        assertThat(report.out).contains("process-pool");
        assertThat(report.err).doesNotContainIgnoringCase("warn").doesNotContain("unstable version");

        Run compare = run(kubeconfig, "compare", "live:bench/old", "live:bench/new");
        assertThat(compare.exitCode).as(compare.err).isZero();
        assertThat(compare.out).contains("process-pool");
        assertThat(compare.err).doesNotContainIgnoringCase("warn").doesNotContain("unstable version");
    }

    private void serve(String name, double median) {
        ResultRow row = new ResultRow();
        row.setStrategy("process-pool");
        row.setPods(1);
        row.setWorkers(2);
        row.setMedian(median);
        row.setSpeedup(1.9);
        row.setSamples(List.of(median, median * 1.01, median * 0.99));
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        status.setPhase(Phase.Succeeded);
        status.setResults(List.of(row));
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark();
        cb.getMetadata().setNamespace("bench");
        cb.getMetadata().setName(name);
        cb.setStatus(status);
        server.expect().get().withPath(PATH + name).andReturn(200, cb).always();
    }

    private Path kubeconfig() throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: mock
                  user:
                    token: mock
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock, namespace: bench}
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl()));
        return file;
    }

    private record Run(int exitCode, String out, String err) {
    }

    /** The command line as bin/concbench starts it: its own JVM, the module's classpath. */
    private Run run(Path kubeconfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ConcbenchCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> env = pb.environment();
        env.put("KUBECONFIG", kubeconfig.toString());
        env.remove("KUBERNETES_MASTER");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the command line ended").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }
}
