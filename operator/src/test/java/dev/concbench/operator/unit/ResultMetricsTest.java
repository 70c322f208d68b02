package dev.concbench.operator.unit;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;
import dev.concbench.api.v1alpha1.EnvironmentStatus;
import dev.concbench.api.v1alpha1.ResultRow;
import dev.concbench.operator.ResultMetrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultMetricsTest {

    private static ConcurrencyBenchmark finished(String name, double poolMedian) {
        ConcurrencyBenchmark cb = new ConcurrencyBenchmark("bench", name, new ConcurrencyBenchmarkSpec());
        ConcurrencyBenchmarkStatus status = new ConcurrencyBenchmarkStatus();
        ResultRow seq = new ResultRow();
        seq.setStrategy("sequential");
        seq.setPods(1);
        seq.setWorkers(0);
        seq.setMedian(2.0);
        seq.setSpeedup(1.0);
        seq.setEfficiency(1.0);
        ResultRow pool = new ResultRow();
        pool.setStrategy("process-pool");
        pool.setPods(1);
        pool.setWorkers(0);
        pool.setMedian(poolMedian);
        pool.setSpeedup(2.0 / poolMedian);
        status.setResults(List.of(seq, pool));
        EnvironmentStatus env = new EnvironmentStatus();
        env.setRuntime("python");
        status.setEnvironment(env);
        cb.setStatus(status);
        return cb;
    }

    @Test
    void aFinishedBenchmarksRowsAreGaugesThatGoAwayWithIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ResultMetrics metrics = new ResultMetrics(registry);
        ConcurrencyBenchmark cb = finished("seed", 1.0);

        metrics.publish(cb);

        Gauge speedup = registry.find("concbench.result.speedup").tags("namespace", "bench", "benchmark", "seed",
                "runtime", "python", "strategy", "process-pool", "pods", "1", "workers", "0").gauge();
        assertThat(speedup).isNotNull();
        assertThat(speedup.value()).isEqualTo(2.0);
        assertThat(registry.find("concbench.result.median").gauges()).hasSize(2);
        // no efficiency for the pool row: no gauge rather than a made-up value
        assertThat(registry.find("concbench.result.efficiency").gauges()).hasSize(1);

        // A new generation replaces the series; deleting the benchmark removes them.
        metrics.publish(finished("seed", 0.5));
        assertThat(registry.find("concbench.result.speedup").tags("strategy", "process-pool").gauge().value())
                .isEqualTo(4.0);
        assertThat(registry.find("concbench.result.median").gauges()).hasSize(2);
        metrics.remove(ResourceID.fromResource(cb));
        assertThat(registry.find("concbench.result.median").gauges()).isEmpty();
        assertThat(registry.find("concbench.result.speedup").gauges()).isEmpty();
    }
}
