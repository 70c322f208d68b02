package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.domain.KernelCommand;
import dev.concbench.domain.Names;
import dev.concbench.domain.Sha256;
import dev.concbench.domain.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Python kernel the operator ships (a build resource), and the ConfigMap a Python benchmark's pods
 * mount it from. The ConfigMap carries the script's hash as an annotation: the operator's cache keeps
 * no ConfigMap data, and the hash is what says whether the script is current.
 */
public final class KernelScript {

    private final String text;
    private final String sha256;

    private KernelScript(String text) {
        this.text = text;
        this.sha256 = Sha256.hex(text);
    }

    /** The script from the operator's resources, hashed once. */
    static KernelScript load() {
        try (InputStream in = KernelScript.class.getResourceAsStream("/kernel/" + JobFactory.KERNEL_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the Python kernel is missing from the operator's resources");
            }
            return new KernelScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code existing} holds this script, and the benchmark's inline source if it has one. */
    boolean isIn(ConfigMap existing, ConcurrencyBenchmark cb) {
        Map<String, String> annotations = existing == null ? null : existing.getMetadata().getAnnotations();
        String source = inlineSource(cb);
        return annotations != null && sha256.equals(annotations.get(Labels.ANNOTATION_KERNEL_SHA256))
                && java.util.Objects.equals(source == null ? null : Sha256.hex(source),
                annotations.get(Labels.ANNOTATION_SOURCE_SHA256));
    }

    /** The benchmark's workload.custom.source, or null. */
    private static String inlineSource(ConcurrencyBenchmark cb) {
        CustomWorkloadSpec custom = cb.getSpec() == null ? null : cb.getSpec().getWorkload().getCustom();
        return custom == null || custom.getEntrypoint() == null ? null : custom.getSource();
    }

    /**
     * This script's ConfigMap for the benchmark, with the hash made once: the dependent asks for it on
     * every reconcile of every Python benchmark (a new leader: all of them), and hashing the 20 KB
     * script each time was a tenth of a new leader's samples before it was ready (make bench-operator, JFR).
     */
    ConfigMap configMap(ConcurrencyBenchmark cb) {
        return configMap(cb, text, sha256);
    }

    /** The ConfigMap holding {@code script}, owned by the benchmark, mounted read-only into its pods. */
    public static ConfigMap configMap(ConcurrencyBenchmark cb, String script) {
        return configMap(cb, script, Sha256.hex(script));
    }

    /**
     * With an inline source (workload.custom.source) the ConfigMap holds it too, as the entrypoint's
     * module beside the script (the pods import it from there), its hash in an annotation of its own.
     */
    private static ConfigMap configMap(ConcurrencyBenchmark cb, String script, String sha256) {
        Map<String, String> annotations = new java.util.TreeMap<>(Map.of(Labels.ANNOTATION_KERNEL_SHA256, sha256));
        Map<String, String> data = new java.util.TreeMap<>(Map.of(JobFactory.KERNEL_SCRIPT, script));
        String source = inlineSource(cb);
        if (source != null) {
            annotations.put(Labels.ANNOTATION_SOURCE_SHA256, Sha256.hex(source));
            data.put(KernelCommand.sourceFile(cb.getSpec().getWorkload().getCustom()), source);
        }
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(Names.kernelConfigMapName(cb.getMetadata().getName(), cb.getMetadata().getUid()))
                    .withNamespace(cb.getMetadata().getNamespace())
                    .withLabels(Labels.ofBenchmark(cb.getMetadata().getName()))
                    .withAnnotations(annotations)
                    .withOwnerReferences(Owners.reference(cb))
                .endMetadata()
                .withData(data)
                .build();
    }
}
