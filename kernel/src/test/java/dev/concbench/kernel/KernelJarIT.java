package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as the pod runs it: {@code java -jar concbench-kernel.jar ...}. */
class KernelJarIT {

    @TempDir
    Path dir;

    private static List<String> jar(String... args) {
        return jarOn(ChildJvm.current().command().get(0), args);
    }

    static List<String> jarOn(String java, String... args) {
        String jar = System.getProperty("concbench.kernel.jar", "target/concbench-kernel.jar");
        assertThat(Path.of(jar)).exists();
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * A java of release 21 or newer: {@code CONCBENCH_TEST_JAVA21} (a java binary), else a JDK
     * installed beside the one running the tests (read from its {@code release} file).
     */
    static Optional<String> java21OrNewer() throws IOException {
        String configured = System.getenv("CONCBENCH_TEST_JAVA21");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured);
        }
        Path installed = Path.of(System.getProperty("java.home")).toRealPath().getParent();
        try (Stream<Path> homes = Files.list(installed)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> featureRelease(home) >= 21).sorted()
                    .map(home -> home.resolve("bin/java").toString()).findFirst();
        }
    }

    private static int featureRelease(Path home) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"([0-9]+)").matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void virtualThreadsRunFromTheSameJarOnJava21OrNewer() throws Exception {
        Optional<String> java = java21OrNewer();
        Assumptions.assumeTrue(java.isPresent(), "no Java 21+ found: set CONCBENCH_TEST_JAVA21");
        KernelProcess version = KernelProcess.external(List.of(java.get(), "-XshowSettings:properties", "-version"), Map.of());
        Matcher m = Pattern.compile("java\\.version = (\\S+)").matcher(version.stderr());
        assertThat(m.find()).as(version.stderr()).isTrue();
        for (String workload : List.of("cpu", "io")) {
            KernelProcess run = KernelProcess.external(jarOn(java.get(),
                    "--workload", workload, "--size", "3", "--tasks", "7", "--shard", "1/2", "--workers", "2",
                    "--strategies", "sequential,virtual-threads,asyncio,threads,process-pool", "--skip-unsupported",
                    "--repetitions", "2", "--warmup", "1"), Map.of());

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode doc = new ObjectMapper().readTree(run.stdout());
            int[] tasks = {1, 3, 5};
            assertThat(doc.get("checksum").asText()).isEqualTo(workload.equals("cpu")
                    ? ClosedForm.cpuChecksum(3, tasks) : ClosedForm.ioChecksum(tasks));
            List<String> strategies = new ArrayList<>();
            doc.get("times").fieldNames().forEachRemaining(strategies::add);
            assertThat(strategies).containsExactly("sequential", "virtual-threads", "threads", "process-pool");
            doc.get("times").forEach(times -> assertThat(times).hasSize(2));
            assertThat(doc.get("skipped").toString())
                    .isEqualTo("{\"asyncio\":\"needs CPython or PyPy; this is Java " + m.group(1) + "\"}");
        }
    }

    @Test
    void theSameRequestOnThisJavaRefusesVirtualThreadsOrRunsThem() throws Exception {
        KernelProcess run = KernelProcess.external(jar("--workload", "io", "--size", "0", "--tasks", "2",
                "--strategies", "sequential,virtual-threads"), Map.of());
        if (Runtime.version().feature() >= 21) {
            assertThat(run.exitCode()).as(run.stderr()).isZero();
        } else {
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.stderr()).isEqualTo("concbench-kernel: virtual-threads needs Java 21 or newer; this is "
                    + System.getProperty("java.version") + "\n");
        }
    }

    @Test
    void allFiveStrategiesIncludingChildJvmsRunFromTheJar() throws Exception {
        Path output = dir.resolve("termination-log");
        KernelProcess run = KernelProcess.external(jar(
                "--workload", "cpu", "--size", "41", "--tasks", "5", "--workers", "2",
                "--repetitions", "1", "--warmup", "0", "--output", output.toString()),
                Map.of("NODE_NAME", "node-a", "POD_NAME", "bench-0"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Files.readString(output)).isEqualTo(run.stdout().strip());
        JsonNode doc = new ObjectMapper().readTree(run.stdout());
        assertThat(doc.get("checksum").asText()).isEqualTo(ClosedForm.cpuChecksum(41, ClosedForm.range(0, 5)));
        List<String> strategies = new ArrayList<>();
        doc.get("times").fieldNames().forEachRemaining(strategies::add);
        assertThat(strategies).isEqualTo(Strategy.DEFAULTS);
        doc.get("times").forEach(times -> assertThat(times).hasSize(1));
        assertThat(doc.get("node").asText()).isEqualTo("node-a");
        assertThat(doc.get("workers").asInt()).isEqualTo(2);
    }

    @Test
    void aUsageErrorFromTheJarIsOneLineAndExitTwo() throws Exception {
        KernelProcess run = KernelProcess.external(jar("--workload", "cpu", "--size", "5", "--tasks", "3",
                "--strategies", "processes,processes"), Map.of());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("concbench-kernel: ");
        assertThat(run.stderr().strip().lines()).hasSize(1);
    }
}
