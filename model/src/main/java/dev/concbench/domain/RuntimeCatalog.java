package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's runtime catalog: the image of every named runtime (concbench.runtime-images,
 * which the chart writes from its {@code runtimes} values), and the default images of
 * {@code python} and {@code java}. A benchmark's {@code image} overrides them all. Configuration,
 * not an observation: {@link Lifecycle} resolves a benchmark's images from it.
 */
public final class RuntimeCatalog {

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

    /** Why {@code spec} cannot run here: a runtime it runs has no image (the spec is invalid here). */
    public List<String> unavailable(ConcurrencyBenchmarkSpec spec) {
        List<String> unavailable = new ArrayList<>();
        for (Runtime runtime : BenchmarkPlanner.sweepRuntimes(spec)) {
            if (runtime != null && image(spec, runtime).isEmpty()) { // an unknown runtime is the validator's
                unavailable.add("runtime " + runtime.value() + " has no image in the operator's runtime catalog "
                        + "(the chart's runtimes values); it has: python, java"
                        + (images.isEmpty() ? "" : ", " + String.join(", ", images.keySet())) + "; or set spec.image");
            }
        }
        return unavailable;
    }

    /** The image of the kernel pods of {@code runtime} (a run's, in a sweep over runtimes); empty when it has none. */
    public Optional<String> image(ConcurrencyBenchmarkSpec spec, Runtime runtime) {
        if (spec.getImage() != null) {
            return Optional.of(spec.getImage());
        }
        return switch (runtime) {
            case PYTHON -> Optional.of(pythonImage);
            case JAVA -> Optional.of(javaImage);
            default -> Optional.ofNullable(images.get(runtime.value())).filter(i -> !i.isBlank());
        };
    }
}
