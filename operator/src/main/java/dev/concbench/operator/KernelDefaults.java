package dev.concbench.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.KernelResources;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.Map;

/**
 * What a kernel pod gets when its benchmark's spec leaves it out: the resources of the chart's
 * kernel.defaultResources ({@code concbench.kernel-default-resources}). A spec that sets any
 * resources keeps exactly its own: half a default (a request without the user's limit) could make
 * a pod the API server refuses.
 */
public final class KernelDefaults {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final KernelResources resources;

    private KernelDefaults(KernelResources resources) {
        this.resources = resources;
    }

    public static final KernelDefaults NONE = new KernelDefaults(null);

    /** Parses the operator's setting; a bad one stops the operator at start-up, saying which value. */
    public static KernelDefaults parse(String json) {
        if (json == null || json.isBlank() || json.strip().equals("{}") || json.strip().equals("null")) {
            return NONE;
        }
        KernelResources parsed;
        try {
            parsed = JSON.readValue(json, KernelResources.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("concbench.kernel-default-resources is not {\"requests\": {...}, "
                    + "\"limits\": {...}} (the chart's kernel.defaultResources): " + json);
        }
        check("requests", parsed.getRequests());
        check("limits", parsed.getLimits());
        return new KernelDefaults(parsed);
    }

    private static void check(String map, Map<String, Quantity> values) {
        if (values == null) {
            return;
        }
        values.forEach((name, q) -> {
            try {
                Quantity.getAmountInBytes(q);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("concbench.kernel-default-resources: " + map + "." + name
                        + " is not a quantity such as 500m, 2 or 1Gi: " + q);
            }
        });
    }

    /** The kernel container's resources: the spec's when it has any, else these defaults (null: none). */
    public ResourceRequirements of(ConcurrencyBenchmarkSpec spec) {
        KernelResources own = spec.getResources();
        boolean hasOwn = own != null && ((own.getRequests() != null && !own.getRequests().isEmpty())
                || (own.getLimits() != null && !own.getLimits().isEmpty()));
        KernelResources chosen = hasOwn ? own : resources;
        return chosen == null ? null : chosen.toResourceRequirements();
    }
}
