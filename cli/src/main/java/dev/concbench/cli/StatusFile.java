package dev.concbench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a benchmark status saved to a file, JSON or YAML: either the bare status object
 * ({@code concbench run -o json|yaml}) or a whole ConcurrencyBenchmark resource
 * ({@code kubectl get cb NAME -o yaml}); a one-element list of either is accepted too.
 */
public final class StatusFile {

    /** A status with the benchmark's name when the file held a whole resource (else null). */
    public record Loaded(String name, ConcurrencyBenchmarkStatus status) {
    }

    /** The file is not a status: the message is one line, for the user. */
    public static final class BadStatusFileException extends Exception {
        public BadStatusFileException(String message) {
            super(message);
        }
    }

    // YAML is a superset of JSON: one parser reads both.
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StatusFile() {
    }

    public static Loaded read(Path file) throws BadStatusFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BadStatusFileException(file + ": no such file");
        } catch (IOException e) {
            throw new BadStatusFileException(file + ": cannot read: " + e.getMessage());
        }
        JsonNode doc;
        try {
            doc = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadStatusFileException(file + ": not valid JSON or YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        return fromTree(doc, file.toString());
    }

    static Loaded fromTree(JsonNode doc, String source) throws BadStatusFileException {
        if (doc != null && doc.isObject() && doc.has("items") && doc.get("items").isArray()) {
            doc = doc.get("items"); // a kubectl List
        }
        if (doc != null && doc.isArray()) {
            if (doc.size() != 1) {
                throw new BadStatusFileException(source + ": holds " + doc.size()
                        + " statuses; report reads exactly one");
            }
            doc = doc.get(0);
        }
        if (doc == null || !doc.isObject()) {
            throw new BadStatusFileException(source + ": expected a status object or a ConcurrencyBenchmark resource");
        }
        String name = null;
        JsonNode statusNode = doc;
        boolean resource = doc.has("kind") || doc.has("apiVersion") || doc.has("spec") || doc.has("metadata");
        if (resource) {
            String kind = doc.path("kind").asText("");
            if (!kind.isEmpty() && !ManifestReader.KIND.equals(kind)) {
                throw new BadStatusFileException(source + ": kind is " + kind + ", expected " + ManifestReader.KIND);
            }
            statusNode = doc.get("status");
            name = doc.path("metadata").path("name").asText(null);
            if (statusNode == null || !statusNode.isObject()) {
                throw new BadStatusFileException(source + ": the ConcurrencyBenchmark"
                        + (name == null ? "" : " " + name) + " has no status yet");
            }
        } else if (!doc.has("results") && !doc.has("phase")) {
            throw new BadStatusFileException(source + ": neither a status (no phase or results) "
                    + "nor a ConcurrencyBenchmark resource");
        }
        try {
            ConcurrencyBenchmarkStatus status = MAPPER.treeToValue(statusNode, ConcurrencyBenchmarkStatus.class);
            if (status.getResults() == null || status.getResults().isEmpty()) {
                throw new BadStatusFileException(source + ": the status has no result rows");
            }
            return new Loaded(name, status);
        } catch (JsonProcessingException e) {
            throw new BadStatusFileException(source + ": not a valid status: "
                    + ManifestReader.describe("status", e));
        }
    }
}
