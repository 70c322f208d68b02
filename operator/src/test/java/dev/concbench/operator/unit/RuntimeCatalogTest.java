package dev.concbench.operator.unit;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.operator.ApiRefusal;
import dev.concbench.operator.RuntimeCatalog;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class RuntimeCatalogTest {

    private static final RuntimeCatalog CATALOG = new RuntimeCatalog("py:default", "kernel:default",
            Map.of("cpython-3.13", "python:3.13-slim", "cpython-3.13t", "reg/python:3.13t"));

    private static ConcurrencyBenchmarkSpec spec(Runtime runtime) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setRuntime(runtime);
        return spec;
    }

    @Test
    void namedRuntimesTakeTheirCatalogImageAndTheAliasesTheDefaults() {
        assertThat(CATALOG.image(spec(Runtime.CPYTHON_3_13T))).isEqualTo("reg/python:3.13t");
        assertThat(CATALOG.image(spec(Runtime.PYTHON))).isEqualTo("py:default");
        assertThat(CATALOG.image(spec(Runtime.JAVA))).isEqualTo("kernel:default");
        ConcurrencyBenchmarkSpec own = spec(Runtime.PYPY_3_11);
        own.setImage("mine/pypy:1");
        assertThat(CATALOG.image(own)).isEqualTo("mine/pypy:1");
    }

    @Test
    void aRuntimeWithoutAnImageIsRefusedNamingWhatTheCatalogHas() {
        assertThatThrownBy(() -> CATALOG.image(spec(Runtime.PYPY_3_11)))
                .isInstanceOf(RuntimeCatalog.NotConfigured.class)
                .hasMessage("runtime pypy-3.11 has no image in the operator's runtime catalog (the chart's runtimes "
                        + "values); it has: python, java, cpython-3.13, cpython-3.13t; or set spec.image");
    }

    @Test
    void theRefusalIsFoundBehindAWrapper() {
        RuntimeException wrapped = new RuntimeException("reconcile failed",
                new IllegalStateException(catchThrowable(() -> CATALOG.image(spec(Runtime.PYPY_3_11)))));
        assertThat(ApiRefusal.of(wrapped)).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo("InvalidSpec");
            assertThat(r.message()).startsWith("runtime pypy-3.11 has no image");
        });
        assertThat(ApiRefusal.of(new RuntimeException("other"))).isEmpty();
    }

    @Test
    void theInterpreterIsTheRuntimes() {
        assertThat(Runtime.PYPY_3_11.interpreter()).isEqualTo("pypy3");
        assertThat(Runtime.CPYTHON_3_13T.interpreter()).isEqualTo("python3");
        assertThat(Runtime.JAVA_21.isPython()).isFalse();
    }
}
