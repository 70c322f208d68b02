package dev.concbench.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.domain.SpecValidator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads ConcurrencyBenchmark manifests, the files a user would {@code kubectl apply}, for
 * the local runner. Stricter than a lenient YAML mapping: an unknown spec field is an
 * error (a typo must not silently do nothing), as the API server's structural schema
 * would reject it. apiVersion, kind and metadata are read as Kubernetes reads them. A file
 * may also hold ConfigMaps (apiVersion v1): a custom workload's code, for kubectl apply and the
 * local runner alike.
 */
public final class ManifestReader {

    public static final String API_VERSION = ConcurrencyBenchmark.GROUP + "/" + ConcurrencyBenchmark.VERSION;
    public static final String KIND = "ConcurrencyBenchmark";
    static final String CONFIG_MAP = "ConfigMap";
    private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final ObjectMapper LENIENT = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManifestReader() {
    }

    /**
     * The benchmarks of a file (one or more YAML documents), each checked: apiVersion,
     * kind, metadata.name, known spec fields and {@link SpecValidator}.
     *
     * @throws InvalidManifestException naming every field that is wrong; nothing should run
     */
    public static List<ConcurrencyBenchmark> read(Path file) throws InvalidManifestException, IOException {
        return readManifest(file).benchmarks();
    }

    /** The benchmarks of a file and its ConfigMaps, by name. */
    public record Manifest(List<ConcurrencyBenchmark> benchmarks, Map<String, ConfigMap> configMaps) {
    }

    public static Manifest readManifest(Path file) throws InvalidManifestException, IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return readManifest(reader, file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidManifestException(file + ": no such file");
        }
    }

    public static List<ConcurrencyBenchmark> read(Reader reader, String source)
            throws InvalidManifestException, IOException {
        return readManifest(reader, source).benchmarks();
    }

    public static Manifest readManifest(Reader reader, String source) throws InvalidManifestException, IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (JsonParser parser = YAML.getFactory().createParser(reader);
             MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    documents.add(doc);
                }
            }
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(source + ": not valid YAML" + location(e.getLocation()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (RuntimeException e) {
            // MappingIterator wraps parse errors of later documents.
            Throwable cause = e.getCause() instanceof JsonProcessingException ? e.getCause() : e;
            String where = cause instanceof JsonProcessingException jpe ? location(jpe.getLocation()) : "";
            throw new InvalidManifestException(source + ": not valid YAML" + where + ": "
                    + (cause instanceof JsonProcessingException jpe2 ? jpe2.getOriginalMessage() : cause.getMessage())
                    .lines().findFirst().orElse(""));
        }
        if (documents.isEmpty()) {
            throw new InvalidManifestException(source + ": no ConcurrencyBenchmark in the file");
        }

        List<ConcurrencyBenchmark> benchmarks = new ArrayList<>();
        Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            String prefix = documents.size() > 1 ? source + " (document " + (i + 1) + "): " : source + ": ";
            List<String> own = new ArrayList<>();
            if (CONFIG_MAP.equals(documents.get(i).path("kind").asText(null))) {
                toConfigMap(documents.get(i), own).ifPresent(c -> configMaps.put(c.getMetadata().getName(), c));
                own.forEach(p -> problems.add(prefix + p));
                continue;
            }
            ConcurrencyBenchmark cb = toBenchmark(documents.get(i), own);
            if (cb != null && own.isEmpty()) {
                SpecValidator.validate(cb.getSpec()).forEach(own::add);
            }
            own.forEach(p -> problems.add(prefix + p));
            benchmarks.add(cb);
        }
        if (benchmarks.isEmpty() && problems.isEmpty()) {
            problems.add(source + ": no ConcurrencyBenchmark in the file");
        }
        if (!problems.isEmpty()) {
            throw new InvalidManifestException(problems);
        }
        return new Manifest(benchmarks, configMaps);
    }

    /** A ConfigMap document: apiVersion v1, a name, data and binaryData as the API has them. */
    private static Optional<ConfigMap> toConfigMap(JsonNode doc, List<String> problems) {
        if (!"v1".equals(doc.path("apiVersion").asText(null))) {
            problems.add("a ConfigMap's apiVersion must be v1");
        }
        try {
            ConfigMap configMap = LENIENT.treeToValue(doc, ConfigMap.class);
            if (configMap.getMetadata() == null || configMap.getMetadata().getName() == null) {
                problems.add("metadata.name is required");
                return Optional.empty();
            }
            return problems.isEmpty() ? Optional.of(configMap) : Optional.empty();
        } catch (JsonProcessingException e) {
            problems.add(describe("ConfigMap", e));
            return Optional.empty();
        }
    }

    private static ConcurrencyBenchmark toBenchmark(JsonNode doc, List<String> problems) {
        if (!doc.isObject()) {
            problems.add("expected a ConcurrencyBenchmark object, got " + doc.getNodeType().name().toLowerCase());
            return null;
        }
        for (Iterator<String> names = doc.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_LEVEL.contains(name)) {
                problems.add(name + ": unknown field (a manifest has apiVersion, kind, metadata and spec)");
            }
        }
        String apiVersion = doc.path("apiVersion").asText(null);
        String kind = doc.path("kind").asText(null);
        if (!API_VERSION.equals(apiVersion)) {
            problems.add("apiVersion must be " + API_VERSION + ", got " + (apiVersion == null ? "nothing" : apiVersion));
        }
        if (!KIND.equals(kind)) {
            problems.add("kind must be " + KIND + ", got " + (kind == null ? "nothing" : kind));
        }

        ConcurrencyBenchmark cb = new ConcurrencyBenchmark();
        JsonNode metadata = doc.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            problems.add("metadata.name is required");
        } else {
            try {
                cb.setMetadata(LENIENT.treeToValue(metadata, ObjectMeta.class));
            } catch (JsonProcessingException e) {
                problems.add(describe("metadata", e));
            }
            String name = cb.getMetadata().getName();
            if (name == null || name.isBlank()) {
                problems.add("metadata.name is required");
            } else if (name.length() > 63 || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                problems.add("metadata.name must be a DNS label (lower case letters, digits and '-', at most 63 "
                        + "characters), got \"" + name + "\"");
            }
        }

        JsonNode spec = doc.get("spec");
        if (spec == null || spec.isNull()) {
            problems.add("spec is required");
            return cb;
        }
        try {
            ConcurrencyBenchmarkSpec parsed = YAML.treeToValue(spec, ConcurrencyBenchmarkSpec.class);
            if (parsed == null) {
                problems.add("spec is required");
                return cb;
            }
            cb.setSpec(parsed);
        } catch (JsonProcessingException e) {
            problems.add(describe("spec", e));
        }
        return cb;
    }

    /** A mapping error as "field.path: what is wrong". */
    static String describe(String root, JsonProcessingException e) {
        String path = e instanceof JsonMappingException jme ? path(root, jme.getPath()) : root;
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return path + ": unknown field" + (known.isEmpty() ? "" : " (known fields here: " + known + ")");
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return path + ": unknown value \"" + f.getValue() + "\" (expected one of: "
                    + String.join(", ", enumValues(f.getTargetType())) + ")";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return path + ": expected " + typeName(m.getTargetType()) + location(e.getLocation());
        }
        return path + ": " + e.getOriginalMessage().lines().findFirst().orElse("invalid value");
    }

    private static String path(String root, List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder(root);
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                sb.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The enum's constants as a manifest spells them (as Jackson writes them: the API enums' value). */
    private static List<String> enumValues(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(c -> LENIENT.convertValue(c, String.class)).toList();
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    private static String location(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ")";
    }
}
