package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.concbench.e2e.Commands.REPO;
import static dev.concbench.e2e.Commands.json;
import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.awaitTrue;
import static dev.concbench.e2e.E2eEnvironment.condition;
import static dev.concbench.e2e.E2eEnvironment.getRow;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * spec.baseline on the real nodes: two small io benchmarks, the second naming the first, both
 * Succeeded with the comparison in the status, {@code kubectl get} and {@code describe}; the same pair
 * through {@code bin/concbench compare live:...}; a baseline deleted afterwards and one that never
 * existed leave the BaselineCompared condition, never a failed benchmark. (A baseline in another
 * namespace is refused at apply: apiserver-tests/.)
 */
@Order(60)
@OnTheSharedOperator
class BaselineE2eIT {

    static final String NS = "e2e-baseline";
    static final String IO_SPEC = """
            workload: {type: io, size: 100, tasks: 8}
            strategies: [sequential, threads]
            repetitions: 3
            warmup: 0
            """;


    @Test
    @Order(1)
    void bothSucceedAndEveryRowCarriesTheComparison() {
        String ns = namespace(NS);
        apply(ns, manifest("io-old", IO_SPEC));
        apply(ns, manifest("io-new", IO_SPEC + "baseline: io-old\n"));
        awaitPhase(ns, "io-old", "Succeeded", 240);
        awaitPhase(ns, "io-new", "Succeeded", 240);
        awaitBaselineCompared(ns, "io-new", "Compared");

        JsonNode cb = json("-n", ns, "get", "cb", "io-new");
        JsonNode status = cb.path("status");
        JsonNode compared = condition(cb, "BaselineCompared");
        assertThat(compared.path("status").asText()).isEqualTo("True");
        assertThat(compared.path("message").asText()).startsWith("compared with generation 1 of baseline io-old: 2 row(s)");
        assertThat(status.path("comparison").path("baseline").asText()).isEqualTo("io-old");
        assertThat(status.path("comparison").path("baselineGeneration").asLong()).isEqualTo(1);
        JsonNode old = json("-n", ns, "get", "cb", "io-old").path("status");
        List<String> strategies = new ArrayList<>();
        for (int i = 0; i < status.path("results").size(); i++) {
            JsonNode row = status.path("results").get(i);
            JsonNode c = row.path("comparison");
            strategies.add(row.path("strategy").asText());
            assertThat(c.path("verdict").asText()).isIn("faster", "slower", "not significant");
            // The ratio of the two rows' medians as the two statuses hold them (4 significant digits).
            double ratio = row.path("median").asDouble() / old.path("results").get(i).path("median").asDouble();
            assertThat(c.path("ratio").asDouble()).isCloseTo(ratio, org.assertj.core.api.Assertions.withinPercentage(0.1));
            assertThat(c.path("baselineMedian").asDouble()).isEqualTo(old.path("results").get(i).path("median").asDouble());
            double p = c.path("welchPValue").asDouble();
            assertThat(p).isBetween(0.0, 1.0);
            // p is rounded to 3 significant digits: a verdict decided right at 0.05 may read 0.0500.
            assertThat(p).isLessThan(c.path("verdict").asText().equals("not significant") ? 1.0 : 0.0501)
                    .isGreaterThanOrEqualTo(c.path("verdict").asText().equals("not significant") ? 0.0499 : 0.0);
        }
        assertThat(strategies).containsExactly("sequential", "threads");

        Map<String, String> row = getRow(ns, "io-new", false);
        assertThat(row.get("VS-BASELINE")).isEqualTo(status.path("comparison").path("headline").asText())
                .startsWith(status.path("fastest").asText() + " ")
                .matches(".* (\\d+\\.\\d\\dx (faster|slower)|not significant)");
        assertThat(getRow(ns, "io-old", false).get("VS-BASELINE")).as("no spec.baseline, no comparison").isEmpty();
        System.out.println(kubectl("-n", ns, "get", "cb").out());

        CommandResult describe = kubectl("-n", ns, "describe", "cb", "io-new");
        System.out.println(describe.out());
        assertThat(describe.out()).contains("Comparison:", "Baseline Generation:", "Headline:", "Verdict:",
                "Welch P Value:", "Baseline Median:", "BaselineCompared");
        assertThat(describe.out().lines().map(String::strip).toList())
                .anyMatch(l -> l.matches("Baseline: +io-old"))
                .anyMatch(l -> l.matches("Type: +BaselineCompared"));
    }

    /** The CLI's gate on the same two resources read live: the same verdicts as the operator's status. */
    @Test
    @Order(2)
    void compareLiveReadsTheSamePairAndAgreesWithTheStatus() {
        CommandResult compare = Commands.run(null, List.of(REPO.resolve("bin/concbench").toString(), "compare",
                "live:" + NS + "/io-old", "live:" + NS + "/io-new"));
        System.out.println(compare);
        JsonNode status = json("-n", NS, "get", "cb", "io-new").path("status");
        Map<String, String> verdicts = new TreeMap<>();
        boolean regression = false;
        for (JsonNode row : status.path("results")) {
            String verdict = row.path("comparison").path("verdict").asText();
            verdicts.put(row.path("strategy").asText(), verdict);
            regression |= verdict.equals("slower") && row.path("comparison").path("ratio").asDouble() > 1.05;
        }
        assertThat(compare.exit()).as(compare.toString()).isEqualTo(regression ? 3 : 0);
        assertThat(compare.out()).contains("OLD = live:" + NS + "/io-old", "NEW = live:" + NS + "/io-new");
        verdicts.forEach((strategy, verdict) -> assertThat(compare.out().lines()
                .filter(l -> l.startsWith(strategy + " pods=1 workers=0")).toList())
                .as(strategy).singleElement().satisfies(l -> assertThat(l).contains(verdict)));
    }

    @Test
    @Order(3)
    void aDeletedBaselineLeavesTheConditionAndTheLastComparison() {
        assertThat(kubectl("-n", NS, "delete", "cb", "io-old", "--wait=true").ok()).isTrue();
        awaitBaselineCompared(NS, "io-new", "BaselineNotFound");
        JsonNode cb = json("-n", NS, "get", "cb", "io-new");
        JsonNode c = condition(cb, "BaselineCompared");
        assertThat(c.path("status").asText()).isEqualTo("False");
        assertThat(c.path("message").asText()).isEqualTo("no ConcurrencyBenchmark io-old in namespace " + NS
                + "; the rows keep the comparison with its generation 1");
        assertThat(cb.path("status").path("phase").asText()).isEqualTo("Succeeded");
        assertThat(cb.path("status").path("results")).allSatisfy(r ->
                assertThat(r.path("comparison").path("verdict").asText()).isNotEmpty());
        assertThat(getRow(NS, "io-new", false).get("VS-BASELINE")).startsWith("BaselineNotFound, last: ");
    }

    @Test
    @Order(4)
    void aMissingBaselineIsAConditionAndTheBenchmarkStillSucceeds() {
        apply(NS, manifest("io-orphan", IO_SPEC + "baseline: no-such-benchmark\n"));
        awaitPhase(NS, "io-orphan", "Succeeded", 240);
        awaitBaselineCompared(NS, "io-orphan", "BaselineNotFound");
        JsonNode c = condition(json("-n", NS, "get", "cb", "io-orphan"), "BaselineCompared");
        assertThat(c.path("message").asText()).isEqualTo("no ConcurrencyBenchmark no-such-benchmark in namespace " + NS);
        Map<String, String> row = getRow(NS, "io-orphan", false);
        assertThat(row.get("PHASE")).isEqualTo("Succeeded");
        assertThat(row.get("VS-BASELINE")).isEqualTo("BaselineNotFound");
        System.out.println(kubectl("-n", NS, "get", "cb").out());
    }

    /** Until the BaselineCompared condition's reason is {@code reason}; describes the benchmark if not. */
    private static void awaitBaselineCompared(String ns, String name, String reason) {
        try {
            awaitTrue("BaselineCompared " + reason + " on " + name, Duration.ofSeconds(120), () -> reason.equals(
                    condition(json("-n", ns, "get", "cb", name), "BaselineCompared").path("reason").asText()));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + kubectl("-n", ns, "describe", "cb", name), e);
        }
    }
}
