package dev.concbench.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files of kernel/contract/, which the Python kernel's tests read as well. */
final class Contract {

    private Contract() {
    }

    static JsonNode read(String name) {
        Path file = path(name);
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of kernel/contract/. */
    static Path path(String name) {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("contract").resolve(name);
    }

    /** The elements of a JSON array of strings. */
    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** The strategies this JVM runs, in the contract's order. */
    static List<String> supportedStrategies() {
        return Strategy.NAMES.stream().filter(name -> Strategy.unsupportedReason(name) == null).toList();
    }

    /** The strategies a JVM of this feature version runs, in the contract's order. */
    static List<String> supportedStrategies(int feature) {
        return Strategy.NAMES.stream().filter(name -> Strategy.unsupportedReason(name, feature, "x") == null).toList();
    }
}
