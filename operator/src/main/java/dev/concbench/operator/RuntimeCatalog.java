package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's runtime catalog: the image of every named runtime (concbench.runtime-images,
 * which the chart writes from its {@code runtimes} values), and the default images of
 * {@code python} and {@code java}. A benchmark's {@code image} overrides them all.
 */
public final class RuntimeCatalog {

    /** A benchmark names a runtime the operator has no image for: it cannot run as written. */
    public static final class NotConfigured extends ApiRefusal.Refused {
        NotConfigured(String message) {
            super("InvalidSpec", message);
        }
    }

    private final String pythonImage;
    private final String javaImage;
    private final Map<String, String> images;

    public RuntimeCatalog(String pythonImage, String javaImage, Map<String, String> images) {
        this.pythonImage = pythonImage;
        this.javaImage = javaImage;
        // In the order of the catalog (the API's), so messages list them the same way every time.
        Map<String, String> ordered = new LinkedHashMap<>();
        for (Runtime r : Runtime.values()) {
            if (images.containsKey(r.value())) {
                ordered.put(r.value(), images.get(r.value()));
            }
        }
        this.images = Collections.unmodifiableMap(ordered);
    }

    static RuntimeCatalog of(OperatorConfig config) {
        return new RuntimeCatalog(config.pythonImage(), config.kernelImage(),
                OperatorConfig.pairs(config.runtimeImages().orElse("")));
    }

    /** The image of the kernel pods of the benchmark's runtime. */
    public String image(ConcurrencyBenchmarkSpec spec) {
        return image(spec, spec.getRuntime());
    }

    /** The image of the kernel pods of {@code runtime} (a run's, in a sweep over runtimes). */
    public String image(ConcurrencyBenchmarkSpec spec, Runtime runtime) {
        if (spec.getImage() != null) {
            return spec.getImage();
        }
        return switch (runtime) {
            case PYTHON -> pythonImage;
            case JAVA -> javaImage;
            default -> Optional.ofNullable(images.get(runtime.value())).filter(i -> !i.isBlank())
                    .orElseThrow(() -> new NotConfigured("runtime " + runtime.value() + " has no image in the "
                            + "operator's runtime catalog (the chart's runtimes values); it has: python, java"
                            + (images.isEmpty() ? "" : ", " + String.join(", ", images.keySet()))
                            + "; or set spec.image"));
        };
    }
}
