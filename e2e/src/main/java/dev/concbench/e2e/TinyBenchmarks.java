package dev.concbench.e2e;

import dev.concbench.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmarks OperatorBench creates: the tiniest one that runs, and one that looks long finished. */
final class TinyBenchmarks {

    private TinyBenchmarks() {
    }

    /**
     * The tiniest benchmark: {@code pods} pods (spread across nodes when more than one), one call of a
     * {@code sleepMs} sleep per pod, one repetition, no warmup.
     */
    static GenericKubernetesResource benchmark(String name, int sleepMs, int pods) {
        GenericKubernetesResource cb = new GenericKubernetesResource();
        cb.setApiVersion("concbench.dev/v1alpha1");
        cb.setKind("ConcurrencyBenchmark");
        cb.setMetadata(new ObjectMetaBuilder().withName(name).build());
        Map<String, Object> spec = new LinkedHashMap<>(Map.of(
                "runtime", "python",
                "workload", Map.of("type", "io", "size", sleepMs, "tasks", pods),
                "strategies", List.of("sequential"),
                "pods", pods,
                "repetitions", 1,
                "warmup", 0));
        if (pods > 1) {
            spec.put("placement", Map.of("spreadAcrossNodes", true));
        }
        cb.setAdditionalProperty("spec", spec);
        return cb;
    }

    /** A benchmark that looks as if it had run long ago: created, then its terminal status as the operator writes it. */
    static void createFinished(KubernetesClient client, String namespace, String name) {
        GenericKubernetesResource cb = benchmark(name, 0, 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) cb.getAdditionalProperties().get("spec");
        spec.put("runtime", "java"); // no kernel ConfigMap to keep for it
        GenericKubernetesResource created = client.genericKubernetesResources(OperatorBench.BENCHMARKS).inNamespace(namespace)
                .resource(cb).create();
        String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", Phase.Succeeded.name());
        status.put("observedGeneration", 1);
        status.put("conditions", List.of(
                condition("Valid", "True", "SpecValid", "the spec is valid", at),
                condition("Admitted", "True", "SlotAvailable", "admitted: runs may start", at),
                condition("Progressing", "False", "Completed", "all runs finished", at),
                condition("Complete", "True", "AllRunsSucceeded", "all 1 run(s) succeeded", at),
                condition("Failed", "False", "NoFailure", "no run failed", at)));
        status.put("startTime", at);
        status.put("completionTime", at);
        created.setAdditionalProperty("status", status);
        client.genericKubernetesResources(OperatorBench.BENCHMARKS).inNamespace(namespace).resource(created).updateStatus();
    }

    private static Map<String, Object> condition(String type, String status, String reason, String message, String at) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("lastTransitionTime", at);
        c.put("message", message);
        c.put("observedGeneration", 1);
        c.put("reason", reason);
        c.put("status", status);
        c.put("type", type);
        return c;
    }
}
