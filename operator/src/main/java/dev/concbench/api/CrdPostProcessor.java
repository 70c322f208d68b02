package dev.concbench.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A build-time step of the CRD generation ({@code quarkus.operator-sdk.crd.post-processor}) for
 * two things the generator does not do, both taken from the API classes so that they stay the
 * one source:
 * <ul>
 *   <li>printer columns in the order they are declared on {@link ConcurrencyBenchmark} (the
 *       generator sorts them by JSON path, which put Age first; kubectl shows the CRD's order);</li>
 *   <li>the {@code @JsonClassDescription} of the kind, its spec and its status as the schema's
 *       descriptions (what {@code kubectl explain cb}, {@code cb.spec} and {@code cb.status} print;
 *       the generator leaves them empty), and the fields of a condition, which come from the
 *       Kubernetes model without any.</li>
 * </ul>
 */
public class CrdPostProcessor implements CRDPostProcessor {

    /** As Kubernetes documents metav1.Condition. */
    private static final Map<String, String> CONDITION_FIELDS = Map.of(
            "type", "Valid, Admitted, Progressing, Complete or Failed; BaselineCompared with spec.baseline.",
            "status", "True, False or Unknown.",
            "reason", "Why the condition is as it is, in one CamelCase word (for Failed: InvalidSpec, PodFailed, "
                    + "ImagePullFailed, ContainerNotCreated, DeadlineExceeded, ResultUnreadable, JobMissing, "
                    + "RequestRefused, ...; for BaselineCompared: Compared, BaselineNotFound, BaselinePending, "
                    + "BaselineFailed, BaselineNotComparable, BaselineInvalid).",
            "message", "What happened, for a person to read.",
            "lastTransitionTime", "When status last changed (RFC 3339, UTC).",
            "observedGeneration", "The metadata.generation the condition was set for.");

    @Override
    public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
        if (!(resource instanceof CustomResourceDefinition crd)
                || !ConcurrencyBenchmark.class.getSimpleName().equals(crd.getSpec().getNames().getKind())) {
            return resource;
        }
        List<String> declared = Arrays.stream(ConcurrencyBenchmark.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
            if (columns != null) {
                columns.sort(Comparator.comparingInt(c -> rank(declared, c.getName())));
            }
            JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
            root.setDescription(description(ConcurrencyBenchmark.class));
            root.getProperties().get("spec").setDescription(description(ConcurrencyBenchmarkSpec.class));
            JSONSchemaProps status = root.getProperties().get("status");
            status.setDescription(description(ConcurrencyBenchmarkStatus.class));
            status.getProperties().get("conditions").getItems().getSchema().getProperties()
                    .forEach((field, schema) -> schema.setDescription(CONDITION_FIELDS.get(field)));
        }
        return crd;
    }

    private static String description(Class<?> type) {
        JsonClassDescription d = type.getAnnotation(JsonClassDescription.class);
        if (d == null) {
            throw new IllegalStateException(type.getSimpleName() + " needs a @JsonClassDescription for kubectl explain");
        }
        return d.value();
    }

    private static int rank(List<String> declared, String name) {
        int i = declared.indexOf(name);
        return i < 0 ? Integer.MAX_VALUE : i;
    }
}
