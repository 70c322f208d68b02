package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as the pod runs it: {@code java -jar concbench-kernel.jar ...}. */
class KernelJarIT {

    @TempDir
    Path dir;

    private static List<String> jar(String... args) {
        String jar = System.getProperty("concbench.kernel.jar", "target/concbench-kernel.jar");
        assertThat(Path.of(jar)).exists();
        List<String> command = new ArrayList<>(List.of(ChildJvm.current().command().get(0), "-jar", jar));
        command.addAll(List.of(args));
        return command;
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
        assertThat(strategies).isEqualTo(Strategy.NAMES);
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
