package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * TEST FIXTURE part of {@link NodeAgent}: which local command stands for which container
 * image. Read from ONE file, {@code e2e/node-agent-images.yaml}:
 *
 * <pre>
 * images:
 *   - pattern: "python:*"          # glob over the image reference, * = any characters
 *     entrypoint: [python3]        # the image's ENTRYPOINT, as a local command
 *     env: {KEY: value}            # optional: the image's ENV
 * </pre>
 *
 * An image that no pattern matches cannot be "pulled": the agent reports ErrImagePull
 * and then ImagePullBackOff, like a kubelet. Relative paths in an entrypoint (tokens
 * holding a '/' that do not start with '/' or '-') resolve against the base directory
 * (the repository root, or e2e/run's snapshot of the build outputs with the same layout),
 * so {@code kernel/target/concbench-kernel.jar} works from anywhere.
 */
final class ImageMap {

    /** One mapping: the image's entrypoint and environment on this machine. */
    record Image(String pattern, List<String> entrypoint, Map<String, String> env) {
    }

    private record Entry(Pattern regex, Image image) {
    }

    private final List<Entry> entries;

    private ImageMap(List<Entry> entries) {
        this.entries = entries;
    }

    static ImageMap load(Path file, Path baseDir) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        List<Entry> entries = new ArrayList<>();
        JsonNode images = root == null ? null : root.get("images");
        if (images == null || !images.isArray()) {
            throw new IOException(file + ": expected a list under `images:`");
        }
        for (JsonNode node : images) {
            String pattern = text(node, "pattern", file);
            List<String> entrypoint = new ArrayList<>();
            JsonNode ep = node.get("entrypoint");
            if (ep == null || !ep.isArray() || ep.isEmpty()) {
                throw new IOException(file + ": image " + pattern + " needs a non-empty `entrypoint:` list");
            }
            ep.forEach(t -> entrypoint.add(resolve(t.asText(), baseDir)));
            Map<String, String> env = new LinkedHashMap<>();
            JsonNode e = node.get("env");
            if (e != null) {
                e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
            }
            entries.add(new Entry(glob(pattern), new Image(pattern, List.copyOf(entrypoint), env)));
        }
        return new ImageMap(entries);
    }

    /** The first mapping whose pattern matches the whole image reference. */
    Optional<Image> find(String image) {
        if (image == null) {
            return Optional.empty();
        }
        return entries.stream().filter(e -> e.regex().matcher(image).matches()).map(Entry::image).findFirst();
    }

    private static String text(JsonNode node, String field, Path file) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || v.asText().isBlank()) {
            throw new IOException(file + ": every image needs `" + field + ":`");
        }
        return v.asText();
    }

    /** A glob over the whole image reference: {@code *} matches any characters, nothing else is special. */
    static Pattern glob(String glob) {
        StringJoiner regex = new StringJoiner(".*");
        for (String part : glob.split("\\*", -1)) {
            regex.add(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static String resolve(String token, Path baseDir) {
        if (token.startsWith("/") || token.startsWith("-") || !token.contains("/")) {
            return token;
        }
        return baseDir.resolve(token).normalize().toString();
    }
}
