package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

import java.util.List;
import java.util.Objects;

/**
 * Whose an object is, by its owner references' UIDs: names alone are not enough (a benchmark deleted
 * and applied again has the same name, and anyone may create an object under any name).
 */
final class Owners {

    private Owners() {
    }

    /** What the operator puts on every object it makes for {@code cb}: the benchmark controls it, by UID. */
    static OwnerReference reference(ConcurrencyBenchmark cb) {
        return new OwnerReferenceBuilder()
                .withApiVersion(cb.getApiVersion())
                .withKind(cb.getKind())
                .withName(cb.getMetadata().getName())
                .withUid(cb.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** {@code object} is controlled by this very benchmark (its UID, not its name). */
    static boolean ownedBy(HasMetadata object, ConcurrencyBenchmark cb) {
        return controllers(object).stream().anyMatch(o -> Objects.equals(o.getUid(), cb.getMetadata().getUid()));
    }

    /** {@code pod} belongs to the Job named {@code job} (the Job controller's owner reference). */
    static boolean ownedByJob(HasMetadata pod, String job) {
        return controllers(pod).stream().anyMatch(o -> "Job".equals(o.getKind()) && job.equals(o.getName()));
    }

    /**
     * The benchmark cannot make its {@code kind} under the name it needs: someone else's object has it.
     * Never adopted, never overwritten: the benchmark ends Failed, saying whose it is.
     */
    static ApiRefusal nameTaken(String kind, HasMetadata existing, ConcurrencyBenchmark cb) {
        List<OwnerReference> owners = controllers(existing);
        String whose = owners.isEmpty() ? "it has no owner"
                : "it belongs to " + owners.get(0).getKind() + " " + owners.get(0).getName() + " (uid "
                + owners.get(0).getUid() + ")";
        return new ApiRefusal("NameTaken", kind + " " + existing.getMetadata().getName()
                + " already exists in namespace " + cb.getMetadata().getNamespace() + " and is not this benchmark's ("
                + whose + "); the operator does not adopt it: delete it, or apply the benchmark under another name");
    }

    private static List<OwnerReference> controllers(HasMetadata object) {
        List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
        return refs == null ? List.of() : refs.stream().filter(o -> Boolean.TRUE.equals(o.getController())).toList();
    }
}
