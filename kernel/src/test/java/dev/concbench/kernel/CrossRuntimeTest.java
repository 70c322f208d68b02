package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Python and the JVM kernel agree on the checksum and on the document's shape. */
class CrossRuntimeTest {

    private static final String[] ARGS = {
        "--workload", "cpu", "--size", "23", "--tasks", "11", "--shard", "1/3",
        "--strategies", "sequential,threads,thread-pool,process-pool", "--workers", "2",
        "--repetitions", "2", "--warmup", "0"};

    @Test
    void bothRuntimesComputeTheSameChecksumAndWriteTheSameKeys() throws Exception {
        Map<String, String> env = Map.of("NODE_NAME", "node-a", "POD_NAME", "pod-0");
        List<String> pythonCommand = new ArrayList<>(List.of("python3", KernelProcess.pythonKernel().toString()));
        pythonCommand.addAll(List.of(ARGS));
        KernelProcess python = KernelProcess.external(pythonCommand, env);
        KernelProcess java = KernelProcess.inThisJvm(env, ARGS);

        assertThat(python.exitCode()).as(python.stderr()).isZero();
        assertThat(java.exitCode()).as(java.stderr()).isZero();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode py = mapper.readTree(python.stdout());
        JsonNode jv = mapper.readTree(java.stdout());

        assertThat(keys(jv)).isEqualTo(keys(py)).isEqualTo(ResultJsonTest.KEYS);
        assertThat(keys(jv.get("times"))).isEqualTo(keys(py.get("times")))
                .containsExactly("sequential", "threads", "thread-pool", "process-pool");
        assertThat(py.get("runtime").asText()).isEqualTo("python");
        assertThat(jv.get("runtime").asText()).isEqualTo("java");
        String expected = ClosedForm.cpuChecksum(23, new Shard(1, 3).taskIndices(11));
        assertThat(py.get("checksum").asText()).isEqualTo(expected);
        assertThat(jv.get("checksum").asText()).isEqualTo(expected);
        // what each runtime says of itself: the other runtime's fields are null
        assertThat(py.get("freeThreaded").isBoolean()).isTrue();
        assertThat(py.get("startMethod").isTextual()).isTrue(); // process-pool ran
        assertThat(py.get("gc").isNull()).isTrue();
        assertThat(jv.get("freeThreaded").isNull()).isTrue();
        assertThat(jv.get("startMethod").isNull()).isTrue();
        assertThat(jv.get("gc").isArray()).isTrue();
        assertThat(keys(jv.get("cpu"))).isEqualTo(keys(py.get("cpu"))).isEqualTo(keys(py.get("times")));
        assertThat(keys(jv.get("cpu").get("thread-pool"))).isEqualTo(keys(py.get("cpu").get("thread-pool")))
                .containsExactly("used", "waited", "throttled", "stalled", "steal");
        // what one can measure here, so can the other
        for (String strategy : keys(py.get("cpu"))) {
            for (String figure : keys(py.get("cpu").get(strategy))) {
                assertThat(jv.get("cpu").get(strategy).get(figure).isNull()).as(strategy + " " + figure)
                        .isEqualTo(py.get("cpu").get(strategy).get(figure).isNull());
            }
        }
        for (String key : List.of("format", "cpus", "cpuSource", "cpuQuota", "node", "pod", "shard", "tasks",
                "workload", "size", "workers", "repetitions", "warmup", "cgroup", "exclusiveCpus", "onlineCpus",
                "skipped")) {
            assertThat(jv.get(key)).as(key).isEqualTo(py.get(key));
        }
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
