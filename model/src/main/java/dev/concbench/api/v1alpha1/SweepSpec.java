package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

import static dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec.MAX_PODS;
import static dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec.MAX_WORKERS;

/**
 * A grid of runs: one per (runtime, pods, workers) combination, run in the order listed (runtimes
 * outer, then pods). Its entries have the bounds of spec.pods and spec.workers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class SweepSpec {

    @JsonPropertyDescription("Pod counts to measure (each 1 to " + MAX_PODS + ", distinct). Replaces spec.pods. "
            + "A single-pod sequential baseline run is added when 1 is not listed.")
    @Size(min = 1, max = 8)
    @ValidationRule(value = "self.all(p, p >= 1 && p <= " + MAX_PODS + ")",
            message = "sweep.pods entries must be between 1 and " + MAX_PODS)
    @ValidationRule(value = "self.all(p, self.exists_one(q, q == p))", message = "sweep.pods must not repeat")
    private List<Integer> pods;

    @JsonPropertyDescription("Pool sizes to measure (each 0 to " + MAX_WORKERS + ", distinct; 0 = the pod's CPUs). "
            + "Replaces spec.workers.")
    @Size(min = 1, max = 8)
    @ValidationRule(value = "self.all(w, w >= 0 && w <= " + MAX_WORKERS + ")",
            message = "sweep.workers entries must be between 0 and " + MAX_WORKERS)
    @ValidationRule(value = "self.all(w, self.exists_one(v, v == w))", message = "sweep.workers must not repeat")
    private List<Integer> workers;

    @JsonPropertyDescription("Runtimes of the operator's catalog to measure, each once (replaces spec.runtime): "
            + "one run per runtime and point of pods and workers, each with that runtime's image. Speedups are "
            + "per runtime, against its own single-pod sequential row; each row's relativeToFirstRuntime compares "
            + "it with the first runtime's sequential row. A strategy a runtime's kind never runs (asyncio on "
            + "java, virtual-threads on python) is skipped on that runtime and named in the status. "
            + "Not with spec.image (one image cannot be several runtimes).")
    @Size(min = 1, max = 11)
    @ValidationRule(value = "self.all(r, self.exists_one(q, q == r))", message = "sweep.runtimes must not repeat")
    private List<Runtime> runtimes;

    public SweepSpec() {
    }

    public SweepSpec(List<Integer> pods, List<Integer> workers) {
        this.pods = pods;
        this.workers = workers;
    }
}
