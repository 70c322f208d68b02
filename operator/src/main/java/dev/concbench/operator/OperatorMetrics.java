package dev.concbench.operator;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator SDK's reconcile metrics, per controller only (the SDK's second metrics binding). The
 * extension's default keeps a set of meters per benchmark (a timer histogram and counters tagged
 * with its name): memory that grows with the number of benchmarks (about 10 MB for 600 in make
 * bench-operator) and series a Prometheus should not have. Replaces the extension's default bean.
 */
public class OperatorMetrics {

    @Produces
    @Singleton
    Metrics operatorSdkMetrics(MeterRegistry registry) {
        return MicrometerMetricsV2.newBuilder(registry).build();
    }
}
