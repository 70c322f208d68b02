package dev.concbench.domain;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes-shaped conditions. {@code lastTransitionTime} moves only when a condition's
 * status changes; reason and message may change without a transition.
 */
public final class Conditions {

    public static final String VALID = "Valid";
    public static final String ADMITTED = "Admitted";
    public static final String PROGRESSING = "Progressing";
    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";
    /** With spec.baseline, once the benchmark has succeeded: whether the comparison is current. */
    public static final String BASELINE_COMPARED = "BaselineCompared";

    private Conditions() {
    }

    public static void set(List<Condition> conditions, String type, boolean status, String reason, String message,
                           long observedGeneration, Instant now) {
        String value = status ? "True" : "False";
        Optional<Condition> existing = find(conditions, type);
        String transition = existing.filter(c -> value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(timestamp(now));
        Condition updated = new ConditionBuilder()
                .withType(type)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(observedGeneration)
                .withLastTransitionTime(transition)
                .build();
        existing.ifPresentOrElse(c -> conditions.set(conditions.indexOf(c), updated), () -> conditions.add(updated));
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** RFC 3339 in UTC, second precision, as Kubernetes writes its own times. */
    public static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
