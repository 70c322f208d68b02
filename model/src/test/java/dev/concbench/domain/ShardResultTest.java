package dev.concbench.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardResultTest {

    /** A result as kernel/CONTRACT.md shows it: compact JSON, one line. */
    static final String VALID = "{\"format\":1,\"runtime\":\"python\",\"runtimeVersion\":\"3.11.7\","
            + "\"cpus\":2,\"cpuSource\":\"affinity\",\"cpuQuota\":null,"
            + "\"node\":\"node-a\",\"pod\":\"bench-g1-r0-0-abcde\","
            + "\"shard\":\"0/4\",\"tasks\":20,\"workload\":\"cpu\",\"size\":2000,\"workers\":2,"
            + "\"repetitions\":3,\"warmup\":1,\"checksum\":\"18446744073709551615\","
            + "\"start\":1764070000.123456,\"end\":1764070010.654321,"
            + "\"times\":{\"sequential\":[1.234567,1.2,1.25],\"threads\":[1.3,1.31,1.29],"
            + "\"process-pool\":[0.7,0.65,0.66]}}";

    @Test
    void parsesAValidDocument() throws Exception {
        ShardResult r = ShardResult.parse(VALID);

        assertThat(r.format()).isEqualTo(1);
        assertThat(r.runtime()).isEqualTo("python");
        assertThat(r.runtimeVersion()).isEqualTo("3.11.7");
        assertThat(r.cpus()).isEqualTo(2);
        assertThat(r.cpuSource()).isEqualTo("affinity");
        assertThat(r.cpuQuota()).isNull();
        assertThat(r.node()).isEqualTo("node-a");
        assertThat(r.pod()).isEqualTo("bench-g1-r0-0-abcde");
        assertThat(r.shard()).isEqualTo("0/4");
        assertThat(r.shardIndex()).isZero();
        assertThat(r.tasks()).isEqualTo(20);
        assertThat(r.workload()).isEqualTo("cpu");
        assertThat(r.size()).isEqualTo(2000);
        assertThat(r.workers()).isEqualTo(2);
        assertThat(r.repetitions()).isEqualTo(3);
        assertThat(r.warmup()).isEqualTo(1);
        assertThat(r.checksum()).isEqualTo("18446744073709551615");
        assertThat(r.start()).isEqualTo(1764070000.123456);
        assertThat(r.end()).isEqualTo(1764070010.654321);
        assertThat(r.times()).containsOnlyKeys("sequential", "threads", "process-pool");
        // the kernel's order is kept
        assertThat(r.times().keySet()).containsExactly("sequential", "threads", "process-pool");
        assertThat(r.times().get("sequential")).containsExactly(1.234567, 1.2, 1.25);
    }

    @Test
    void toleratesSurroundingWhitespaceNullNodeAndUnknownFields() throws Exception {
        String doc = "\n  " + VALID.replace("\"node\":\"node-a\"", "\"node\":null")
                .replace("\"cpuQuota\":null", "\"cpuQuota\":1.5,\"futureField\":{\"x\":1}") + "\n";
        ShardResult r = ShardResult.parse(doc);
        assertThat(r.node()).isNull();
        assertThat(r.cpuQuota()).isEqualTo(1.5);
    }

    @Test
    void readsFormatTwoAsWellAsOne() throws Exception {
        String formatTwo = VALID.replace("\"format\":1", "\"format\":2")
                .replace("\"times\":", "\"cgroup\":\"v1\",\"exclusiveCpus\":false,\"onlineCpus\":2,\"skipped\":{},\"times\":")
                .replace("]}}", "]},\"cpu\":{\"sequential\":{\"used\":3.6,\"waited\":0.012,\"throttled\":0.0,"
                        + "\"stalled\":null,\"steal\":0.0}}}");
        ShardResult r = ShardResult.parse(formatTwo);
        assertThat(r.format()).isEqualTo(2);
        assertThat(r.times()).isEqualTo(ShardResult.parse(VALID).times());
    }

    @Test
    void shardIndexOfALaterShard() throws Exception {
        assertThat(ShardResult.parse(VALID.replace("\"0/4\"", "\"3/4\"")).shardIndex()).isEqualTo(3);
    }

    @Test
    void rejectsAnEmptyDocument() {
        for (String empty : new String[] {null, "", "   \n"}) {
            assertThatThrownBy(() -> ShardResult.parse(empty)).isInstanceOf(ResultFormatException.class)
                    .hasMessage("empty result");
        }
    }

    @Test
    void rejectsNonJsonQuotingItsFirstLine() {
        String traceback = "Traceback (most recent call last):\n  File \"x.py\", line 1\nMemoryError";
        assertThatThrownBy(() -> ShardResult.parse(traceback)).isInstanceOf(ResultFormatException.class)
                .hasMessageContaining("not a kernel result")
                .hasMessageContaining("Traceback (most recent call last):")
                .hasMessageNotContaining("MemoryError");
    }

    /** A broken document and what the rejection must say. */
    static Stream<Arguments> brokenDocuments() {
        return Stream.of(
                Arguments.of("[1,2,3]", List.of("not a kernel result")),
                Arguments.of(VALID.substring(0, VALID.length() / 2), List.of("not a kernel result")),
                Arguments.of(VALID.replace("\"format\":1", "\"format\":3"), List.of("format 3", "expected 1 to 2")),
                Arguments.of(VALID.replace("\"format\":1", "\"format\":0"), List.of("format 0", "expected 1 to 2")),
                Arguments.of(VALID.replace("\"format\":1,", ""), List.of("format")),
                Arguments.of(VALID.replace("\"cpus\":2,", ""), List.of("field cpus")),
                Arguments.of(VALID.replace("\"tasks\":20", "\"tasks\":\"many\""), List.of("field tasks")),
                Arguments.of(VALID.replace("\"checksum\":\"18446744073709551615\",", ""), List.of("checksum")),
                Arguments.of(VALID.replace("\"18446744073709551615\"", "\"abc\""), List.of("checksum", "abc")),
                Arguments.of(VALID.substring(0, VALID.indexOf(",\"times\"")) + ",\"times\":{}}", List.of("times")),
                Arguments.of(VALID.replace("\"threads\":[1.3,1.31,1.29]", "\"threads\":[1.3,1.31]"), List.of("threads", "3")),
                Arguments.of(VALID.replace("\"threads\":[1.3,1.31,1.29]", "\"threads\":[1.3,1.31,1.29,1.4]"),
                        List.of("threads")),
                Arguments.of(VALID.replace("\"process-pool\":[0.7,0.65,0.66]", "\"process-pool\":[0.7,-0.65,0.66]"),
                        List.of("process-pool", "non-negative")),
                Arguments.of(VALID.replace("\"process-pool\":[0.7,0.65,0.66]", "\"process-pool\":[0.7,null,0.66]"),
                        List.of("process-pool")),
                // The shard orders a run's results: a malformed one is a format error, not an operator's crash.
                Arguments.of(VALID.replace("\"shard\":\"0/4\"", "\"shard\":\"two of four\""),
                        List.of("shard must be I/N", "two of four")),
                Arguments.of(VALID.replace("\"shard\":\"0/4\",", ""), List.of("shard must be I/N")));
    }

    @ParameterizedTest
    @MethodSource({"brokenDocuments", "brokenCpuFigures"})
    void rejectsABrokenDocumentNamingWhatIsWrong(String document, List<String> messages) {
        assertThat(document).as("the case changes a valid document").isNotIn(VALID, FORMAT2);
        assertThatThrownBy(() -> ShardResult.parse(document)).isInstanceOf(ResultFormatException.class)
                .hasMessageContainingAll(messages.toArray(String[]::new));
    }

    /** A format-2 document exactly as the lead's format sheet and kernel/CONTRACT.md show it. */
    static final String FORMAT2 = VALID.replace("\"format\":1", "\"format\":2")
            .replace(",\"times\":", ",\"startMethod\":\"fork\",\"cgroup\":\"v2\",\"exclusiveCpus\":false,"
                    + "\"onlineCpus\":8,\"skipped\":{},\"times\":")
            .replace("}}", "},\"cpu\":{\"sequential\":{\"used\":3.61,\"waited\":0.012,\"throttled\":0,"
                    + "\"stalled\":0.02,\"steal\":0},"
                    + "\"threads\":{\"used\":3.9,\"waited\":0.15,\"throttled\":0,\"stalled\":null,\"steal\":0},"
                    + "\"process-pool\":{\"used\":3.95,\"waited\":0.9,\"throttled\":0.3,\"stalled\":null,"
                    + "\"steal\":null}}}");

    @Test
    void parsesFormat2WithTheRuntimesCpuFactsAndEachStrategysCpuFigures() throws Exception {
        ShardResult r = ShardResult.parse(FORMAT2);

        assertThat(r.format()).isEqualTo(2);
        assertThat(r.cgroup()).isEqualTo("v2");
        assertThat(r.exclusiveCpus()).isFalse();
        assertThat(r.onlineCpus()).isEqualTo(8);
        assertThat(r.cpu().keySet()).containsExactly("sequential", "threads", "process-pool");
        assertThat(r.cpuOf("sequential")).isEqualTo(new ShardResult.CpuTimes(3.61, 0.012, 0.0, 0.02, 0.0));
        // null is unknown, never 0
        assertThat(r.cpuOf("threads").stalled()).isNull();
        assertThat(r.cpuOf("process-pool").steal()).isNull();
        assertThat(r.cpuOf("process-pool").throttled()).isEqualTo(0.3);
        assertThat(r.cpuOf("asyncio")).isNull();
    }

    @Test
    void aFormat1DocumentHasNoCpuFiguresEvenWithStrayKeys() throws Exception {
        ShardResult plain = ShardResult.parse(VALID);
        assertThat(plain.cgroup()).isNull();
        assertThat(plain.exclusiveCpus()).isNull();
        assertThat(plain.onlineCpus()).isNull();
        assertThat(plain.cpuOf("sequential")).isNull();
        // A format-1 document says nothing of the CPU: a key of that name is not format 2's.
        ShardResult stray = ShardResult.parse(FORMAT2.replace("\"format\":2", "\"format\":1"));
        assertThat(stray.cpuOf("sequential")).isNull();
    }

    @Test
    void aFormat2DocumentWithoutSomeFiguresHasUnknownOnes() throws Exception {
        String noCpu = FORMAT2.substring(0, FORMAT2.indexOf(",\"cpu\":")) + "}";
        assertThat(ShardResult.parse(noCpu).cpuOf("sequential")).isNull();
        ShardResult partial = ShardResult.parse(FORMAT2.replace(",\"process-pool\":{\"used\":3.95,\"waited\":0.9,"
                + "\"throttled\":0.3,\"stalled\":null,\"steal\":null}", ""));
        assertThat(partial.cpuOf("sequential")).isNotNull();
        assertThat(partial.cpuOf("process-pool")).isNull();
    }

    /** A format-2 document whose CPU figures are broken, and what the rejection must say. */
    static Stream<Arguments> brokenCpuFigures() {
        return Stream.of(
                Arguments.of(FORMAT2.replace("\"threads\":{\"used\":3.9", "\"thread-pool\":{\"used\":3.9"),
                        List.of("cpu figures of [thread-pool]", "no times")),
                Arguments.of(FORMAT2.replace("\"waited\":0.9", "\"waited\":-0.9"),
                        List.of("process-pool", "non-negative")),
                Arguments.of(FORMAT2.replace("\"process-pool\":{\"used\":3.95", "\"process-pool\":{\"used\":\"a\""),
                        List.of("not a kernel result")),
                Arguments.of(FORMAT2.replace("\"onlineCpus\":8", "\"onlineCpus\":0"), List.of("onlineCpus")));
    }

    @Test
    void validDocumentsRoundTripTheirTimes() throws Exception {
        ShardResult r = ShardResult.parse(VALID);
        assertThat(r.times().values()).allSatisfy(v -> assertThat(v).hasSize(r.repetitions()));
        assertThat(List.copyOf(r.times().values()).get(2)).containsExactly(0.7, 0.65, 0.66);
    }
}
