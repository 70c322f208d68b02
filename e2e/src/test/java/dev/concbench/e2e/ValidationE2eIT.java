package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.concbench.e2e.Commands.kubectl;
import static dev.concbench.e2e.E2eEnvironment.apply;
import static dev.concbench.e2e.E2eEnvironment.awaitFailed;
import static dev.concbench.e2e.E2eEnvironment.awaitPhase;
import static dev.concbench.e2e.E2eEnvironment.getRow;
import static dev.concbench.e2e.E2eEnvironment.jobNames;
import static dev.concbench.e2e.E2eEnvironment.manifest;
import static dev.concbench.e2e.E2eEnvironment.namespace;
import static dev.concbench.e2e.E2eEnvironment.operatorLog;
import static dev.concbench.e2e.E2eEnvironment.runtimeImages;
import static dev.concbench.e2e.E2eEnvironment.sleeps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the operator refuses, beyond the CRD's schema and CEL rules (those are tested on a real kube-apiserver
 * in apiserver-tests/, in seconds): a Job the API server refuses fails its benchmark with the server's reason
 * and frees the slot; a runtime of the catalog that this installation has no image for is InvalidSpec.
 */
@Order(20)
@OnTheSharedOperator
class ValidationE2eIT {

    /**
     * Specs the schema lets through but the API server refuses when the operator creates their Job:
     * each ends Failed at once with the server's reason, never holds the queue, logs no ERROR.
     */
    @Test
    @Order(1)
    void aJobTheApiServerRefusesFailsTheBenchmarkAndFreesItsSlot() {
        String ns = namespace("e2e-refused");
        Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("resources: {requests: {foo: 1}}",
                List.of("must be a standard resource type or fully qualified", "spec.resources.requests[foo]"));
        cases.put("placement: {tolerations: [{key: dedicated, operator: Exists, value: bench}]}",
                List.of("value must be empty when `operator` is 'Exists'", "spec.placement.tolerations[0]"));
        cases.put("placement: {nodeSelector: {\"not a label!\": x}}",
                List.of("spec.template.spec.nodeSelector", "spec.placement.nodeSelector"));
        List<String> names = new ArrayList<>();
        int i = 0;
        for (String spec : cases.keySet()) {
            String name = "refused-" + i++;
            names.add(name);
            apply(ns, manifest(name, sleeps(20, 2, 1) + spec));
        }
        // Right behind them, with the operator's limit of one benchmark at once: it runs only if every
        // refused benchmark gave its slot back.
        apply(ns, manifest("after-refused", sleeps(20, 2, 1)));

        i = 0;
        for (var c : cases.entrySet()) {
            String name = names.get(i++);
            JsonNode failed = awaitFailed(ns, name, 60);
            assertThat(failed.path("status").asText()).isEqualTo("True");
            assertThat(failed.path("reason").asText()).isEqualTo("InvalidSpec");
            assertThat(failed.path("message").asText()).contains("the API server refused").contains(c.getValue());
            assertThat(jobNames(ns, name)).as("no Job was made").isEmpty();
            Map<String, String> wide = getRow(ns, name, true);
            assertThat(wide.get("PHASE")).isEqualTo("Failed");
            assertThat(wide.get("PROGRESS")).isEqualTo("0/1");
            assertThat(wide.get("FASTEST")).isEmpty();
            assertThat(wide.get("REASON")).isEqualTo("InvalidSpec");
            String events = kubectl("-n", ns, "get", "events", "--field-selector",
                    "involvedObject.kind=ConcurrencyBenchmark,involvedObject.name=" + name + ",type=Warning",
                    "-o", "jsonpath={.items[*].reason}").out();
            assertThat(events).contains("BenchmarkFailed");
        }
        awaitPhase(ns, "after-refused", "Succeeded", 120);
        String log = operatorLog();
        assertThat(log.lines().filter(l -> l.contains(" ERROR ")).toList())
                .as("the operator logs no ERROR for a refused Job").isEmpty();
        assertThat(log).contains("refused-0", "the API server refused");
    }

    /** A runtime of the catalog without an image in this installation: InvalidSpec, naming the runtimes it has. */
    @Test
    @Order(2)
    void aRuntimeWithoutAnImageInTheCatalogIsInvalidNamingTheOnesThatHaveOne() {
        String ns = namespace("e2e-no-image");
        // the catalog of e2e/run's images has every runtime but this one
        assertThat(runtimeImages()).doesNotContainKey("cpython-3.14t");
        apply(ns, manifest("no-image", "runtime: cpython-3.14t\nworkload: {type: io, size: 20, tasks: 2}\n"));
        JsonNode noImage = awaitFailed(ns, "no-image", 60);
        assertThat(noImage.path("reason").asText()).isEqualTo("InvalidSpec");
        assertThat(noImage.path("message").asText())
                .contains("runtime cpython-3.14t has no image in the operator's runtime catalog", "python, java");
    }
}
