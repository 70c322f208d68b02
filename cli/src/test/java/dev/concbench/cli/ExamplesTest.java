package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.domain.BenchmarkPlanner;
import dev.concbench.domain.SpecValidator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every shipped example is a valid ConcurrencyBenchmark that says what it demonstrates. */
class ExamplesTest {

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(TestPaths.repoRoot().resolve("examples"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void theFourExamplesExist() throws IOException {
        assertThat(examples()).extracting(p -> p.getFileName().toString())
                .contains("seed-python-cpu.yaml", "seed-python-io.yaml", "jvm-cpu.yaml", "scale-out.yaml");
    }

    @Test
    void everyExampleIsValidAndDocumented() throws Exception {
        for (Path example : examples()) {
            String text = Files.readString(example);
            assertThat(text).as(example + " starts with a comment saying what it demonstrates").startsWith("# ");

            List<ConcurrencyBenchmark> benchmarks = ManifestReader.read(example); // throws when invalid
            assertThat(benchmarks).as(example.toString()).hasSize(1);
            ConcurrencyBenchmark cb = benchmarks.get(0);
            assertThat(cb.getApiVersion()).isEqualTo("concbench.dev/v1alpha1");
            assertThat(cb.getKind()).isEqualTo("ConcurrencyBenchmark");
            assertThat(cb.getMetadata().getName()).as(example.toString())
                    .isEqualTo(example.getFileName().toString().replace(".yaml", ""));
            assertThat(SpecValidator.validate(cb.getSpec())).as(example.toString()).isEmpty();
            assertThat(BenchmarkPlanner.plan(cb.getSpec())).as(example.toString()).isNotEmpty();
        }
    }
}
