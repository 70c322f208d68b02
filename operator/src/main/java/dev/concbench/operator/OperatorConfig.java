package dev.concbench.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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

    /**
     * Requests and limits of the kernel pods of a benchmark whose spec.resources is not set, as JSON in a
     * container's resources shape, {@code {"requests":{"cpu":"100m"},"limits":{"memory":"4Gi"}}} (the
     * chart writes it from kernel.defaultResources). Empty: none.
     */
    Optional<String> kernelDefaultResources();

    /** Seconds from "all pods of a multi-pod run are running" to their common start. */
    @WithDefault("2")
    int startDelaySeconds();
}
