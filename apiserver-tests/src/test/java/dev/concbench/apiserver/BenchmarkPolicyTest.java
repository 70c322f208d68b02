package dev.concbench.apiserver;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concbench.e2e.CommandResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The chart's policy values for benchmark authors (values.yaml policy.*): its ValidatingAdmissionPolicy
 * (templates/admission-benchmark-policy.yaml), rendered by helm template with the values of each case,
 * on a real kube-apiserver. A case: the values, a benchmark, and the refusal kubectl prints (null: it is
 * admitted). A policy change reaches the server's admission within a second or two: each case is
 * retried until it holds, the refused ones of a set of values first (so the admitted ones are judged
 * by that set's policy, not a stale one).
 */
class BenchmarkPolicyTest {

    @RegisterExtension
    static final ApiServer API = new ApiServer();

    static final String RELEASE = "concbench-operator";
    static final String RELEASE_NS = "concbench-system";
    static final String POLICY = RELEASE + "-" + RELEASE_NS + "-benchmark-policy";
    static final String NS = "benchmarks";
    static final String IMAGE = "registry.example/benchmarks/python:3.11";

    // @formatter:off
    static final List<Case> CASES = List.of(
        // values (helm --set)                      the benchmark                                                   refused with (null: admitted)
        // ---- the chart's defaults
        new Case("",                                "spec: {image: '" + IMAGE + "'}",                              "spec.image is not allowed: kernel pods run the images of the operator's runtime catalog (chart value policy.allowImageOverride allows other images)"),
        new Case("",                                "spec: {placement: {tolerations: [{operator: Exists}]}}",      "spec.placement.tolerations: a toleration without a key tolerates every taint, control-plane nodes included, and is not allowed (chart value policy.allowTolerations: any allows it)"),
        new Case("",                                "spec: {placement: {tolerations: [{key: '', operator: Exists}]}}", "a toleration without a key tolerates every taint"),
        new Case("",                                "spec: {placement: {tolerations: [{key: dedicated, operator: Exists}]}}", null),
        new Case("",                                "spec: {resources: {requests: {memory: 9Gi}}}",                "spec.resources.requests.memory 9Gi exceeds the maximum of 8Gi per pod (chart value policy.maxResources.requests.memory)"),
        new Case("",                                "spec: {resources: {limits: {cpu: 4001m}}}",                   "spec.resources.limits.cpu 4001m exceeds the maximum of 4 per pod (chart value policy.maxResources.limits.cpu)"),
        new Case("",                                "spec: {resources: {requests: {cpu: 4000m, memory: 8192Mi}, limits: {cpu: '4', memory: 8Gi}}}", null),
        new Case("",                                "spec: {resources: {requests: {ephemeral-storage: 100Gi}}}",   null),
        // ---- other images
        new Case("policy.allowImageOverride=true",  "spec: {image: 'anywhere.example/python:3.11'}",               null),
        new Case("policy.allowImageOverride=true",  "spec: {resources: {limits: {memory: 9Gi}}}",                  "spec.resources.limits.memory 9Gi exceeds the maximum of 8Gi per pod"),
        new Case("policy.allowImageOverride=true,policy.allowedImagePrefixes={registry.example/benchmarks/}",
                                                    "spec: {image: '" + IMAGE + "'}",                              null),
        new Case("policy.allowImageOverride=true,policy.allowedImagePrefixes={registry.example/benchmarks/}",
                                                    "spec: {image: 'anywhere.example/python:3.11'}",               "spec.image anywhere.example/python:3.11 is not allowed: it must start with one of registry.example/benchmarks/ (chart value policy.allowedImagePrefixes)"),
        // ---- tolerations
        new Case("policy.allowTolerations=any",     "spec: {placement: {tolerations: [{operator: Exists}]}}",      null),
        new Case("policy.allowTolerations=any",     "spec: {image: '" + IMAGE + "'}",                              "spec.image is not allowed"),
        new Case("policy.allowTolerations=none",    "spec: {placement: {tolerations: [{key: dedicated, operator: Exists}]}}", "spec.placement.tolerations are not allowed (chart value policy.allowTolerations)"),
        new Case("policy.allowTolerations=none",    "spec: {placement: {tolerations: [], nodeSelector: {pool: bench}}}", null),
        new Case("policy.allowedTolerationKeys={dedicated,bench}",
                                                    "spec: {placement: {tolerations: [{key: bench, operator: Exists}]}}", null),
        new Case("policy.allowedTolerationKeys={dedicated,bench}",
                                                    "spec: {placement: {tolerations: [{key: bench, operator: Exists}, {key: gpu, operator: Exists}]}}",
                                                                                                                   "spec.placement.tolerations: taint key gpu is not allowed; allowed are dedicated, bench (chart value policy.allowedTolerationKeys)"),
        // ---- resources
        new Case("policy.maxResources.requests.memory=16Gi", "spec: {resources: {requests: {memory: 9Gi}}}",        null),
        new Case("policy.maxResources.requests.memory=16Gi", "spec: {resources: {requests: {memory: 17Gi}}}",       "spec.resources.requests.memory 17Gi exceeds the maximum of 16Gi per pod (chart value policy.maxResources.requests.memory)"),
        // ---- an operator that watches other namespaces: the policy binds there only
        new Case("watchNamespaces={elsewhere}",     "metadata: {namespace: elsewhere}\nspec: {image: '" + IMAGE + "'}", "spec.image is not allowed"),
        new Case("watchNamespaces={elsewhere}",     "spec: {image: '" + IMAGE + "'}",                              null)
    );
    // @formatter:on

    /** The values (comma-separated helm --set pairs), a benchmark merged into ApiServer.BASE, the refusal or null. */
    record Case(String values, String benchmark, String refusal) {
        @Override
        public String toString() {
            return (values.isEmpty() ? "defaults" : values) + ": " + benchmark.replace('\n', ' ') + " -> "
                    + Objects.requireNonNullElse(refusal, "admitted");
        }
    }

    static List<String> valueSets() {
        return CASES.stream().map(Case::values).distinct().toList();
    }

    private static final AtomicInteger names = new AtomicInteger();

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void eachBenchmarkIsAdmittedOrRefusedNamingTheValue(String values) {
        List<Case> cases = CASES.stream().filter(c -> c.values().equals(values))
                .sorted(Comparator.comparing(c -> c.refusal() == null)).toList();
        assertThat(cases.get(0).refusal()).as("a set of values needs a refused case: it shows that its policy is in force")
                .isNotNull();
        usePolicy(values);
        for (Case c : cases) {
            GenericKubernetesResource benchmark = ApiServer.benchmark("case-" + names.incrementAndGet(), c.benchmark());
            String ns = Objects.requireNonNullElse(benchmark.getMetadata().getNamespace(), NS);
            String refusal = awaitOutcome(ns, benchmark, c.refusal(), c.toString());
            if (refusal != null) {
                System.out.println("[apiserver] refused as expected: " + refusal);
                assertThat(refusal).contains("ValidatingAdmissionPolicy '" + POLICY + "'");
            }
        }
    }

    /**
     * Only a new spec is judged: a benchmark admitted before the values tightened keeps its labels and
     * status writable (the operator's status, kubectl label), while a change of its spec is refused.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aBenchmarkAdmittedBeforeTheValuesTightenedKeepsItsStatusAndLabelsWritable() {
        usePolicy("policy.allowImageOverride=true");
        String withImage = "spec: {image: '" + IMAGE + "'}";
        awaitOutcome(NS, ApiServer.benchmark("admitted-before", withImage), null, "admitted with the loose values");

        usePolicy("");
        awaitOutcome(NS, ApiServer.benchmark("probe", withImage), "spec.image is not allowed", "the default values in force");
        var stored = API.benchmarks().inNamespace(NS).withName("admitted-before");
        assertThatThrownBy(() -> stored.edit(b -> {
            ((Map<String, Object>) b.getAdditionalProperties().get("spec")).put("repetitions", 2);
            return b;
        })).hasMessageContaining("spec.image is not allowed");

        GenericKubernetesResource labelled = stored.edit(b -> {
            b.getMetadata().setLabels(Map.of("team", "perf"));
            return b;
        });
        assertThat(labelled.getMetadata().getLabels()).containsEntry("team", "perf");
        labelled.getAdditionalProperties().put("status", Map.of("phase", "Running", "progress", "0/1"));
        GenericKubernetesResource withStatus = API.benchmarks().inNamespace(NS).resource(labelled).updateStatus();
        assertThat(withStatus.getAdditionalProperties().get("status")).asString().contains("Running");
        assertThat(stored.get().getAdditionalProperties().get("spec")).asString().contains("repetitions=5");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Retries until the benchmark is created (refusal null) or refused with {@code refusal} (a dry run:
     * nothing is stored even while a stale policy admits it); returns the refusal as kubectl prints it.
     */
    private static String awaitOutcome(String ns, GenericKubernetesResource benchmark, String refusal, String what) {
        var resource = API.benchmarks().inNamespace(API.namespace(ns)).resource(benchmark);
        AtomicReference<String> refused = new AtomicReference<>();
        await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                (refusal == null ? resource : resource.dryRun()).create();
                refused.set(null);
            } catch (KubernetesClientException e) {
                refused.set(e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage());
            }
            return refusal == null ? refused.get() == null : refused.get() != null && refused.get().contains(refusal);
        });
        return refused.get();
    }

    /** The chart's benchmark policy and its binding as helm template renders them with these values, applied. */
    private static void usePolicy(String values) {
        List<String> args = new ArrayList<>(List.of("template", RELEASE, ApiServer.CHART.toString(),
                "--namespace", RELEASE_NS, "--show-only", "templates/admission-benchmark-policy.yaml"));
        if (!values.isEmpty()) {
            args.addAll(List.of("--set", values));
        }
        CommandResult template = ApiServer.helm(args.toArray(String[]::new));
        assertThat(template.ok()).as(template.toString()).isTrue();
        API.client().load(new ByteArrayInputStream(template.out().getBytes(StandardCharsets.UTF_8))).items()
                .forEach(o -> API.client().resource(o).forceConflicts().serverSideApply());
    }
}
