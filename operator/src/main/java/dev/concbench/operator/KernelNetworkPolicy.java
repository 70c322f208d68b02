package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.Network;
import dev.concbench.domain.Names;
import dev.concbench.domain.Labels;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The NetworkPolicy of a benchmark's kernel pods: they accept no connection, and open none unless
 * spec.network is allow. Kernel pods run code the benchmark's author chose (spec.image, custom
 * workloads) next to other workloads; the built-in workloads need no network at all.
 *
 * <p>It selects the benchmark's pods and allows nothing: a NetworkPolicy can only take traffic away
 * from the pods it selects (what another policy of the namespace allows them still holds). Made
 * before the first Job of a generation, owned by the benchmark (collected with it), updated when
 * spec.network changes. The chart's ValidatingAdmissionPolicy lets the operator make only such
 * policies (its own pods selected, no rule that allows).
 */
public final class KernelNetworkPolicy {

    /** The informer of the operator's NetworkPolicies (registered by the reconciler when the policy is on). */
    public static final String EVENT_SOURCE = "kernel-networkpolicies";

    private KernelNetworkPolicy() {
    }

    public static NetworkPolicy desired(ConcurrencyBenchmark cb) {
        String name = cb.getMetadata().getName();
        boolean egress = cb.getSpec().getNetwork() == Network.ALLOW;
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                    .withName(Names.kernelNetworkPolicyName(name, cb.getMetadata().getUid()))
                    .withNamespace(cb.getMetadata().getNamespace())
                    .withLabels(Labels.ofBenchmark(name))
                    .withOwnerReferences(Owners.reference(cb))
                .endMetadata()
                .withNewSpec()
                    .withNewPodSelector().withMatchLabels(Labels.ofBenchmark(name)).endPodSelector()
                    // A type listed with no rule: nothing of that direction is allowed.
                    .withPolicyTypes(egress ? List.of("Ingress") : List.of("Ingress", "Egress"))
                .endSpec()
                .build();
    }

    /** Whether {@code actual} already says what {@code desired} says (the API server may add empty rule lists). */
    public static boolean matches(NetworkPolicy actual, NetworkPolicy desired) {
        NetworkPolicySpec have = actual.getSpec();
        NetworkPolicySpec want = desired.getSpec();
        return have != null && Objects.equals(have.getPodSelector(), want.getPodSelector())
                && have.getPolicyTypes() != null
                && new HashSet<>(have.getPolicyTypes()).equals(new HashSet<>(want.getPolicyTypes()))
                && (have.getIngress() == null || have.getIngress().isEmpty())
                && (have.getEgress() == null || have.getEgress().isEmpty());
    }
}
