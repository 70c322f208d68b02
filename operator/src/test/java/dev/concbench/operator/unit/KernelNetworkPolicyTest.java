package dev.concbench.operator.unit;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Network;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;
import dev.concbench.domain.Labels;
import dev.concbench.operator.JobFactory;
import dev.concbench.operator.KernelDefaults;
import dev.concbench.operator.KernelNetworkPolicy;
import dev.concbench.domain.PlannedRun;
import dev.concbench.api.v1alpha1.StrategyName;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KernelNetworkPolicyTest {

    private static ConcurrencyBenchmark benchmark(Network network) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setWorkload(new WorkloadSpec(WorkloadType.IO, 20, 4));
        if (network != null) {
            spec.setNetwork(network);
        }
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("bench-ns", "demo", spec);
        cb.getMetadata().setGeneration(2L);
        cb.getMetadata().setUid("0f9c2a4e-77d1-4b9e-a3c5-81e6d20b9f3a");
        return cb;
    }

    @Test
    void byDefaultTheKernelPodsGetNoIngressAndNoEgress() {
        NetworkPolicy policy = KernelNetworkPolicy.desired(benchmark(null));
        assertThat(policy.getMetadata().getName()).isEqualTo("demo-0b9f3a-kernel");
        assertThat(policy.getMetadata().getNamespace()).isEqualTo("bench-ns");
        assertThat(policy.getMetadata().getLabels()).containsEntry(Labels.LABEL_MANAGED_BY, Labels.MANAGED_BY);
        assertThat(policy.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getName() + "/" + o.getUid())
                        .isEqualTo("ConcurrencyBenchmark/demo/0f9c2a4e-77d1-4b9e-a3c5-81e6d20b9f3a"));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
        assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
    }

    @Test
    void networkAllowLetsThemConnectOutButStillNotIn() {
        NetworkPolicy policy = KernelNetworkPolicy.desired(benchmark(Network.ALLOW));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
    }

    @Test
    void itSelectsEveryKernelPodOfTheBenchmarkAndNothingElse() {
        ConcurrencyBenchmark cb = benchmark(null);
        LabelSelector selector = KernelNetworkPolicy.desired(cb).getSpec().getPodSelector();
        assertThat(selector.getMatchExpressions()).isNullOrEmpty();
        for (PlannedRun run : List.of(new PlannedRun(0, 1, 0, List.of(StrategyName.SEQUENTIAL), true),
                new PlannedRun(3, 4, 2, List.of(StrategyName.THREADS), false))) {
            Job job = JobFactory.job(cb, run, "demo-g2-r" + run.index(), "python:3.11-slim", KernelDefaults.NONE);
            assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                    .as("the pod template of run " + run.index()).containsAllEntriesOf(selector.getMatchLabels());
        }
        assertThat(selector.getMatchLabels()).containsEntry(Labels.LABEL_MANAGED_BY, Labels.MANAGED_BY)
                .containsEntry(Labels.LABEL_BENCHMARK, "demo").hasSize(2);
    }

    @Test
    void whatTheApiServerAddsIsNoDifferenceButAnotherTypeOrARuleIs() {
        NetworkPolicy desired = KernelNetworkPolicy.desired(benchmark(null));
        NetworkPolicy stored = new NetworkPolicyBuilder(desired).editSpec()
                .withPolicyTypes("Egress", "Ingress").withIngress(List.of()).withEgress(List.of()).endSpec().build();
        assertThat(KernelNetworkPolicy.matches(stored, desired)).isTrue();

        assertThat(KernelNetworkPolicy.matches(stored, KernelNetworkPolicy.desired(benchmark(Network.ALLOW))))
                .as("spec.network changed").isFalse();
        NetworkPolicy opened = new NetworkPolicyBuilder(desired).editSpec()
                .withEgress(new NetworkPolicyEgressRule()).endSpec().build();
        assertThat(KernelNetworkPolicy.matches(opened, desired)).as("a rule that allows").isFalse();
    }
}
