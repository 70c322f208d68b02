package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.api.v1alpha1.SweepSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeCatalogTest {

    private static final RuntimeCatalog CATALOG = new RuntimeCatalog("py:default", "kernel:default",
            Map.of("cpython-3.13", "python:3.13-slim", "cpython-3.13t", "reg/python:3.13t"));

    private static ConcurrencyBenchmarkSpec spec(Runtime runtime) {
        ConcurrencyBenchmarkSpec spec = new ConcurrencyBenchmarkSpec();
        spec.setRuntime(runtime);
        return spec;
    }

    private static String image(ConcurrencyBenchmarkSpec spec) {
        return CATALOG.image(spec, spec.getRuntime()).orElseThrow();
    }

    @Test
    void namedRuntimesTakeTheirCatalogImageAndTheAliasesTheDefaults() {
        assertThat(image(spec(Runtime.CPYTHON_3_13T))).isEqualTo("reg/python:3.13t");
        assertThat(image(spec(Runtime.PYTHON))).isEqualTo("py:default");
        assertThat(image(spec(Runtime.JAVA))).isEqualTo("kernel:default");
        ConcurrencyBenchmarkSpec own = spec(Runtime.PYPY_3_11);
        own.setImage("mine/pypy:1");
        assertThat(image(own)).isEqualTo("mine/pypy:1");
    }

    @Test
    void aRuntimeWithoutAnImageIsUnavailableNamingWhatTheCatalogHas() {
        ConcurrencyBenchmarkSpec sweep = spec(Runtime.PYTHON);
        sweep.setSweep(new SweepSpec());
        sweep.getSweep().setRuntimes(List.of(Runtime.PYTHON, Runtime.PYPY_3_11, Runtime.CPYTHON_3_13T));
        assertThat(CATALOG.image(sweep, Runtime.CPYTHON_3_13T)).isPresent();
        assertThat(CATALOG.image(sweep, Runtime.PYPY_3_11)).isEmpty();
        assertThat(CATALOG.unavailable(sweep)).containsExactly("runtime pypy-3.11 has no image in the operator's runtime "
                + "catalog (the chart's runtimes values); it has: python, java, cpython-3.13, cpython-3.13t; or set "
                + "spec.image");
    }

    @Test
    void theInterpreterIsTheRuntimes() {
        assertThat(Runtime.PYPY_3_11.interpreter()).isEqualTo("pypy3");
        assertThat(Runtime.CPYTHON_3_13T.interpreter()).isEqualTo("python3");
        assertThat(Runtime.JAVA_21.isPython()).isFalse();
    }
}
