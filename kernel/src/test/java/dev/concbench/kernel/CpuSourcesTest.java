package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples of kernel/contract/sources/ parse as contract/sources.json says (the Python kernel's tests read them too). */
class CpuSourcesTest {

    @TempDir
    Path dir;

    static Path sample(String name) {
        return Contract.path("sources").resolve(name);
    }

    @Test
    void everySampleParsesAsTheContractSays() {
        Set<String> sources = new HashSet<>();
        for (JsonNode c : Contract.read("sources.json").get("cases")) {
            Path file = Contract.path(c.get("file").asText());
            String text = CpuSources.readText(file);
            JsonNode expected = c.get("expected");
            String source = c.get("source").asText();
            sources.add(source);
            Object actual = switch (source) {
                case "schedstat" -> List.of(CpuSources.parseSchedstat(text)[0], CpuSources.parseSchedstat(text)[1]);
                case "cpu.stat" -> CpuSources.parseThrottledSeconds(text, c.get("cgroup").asText());
                case "cpu.pressure" -> CpuSources.parseStalledSeconds(text);
                case "proc-stat" -> CpuSources.parseStealSeconds(text);
                case "proc-cgroup" -> {
                    Map<String, String> paths = Cgroup.parseProcCgroup(text);
                    yield new java.util.HashMap<>(Map.of("cpu", String.valueOf(paths.get("cpu")),
                            "v2", String.valueOf(paths.get(""))));
                }
                case "cpu-online" -> CpuSources.onlineCpus(file);
                default -> throw new AssertionError("unknown source " + source);
            };
            Object wanted = switch (source) {
                case "schedstat" -> List.of(expected.get(0).asLong(), expected.get(1).asLong());
                case "proc-cgroup" -> new java.util.HashMap<>(Map.of("cpu", expected.get("cpu").asText("null"),
                        "v2", expected.get("v2").asText("null")));
                case "cpu-online" -> expected.asInt();
                default -> expected.isNull() ? null : expected.asDouble();
            };
            assertThat(actual).as(c.toString()).isEqualTo(wanted);
        }
        assertThat(sources).containsExactlyInAnyOrder("schedstat", "cpu.stat", "cpu.pressure", "proc-stat",
                "proc-cgroup", "cpu-online");
    }

    @Test
    void processTicksOfProcSelfStat() {
        // a command name with spaces and parentheses; utime 11, stime 22, cutime 33, cstime 44
        String stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 100 0 0 0 11 22 33 44 20 0 3 0 1000 "
                + "12345678 1000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        assertThat(CpuSources.parseProcessTicks(stat)).containsExactly(33, 77);
        assertThat(CpuSources.parseProcessTicks("garbage")).isNull();
        assertThat(CpuSources.parseProcessTicks(null)).isNull();
    }

    @Test
    void unreadableSourcesAreUnknownNotZero() throws IOException {
        Path missing = dir.resolve("missing");
        assertThat(CpuSources.parseStealSeconds(CpuSources.firstLine(missing))).isNull();
        assertThat(CpuSources.readSchedstat(missing)).isNull();
        assertThat(CpuSources.readSchedstat(Files.writeString(dir.resolve("garbage"), "not numbers\n"))).isNull();
        assertThat(CpuSources.onlineCpus(missing)).isNull();
        assertThat(CpuSources.onlineCpus(Files.writeString(dir.resolve("empty"), "\n"))).isNull();
        assertThat(new Cgroup("v2", missing).throttledSeconds()).isNull();
        assertThat(new Cgroup("v2", missing).stalledSeconds()).isNull();
        assertThat(Cgroup.NONE.throttledSeconds()).isNull();
        assertThat(CpuSources.parseStalledSeconds("full avg10=0.00 avg60=0.00 avg300=0.00 total=5\n")).isNull();
    }
}
