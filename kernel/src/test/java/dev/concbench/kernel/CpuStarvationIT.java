package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar pinned to one CPU beside a busy process pinned to the same CPU (both with
 * {@code taskset}): the starved strategies say they waited, and got less than a CPU.
 */
class CpuStarvationIT {

    @Test
    void aStarvedProcessPoolSaysItWaited() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/schedstat")), "needs Linux's schedstat");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")), "needs taskset");
        String cpu = Integer.toString(Runtime.getRuntime().availableProcessors() - 1);
        Process spinner = new ProcessBuilder("taskset", "-c", cpu, ChildJvm.current().command().get(0),
                "-cp", System.getProperty("java.class.path"), Spinner.class.getName()).start();
        JsonNode doc;
        try {
            List<String> command = new ArrayList<>(List.of("taskset", "-c", cpu, ChildJvm.current().command().get(0),
                    "-jar", System.getProperty("concbench.kernel.jar", "target/concbench-kernel.jar"),
                    "--workload", "cpu", "--size", "5000", "--tasks", "8", "--workers", "2",
                    "--strategies", "sequential,process-pool", "--repetitions", "2", "--warmup", "1"));
            KernelProcess run = KernelProcess.external(command, Map.of());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            doc = new ObjectMapper().readTree(run.stdout());
        } finally {
            spinner.destroyForcibly().waitFor();
        }
        // 2 workers (and the spinner) on one CPU: a worker runs a third of the time, waits two thirds
        JsonNode pool = doc.get("cpu").get("process-pool");
        double wall = sum(doc.get("times").get("process-pool"));
        assertThat(pool.get("waited").asDouble() / wall).as(doc.toString()).isGreaterThan(1.0);
        assertThat(pool.get("used").asDouble() / wall).as(doc.toString()).isLessThan(0.9);
        double sequentialWall = sum(doc.get("times").get("sequential"));
        assertThat(doc.get("cpu").get("sequential").get("waited").asDouble() / sequentialWall).as(doc.toString())
                .isGreaterThan(0.3);
    }

    private static double sum(JsonNode times) {
        double sum = 0;
        for (JsonNode time : times) {
            sum += time.asDouble();
        }
        return sum;
    }

    /** A busy loop until killed. */
    public static final class Spinner {
        public static void main(String[] args) {
            long spins = 0;
            while (spins >= 0) {
                spins++;
            }
        }
    }
}
