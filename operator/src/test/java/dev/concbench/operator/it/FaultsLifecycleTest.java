package dev.concbench.operator.it;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.domain.Conditions;
import dev.concbench.domain.Names;
import dev.concbench.operator.BenchmarkReconciler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.concbench.operator.it.BenchmarkLifecycleTest.NS;
import static dev.concbench.operator.it.BenchmarkLifecycleTest.condition;
import static dev.concbench.operator.it.BenchmarkLifecycleTest.quick;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What goes wrong around a benchmark, on the CRUD mock server with canned failures: status writes
 * refused with a conflict or a server error, an object name someone else holds. Each benchmark here
 * runs on the java runtime unless said otherwise: no kernel ConfigMap, so no event of the operator's
 * own making reconciles it again by chance. The helpers are {@link BenchmarkLifecycleTest}'s.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FaultsLifecycleTest extends LifecycleOnMockServer {

    /** Far below the 90 s the other tests allow: these must not wait for a fallback. */
    static final Duration PROMPTLY = Duration.ofSeconds(20);


    @Inject
    Operator operator;

    @KubernetesTestServer
    KubernetesServer server;


    private static ConcurrencyBenchmarkSpec java() {
        ConcurrencyBenchmarkSpec spec = quick();
        spec.setRuntime(Runtime.JAVA);
        return spec;
    }

    private static Status status(int code, String reason, String message) {
        return new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason).withMessage(message).build();
    }

    private String statusPath(String name) {
        return "/apis/concbench.dev/v1alpha1/namespaces/" + NS + "/concurrencybenchmarks/" + name + "/status";
    }

    private ConcurrencyBenchmarkStatus awaitPhase(String name, Phase phase, Duration within) {
        try {
            org.awaitility.Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(100))
                    .until(() -> on.status(name).getPhase() == phase);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(name + " did not reach " + phase + " within " + within + "; status: "
                    + io.fabric8.kubernetes.client.utils.Serialization.asYaml(on.status(name)), e);
        }
        return on.status(name);
    }

    /** "METHOD path" of the requests the server got since the last call. */
    private List<String> requests() throws InterruptedException {
        List<String> seen = new java.util.ArrayList<>();
        for (var r = server.getKubernetesMockServer().takeRequest(1, TimeUnit.MILLISECONDS); r != null;
             r = server.getKubernetesMockServer().takeRequest(1, TimeUnit.MILLISECONDS)) {
            seen.add(r.getMethod() + " " + r.getPath());
        }
        return seen;
    }

    /**
     * A status write refused with 409 (someone changed the benchmark meanwhile) is made again at once
     * from the newer version. Here nothing else would ever reconcile the benchmark again: an invalid spec
     * makes no Job, and the change that caused the conflict leaves the generation as it is (the SDK drops
     * such events).
     */
    @Test
    void aStatusWriteRefusedWithAConflictIsMadeAgainAtOnce() throws InterruptedException {
        requests();
        server.expect().put().withPath(statusPath("conflicted"))
                .andReturn(409, status(409, "Conflict", "the object has been modified; please apply your changes "
                        + "to the latest version and try again")).once();
        ConcurrencyBenchmarkSpec invalid = java();
        invalid.setPods(5); // more pods than tasks
        on.create("conflicted", invalid);

        ConcurrencyBenchmarkStatus status = awaitPhase("conflicted", Phase.Failed, PROMPTLY);
        assertThat(condition(status, Conditions.VALID)).hasValueSatisfying(c -> assertThat(c.getReason())
                .isEqualTo("InvalidSpec"));
        assertThat(requests()).as("the refused write and the one after it")
                .filteredOn(r -> r.startsWith("PUT " + statusPath("conflicted"))).hasSize(2);
    }

    /**
     * The API server refuses a benchmark's Job for good, and then does not take the write of the Failed
     * status (it timed out: 408; the client itself retries 429 and 5xx for about 100 s, so a longer
     * outage ends the same way): the status is written again until it lands, and the slot is freed
     * then, not after the maximum reconciliation interval.
     */
    @Test
    void aFailureStatusTheServerDidNotTakeIsWrittenAgainUntilItLands() throws InterruptedException {
        requests();
        server.expect().post().withPath("/apis/batch/v1/namespaces/" + NS + "/jobs")
                .andReturn(422, status(422, "Invalid", "Job.batch is invalid: spec.template.spec.containers[0]"
                        + ".image: Required value")).times(2);
        server.expect().put().withPath(statusPath("unwritten"))
                .andReturn(408, status(408, "Timeout", "request did not complete within the allotted timeout")).once();
        on.create("unwritten", java());

        ConcurrencyBenchmarkStatus failed = awaitPhase("unwritten", Phase.Failed, PROMPTLY);
        assertThat(condition(failed, Conditions.FAILED)).hasValueSatisfying(c -> {
            assertThat(c.getReason()).isEqualTo("InvalidSpec");
            assertThat(c.getMessage()).contains("HTTP 422");
        });
        assertThat(requests()).filteredOn(r -> r.startsWith("PUT " + statusPath("unwritten"))).hasSize(2);
        // Its slot is free: with the limit of one, the next one runs.
        on.create("next", java());
        awaitPhase("next", Phase.Succeeded, Duration.ofSeconds(60));
    }

    /**
     * Someone else's object has the name a benchmark needs (a run's Job, the kernel pods' NetworkPolicy): it
     * is never adopted (a Job would be watched as the run, forever, holding the slot; a policy would be
     * rewritten). The benchmark fails saying whose it is; that object is left alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Job", "NetworkPolicy"})
    void aNameSomeoneElseHoldsIsNeverAdopted(String kind) {
        String holder = "holder-" + kind.toLowerCase();
        String taken = "taken-" + kind.toLowerCase();
        ConcurrencyBenchmarkSpec hold = java();
        hold.setImage("registry.test/hold:1");
        on.create(holder, hold);
        awaitPhase(holder, Phase.Running, Duration.ofSeconds(60));
        on.create(taken, java());
        awaitPhase(taken, Phase.Queued, Duration.ofSeconds(60));
        HasMetadata foreign = kind.equals("Job")
                ? new JobBuilder().withNewMetadata().withName(Names.jobName(taken, on.uid(taken), 1, 0))
                        .withNamespace(NS).endMetadata()
                        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
                        .addNewContainer().withName("other").withImage("registry.test/unpullable:1").endContainer()
                        .endSpec().endTemplate().endSpec().build()
                : new NetworkPolicyBuilder().withNewMetadata()
                        .withName(Names.kernelNetworkPolicyName(taken, on.uid(taken))).withNamespace(NS).endMetadata()
                        .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec().build();
        String version = client.resource(foreign).create().getMetadata().getResourceVersion();

        on.cluster.release();
        ConcurrencyBenchmarkStatus failed = awaitPhase(taken, Phase.Failed, Duration.ofSeconds(60));
        Condition reason = condition(failed, Conditions.FAILED).orElseThrow();
        assertThat(reason.getReason()).isEqualTo("NameTaken");
        assertThat(reason.getMessage()).contains(kind + " " + foreign.getMetadata().getName(),
                "is not this benchmark's", "it has no owner");
        HasMetadata left = client.resource(foreign).get();
        assertThat(left).as("someone else's %s is left alone", kind).isNotNull();
        assertThat(left.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(left.getMetadata().getResourceVersion()).as("never written").isEqualTo(version);
        client.resource(foreign).delete();
    }

    /**
     * Pods no node takes: while they wait, the Progressing condition quotes the scheduler; at
     * spec.schedulingTimeoutSeconds the run ends Unschedulable (not at its deadline), with nothing but
     * the passing of time to say so.
     */
    @Test
    void podsNoNodeTakesSayWhyWhileTheyWaitAndEndUnschedulableAtTheirTimeout() {
        ConcurrencyBenchmarkSpec nowhere = java();
        nowhere.setImage("registry.test/unschedulable:1");
        nowhere.setSchedulingTimeoutSeconds(10);
        on.create("nowhere", nowhere);

        org.awaitility.Awaitility.await().atMost(PROMPTLY).until(() -> condition(on.status("nowhere"),
                Conditions.PROGRESSING).map(c -> "Unschedulable".equals(c.getReason())).orElse(false));
        assertThat(condition(on.status("nowhere"), Conditions.PROGRESSING).orElseThrow().getMessage())
                .contains("waiting: pod ", "cannot be scheduled", "didn't match Pod's node affinity/selector");
        assertThat(on.status("nowhere").getPhase()).isEqualTo(Phase.Running);

        ConcurrencyBenchmarkStatus failed = awaitPhase("nowhere", Phase.Failed, PROMPTLY);
        Condition reason = condition(failed, Conditions.FAILED).orElseThrow();
        assertThat(reason.getReason()).isEqualTo("Unschedulable");
        assertThat(reason.getMessage()).contains("didn't match Pod's node affinity/selector", "waited 10 s");
    }

    /**
     * A benchmark switched from Python to Java no longer needs its kernel ConfigMap. The operator may not
     * delete ConfigMaps (the chart's RBAC grants create and update only; the owner reference collects it
     * with the benchmark): here the server refuses that DELETE as the chart's RBAC would. The new
     * generation runs all the same, and the operator does not even ask.
     */
    @Test
    void aBenchmarkSwitchedFromPythonToJavaRunsWithoutDeletingItsKernelConfigMap() throws InterruptedException {
        ConcurrencyBenchmarkSpec python = quick();
        on.create("switched", python);
        awaitPhase("switched", Phase.Succeeded, Duration.ofSeconds(60));
        String configMap = "/api/v1/namespaces/" + NS + "/configmaps/"
                + Names.kernelConfigMapName("switched", on.uid("switched"));
        server.expect().delete().withPath(configMap).andReturn(403, status(403, "Forbidden",
                "configmaps is forbidden: User \"system:serviceaccount:concbench-system:concbench-operator\" "
                        + "cannot delete resource \"configmaps\" in API group \"\" in the namespace \"" + NS + "\""))
                .always();
        requests();

        var cb = client.resources(dev.concbench.api.v1alpha1.ConcurrencyBenchmark.class).inNamespace(NS)
                .withName("switched").get();
        cb.getSpec().setRuntime(Runtime.JAVA);
        client.resources(dev.concbench.api.v1alpha1.ConcurrencyBenchmark.class).inNamespace(NS).resource(cb).update();

        org.awaitility.Awaitility.await().atMost(PROMPTLY).until(() -> on.status("switched").getObservedGeneration() == 2
                && on.status("switched").getPhase().terminal());
        ConcurrencyBenchmarkStatus status = on.status("switched");
        assertThat(status.getPhase()).as(io.fabric8.kubernetes.client.utils.Serialization.asYaml(status))
                .isEqualTo(Phase.Succeeded);
        assertThat(status.getEnvironment().getRuntime()).isEqualTo("java");
        assertThat(requests()).as("no DELETE of the kernel ConfigMap").noneMatch(r -> r.startsWith("DELETE " + configMap));
    }

    /** The last net: every benchmark is reconciled again within a few minutes, whatever events were lost. */
    @Test
    void theMaximumReconciliationIntervalIsAFewMinutes() {
        io.javaoperatorsdk.operator.RegisteredController<?> controller = operator
                .getRegisteredController(BenchmarkReconciler.NAME).orElseThrow();
        Duration interval = controller.getConfiguration().maxReconciliationInterval().orElseThrow();
        assertThat(interval).isBetween(Duration.ofMinutes(1), Duration.ofMinutes(5));
    }
}
