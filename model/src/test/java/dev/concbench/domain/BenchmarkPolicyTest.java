package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.KernelResources;
import dev.concbench.api.v1alpha1.KernelToleration;
import dev.concbench.api.v1alpha1.PlacementSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.BenchmarkPolicy.Tolerations;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart's policy values as the operator applies them: what is refused, with which message. */
class BenchmarkPolicyTest {

    /** The chart's defaults. */
    private static final BenchmarkPolicy DEFAULTS = new BenchmarkPolicy(false, List.of(), Tolerations.KEYED, List.of(),
            Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")),
            Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")));

    private static ConcurrencyBenchmarkSpec spec() {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.IO, 20, 4));
        return spec;
    }

    private static ConcurrencyBenchmarkSpec tolerating(KernelToleration... tolerations) {
        ConcurrencyBenchmarkSpec spec = spec();
        PlacementSpec placement = new PlacementSpec();
        placement.setTolerations(List.of(tolerations));
        spec.setPlacement(placement);
        return spec;
    }

    private static ConcurrencyBenchmarkSpec asking(Map<String, Quantity> requests, Map<String, Quantity> limits) {
        ConcurrencyBenchmarkSpec spec = spec();
        spec.setResources(new KernelResources(requests, limits));
        return spec;
    }

    @Test
    void aPlainSpecIsAllowedAndSoIsNone() {
        assertThat(DEFAULTS.refusals(spec())).isEmpty();
        assertThat(DEFAULTS.refusals(null)).as("a missing spec is the validator's to report").isEmpty();
    }

    @Test
    void anImageIsRefusedUnlessAllowedAndThenOnlyWithAnAllowedPrefix() {
        ConcurrencyBenchmarkSpec spec = spec();
        spec.setImage("registry.example/bench/python:3.12");
        assertThat(DEFAULTS.refusals(spec)).singleElement().asString()
                .startsWith("spec.image is not allowed").contains("chart value policy.allowImageOverride");

        BenchmarkPolicy anyImage = new BenchmarkPolicy(true, List.of(), Tolerations.KEYED, List.of(), Map.of(), Map.of());
        assertThat(anyImage.refusals(spec)).isEmpty();

        BenchmarkPolicy prefixed = new BenchmarkPolicy(true, List.of("registry.example/team/", "registry.example/bench/"),
                Tolerations.KEYED, List.of(), Map.of(), Map.of());
        assertThat(prefixed.refusals(spec)).isEmpty();
        spec.setImage("registry.example/bench-evil/python:3.12");
        assertThat(prefixed.refusals(spec)).singleElement().asString()
                .isEqualTo("spec.image registry.example/bench-evil/python:3.12 is not allowed: it must start with one of "
                        + "registry.example/team/, registry.example/bench/ (chart value policy.allowedImagePrefixes)");
    }

    @Test
    void anEmptyKeyToleratesEveryTaintAndIsRefusedByDefault() {
        KernelToleration everything = new KernelToleration(null, KernelToleration.Operator.Exists, null, null);
        KernelToleration keyed = new KernelToleration("dedicated", KernelToleration.Operator.Equal, "bench",
                KernelToleration.Effect.NoSchedule);
        assertThat(DEFAULTS.refusals(tolerating(keyed))).isEmpty();
        assertThat(DEFAULTS.refusals(tolerating(keyed, everything))).singleElement().asString()
                .contains("without a key tolerates every taint").contains("chart value policy.allowTolerations: any");
        assertThat(DEFAULTS.refusals(tolerating(new KernelToleration("", KernelToleration.Operator.Exists, null, null))))
                .as("an empty string is no key either").hasSize(1);

        BenchmarkPolicy any = new BenchmarkPolicy(false, List.of(), Tolerations.ANY, List.of(), Map.of(), Map.of());
        assertThat(any.refusals(tolerating(everything))).isEmpty();

        BenchmarkPolicy none = new BenchmarkPolicy(false, List.of(), Tolerations.NONE, List.of(), Map.of(), Map.of());
        assertThat(none.refusals(tolerating(keyed))).singleElement().asString()
                .isEqualTo("spec.placement.tolerations are not allowed (chart value policy.allowTolerations)");
        assertThat(none.refusals(tolerating())).as("an empty list asks for nothing").isEmpty();

        BenchmarkPolicy onlyDedicated = new BenchmarkPolicy(false, List.of(), Tolerations.KEYED, List.of("dedicated"),
                Map.of(), Map.of());
        assertThat(onlyDedicated.refusals(tolerating(keyed))).isEmpty();
        assertThat(onlyDedicated.refusals(tolerating(new KernelToleration("node-role.kubernetes.io/control-plane",
                KernelToleration.Operator.Exists, null, null)))).singleElement().asString()
                .contains("taint key node-role.kubernetes.io/control-plane is not allowed; allowed are dedicated")
                .contains("chart value policy.allowedTolerationKeys");
    }

    @Test
    void requestsAndLimitsAboveTheMaximumAreRefusedComparedAsQuantities() {
        assertThat(DEFAULTS.refusals(asking(Map.of("cpu", new Quantity("4000m"), "memory", new Quantity("8192Mi")),
                Map.of("cpu", new Quantity("4"))))).as("equal to the maximum, written otherwise").isEmpty();

        assertThat(DEFAULTS.refusals(asking(Map.of("memory", new Quantity("9Gi")), null))).singleElement().asString()
                .isEqualTo("spec.resources.requests.memory 9Gi exceeds the maximum of 8Gi per pod "
                        + "(chart value policy.maxResources.requests.memory)");
        assertThat(DEFAULTS.refusals(asking(Map.of("cpu", new Quantity("5")), Map.of("cpu", new Quantity("4001m")))))
                .containsExactly(
                        "spec.resources.requests.cpu 5 exceeds the maximum of 4 per pod (chart value policy.maxResources.requests.cpu)",
                        "spec.resources.limits.cpu 4001m exceeds the maximum of 4 per pod (chart value policy.maxResources.limits.cpu)");
        // Not capped: a resource the policy does not list, and a value the validator refuses anyway.
        assertThat(DEFAULTS.refusals(asking(Map.of("ephemeral-storage", new Quantity("100Gi"),
                "cpu", new Quantity("lots")), null))).isEmpty();
    }

    @Test
    void everyBrokenRuleIsNamed() {
        ConcurrencyBenchmarkSpec spec = tolerating(new KernelToleration(null, KernelToleration.Operator.Exists, null, null));
        spec.setImage("any/image:1");
        spec.setResources(new KernelResources(Map.of("memory", new Quantity("64Gi")), null));
        assertThat(DEFAULTS.refusals(spec)).hasSize(3).anyMatch(m -> m.contains("policy.allowImageOverride"))
                .anyMatch(m -> m.contains("policy.allowTolerations")).anyMatch(m -> m.contains("policy.maxResources"));
    }

    @Test
    void theChartsWordsForTolerations() {
        assertThat(Tolerations.of("keyed")).isEqualTo(Tolerations.KEYED);
        assertThat(Tolerations.of(" Any ")).isEqualTo(Tolerations.ANY);
        assertThat(Tolerations.NONE.value()).isEqualTo("none");
    }
}
