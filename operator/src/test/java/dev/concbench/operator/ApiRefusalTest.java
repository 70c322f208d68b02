package dev.concbench.operator;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRefusalTest {

    /** What kube-apiserver answers to a Job whose container asks for an unknown resource. */
    private static KubernetesClientException invalidJob() {
        Status status = new StatusBuilder().withCode(422).withReason("Invalid")
                .withMessage("Job.batch \"bad-g1-r0\" is invalid: spec.template.spec.containers[0].resources"
                        + ".requests[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified")
                .withNewDetails().withKind("Job").withName("bad-g1-r0")
                    .addNewCause().withField("spec.template.spec.containers[0].resources.requests[foo]")
                        .withReason("FieldValueInvalid").withMessage("Invalid value").endCause()
                    .addNewCause().withField("spec.template.spec.tolerations[0].operator")
                        .withReason("FieldValueInvalid").withMessage("Invalid value").endCause()
                .endDetails().build();
        return new KubernetesClientException(status);
    }

    @Test
    void anInvalidObjectIsARefusalThatQuotesTheServerAndNamesTheSpecFields() {
        ApiRefusal refusal = ApiRefusal.of(invalidJob()).orElseThrow();
        assertThat(refusal.reason()).isEqualTo("InvalidSpec");
        assertThat(refusal.message())
                .contains("HTTP 422")
                .contains("must be a standard resource type or fully qualified")
                .contains("[in the benchmark: spec.resources.requests[foo], spec.placement.tolerations[0].operator]");
    }

    @Test
    void forbiddenAndOtherClientErrorsAreRefusalsToo() {
        assertThat(ApiRefusal.of(new KubernetesClientException("exceeded quota", 403, null)).orElseThrow().reason())
                .isEqualTo("Forbidden");
        assertThat(ApiRefusal.of(new KubernetesClientException("too large", 413, null)).orElseThrow().reason())
                .isEqualTo("RequestRefused");
        assertThat(ApiRefusal.of(new KubernetesClientException("bad", 400, null)).orElseThrow().reason())
                .isEqualTo("InvalidSpec");
    }

    /** The client's own exception text ("Failure executing: POST at: ...") never reaches a condition. */
    @Test
    void aRefusalWithoutTheServersStatusSaysSoInsteadOfTheClientsExceptionText() {
        String message = ApiRefusal.of(new KubernetesClientException("Failure executing: POST at: "
                + "https://10.96.0.1/apis/batch/v1/namespaces/x/jobs. Received status: Status(code=403)", 403, null))
                .orElseThrow().message();
        assertThat(message).contains("HTTP 403", "no message from the server")
                .doesNotContain("Failure executing", "Status(", "https://");
    }

    @Test
    void whatRetryingCanFixIsNoRefusal() {
        for (int code : new int[] {401, 404, 408, 409, 410, 429, 500, 503, 0}) {
            assertThat(ApiRefusal.of(new KubernetesClientException("x", code, null))).as("HTTP " + code).isEmpty();
        }
        assertThat(ApiRefusal.of(new IllegalStateException("a bug"))).isEmpty();
    }

    @Test
    void aRefusalIsFoundBehindAWrappingException() {
        assertThat(ApiRefusal.of(new RuntimeException("reconcile failed", invalidJob()))).isPresent();
    }

    @Test
    void jobFieldsMapToTheSpecFieldsTheyComeFrom() {
        assertThat(ApiRefusal.specField("spec.template.spec.nodeSelector")).hasValue("spec.placement.nodeSelector");
        assertThat(ApiRefusal.specField("spec.template.spec.containers[0].image")).hasValue("spec.image");
        assertThat(ApiRefusal.specField("spec.activeDeadlineSeconds")).hasValue("spec.timeoutSeconds");
        assertThat(ApiRefusal.specField("metadata.labels")).hasValue("metadata.name");
        assertThat(ApiRefusal.specField("spec.template.spec.volumes[0]")).isEmpty();
        assertThat(ApiRefusal.specField(null)).isEmpty();
    }
}
