package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A benchmark of concurrency strategies: the operator plans it into runs (one Indexed
 * Job each), collects the pods' timings and writes the aggregate into the status.
 */
@JsonClassDescription("A benchmark of concurrency strategies: a workload (CPU-bound loop or I/O-bound "
        + "sleep) run many times sequentially, with threads, with processes and with pools, in pods of a chosen "
        + "runtime. The operator runs it as Indexed Jobs, one run at a time, and writes the statistics, the "
        + "speedup over the sequential baseline and the parallel efficiency into the status.")
@Group(ConcurrencyBenchmark.GROUP)
@Version(ConcurrencyBenchmark.VERSION)
@ShortNames({"cb", "cbench"})
// Listed in the order kubectl shows them (CrdPostProcessor keeps it); priority 1 = only with -o wide.
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = Type.STRING,
        getDescription = "Runs finished of runs planned")
@AdditionalPrinterColumn(name = "Fastest", jsonPath = ".status.fastest", type = Type.STRING)
@AdditionalPrinterColumn(name = "Speedup", jsonPath = ".status.fastestSpeedup", type = Type.NUMBER)
// spec.baseline's comparison: the fastest row against its match (empty without spec.baseline).
@AdditionalPrinterColumn(name = "Vs-Baseline", jsonPath = ".status.comparison.headline", type = Type.STRING,
        getDescription = "The fastest row against the same row of spec.baseline, in pyperf's words, or why not")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(name = "Runtime", jsonPath = ".spec.runtime", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Workload", jsonPath = ".spec.workload.type", type = Type.STRING, priority = 1)
// The Progressing condition's reason: RunInProgress, Completed, Contended (succeeded, conclusion withheld),
// or why the benchmark failed.
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Progressing\")].reason",
        type = Type.STRING, priority = 1, getDescription = "RunInProgress, Completed, Contended (succeeded, but a row "
        + "the conclusion rests on could not get its CPUs: inconclusive), or why the benchmark failed")
@AdditionalPrinterColumn(name = "Baseline", jsonPath = ".status.baseline", type = Type.STRING, priority = 1,
        getDescription = "The row every speedup is measured against, and its median")
// Names and labels of the Jobs and pods derive from the benchmark's name; labels allow 63 characters.
@ValidationRule(value = "size(self.metadata.name) <= 63",
        message = "metadata.name must be at most 63 characters: it is used in labels of the benchmark's Jobs and pods")
@ValidationRule(value = "has(self.spec)", message = "spec is required: a ConcurrencyBenchmark needs at least "
        + "spec.workload (type, size and tasks); `kubectl explain cb.spec` lists every field", reason = "FieldValueRequired")
public class ConcurrencyBenchmark
        extends CustomResource<ConcurrencyBenchmarkSpec, ConcurrencyBenchmarkStatus>
        implements Namespaced {

    public static final String GROUP = "concbench.dev";
    public static final String VERSION = "v1alpha1";

    public ConcurrencyBenchmark() {
    }

    public ConcurrencyBenchmark(String namespace, String name, ConcurrencyBenchmarkSpec spec) {
        getMetadata().setNamespace(namespace);
        getMetadata().setName(name);
        setSpec(spec);
    }

    // No initSpec(): the spec is the user's alone. An instance the operator builds and writes
    // would carry the Java defaults over the user's spec.

    // No initStatus(): a status object the server does not have would turn the operator's
    // first status patch (a JSON patch computed against the cached resource) into an
    // "add /status/phase" below a /status that does not exist. The lifecycle works on a copy
    // of the status it is given, never the status itself.
}
