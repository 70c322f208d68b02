package dev.concbench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Runs commands for the e2e tier and the operator benchmark: the REAL kubectl and helm binaries (paths from
 * {@code e2e/install-tools --print-env}, passed by e2e/run as KUBECTL and HELM; KUBECONFIG points at the
 * local control plane), and any other ({@link #run}: bin/concbench, e2e/nodes, jcmd).
 */
final class Commands {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KUBECTL = required("KUBECTL");
    static final String HELM = required("HELM");
    static final Path REPO = Path.of(System.getProperty("concbench.repo",
            Objects.toString(System.getenv("CONCBENCH_REPO"), ".."))).toAbsolutePath().normalize();
    static final Path STATE = Path.of(Objects.toString(System.getenv("CONCBENCH_E2E_DIR"), "/tmp/concbench-e2e"));

    private Commands() {
    }

    static CommandResult kubectl(String... args) {
        return run(null, prepend(KUBECTL, args));
    }

    /** kubectl with a manifest on stdin, e.g. {@code kubectlIn(yaml, "apply", "-n", ns, "-f", "-")}. */
    static CommandResult kubectlIn(String stdin, String... args) {
        return run(stdin, prepend(KUBECTL, args));
    }

    static CommandResult helm(String... args) {
        return run(null, prepend(HELM, args));
    }

    /** kubectl get ... -o json, parsed; fails the test when kubectl fails. */
    static JsonNode json(String... args) {
        String[] full = Arrays.copyOf(args, args.length + 2);
        full[args.length] = "-o";
        full[args.length + 1] = "json";
        CommandResult r = kubectl(full);
        if (!r.ok()) {
            throw new AssertionError("kubectl failed:\n" + r);
        }
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The items of a kubectl list (empty when kubectl fails, e.g. the kind is not known yet). */
    static List<JsonNode> items(String... args) {
        List<JsonNode> list = new ArrayList<>();
        json(args).path("items").forEach(list::add);
        return list;
    }

    static CommandResult run(String stdin, List<String> command) {
        return CommandResult.of(stdin, command, Duration.ofMinutes(5));
    }

    private static List<String> prepend(String binary, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the suite with e2e/run (it sets KUBECTL, HELM, "
                    + "KUBECONFIG from e2e/install-tools and e2e/cluster)");
        }
        return value;
    }
}
