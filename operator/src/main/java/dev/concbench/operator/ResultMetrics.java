package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ResultRow;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A finished benchmark's result rows on {@code /q/metrics}: median wall time, speedup and
 * efficiency per (runtime, strategy, pods, workers). The series of a benchmark are replaced when
 * it finishes again (a new generation) and removed when it is deleted, so their number stays
 * bounded by the benchmarks that exist.
 */
@ApplicationScoped
public class ResultMetrics {

    static final String MEDIAN = "concbench.result.median";
    static final String SPEEDUP = "concbench.result.speedup";
    static final String EFFICIENCY = "concbench.result.efficiency";

    private final MeterRegistry registry;
    private final Map<ResourceID, List<Meter>> published = new ConcurrentHashMap<>();

    @Inject
    public ResultMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Publishes the rows of a benchmark that just succeeded, in place of any it had before. */
    public void publish(ConcurrencyBenchmark cb) {
        ResourceID id = ResourceID.fromResource(cb);
        remove(id);
        if (cb.getStatus() == null || cb.getStatus().getResults() == null) {
            return;
        }
        String runtime = cb.getStatus().getEnvironment() != null && cb.getStatus().getEnvironment().getRuntime() != null
                ? cb.getStatus().getEnvironment().getRuntime() : String.valueOf(cb.getSpec().getRuntime());
        List<Meter> meters = new ArrayList<>();
        for (ResultRow row : cb.getStatus().getResults()) {
            Tags tags = Tags.of("namespace", cb.getMetadata().getNamespace(), "benchmark", cb.getMetadata().getName(),
                    // a row of a sweep over runtimes names its own
                    "runtime", row.getRuntime() != null ? row.getRuntime() : runtime, "strategy", row.getStrategy(), "pods", String.valueOf(row.getPods()),
                    "workers", String.valueOf(row.getWorkers()));
            gauge(meters, MEDIAN, "seconds", "Median wall time of a result row", tags, row, ResultRow::getMedian);
            gauge(meters, SPEEDUP, null, "Speedup of a result row over the single-pod sequential baseline", tags, row,
                    ResultRow::getSpeedup);
            gauge(meters, EFFICIENCY, null, "Speedup divided by the parallelism really available", tags, row,
                    ResultRow::getEfficiency);
        }
        published.put(id, meters);
    }

    private void gauge(List<Meter> meters, String name, String unit, String help, Tags tags, ResultRow row,
                       Function<ResultRow, Double> value) {
        Double v = value.apply(row);
        if (v != null) {
            double constant = v;
            meters.add(Gauge.builder(name, () -> constant).baseUnit(unit).description(help).tags(tags)
                    .strongReference(true).register(registry));
        }
    }

    /** Removes a benchmark's series (deleted, or about to be replaced). */
    public void remove(ResourceID id) {
        List<Meter> meters = published.remove(id);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }
}
