package dev.concbench.apiserver;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concbench.e2e.CommandResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The chart's policies on the operator's own writes (templates/admission-operator-writes.yaml), with
 * the chart's RBAC: the whole chart as helm template renders it with its defaults, on a real
 * kube-apiserver. As the operator's ServiceAccount (impersonated), each write RBAC's verbs allow is
 * admitted only on an object the operator made, and refused otherwise naming the object.
 */
class OperatorWritesPolicyTest {

    @RegisterExtension
    static final ApiServer API = new ApiServer();

    static final String SYSTEM_NS = "concbench-system";
    static final String OPERATOR = "system:serviceaccount:" + SYSTEM_NS + ":concbench-operator";
    static final String POLICY = "concbench-operator-" + SYSTEM_NS + "-";
    /** Where the operator's objects and someone else's live side by side. */
    static final String NS = "team";
    static final String START_AT = "{\"metadata\":{\"annotations\":{\"concbench.dev/start-at\":\"1\"}}}";

    // @formatter:off
    static final List<Write> WRITES = List.of(
        // what the operator's ServiceAccount does                                            refused by         with (null: admitted)
        new Write("patches the common start of a kernel pod",              op -> patch(op, "kernel-0", START_AT),                                    null,             null),
        new Write("patches the common start of someone else's pod",        op -> patch(op, "probe", START_AT),                                       "operator-pods",  "the concbench operator may change only the pods it made (label app.kubernetes.io/managed-by=concbench-operator); pod team/probe is not one"),
        new Write("patches another annotation of a kernel pod",            op -> patch(op, "kernel-0", "{\"metadata\":{\"annotations\":{\"x\":\"y\"}}}"), "operator-pods", "the concbench operator may change nothing of a pod but its concbench.dev/start-at annotation (the common start); pod team/kernel-0"),
        new Write("patches the labels of a kernel pod",                    op -> patch(op, "kernel-0", "{\"metadata\":{\"labels\":{\"app.kubernetes.io/managed-by\":\"me\"}}}"), "operator-pods", "may change nothing of a pod but its concbench.dev/start-at annotation"),
        new Write("updates its kernel script ConfigMap",                   op -> update(op, configMap("kernel-script", true)),                        null,             null),
        new Write("updates someone else's ConfigMap",                      op -> update(op, configMap("app-settings", false)),                        "operator-objects", "the concbench operator may change only configmaps it made (label app.kubernetes.io/managed-by=concbench-operator and an owner reference to a ConcurrencyBenchmark); team/app-settings is not one"),
        new Write("creates a ConfigMap without its marks",                 op -> op.resource(configMap("unmarked", false)).create(),                  "operator-objects", "the concbench operator may create only configmaps it made (label app.kubernetes.io/managed-by=concbench-operator and an owner reference to a ConcurrencyBenchmark); team/unmarked would not be one"),
        new Write("creates a Job of a benchmark",                          op -> op.resource(job("run-1", true)).create(),                            null,             null),
        new Write("creates a Job without its marks",                       op -> op.resource(job("unowned", false)).create(),                         "operator-objects", "the concbench operator may create only jobs it made"),
        new Write("deletes a Job of a benchmark",                          op -> deleteJob(op, "run-0"),                                              null,             null),
        new Write("deletes someone else's Job",                            op -> deleteJob(op, "nightly-report"),                                     "operator-objects", "the concbench operator may delete only jobs it made (label app.kubernetes.io/managed-by=concbench-operator and an owner reference to a ConcurrencyBenchmark); team/nightly-report is not one"),
        new Write("creates a NetworkPolicy that isolates its kernel pods", op -> op.resource(networkPolicy("isolated", false)).create(),               null,             null),
        new Write("creates a NetworkPolicy that allows traffic",           op -> op.resource(networkPolicy("open", true)).create(),                   "operator-networkpolicies", "the concbench operator may make only NetworkPolicies that select its own pods (app.kubernetes.io/managed-by=concbench-operator) and allow nothing; team/open would not be one")
    );
    // @formatter:on

    record Write(String what, Consumer<KubernetesClient> write, String policy, String refusal) {
        @Override
        public String toString() {
            return what + (refusal == null ? ": admitted" : ": refused by " + policy);
        }
    }

    private static KubernetesClient operator;

    /** The chart with its defaults, the operator's objects (labelled and owned) and someone else's, as an admin. */
    @BeforeAll
    static void installTheChart() {
        API.namespace(SYSTEM_NS);
        API.namespace(NS);
        CommandResult template = ApiServer.helm("template", "concbench-operator", ApiServer.CHART.toString(),
                "--namespace", SYSTEM_NS);
        assertThat(template.ok()).as(template.toString()).isTrue();
        for (HasMetadata o : API.client().load(new ByteArrayInputStream(template.out().getBytes(StandardCharsets.UTF_8))).items()) {
            if (o instanceof Namespaced && o.getMetadata().getNamespace() == null) {
                o.getMetadata().setNamespace(SYSTEM_NS);
            }
            API.client().resource(o).serverSideApply();
        }
        for (HasMetadata o : List.of(pod("probe", false), pod("kernel-0", true), configMap("app-settings", false),
                configMap("kernel-script", true), job("nightly-report", false), job("run-0", true))) {
            API.client().resource(o).create();
        }
        operator = new KubernetesClientBuilder().withConfig(new ConfigBuilder(API.client().getConfiguration())
                .withImpersonateUsername(OPERATOR).build()).build();
        // The policies reach the server's admission a moment after they are created.
        await("the operator's policies are in force").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Objects.toString(refusal(op -> op.resource(job("probe", false)).dryRun().create()))
                        .contains("ValidatingAdmissionPolicy"));
    }

    @AfterAll
    static void closeTheOperatorsClient() {
        if (operator != null) {
            operator.close();
        }
    }

    /** What the policies narrow: RBAC alone lets the ServiceAccount patch any pod, update any ConfigMap, delete any Job. */
    @Test
    void rbacAloneAllowsTheWritesThePoliciesNarrow() {
        for (String verb : List.of("patch pods", "update configmaps", "delete jobs", "create networkpolicies")) {
            CommandResult canI = API.kubectl(null, "auth", "can-i", verb.split(" ")[0], verb.split(" ")[1], "-n", NS,
                    "--as=" + OPERATOR);
            assertThat(canI.out().strip()).as(verb + ": " + canI).isEqualTo("yes");
        }
    }

    /**
     * The operator never deletes a ConfigMap (its kernel script's goes with the benchmark): RBAC grants no
     * delete, which is why the SDK's workflow must not try when a benchmark switches from Python to Java
     * (KernelConfigMap#delete; FaultsLifecycleTest in the operator module).
     */
    @Test
    void rbacGrantsNoDeleteOfConfigMaps() {
        CommandResult canI = API.kubectl(null, "auth", "can-i", "delete", "configmaps", "-n", NS, "--as=" + OPERATOR);
        assertThat(canI.out().strip()).as(canI.toString()).isEqualTo("no");
    }

    static List<Write> writes() {
        return WRITES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void theOperatorWritesOnlyWhatItMade(Write write) {
        String refusal = refusal(write.write());
        if (write.refusal() == null) {
            assertThat(refusal).as(write.what()).isNull();
        } else {
            System.out.println("[apiserver] refused as expected: " + refusal);
            assertThat(refusal).as(write.what()).isNotNull()
                    .contains("ValidatingAdmissionPolicy '" + POLICY + write.policy() + "'").contains(write.refusal());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Null when the write is admitted, else the server's refusal as kubectl prints it. */
    private static String refusal(Consumer<KubernetesClient> write) {
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> write.accept(operator));
        return e == null ? null : e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
    }

    private static void patch(KubernetesClient client, String pod, String mergePatch) {
        client.pods().inNamespace(NS).withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
    }

    /** A PUT of the object as it is stored, with one more data entry (RBAC gives the operator update, not patch). */
    private static void update(KubernetesClient client, ConfigMap configMap) {
        ConfigMap stored = API.client().configMaps().inNamespace(NS).withName(configMap.getMetadata().getName()).get();
        stored.getData().put("mode", "debug");
        client.resource(stored).update();
    }

    private static void deleteJob(KubernetesClient client, String name) {
        client.batch().v1().jobs().inNamespace(NS).withName(name).delete();
    }

    /** Metadata with the operator's marks (its label, an owner reference to a benchmark), or someone else's. */
    private static ObjectMeta meta(String name, boolean made) {
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name).withNamespace(NS);
        if (made) {
            meta.withLabels(Map.of("app.kubernetes.io/managed-by", "concbench-operator"))
                    .addNewOwnerReference().withApiVersion(ApiServer.API_VERSION).withKind(ApiServer.KIND)
                    .withName("bench").withUid("00000000-0000-0000-0000-000000000001").endOwnerReference();
        }
        return meta.build();
    }

    private static HasMetadata pod(String name, boolean made) {
        return new PodBuilder().withMetadata(meta(name, made)).withNewSpec().addNewContainer().withName("kernel")
                .withImage("python:3.11-slim").endContainer().endSpec().build();
    }

    private static ConfigMap configMap(String name, boolean made) {
        return new ConfigMapBuilder().withMetadata(meta(name, made)).withData(Map.of("mode", "production")).build();
    }

    private static HasMetadata job(String name, boolean made) {
        return new JobBuilder().withMetadata(meta(name, made)).withNewSpec().withNewTemplate().withNewSpec()
                .withRestartPolicy("Never").addNewContainer().withName("kernel").withImage("python:3.11-slim").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    /** Selects the operator's pods; isolates them (no rules) or opens their ingress to everyone. */
    private static HasMetadata networkPolicy(String name, boolean open) {
        NetworkPolicyBuilder policy = new NetworkPolicyBuilder().withMetadata(meta(name, true)).withNewSpec()
                .withNewPodSelector().addToMatchLabels("app.kubernetes.io/managed-by", "concbench-operator").endPodSelector()
                .withPolicyTypes("Ingress", "Egress").endSpec();
        if (open) {
            policy.editSpec().addNewIngress().endIngress().endSpec();
        }
        return policy.build();
    }
}
