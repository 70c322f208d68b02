package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * JSON schemas for kubeconform, made from what the test API server itself serves ({@code /openapi/v2})
 * and from the project's CRD: kubeconform cannot download its schemas here. The layout is the one of
 * the schema repositories kubeconform reads ({@code <kind>-<group>-<version>.json} whose
 * {@code $ref}s point into {@code _definitions.json}), strict: an object with declared properties
 * admits no other (a misspelt field fails), int-or-string and quantities take both.
 */
final class OpenApiSchemas {

    private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private OpenApiSchemas() {
    }

    /** Writes the schemas into {@code dir}; returns kubeconform's -schema-location for them. */
    static String write(JsonNode openApiV2, Path crd, Path dir) {
        try {
            Files.createDirectories(dir);
            ObjectNode definitions = (ObjectNode) openApiV2.path("definitions").deepCopy();
            for (String either : new String[]{INT_OR_STRING, QUANTITY}) {
                definitions.set(either, intOrString());
            }
            definitions.forEach(OpenApiSchemas::strict);
            ObjectNode all = Commands.JSON.createObjectNode();
            all.set("definitions", definitions);
            Files.writeString(dir.resolve("_definitions.json"), all.toString());
            for (Iterator<Map.Entry<String, JsonNode>> it = definitions.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> d = it.next();
                for (JsonNode gvk : d.getValue().path("x-kubernetes-group-version-kind")) {
                    ObjectNode schema = Commands.JSON.createObjectNode();
                    schema.put("$ref", "_definitions.json#/definitions/" + d.getKey());
                    Files.writeString(dir.resolve(fileName(gvk.path("kind").asText(), gvk.path("group").asText(),
                            gvk.path("version").asText())), schema.toString());
                }
            }
            JsonNode doc = new YAMLMapper().readTree(crd.toFile());
            String group = doc.path("spec").path("group").asText();
            String kind = doc.path("spec").path("names").path("kind").asText();
            for (JsonNode version : doc.path("spec").path("versions")) {
                ObjectNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
                crdTypes(schema);
                // What every object has, and the API server adds to a CRD's schema.
                ObjectNode properties = schema.with("properties");
                properties.putObject("apiVersion").put("type", "string");
                properties.putObject("kind").put("type", "string");
                properties.putObject("metadata").put("$ref", "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
                strict(schema);
                Files.writeString(dir.resolve(fileName(kind, group, version.path("name").asText())), schema.toString());
            }
            return dir + "/{{ .ResourceKind }}{{ .KindSuffix }}.json";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kubeconform's name: the kind in lower case, the group's first label, the version. */
    private static String fileName(String kind, String group, String version) {
        String g = group.isEmpty() ? "" : "-" + group.split("\\.")[0];
        return (kind + g + "-" + version).toLowerCase(Locale.ROOT) + ".json";
    }

    private static ObjectNode intOrString() {
        ObjectNode node = Commands.JSON.createObjectNode();
        ArrayNode oneOf = node.putArray("oneOf");
        oneOf.addObject().put("type", "string");
        oneOf.addObject().put("type", "integer");
        return node;
    }

    /**
     * A schema and the schemas in it (properties, items, additionalProperties, allOf/anyOf/oneOf): its
     * {@code #/definitions} references rewritten into {@code _definitions.json}, every object that
     * declares its properties closed to others.
     */
    private static void strict(JsonNode schema) {
        if (!(schema instanceof ObjectNode object)) {
            return;
        }
        JsonNode ref = object.get("$ref");
        if (ref != null && ref.asText().startsWith("#/definitions/")) {
            object.put("$ref", "_definitions.json" + ref.asText());
        }
        if (object.has("properties") && !object.has("additionalProperties")
                && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            object.put("additionalProperties", false);
        }
        subschemas(object).forEach(OpenApiSchemas::strict);
    }

    /** A CRD's schema as JSON schema: an int-or-string field takes both. */
    private static void crdTypes(JsonNode schema) {
        if (!(schema instanceof ObjectNode object)) {
            return;
        }
        if (object.path("x-kubernetes-int-or-string").asBoolean()) {
            object.remove("type");
            object.setAll(intOrString());
        }
        subschemas(object).forEach(OpenApiSchemas::crdTypes);
    }

    private static java.util.List<JsonNode> subschemas(ObjectNode schema) {
        java.util.List<JsonNode> sub = new java.util.ArrayList<>();
        schema.path("properties").forEach(sub::add);
        sub.add(schema.path("items"));
        sub.add(schema.path("additionalProperties"));
        for (String combinator : new String[]{"allOf", "anyOf", "oneOf"}) {
            schema.path(combinator).forEach(sub::add);
        }
        return sub;
    }
}
