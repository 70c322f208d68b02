package dev.concbench.operator;

import dev.concbench.domain.BenchmarkPolicy;
import dev.concbench.domain.RuntimeCatalog;
import io.fabric8.kubernetes.api.model.Quantity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The operator's own settings (application.properties, or CONCBENCH_* environment variables). */
@ConfigMapping(prefix = "concbench")
public interface OperatorConfig {

    /** Benchmarks running at once across the cluster; the rest are Queued in creation order. */
    @WithDefault("1")
    int maxConcurrentBenchmarks();

    /** Image for runtime python: any image with python3; the kernel is mounted from a ConfigMap. */
    @WithDefault("python:3.11-slim")
    String pythonImage();

    /** Image for runtime java: the project's kernel image. */
    String kernelImage();

    /**
     * Images of the named runtimes, {@code name=image,name=image} (the chart writes it from its
     * runtimes values); python and java use the two images above.
     */
    Optional<String> runtimeImages();

    /** The images above as the domain's runtime catalog. */
    default RuntimeCatalog runtimeCatalog() {
        return new RuntimeCatalog(pythonImage(), kernelImage(), pairs(runtimeImages().orElse("")));
    }

    /**
     * Requests and limits of the kernel pods of a benchmark whose spec.resources is not set, as JSON in a
     * container's resources shape, {@code {"requests":{"cpu":"100m"},"limits":{"memory":"4Gi"}}} (the
     * chart writes it from kernel.defaultResources). Empty: none.
     */
    Optional<String> kernelDefaultResources();

    /** Seconds from "all pods of a multi-pod run are running" to their common start. */
    @WithDefault("2")
    int startDelaySeconds();

    /**
     * A NetworkPolicy per benchmark for its kernel pods ({@link KernelNetworkPolicy}); the chart's
     * kernel.networkPolicy.enabled. Off: the operator neither makes nor watches NetworkPolicies.
     */
    @WithDefault("true")
    boolean kernelNetworkPolicy();

    /** What benchmark authors may ask for: the chart's policy values (same defaults). */
    Policy policy();

    interface Policy {
        /** spec.image may replace the runtime catalog's image. */
        @WithDefault("false")
        boolean allowImageOverride();

        /** With allowImageOverride: the prefixes spec.image must start with (comma-separated); none: any. */
        Optional<List<String>> allowedImagePrefixes();

        /** keyed, any or none. */
        @WithDefault("keyed")
        String allowTolerations();

        /** With keyed: the taint keys a toleration may name (comma-separated); none: any. */
        Optional<List<String>> allowedTolerationKeys();

        /**
         * The largest request per kernel pod: {@code name=quantity,...}, as the chart writes it; {@code none}:
         * no maximum (an empty value would be no value at all, and the operator would not start).
         */
        @WithDefault("cpu=4,memory=8Gi")
        String maxRequests();

        /** The largest limit per kernel pod: {@code name=quantity,...}; {@code none}: no maximum. */
        @WithDefault("cpu=4,memory=8Gi")
        String maxLimits();

        default BenchmarkPolicy toPolicy() {
            return new BenchmarkPolicy(allowImageOverride(), allowedImagePrefixes().orElse(List.of()),
                    BenchmarkPolicy.Tolerations.of(allowTolerations()), allowedTolerationKeys().orElse(List.of()),
                    quantities(maxRequests()), quantities(maxLimits()));
        }

        private static Map<String, Quantity> quantities(String pairs) {
            Map<String, Quantity> quantities = new LinkedHashMap<>();
            pairs(pairs).forEach((name, value) -> quantities.put(name, new Quantity(value)));
            return quantities;
        }
    }

    /** {@code name=value,name=value} (how the chart passes maps), in order; entries without a value left out. */
    static Map<String, String> pairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && eq < entry.strip().length()) {
                pairs.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
            }
        }
        return pairs;
    }
}
