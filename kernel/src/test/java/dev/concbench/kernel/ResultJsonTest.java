package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultJsonTest {

    static final List<String> KEYS = List.of("format", "runtime", "runtimeVersion", "cpus", "cpuSource",
            "cpuQuota", "node", "pod", "shard", "tasks", "workload", "size", "workers", "repetitions",
            "warmup", "checksum", "start", "end", "implementation", "implementationVersion", "vendor",
            "freeThreaded", "gil", "jit", "jitCompiler", "gc", "jvmFlags", "startMethod", "cgroup", "exclusiveCpus",
            "onlineCpus", "skipped", "times", "cpu");

    /**
     * The largest CPU figures a run can have: a run lasts at most 86400 s (the longest timeoutSeconds);
     * used and steal are at most that times 1024 CPUs, waited that times 100000 runnable tasks,
     * throttled and stalled that wall time.
     */
    static final CpuFigures LARGEST_FIGURES = new CpuFigures(88_473_599.999, 8_639_999_999.999, 86_399.999,
            86_399.999, 88_473_599.999);

    /** A JVM description as long as JvmInfo lets one be written (the shortest -X flag, -Xrs, as often as fits). */
    static final JvmInfo LONGEST_JVM = new JvmInfo("i".repeat(99), "v".repeat(99), "w".repeat(99), true,
            "c".repeat(99), Collections.nCopies(9, "g".repeat(99)), Collections.nCopies(99, "-Xrs"));

    @Test
    void theLargestAllowedDocumentFitsTheTerminationMessage() throws Exception {
        JsonNode doc = largest(new Workload(Workload.Kind.IO, 600_000), null, Map.of(), null);
        List<String> keys = new ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isEqualTo(KEYS);
        assertThat(doc.get("checksum").asText()).isEqualTo("18446744073709551615");
        assertThat(doc.get("runtimeVersion").asText()).hasSize(JvmInfo.MAX_TEXT).endsWith("...");
        assertThat(doc.get("times").get("virtual-threads")).hasSize(20);
        assertThat(doc.get("cpu").get("virtual-threads").get("waited").asDouble()).isEqualTo(LARGEST_FIGURES.waited());
        assertThat(doc.get("cpu")).hasSize(6);
        assertThat(doc.get("skipped").get("asyncio").asText()).isEqualTo("needs CPython or PyPy; this is Java 99.99.99-ea+99-LTS");
    }

    /** race's lost updates: every update of every measured repetition lost, on every strategy. */
    @Test
    void theLargestRaceDocumentFits() throws Exception {
        long most = (long) KernelOptions.MAX_REPETITIONS * KernelOptions.MAX_TASKS * Workload.Kind.RACE.maxSize();
        Map<String, Long> lost = new LinkedHashMap<>();
        Contract.supportedStrategies(99).forEach(name -> lost.put(name, most));
        JsonNode doc = largest(new Workload(Workload.Kind.RACE, Workload.Kind.RACE.maxSize()), null, Map.of(), lost);
        assertThat(doc.get("lost").get("virtual-threads").asLong()).isEqualTo(most);
    }

    /** custom code's setup and a first differing call for every strategy (never with lost: a race call's value is its task). */
    @Test
    void theLargestCustomDocumentFits() throws Exception {
        Map<String, Integer> differs = new LinkedHashMap<>();
        Contract.supportedStrategies(99).forEach(name -> differs.put(name, 99_999));
        JsonNode doc = largest(new Workload(Workload.Kind.CUSTOM, 0, 0.0, Workload.MAX_CALL_TIMEOUT, "a.B", null, true),
                86_399.999999, differs, null);
        assertThat(doc.get("setup").asDouble()).isEqualTo(86_399.999999);
        assertThat(doc.get("differs").get("sequential").asInt()).isEqualTo(99_999);
        List<String> keys = new ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.subList(keys.size() - 4, keys.size())).containsExactly("times", "cpu", "setup", "differs");
    }

    @Test
    void theErrorDocumentFitsToo() throws Exception {
        String json = ResultJson.error("\u0153".repeat(5000));
        assertThat(json.length()).isLessThanOrEqualTo(Contract.read("limits.json").get("resultMaxBytes").asInt());
        assertThat(new ObjectMapper().readTree(json).get("workloadError").asText()).startsWith("\u0153").endsWith("...");
        assertThat(ResultJson.error("line 1\nline \"2\"")).isEqualTo("{\"format\":2,\"workloadError\":\"line 1\\nline \\\"2\\\"\"}");
    }

    /** The largest document of a workload: every strategy a JVM can run measured, the others skipped. */
    private static JsonNode largest(Workload workload, Double setup, Map<String, Integer> differs, Map<String, Long> lost)
            throws Exception {
        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, CpuFigures> cpu = new LinkedHashMap<>();
        for (String name : Strategy.NAMES) {
            String reason = Strategy.unsupportedReason(name, 99, "99.99.99-ea+99-LTS");
            if (reason == null) {
                nanos.put(name, Collections.nCopies(KernelOptions.MAX_REPETITIONS, 99_999_999_999_000L));
                cpu.put(name, LARGEST_FIGURES);
            } else {
                skipped.put(name, reason);
            }
        }
        assertThat(skipped).containsOnlyKeys("asyncio", "interpreter-pool");
        Instant late = Instant.ofEpochSecond(9_999_999_999L, 999_999_000);
        KernelResult result = new KernelResult(
                "r".repeat(99), // as long as a vendor's version may be, cut
                new CpuCount(KernelOptions.MAX_WORKERS, "cgroup-quota", 1023.999999),
                "n".repeat(253), "p".repeat(63), new Shard(99_999, 100_000), 100_000,
                workload, KernelOptions.MAX_WORKERS,
                KernelOptions.MAX_REPETITIONS, KernelOptions.MAX_WARMUP, -1L, late, late, nanos, LONGEST_JVM, skipped,
                new CpuFacts("v2", false, 99_999), cpu, setup, differs, lost);

        String json = ResultJson.write(result);

        assertThat(json.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(Contract.read("limits.json").get("resultMaxBytes").asInt());
        assertThat(json).contains("99999.999999,").contains("\"start\":9999999999.999999,");
        return new ObjectMapper().readTree(json);
    }

    @Test
    void typesAndFormats() throws Exception {
        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        nanos.put("sequential", List.of(1_500_000L));
        nanos.put("threads", List.of(2_000_000L));
        KernelResult result = new KernelResult("17.0.1", new CpuCount(2, "affinity", null), null, "pod-\"x\"",
                new Shard(0, 1), 3, new Workload(Workload.Kind.CPU, 10), 2, 1, 0, 7,
                Instant.ofEpochSecond(1_764_070_000L, 123_456_789), Instant.ofEpochSecond(1_764_070_001L, 5_000),
                nanos, JvmInfo.current(), Map.of(), new CpuFacts("v1", true, 4),
                Map.of("sequential", new CpuFigures(1.23449, 0.0004, 0.0, null, 2.5),
                        "threads", new CpuFigures(-0.0004, 12.0, null, 0.0104, 0.02)), null, Map.of(), null);
        String json = ResultJson.write(result);
        // compact: no whitespace outside strings (the JVM's name and its GCs' names hold spaces)
        assertThat(json.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")).doesNotContainPattern("\\s");
        assertThat(json)
                .contains("\"format\":2,\"runtime\":\"java\",\"runtimeVersion\":\"17.0.1\",\"cpus\":2,")
                .contains("\"cpuQuota\":null,\"node\":null,\"pod\":\"pod-\\\"x\\\"\"")
                .contains("\"checksum\":\"7\",\"start\":1764070000.123456,\"end\":1764070001.000005,")
                .contains("\"startMethod\":null,\"cgroup\":\"v1\",\"exclusiveCpus\":true,\"onlineCpus\":4,\"skipped\":{},")
                .endsWith("\"times\":{\"sequential\":[0.001500],\"threads\":[0.002000]},"
                        + "\"cpu\":{\"sequential\":{\"used\":1.234,\"waited\":0.0,\"throttled\":0.0,\"stalled\":null,\"steal\":2.5},"
                        + "\"threads\":{\"used\":0.0,\"waited\":12.0,\"throttled\":null,\"stalled\":0.01,\"steal\":0.02}}}");
        JsonNode doc = new ObjectMapper().readTree(json);
        assertThat(doc.get("pod").asText()).isEqualTo("pod-\"x\"");
        assertThat(doc.get("cpus").isInt()).isTrue();
        assertThat(doc.get("start").isDouble()).isTrue();
    }

    @Test
    void theJvmFields() throws Exception {
        JvmInfo jvm = new JvmInfo("OpenJDK 64-Bit Server VM", "25.0.1+8", "Eclipse Adoptium", true,
                "HotSpot 64-Bit Tiered Compilers", List.of("G1 Young Generation", "G1 Old Generation"),
                List.of("-XX:+UseG1GC", "-Xmx1g"));
        KernelResult result = new KernelResult("25.0.1", new CpuCount(1, "host", null), null, null, new Shard(0, 1), 1,
                new Workload(Workload.Kind.IO, 0), 1, 1, 0, 0, Instant.EPOCH, Instant.EPOCH, Map.of(), jvm,
                Map.of("asyncio", "needs CPython or PyPy; this is Java 25.0.1"), CpuFacts.UNKNOWN, Map.of(), null, Map.of(),
                null);
        assertThat(ResultJson.write(result)).contains("\"cpuSource\":\"host\",").contains(
                "\"implementation\":\"OpenJDK 64-Bit Server VM\",\"implementationVersion\":\"25.0.1+8\","
                + "\"vendor\":\"Eclipse Adoptium\",\"freeThreaded\":null,\"gil\":null,\"jit\":true,"
                + "\"jitCompiler\":\"HotSpot 64-Bit Tiered Compilers\",\"gc\":[\"G1 Young Generation\",\"G1 Old Generation\"],"
                + "\"jvmFlags\":[\"-XX:+UseG1GC\",\"-Xmx1g\"],\"startMethod\":null,"
                + "\"cgroup\":null,\"exclusiveCpus\":null,\"onlineCpus\":null,"
                + "\"skipped\":{\"asyncio\":\"needs CPython or PyPy; this is Java 25.0.1\"},\"times\":{},\"cpu\":{}}");
    }

    @Test
    void jvmInfoIsBounded() {
        assertThat(LONGEST_JVM.implementation()).hasSize(JvmInfo.MAX_TEXT).endsWith("...");
        assertThat(LONGEST_JVM.gc()).hasSize(JvmInfo.MAX_GCS);
        // as written, "-Xrs", is 7 characters
        assertThat(LONGEST_JVM.jvmFlags()).hasSize(JvmInfo.MAX_FLAG_CHARS / 7 + 1).endsWith("...");
        JvmInfo longFlags = new JvmInfo("i", "v", "w", true, "c", List.of(), Collections.nCopies(20, "-XX:" + "f".repeat(99)));
        assertThat(longFlags.jvmFlags()).hasSize(JvmInfo.MAX_FLAG_CHARS / (JvmInfo.MAX_TEXT + 3) + 1).endsWith("...");
        assertThat(longFlags.jvmFlags().get(0)).hasSize(JvmInfo.MAX_TEXT).endsWith("...");
        JvmInfo here = JvmInfo.current();
        assertThat(here.implementationVersion()).isEqualTo(System.getProperty("java.vm.version"));
        assertThat(here.gc()).isNotEmpty();
        assertThat(here.jitCompiler() != null).isEqualTo(here.jit());
    }

    @Test
    void numbers() {
        assertThat(ResultJson.seconds(0)).isEqualTo("0.000000");
        assertThat(ResultJson.seconds(1_234_567_499L)).isEqualTo("1.234567");
        assertThat(ResultJson.seconds(1_234_567_500L)).isEqualTo("1.234568");
        assertThat(ResultJson.shortDecimal(1.5)).isEqualTo("1.5");
        assertThat(ResultJson.shortDecimal(2.0)).isEqualTo("2.0");
        assertThat(ResultJson.shortDecimal(1.0 / 3)).isEqualTo("0.333333");
    }

    @Test
    void nonAsciiIsEscaped() {
        KernelResult result = new KernelResult("17", new CpuCount(1, "affinity", 0.5), "nœud\n", null,
                new Shard(0, 1), 1, new Workload(Workload.Kind.IO, 0), 1, 1, 0, 0,
                Instant.EPOCH, Instant.EPOCH, Map.of());
        assertThat(ResultJson.write(result)).contains("\"node\":\"n\\u0153ud\\n\"").contains("\"cpuQuota\":0.5,");
    }
}
