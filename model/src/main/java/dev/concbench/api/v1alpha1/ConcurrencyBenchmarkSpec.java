package dev.concbench.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.ArrayList;
import java.util.List;

/**
 * What to measure. The limits below are chosen so that one pod's result always fits the
 * 4096-byte termination message and a sweep stays small enough to run one run at a time.
 */
@ValidationRule(value = "self.pods <= self.workload.tasks",
        message = "pods must not exceed workload.tasks: every pod needs at least one call",
        fieldPath = ".pods", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.sweep) || !has(self.sweep.pods) || self.sweep.pods.all(p, p <= self.workload.tasks)",
        message = "every sweep.pods entry must not exceed workload.tasks",
        fieldPath = ".sweep.pods", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.sweep) || (has(self.sweep.runtimes) ? size(self.sweep.runtimes) : 1) * "
        + "(has(self.sweep.pods) ? size(self.sweep.pods) : 1) * (has(self.sweep.workers) ? size(self.sweep.workers) : 1) <= "
        + ConcurrencyBenchmarkSpec.MAX_SWEEP_POINTS,
        message = "a sweep may have at most " + ConcurrencyBenchmarkSpec.MAX_SWEEP_POINTS
                + " points (size(sweep.runtimes) * size(sweep.pods) * size(sweep.workers))",
        fieldPath = ".sweep", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.image) || !has(self.sweep) || !has(self.sweep.runtimes)",
        message = "spec.image cannot be combined with sweep.runtimes: one image cannot be several runtimes "
                + "(the catalog gives each runtime its image)",
        fieldPath = ".image", reason = "FieldValueForbidden")
@ValidationRule(value = "self.strategies.all(s, self.strategies.exists_one(t, t == s))",
        message = "strategies must not repeat", fieldPath = ".strategies")
// Pairs that never work, whatever the version (the kernel skips the version-dependent ones at run time).
// In a sweep over runtimes a strategy is refused only when no runtime of the sweep can run it; the
// others skip it (the planner names it in their runs' skipped).
@ValidationRule(value = ConcurrencyBenchmarkSpec.CEL_HAS_PYTHON_RUNTIME
        + " || !self.strategies.exists(s, s == 'asyncio' || s == 'interpreter-pool')",
        message = "asyncio and interpreter-pool are Python strategies: a java runtime cannot run them "
                + "(in a sweep over runtimes, list at least one Python runtime)",
        fieldPath = ".strategies", reason = "FieldValueInvalid")
@ValidationRule(value = ConcurrencyBenchmarkSpec.CEL_HAS_JAVA_RUNTIME
        + " || !self.strategies.exists(s, s == 'virtual-threads')",
        message = "virtual-threads is a Java strategy (Java 21+): a python runtime cannot run it "
                + "(in a sweep over runtimes, list at least one Java runtime)",
        fieldPath = ".strategies", reason = "FieldValueInvalid")
// Your own code: a Python function runs on Python runtimes, a Java class on a Java one, from spec.image.
@ValidationRule(value = "!has(self.workload.custom) || !has(self.workload.custom.entrypoint) || "
        + ConcurrencyBenchmarkSpec.CEL_ONLY_PYTHON_RUNTIMES,
        message = "a Python entrypoint (workload.custom.entrypoint) runs on Python runtimes only: runtime, and every "
                + "sweep.runtimes entry, must be a Python one (for Java, set workload.custom.className)",
        fieldPath = ".workload.custom.entrypoint", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.workload.custom) || !has(self.workload.custom.className) || "
        + "(has(self.image) && (self.runtime == 'java' || self.runtime.startsWith('java-')))",
        message = "a Java class (workload.custom.className) runs on a java runtime from spec.image: an image built "
                + "FROM the kernel image with your jar in /app/workloads/ (the cluster's policy must allow spec.image)",
        fieldPath = ".workload.custom.className", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.workload.custom) || self.workload.custom.callTimeoutSeconds < self.timeoutSeconds",
        message = "workload.custom.callTimeoutSeconds must be below timeoutSeconds: a call that never returns must be "
                + "caught (and named) before the run's deadline",
        fieldPath = ".workload.custom.callTimeoutSeconds", reason = "FieldValueInvalid")
// spec.baseline is a name, never namespace/name: a benchmark compares only with one in its own namespace.
@ValidationRule(value = "!has(self.baseline) || self.baseline.matches('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')",
        message = "baseline must be the name of a ConcurrencyBenchmark in this namespace (lowercase, no namespace/ "
                + "prefix): a benchmark in another namespace cannot be a baseline",
        fieldPath = ".baseline", reason = "FieldValueInvalid")
// Bounded fan-out: the per-call strategies start every call of a pod at once.
@ValidationRule(value = "!self.strategies.exists(s, s == 'processes') || " + ConcurrencyBenchmarkSpec.CEL_CALLS_PER_POD_AT_MOST
        + ConcurrencyBenchmarkSpec.MAX_PROCESSES_PER_POD + ")",
        message = "processes starts one child process per call, all of a pod's calls at once: at most "
                + ConcurrencyBenchmarkSpec.MAX_PROCESSES_PER_POD + ConcurrencyBenchmarkSpec.CALLS_PER_POD
                + "; for more, use process-pool or more pods",
        fieldPath = ".workload.tasks", reason = "FieldValueInvalid")
@ValidationRule(value = "!self.strategies.exists(s, s == 'threads') || " + ConcurrencyBenchmarkSpec.CEL_CALLS_PER_POD_AT_MOST
        + ConcurrencyBenchmarkSpec.MAX_THREADS_PER_POD + ")",
        message = "threads starts one thread per call, all of a pod's calls at once: at most "
                + ConcurrencyBenchmarkSpec.MAX_THREADS_PER_POD + ConcurrencyBenchmarkSpec.CALLS_PER_POD
                + "; for more, use thread-pool, asyncio, virtual-threads or more pods",
        fieldPath = ".workload.tasks", reason = "FieldValueInvalid")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What to measure: the runtime, the workload, the strategies to compare, the pods and "
        + "pool sizes, the repetitions, and where and how long the kernel pods run.")
@Getter
@Setter
public class ConcurrencyBenchmarkSpec {

    public static final int MAX_SWEEP_POINTS = 16;
    /** CEL: the runtimes measured (sweep.runtimes, else runtime) include a Java one. */
    static final String CEL_HAS_JAVA_RUNTIME = "(has(self.sweep) && has(self.sweep.runtimes) "
            + "? self.sweep.runtimes.exists(r, r == 'java' || r.startsWith('java-')) "
            + ": (self.runtime == 'java' || self.runtime.startsWith('java-')))";
    /** CEL: the runtimes measured include a Python one. */
    static final String CEL_HAS_PYTHON_RUNTIME = "(has(self.sweep) && has(self.sweep.runtimes) "
            + "? self.sweep.runtimes.exists(r, r != 'java' && !r.startsWith('java-')) "
            + ": (self.runtime != 'java' && !self.runtime.startsWith('java-')))";
    /** CEL: every runtime measured (sweep.runtimes, else runtime) is a Python one. */
    static final String CEL_ONLY_PYTHON_RUNTIMES = "(has(self.sweep) && has(self.sweep.runtimes) "
            + "? self.sweep.runtimes.all(r, r != 'java' && !r.startsWith('java-')) "
            + ": (self.runtime != 'java' && !self.runtime.startsWith('java-')))";
    /** CEL: the pod counts the runs use (sweep.pods, else pods). */
    static final String CEL_PODS = "(has(self.sweep) && has(self.sweep.pods) ? self.sweep.pods : [self.pods])";
    /** CEL, completed by a maximum and ")": every pod count gives each pod at most that many calls. */
    static final String CEL_CALLS_PER_POD_AT_MOST = CEL_PODS + ".all(p, p < 1 || (self.workload.tasks + p - 1) / p <= ";
    static final String CALLS_PER_POD = " calls per pod (workload.tasks divided by pods, rounded up, for pods and every "
            + "sweep.pods entry)";
    /** Calls one pod may start at once with processes (a child process each) and threads (a thread each). */
    public static final int MAX_PROCESSES_PER_POD = 256;
    public static final int MAX_THREADS_PER_POD = 1024;
    /**
     * The least ttlSecondsAfterFinished: a Job deleted at once could take its pods' results with it before
     * the operator reads them (an operator restart, a lost event: the maximum reconciliation interval is
     * 3 minutes).
     */
    public static final int MIN_TTL_SECONDS_AFTER_FINISHED = 300;
    public static final int MAX_PODS = 100;
    public static final int MAX_WORKERS = 256;
    public static final int MAX_REPETITIONS = 20;
    public static final int MAX_WARMUP = 10;
    public static final int DEFAULT_SCHEDULING_TIMEOUT = 300;

    @JsonPropertyDescription("Which runtime runs the kernel: a name of the operator's runtime catalog, each "
            + "an image set in the chart's values: cpython-3.11, cpython-3.13, cpython-3.14 (the GIL serializes "
            + "threads), cpython-3.13t and cpython-3.14t (free-threaded: no GIL), pypy-3.11 (a JIT), java-17, "
            + "java-21, java-25 (the JVM: threads run in parallel); or python / java, the operator's default "
            + "Python and Java images. Ignored when sweep.runtimes is set. Default: python.")
    @Default("python")
    private Runtime runtime = Runtime.PYTHON;

    @JsonPropertyDescription("Container image for the kernel pods, in place of the runtime's image in the "
            + "operator's catalog (it must hold that runtime: python3 or pypy3 for the Python ones, the kernel jar's "
            + "entrypoint for the Java ones). Default: the catalog's image of spec.runtime.")
    private String image;

    @JsonPropertyDescription("The function every call runs, its size and how many calls make one run.")
    @Required
    private WorkloadSpec workload = new WorkloadSpec();

    @JsonPropertyDescription("In-pod strategies to compare, each at most once: sequential (a plain loop), threads (one "
            + "new thread per call), thread-pool (a pool of workers threads), processes (one child process per "
            + "call), process-pool (a pool of workers child processes), asyncio (python: one task per call on one "
            + "event loop), interpreter-pool (python, CPython 3.14+: a pool of workers subinterpreters), "
            + "virtual-threads (java, Java 21+: one virtual thread per call). threads and processes start all of a pod's "
            + "calls at once, so a pod may have at most " + MAX_THREADS_PER_POD + " calls with threads and "
            + MAX_PROCESSES_PER_POD + " with processes. A strategy the runtime's version "
            + "cannot run is skipped and named in the run's status with the reason. sequential is always measured, "
            + "as the baseline, whether listed or not. Default: the first five.")
    @Size(min = 1, max = 8)
    @Default("[\"sequential\",\"threads\",\"thread-pool\",\"processes\",\"process-pool\"]")
    private List<StrategyName> strategies = new ArrayList<>(StrategyName.CLASSIC);

    @JsonPropertyDescription("python only: how multiprocessing starts the children of processes and process-pool: "
            + "fork, forkserver or spawn. Default: the interpreter's own (fork up to CPython 3.13 on Linux, "
            + "forkserver from 3.14). The kernel records the one it used.")
    private StartMethod startMethod;

    @JsonPropertyDescription("Pool size of thread-pool and process-pool in each pod, 0 to " + MAX_WORKERS + ". 0 means "
            + "the CPUs the pod really has (its cgroup CPU quota and CPU affinity). Ignored when sweep.workers is "
            + "set. Default: 0.")
    @Default("0")
    @Min(0)
    @Max(MAX_WORKERS)
    private Integer workers = 0;

    @JsonPropertyDescription("Pods per run (an Indexed Job's parallelism), 1 to " + MAX_PODS + " and at most "
            + "workload.tasks: the calls are split across them. Ignored when sweep.pods is set. Default: 1.")
    @Default("1")
    @Min(1)
    @Max(MAX_PODS)
    private Integer pods = 1;

    @JsonPropertyDescription("Measure several runtimes, pod counts and/or worker counts: one run per combination, "
            + "executed one after another, at most " + MAX_SWEEP_POINTS + " in all.")
    private SweepSpec sweep;

    @JsonPropertyDescription("Measured repetitions of every strategy, 1 to " + MAX_REPETITIONS + ", interleaved "
            + "(rep 1: all strategies, rep 2: ...). Default: 5.")
    @Default("5")
    @Min(1)
    @Max(MAX_REPETITIONS)
    private Integer repetitions = 5;

    @JsonPropertyDescription("Unmeasured repetitions first (JIT, caches, page faults), 0 to " + MAX_WARMUP
            + ". Default: 1.")
    @Default("1")
    @Min(0)
    @Max(MAX_WARMUP)
    private Integer warmup = 1;

    @JsonPropertyDescription("CPU and memory requests and limits of each kernel pod (the container's resources). "
            + "Values are Kubernetes quantities; a request must not exceed its limit. A CPU limit caps the CPUs "
            + "the kernel sees, and so the default pool size. Default: when neither requests nor limits is set, the "
            + "chart's kernel.defaultResources (a memory limit, small requests, no CPU limit: the node's CPUs).")
    private KernelResources resources;

    @JsonPropertyDescription("Where the kernel pods may run: nodeSelector, tolerations, spreadAcrossNodes.")
    private PlacementSpec placement;

    @JsonPropertyDescription("What the kernel pods may reach on the network: none (no connection in or out; the "
            + "built-in workloads need none) or allow (they may open connections out, e.g. a custom workload that "
            + "calls a service; none come in). Enforced by a NetworkPolicy the operator makes per benchmark (the "
            + "chart's kernel.networkPolicy.enabled) where the cluster's network plugin enforces NetworkPolicy. "
            + "Default: none.")
    @Default("none")
    private Network network = Network.NONE;

    @JsonPropertyDescription("Deadline of one run (its Job's activeDeadlineSeconds), from its creation, "
            + "image pull and scheduling included, 10 to 86400. Default: 900.")
    @Default("900")
    @Min(10)
    @Max(86400)
    private Integer timeoutSeconds = 900;

    @JsonPropertyDescription("How long a run's pods may wait for a node, 10 to 86400 seconds: a pod the scheduler "
            + "cannot place (no node matches its nodeSelector, tolerations, spread or resource requests) ends the run "
            + "Failed (Unschedulable) after this long, with the scheduler's message, instead of holding the queue until "
            + "timeoutSeconds; while it waits, the Progressing condition says why. Default: 300.")
    @Default("" + DEFAULT_SCHEDULING_TIMEOUT)
    @Min(10)
    @Max(86400)
    private Integer schedulingTimeoutSeconds = DEFAULT_SCHEDULING_TIMEOUT;

    @JsonPropertyDescription("How long a finished run's Job and pods are kept (the Job's "
            + "ttlSecondsAfterFinished), " + MIN_TTL_SECONDS_AFTER_FINISHED + " to 604800: long enough for the operator "
            + "to read the results into the status even across its own restart. Default: 3600.")
    @Default("3600")
    @Min(MIN_TTL_SECONDS_AFTER_FINISHED)
    @Max(604800)
    private Integer ttlSecondsAfterFinished = 3600;

    @JsonPropertyDescription("Another ConcurrencyBenchmark of this namespace, by name, to compare with: once both "
            + "have succeeded, every result row carries the comparison with the baseline's row of the same runtime, "
            + "strategy, pods and workers (ratio of medians, Welch's p-value, faster / slower / not significant), "
            + "status.comparison names the baseline and its generation, and the BaselineCompared condition says "
            + "whether the comparison is current (a missing, failed or unfinished baseline is a False condition, never "
            + "a failure of this benchmark). Part of the spec: changing it on a finished benchmark re-runs it.")
    @Size(max = 63)
    private String baseline;
}
