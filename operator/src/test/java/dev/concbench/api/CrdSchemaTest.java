package dev.concbench.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed CRD (the build fails when it differs from the generated one) reads well for a
 * person: every field documented for kubectl explain, the printer columns in the order kubectl
 * should show them. The schema's validation itself is tested against a real API server (e2e).
 */
class CrdSchemaTest {

    private static final Path CRD = Path.of(System.getProperty("user.dir")).resolve(
            "../crds/concurrencybenchmarks.concbench.dev-v1.yml").normalize();

    private static JsonNode version() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(CRD.toFile()).path("spec").path("versions").get(0);
    }

    @Test
    void everyFieldHasADescription() throws IOException {
        JsonNode root = version().path("schema").path("openAPIV3Schema");
        List<String> undocumented = new ArrayList<>();
        walk(root, "cb", undocumented);
        assertThat(undocumented).as("fields without a description (kubectl explain shows them empty)").isEmpty();
        assertThat(root.path("description").asText()).contains("benchmark of concurrency strategies");
        assertThat(root.at("/properties/spec/description").asText()).startsWith("What to measure");
        assertThat(root.at("/properties/status/description").asText()).startsWith("What the operator observed");
    }

    private static void walk(JsonNode schema, String path, List<String> undocumented) {
        if (!schema.hasNonNull("description")) {
            undocumented.add(path);
        }
        schema.path("properties").fields().forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), undocumented));
        schema.path("items").path("properties").fields()
                .forEachRemaining(e -> walk(e.getValue(), path + "[]." + e.getKey(), undocumented));
    }

    @Test
    void printerColumnsLeadWithWhatAPersonScansAndWideAddsTheRest() throws IOException {
        List<Map.Entry<String, Integer>> columns = new ArrayList<>();
        version().path("additionalPrinterColumns").forEach(c ->
                columns.add(Map.entry(c.path("name").asText(), c.path("priority").asInt())));
        assertThat(columns).containsExactly(
                Map.entry("Phase", 0), Map.entry("Progress", 0), Map.entry("Fastest", 0), Map.entry("Speedup", 0),
                Map.entry("Vs-Baseline", 0), Map.entry("Age", 0),
                Map.entry("Runtime", 1), Map.entry("Workload", 1), Map.entry("Reason", 1), Map.entry("Baseline", 1));
    }

    @Test
    void resourcesAreValidatedAsQuantitiesAndTolerationsAsEnums() throws IOException {
        JsonNode spec = version().at("/schema/openAPIV3Schema/properties/spec/properties");
        JsonNode resources = spec.path("resources");
        assertThat(resources.path("properties").has("claims")).as("resources.claims is not offered").isFalse();
        assertThat(resources.at("/properties/requests/x-kubernetes-validations/0/rule").asText()).contains("isQuantity");
        assertThat(resources.at("/x-kubernetes-validations/0/rule").asText()).contains("compareTo");
        JsonNode toleration = spec.at("/placement/properties/tolerations/items/properties");
        assertThat(toleration.at("/operator/enum").toString()).isEqualTo("[\"Equal\",\"Exists\"]");
        assertThat(toleration.at("/effect/enum").toString()).isEqualTo("[\"NoExecute\",\"NoSchedule\",\"PreferNoSchedule\"]");
    }

    /** Issue 20's rules, in the schema (kube-apiserver enforces them at apply; FaultsE2eIT applies them). */
    @Test
    void aMissingSpecUnboundedFanOutAndAShortTtlAreRefusedByTheSchema() throws IOException {
        JsonNode root = version().at("/schema/openAPIV3Schema");
        List<String> rootRules = new ArrayList<>();
        root.path("x-kubernetes-validations").forEach(r -> rootRules.add(r.path("rule").asText() + " | "
                + r.path("message").asText()));
        assertThat(rootRules).anySatisfy(r -> assertThat(r).startsWith("has(self.spec) | spec is required"));
        List<String> specRules = new ArrayList<>();
        root.at("/properties/spec/x-kubernetes-validations").forEach(r -> specRules.add(r.path("rule").asText()));
        assertThat(specRules).anySatisfy(r -> assertThat(r).contains("'processes'", "<= 256"))
                .anySatisfy(r -> assertThat(r).contains("'threads'", "<= 1024"));
        JsonNode spec = root.path("properties").path("spec").path("properties");
        assertThat(spec.at("/ttlSecondsAfterFinished/minimum").asInt()).isEqualTo(300);
        assertThat(spec.at("/schedulingTimeoutSeconds/default").asInt()).isEqualTo(300);
        assertThat(spec.at("/strategies/description").asText()).contains("at most 1024 calls with threads and 256");
    }
}
