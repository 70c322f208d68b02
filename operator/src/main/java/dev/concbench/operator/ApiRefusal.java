package dev.concbench.operator;

import dev.concbench.domain.Observation;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request the API server refused for good: the benchmark, as written, makes a Job (or another
 * object) that the server will never accept, so retrying cannot help and the benchmark must end
 * {@code Failed} instead of holding its slot. Conflicts, throttling, timeouts, objects that are
 * gone and server errors are not refusals: those are retried.
 *
 * @param reason  the Failed condition's reason: InvalidSpec (400, 422), Forbidden (403; RBAC, a
 *                quota, a terminating namespace) or RequestRefused (any other 4xx)
 * @param message the server's own message, and the spec fields it concerns
 */
public record ApiRefusal(String reason, String message) {

    private static final Set<Integer> RETRIED = Set.of(401, 404, 408, 409, 410, 429);

    /** Where a field of the kernel Job comes from in the benchmark's spec (longest prefix first). */
    private static final List<Map.Entry<String, String>> SPEC_FIELDS = List.of(
            Map.entry("spec.template.spec.containers[0].resources", "spec.resources"),
            Map.entry("spec.template.spec.containers[0].image", "spec.image"),
            Map.entry("spec.template.spec.tolerations", "spec.placement.tolerations"),
            Map.entry("spec.template.spec.nodeSelector", "spec.placement.nodeSelector"),
            Map.entry("spec.template.spec.affinity", "spec.placement.spreadAcrossNodes"),
            Map.entry("spec.activeDeadlineSeconds", "spec.timeoutSeconds"),
            Map.entry("spec.ttlSecondsAfterFinished", "spec.ttlSecondsAfterFinished"),
            Map.entry("metadata.name", "metadata.name"),
            Map.entry("metadata.labels", "metadata.name"));

    /**
     * A refusal the operator itself finds (no HTTP status says it) where it cannot return one: thrown out of
     * the SDK's dependent workflow, it ends the benchmark Failed with its reason and message, like the API
     * server's.
     */
    public static class Refused extends RuntimeException {
        private final transient ApiRefusal refusal;

        public Refused(ApiRefusal refusal) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
        }
    }

    /** As a fact for the next decision: the generation ends Failed with this reason and message. */
    public Observation.Fault asFault() {
        return new Observation.Fault(reason, message, false);
    }

    /** The refusal behind {@code error} (or one of its causes), if it is one. */
    public static Optional<ApiRefusal> of(Throwable error) {
        List<Throwable> causes = causes(error);
        for (Throwable t : causes) {
            if (t instanceof Refused refused) {
                return Optional.of(refused.refusal);
            }
        }
        for (Throwable t : causes) {
            if (t instanceof KubernetesClientException e) {
                return of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code error} and everything behind it: its causes, and the failures of the dependents that the
     * SDK's workflow gathers into one exception (they are not its cause).
     */
    static List<Throwable> causes(Throwable error) {
        List<Throwable> all = new ArrayList<>();
        Deque<Throwable> next = new ArrayDeque<>();
        if (error != null) {
            next.add(error);
        }
        while (!next.isEmpty() && all.size() < 20) {
            Throwable t = next.poll();
            if (all.contains(t)) {
                continue;
            }
            all.add(t);
            if (t.getCause() != null) {
                next.add(t.getCause());
            }
            if (t instanceof AggregatedOperatorException aggregated) {
                next.addAll(aggregated.getAggregatedExceptions().values());
            }
        }
        return all;
    }

    static Optional<ApiRefusal> of(KubernetesClientException e) {
        int code = e.getCode();
        if (code < 400 || code >= 500 || RETRIED.contains(code)) {
            return Optional.empty();
        }
        String reason = code == 400 || code == 422 ? "InvalidSpec" : code == 403 ? "Forbidden" : "RequestRefused";
        Status status = e.getStatus();
        // The server's own words; never the client's exception text.
        String said = status != null && status.getMessage() != null ? status.getMessage()
                : "(no message from the server)";
        Set<String> fields = new LinkedHashSet<>();
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                specField(cause.getField()).ifPresent(fields::add);
            }
        }
        String message = "the API server refused the operator's request (HTTP " + code + "): " + said
                + (fields.isEmpty() ? "" : " [in the benchmark: " + String.join(", ", fields) + "]");
        return Optional.of(new ApiRefusal(reason, message));
    }

    /** The benchmark's field that a refused field of the kernel Job comes from. */
    static Optional<String> specField(String jobField) {
        if (jobField == null) {
            return Optional.empty();
        }
        return SPEC_FIELDS.stream()
                .filter(e -> jobField.equals(e.getKey()) || jobField.startsWith(e.getKey() + ".")
                        || jobField.startsWith(e.getKey() + "["))
                .findFirst()
                .map(e -> e.getValue().startsWith("metadata") || e.getValue().equals("spec.placement.spreadAcrossNodes")
                        ? e.getValue() : e.getValue() + jobField.substring(e.getKey().length()));
    }
}
