package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import example.workloads.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The workloads beyond the classic two, run from the packaged jar as a pod runs it, on a Java 21+
 * when one is found (virtual threads) else this one: the user's classes come from the test classes
 * ({@code example.workloads}) through {@code --code-dir}, as from the jars of an image built FROM the
 * kernel image.
 */
class WorkloadJarIT {

    static final Path CODE_DIR = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
            .resolve("target").resolve("test-classes");

    @TempDir
    Path dir;

    private static String java() throws Exception {
        return KernelJarIT.java21OrNewer().orElse(ChildJvm.current().command().get(0));
    }

    /** The strategies the java of these tests runs. */
    private static List<String> strategies() throws Exception {
        KernelProcess version = KernelProcess.external(List.of(java(), "-XshowSettings:properties", "-version"), Map.of());
        boolean virtual = version.stderr().matches("(?s).*java\\.specification\\.version = (2[1-9]|[3-9][0-9]).*");
        return Contract.supportedStrategies(virtual ? 21 : 17);
    }

    private static KernelProcess custom(String className, List<String> strategies, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--workload", "custom", "--entrypoint", className,
                "--code-dir", CODE_DIR.toString(), "--tasks", "6", "--workers", "2", "--repetitions", "2",
                "--warmup", "1", "--strategies", String.join(",", strategies)));
        args.addAll(List.of(more));
        return KernelProcess.external(KernelJarIT.jarOn(java(), args.toArray(String[]::new)), Map.of());
    }

    static Stream<Arguments> workloadErrors() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : Contract.read("workload-errors.json").get("cases")) {
            if (c.get("runtime").asText().equals("java")) {
                List<String> names = c.get("strategies").asText().equals("all") ? strategies()
                        : List.of(c.get("strategies").asText().split(","));
                for (String name : names) {
                    cases.add(Arguments.of(c.get("entrypoint").asText(), name, c.has("callTimeout")
                            ? c.get("callTimeout").asInt() : 60, Contract.strings(c.get("fragments"))));
                }
            }
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(12);
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} under {1}")
    @MethodSource("workloadErrors")
    void theContractErrorsExitFourWithClassLineAndException(String className, String strategy, int callTimeout,
                                                            List<String> fragments) throws Exception {
        Path output = dir.resolve("termination-log");
        KernelProcess run = custom(className, List.of(strategy), "--call-timeout", Integer.toString(callTimeout),
                "--output", output.toString());
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(Main.EXIT_WORKLOAD);
        assertThat(run.stdout()).isEmpty();
        String written = Files.readString(output);
        assertThat(written.length()).isLessThanOrEqualTo(ResultJson.MAX_BYTES);
        JsonNode doc = new ObjectMapper().readTree(written);
        assertThat(doc.size()).isEqualTo(2);
        assertThat(doc.get("format").asInt()).isEqualTo(2);
        String text = doc.get("workloadError").asText();
        assertThat(run.stderr()).startsWith(Main.PREFIX + "workload error: " + text);
        assertThat(text).contains(fragments).doesNotContain("dev.concbench.kernel");
    }

    @Test
    void deterministicCodeGivesOneChecksumUnderEveryStrategy() throws Exception {
        KernelProcess run = custom("example.workloads.Records", strategies(), "--call-timeout", "60");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.stdout());
        long expected = 0;
        Records records = new Records();
        for (int t = 0; t < 6; t++) {
            expected += CustomCode.hash(records.apply(t));
        }
        assertThat(doc.get("checksum").asText()).isEqualTo(Long.toUnsignedString(expected));
        assertThat(doc.has("differs")).isFalse();
        assertThat(doc.has("lost")).isFalse();
        assertThat(doc.get("setup").asDouble()).isPositive();
        assertThat(List.of(doc.get("workload").asText(), doc.get("size").asInt())).containsExactly("custom", 0);
    }

    @Test
    void codeThatIsNotThreadSafeDiffersUnderThreadsOnly() throws Exception {
        List<String> strategies = strategies();
        KernelProcess run = custom("example.workloads.Unsafe", strategies);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode differs = new ObjectMapper().readTree(run.stdout()).get("differs");
        List<String> threaded = new ArrayList<>(List.of("threads", "thread-pool"));
        if (strategies.contains("virtual-threads")) {
            threaded.add("virtual-threads");
        }
        List<String> names = new ArrayList<>();
        differs.fieldNames().forEachRemaining(names::add);
        assertThat(names).isEqualTo(threaded); // not sequential, nor a child JVM's one call at a time
        differs.forEach(task -> assertThat(task.asInt()).isBetween(0, 5));
    }

    @Test
    void nondeterministicCode() throws Exception {
        KernelProcess run = custom("example.workloads.Counter", List.of("sequential", "threads"));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(new ObjectMapper().readTree(run.stdout()).get("differs").toString())
                .isEqualTo("{\"sequential\":0,\"threads\":0}");
        run = custom("example.workloads.Counter", List.of("sequential", "threads"), "--nondeterministic");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(new ObjectMapper().readTree(run.stdout()).has("differs")).isFalse();
    }

    @Test
    void withoutACodeDirTheClassesAreLookedForBesideTheJar() throws Exception {
        KernelProcess run = KernelProcess.external(KernelJarIT.jarOn(java(), "--workload", "custom", "--entrypoint",
                "example.workloads.Records", "--tasks", "1"), Map.of());
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_WORKLOAD);
        Path jarDir = Path.of(System.getProperty("concbench.kernel.jar", "target/concbench-kernel.jar"))
                .toAbsolutePath().getParent();
        assertThat(run.stderr()).contains("class example.workloads.Records not found in "
                + jarDir.resolve("workloads") + " (it does not exist: copy the jar there in the image");
    }

    @Test
    void raceCountsLostUpdatesPerStrategy() throws Exception {
        List<String> strategies = strategies();
        KernelProcess run = KernelProcess.external(KernelJarIT.jarOn(java(), "--workload", "race", "--size", "1000000",
                "--tasks", "8", "--workers", "2", "--repetitions", "2", "--warmup", "0",
                "--strategies", String.join(",", strategies)), Map.of());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.stdout());
        JsonNode lost = doc.get("lost");
        List<String> names = new ArrayList<>();
        lost.fieldNames().forEachRemaining(names::add);
        assertThat(names).isEqualTo(strategies);
        // one call at a time, or each child JVM its own field: every update arrives
        for (String name : List.of("sequential", "processes", "process-pool")) {
            assertThat(lost.get(name).asLong()).as(name).isZero();
        }
        for (String name : List.of("threads", "thread-pool")) {
            assertThat(lost.get(name).asLong()).as(name).isBetween(0L, 2 * 8 * 1_000_000L);
        }
        if (doc.get("cpus").asInt() > 1) { // threads on two CPUs at once: updates get lost (no GIL)
            long lostByThreads = 0;
            for (String name : List.of("threads", "thread-pool", "virtual-threads")) {
                lostByThreads += lost.path(name).asLong(); // one of them alone may have run its calls one by one
            }
            assertThat(lostByThreads).as(doc.toString()).isPositive();
        }
        assertThat(doc.get("checksum").asText()).isEqualTo("28");
        assertThat(doc.has("differs")).isFalse();
    }

    @Test
    void hashAndMixedGiveTheClosedFormUnderEveryStrategy() throws Exception {
        for (String[] workload : List.of(new String[] {"hash", "64"}, new String[] {"mixed", "30"})) {
            KernelProcess run = KernelProcess.external(KernelJarIT.jarOn(java(), "--workload", workload[0], "--size",
                    workload[1], "--tasks", "5", "--workers", "2", "--repetitions", "1", "--warmup", "0",
                    "--strategies", String.join(",", strategies())), Map.of());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode doc = new ObjectMapper().readTree(run.stdout());
            assertThat(doc.get("checksum").asText()).isEqualTo(ClosedForm.checksum(
                    Workload.Kind.fromCliName(workload[0]), Integer.parseInt(workload[1]), ClosedForm.range(0, 5)));
            assertThat(doc.has("lost") || doc.has("setup") || doc.has("differs")).isFalse();
        }
    }
}
