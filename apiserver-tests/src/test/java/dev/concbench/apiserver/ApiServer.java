package dev.concbench.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.concbench.e2e.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A real kube-apiserver with its etcd for one test class, the committed CRD (crds/) installed and
 * established: no nodes, no controllers. The binaries are those e2e/install-tools builds for the
 * version e2e/versions.env pins; io.fabric8:kube-api-test starts them. In a test class:
 * {@code @RegisterExtension static final ApiServer API = new ApiServer();}
 */
final class ApiServer implements BeforeAllCallback, AfterAllCallback {

    static final Path REPO = Path.of(System.getProperty("concbench.repo", "..")).toAbsolutePath().normalize();
    static final Path CRD = REPO.resolve("crds/concurrencybenchmarks.concbench.dev-v1.yml");
    static final Path CHART = REPO.resolve("charts/concbench-operator");
    static final String API_VERSION = "concbench.dev/v1alpha1";
    static final String KIND = "ConcurrencyBenchmark";
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** KUBECTL, HELM, KUBE_API_TEST_DIR, K8S_VERSION, ... as e2e/install-tools prints them; once per JVM. */
    private static Map<String, String> tools;

    private KubeAPIServer server;
    private KubernetesClient client;
    private Path kubeconfig;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Map<String, String> env = tools();
        long start = System.nanoTime();
        server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(env.get("KUBE_API_TEST_DIR"))
                .withApiServerVersion(env.get("K8S_VERSION"))
                // Only loopback: nothing else on the network reaches it.
                .withApiServerFlag("--bind-address", "127.0.0.1")
                .withUpdateKubeConfig(false)
                .build());
        server.start();
        long ready = System.nanoTime();
        String config = server.getKubeConfigYaml();
        kubeconfig = Files.createTempFile("apiserver-tests-", ".kubeconfig");
        Files.writeString(kubeconfig, config);
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(config)).build();
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .load(CRD.toFile()).item();
        client.resource(crd).create();
        await("the CRD is established").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .get().getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
        System.out.printf("[apiserver] %s: kube-apiserver v%s ready in %.1f s, CRD established %.1f s later%n",
                context.getDisplayName(), env.get("K8S_VERSION"), (ready - start) / 1e9, (System.nanoTime() - ready) / 1e9);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
        if (kubeconfig != null) {
            Files.deleteIfExists(kubeconfig);
        }
    }

    KubernetesClient client() {
        return client;
    }

    MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> benchmarks() {
        return client.genericKubernetesResources(API_VERSION, KIND);
    }

    /** Creates the namespace if it is not there yet. */
    String namespace(String name) {
        if (client.namespaces().withName(name).get() == null) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
        return name;
    }

    /**
     * A ConcurrencyBenchmark manifest: a small valid one ({@link #BASE}) with {@code patch} merged in
     * as a JSON merge patch (RFC 7386: maps merge, anything else replaces, null removes), written in
     * YAML, e.g. {@code spec: {pods: 2, workload: {tasks: 8}}}. Sent as it is: no Java type adds
     * defaults on the way.
     */
    static GenericKubernetesResource benchmark(String name, String patch) {
        try {
            ObjectNode manifest = (ObjectNode) YAML.readTree(BASE);
            ((ObjectNode) manifest.path("metadata")).put("name", name);
            if (patch != null && !patch.isBlank()) {
                mergePatch(manifest, YAML.readTree(patch));
            }
            return JSON.treeToValue(manifest, GenericKubernetesResource.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The smallest valid benchmark: an I/O workload of 4 calls of 20 ms. */
    static final String BASE = """
            apiVersion: concbench.dev/v1alpha1
            kind: ConcurrencyBenchmark
            metadata: {name: base}
            spec:
              workload: {type: io, size: 20, tasks: 4}
            """;

    private static void mergePatch(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && target.path(field.getKey()).isObject()) {
                mergePatch((ObjectNode) target.get(field.getKey()), value);
            } else {
                target.set(field.getKey(), value);
            }
        }
    }

    static String yaml(HasMetadata resource) {
        try {
            return YAML.writeValueAsString(resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ kubectl and helm

    /** The real kubectl, pointed at this class's API server; {@code stdin} may be null. */
    CommandResult kubectl(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(tools().get("KUBECTL"), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return run(stdin, command);
    }

    /** The real helm, e.g. {@code helm("template", "x", CHART.toString(), "--set", ...)}; needs no cluster. */
    static CommandResult helm(String... args) {
        List<String> command = new ArrayList<>(List.of(tools().get("HELM")));
        command.addAll(List.of(args));
        return run(null, command);
    }

    private static CommandResult run(String stdin, List<String> command) {
        return CommandResult.of(stdin, command, Duration.ofMinutes(2));
    }

    /**
     * The tools' paths from {@code e2e/install-tools --print-env}: instant when they are installed
     * (make unit installs them first); otherwise it builds them, which takes minutes the first time.
     */
    static synchronized Map<String, String> tools() {
        if (tools == null) {
            CommandResult r = run(null, List.of(REPO.resolve("e2e/install-tools").toString(), "--print-env", "--quiet"));
            if (!r.ok()) {
                throw new IllegalStateException("e2e/install-tools could not provide kube-apiserver, etcd, kubectl and "
                        + "helm for the API-server tier (make unit runs it first):\n" + r);
            }
            Map<String, String> env = new LinkedHashMap<>();
            r.out().lines().filter(l -> l.contains("=")).forEach(l ->
                    env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
            tools = env;
        }
        return tools;
    }
}
