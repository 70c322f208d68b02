package dev.concbench.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concbench.e2e.CommandResult;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every bound of the CRD's schema and every CEL rule (crds/, generated from the API types) on a real
 * kube-apiserver. One row per bound or rule: a manifest the server accepts at the bound, one it refuses
 * just past it, and the refusal as kubectl prints it (after {@code The ConcurrencyBenchmark "x" is
 * invalid: }). The manifests are {@link ApiServer#BASE} with the row's YAML merged in. A bound or rule of
 * the CRD that no row's refusal comes from fails {@link #everyBoundAndRuleOfTheCrdHasARow}: add its row.
 */
class CrdSchemaTest {

    @RegisterExtension
    static final ApiServer API = new ApiServer();

    static final String ALL_STRATEGIES =
            "[sequential, threads, thread-pool, processes, process-pool, asyncio, interpreter-pool, virtual-threads]";
    static final String ALL_RUNTIMES = "[cpython-3.11, cpython-3.13, cpython-3.13t, cpython-3.14, cpython-3.14t, java, "
            + "java-17, java-21, java-25, pypy-3.11, python]";

    static final String RUNTIMES_SUPPORTED = Stream.of(ALL_RUNTIMES.replaceAll("[\\[\\]]", "").split(", "))
            .map(r -> '"' + r + '"').collect(Collectors.joining(", ", "supported values: ", ""));
    static final String PYTHON_STRATEGIES = "spec.strategies: Invalid value: \"object\": asyncio and interpreter-pool are Python "
            + "strategies: a java runtime cannot run them (in a sweep over runtimes, list at least one Python runtime)";
    static final String JAVA_STRATEGIES = "spec.strategies: Invalid value: \"object\": virtual-threads is a Java strategy "
            + "(Java 21+): a python runtime cannot run it (in a sweep over runtimes, list at least one Java runtime)";

    static final String PROCESSES_PER_POD = "spec.workload.tasks: Invalid value: \"object\": processes starts one child process "
            + "per call, all of a pod's calls at once: at most 256 calls per pod";
    static final String THREADS_PER_POD = "spec.workload.tasks: Invalid value: \"object\": threads starts one thread per call, "
            + "all of a pod's calls at once: at most 1024 calls per pod";
    static final String PYTHON_ENTRYPOINT = "spec.workload.custom.entrypoint: Invalid value: \"object\": a Python entrypoint "
            + "(workload.custom.entrypoint) runs on Python runtimes only: runtime, and every sweep.runtimes entry, must be a "
            + "Python one (for Java, set workload.custom.className)";

    // @formatter:off
    static final List<Row> ROWS = List.of(
        // accepted (at the bound; null: the base)                         refused (just past it)                                     the refusal, as kubectl prints it
        // ---- the runtime, the workload
        row("spec: {runtime: pypy-3.11}",                                  "spec: {runtime: ruby}",                                   "spec.runtime: Unsupported value: \"ruby\": " + RUNTIMES_SUPPORTED),
        row("spec: {workload: {type: cpu}}",                               "spec: {workload: {type: gpu}}",                           "spec.workload.type: Unsupported value: \"gpu\""),
        row(null,                                                          "spec: {workload: null}",                                  "spec.workload: Required value"),
        row(null,                                                          "spec: {workload: {type: null}}",                          "spec.workload.type: Required value"),
        row(null,                                                          "spec: {workload: {size: null}}",                          "spec.workload.size: Required value: size is required (but for a custom workload): cpu and mixed n of the n*n loop, io milliseconds, hash KiB per call, race updates per call"),
        row(null,                                                          "spec: {workload: {tasks: null}}",                         "spec.workload.tasks: Required value"),
        row("spec: {workload: {size: 0}}",                                 "spec: {workload: {size: -1}}",                            "spec.workload.size: Invalid value: -1: spec.workload.size in body should be greater than or equal to 0"),
        row("spec: {workload: {size: 600000}}",                            "spec: {workload: {size: 600001}}",                        "spec.workload.size: Invalid value: \"object\": for an io workload, size (milliseconds) must be at most 600000"),
        row("spec: {workload: {type: race, size: 1000000}}",              "spec: {workload: {type: race, size: 1000001}}",           "spec.workload.size: Invalid value: 1000001: spec.workload.size in body should be less than or equal to 1000000"),
        row("spec: {workload: {type: race, size: 1}}",                     "spec: {workload: {type: race, size: 0}}",                 "spec.workload.size: Invalid value: \"object\": for a race workload, size (updates per call) must be at least 1"),
        row("spec: {workload: {type: hash, size: 65536}}",                 "spec: {workload: {type: hash, size: 65537}}",             "spec.workload.size: Invalid value: \"object\": for a hash workload, size (KiB hashed per call) must be 1 to 65536"),
        row("spec: {workload: {type: hash, size: 1}}",                     "spec: {workload: {type: hash, size: 0}}",                 "spec.workload.size: Invalid value: \"object\": for a hash workload, size (KiB hashed per call) must be 1 to 65536"),
        row("spec: {workload: {type: mixed, size: 100000}}",               "spec: {workload: {type: mixed, size: 100001}}",           "spec.workload.size: Invalid value: \"object\": for a mixed workload, size (n of the n*n loop) must be 1 to 100000"),
        row("spec: {workload: {type: mixed, size: 1}}",                    "spec: {workload: {type: mixed, size: 0}}",                "spec.workload.size: Invalid value: \"object\": for a mixed workload, size (n of the n*n loop) must be 1 to 100000"),
        row("spec: {workload: {type: mixed, ioFraction: 0}}",              "spec: {workload: {type: mixed, ioFraction: -0.01}}",      "spec.workload.ioFraction: Invalid value: -0.01: spec.workload.ioFraction in body should be greater than or equal to 0"),
        // sic: the server prints the fractional maximum 0.99 as 0 (its integer part) in the refusal
        row("spec: {workload: {type: mixed, ioFraction: 0.99}}",           "spec: {workload: {type: mixed, ioFraction: 1}}",          "spec.workload.ioFraction: Invalid value: 1: spec.workload.ioFraction in body should be less than or equal to 0"),
        row("spec: {workload: {type: mixed, ioFraction: 0.5}}",            "spec: {workload: {type: cpu, ioFraction: 0.5}}",          "spec.workload.ioFraction: Forbidden: ioFraction is for the mixed workload only"),
        // ---- a custom workload: Python (entrypoint with configMap or source) or Java (className on spec.image)
        row(custom(""),                                                    custom("").replace("size: null", "size: 5"),               "spec.workload.size: Forbidden: a custom workload has no size: its function decides the work of a call"),
        row(custom(""),                                                    "spec: {workload: {custom: {entrypoint: 'work:run', source: 'def run(i): return i'}}}",
                                                                                                                                      "spec.workload.custom: Invalid value: \"object\": workload.custom is set for type custom, and only then"),
        row(custom(""),                                                    custom("entrypoint: null, source: null"),                  "spec.workload.custom: Invalid value: \"object\": set custom.entrypoint (Python, module:function) or custom.className (Java), one of them"),
        row(custom("entrypoint: 'my_module:my_function'"),                 custom("entrypoint: 'work.run'"),                          "spec.workload.custom.entrypoint: Invalid value: \"object\": custom.entrypoint must be module:function, e.g. records:work: a module (a file module.py of the configMap or the source) and a function of it"),
        row(custom("configMap: concbench-code, source: null, entrypoint: 'concbench_kernel:run'"), custom("entrypoint: 'concbench_kernel:run'"),
                                                                                                                                      "spec.workload.custom.entrypoint: Invalid value: \"object\": with custom.source the module cannot be named concbench_kernel: that is the kernel's own file"),
        row(custom("source: null, configMap: my-code"),                    custom("source: null"),                                    "spec.workload.custom.entrypoint: Invalid value: \"object\": a Python entrypoint needs its code: custom.configMap (a ConfigMap of this namespace whose keys are files) or custom.source (a few inline lines), one of them"),
        row(custom("source: null, configMap: my-code.v2"),                 custom("source: null, configMap: My_Code"),                "spec.workload.custom.configMap: Invalid value: \"object\": custom.configMap must be the name of a ConfigMap of this namespace"),
        row(custom("source: null, configMap: " + "c".repeat(253)),         custom("source: null, configMap: " + "c".repeat(254)),     "spec.workload.custom.configMap: Too long: may not be more than 253 bytes"),
        row(custom("entrypoint: " + "m".repeat(127) + ":" + "f".repeat(127)), custom("entrypoint: " + "m".repeat(128) + ":" + "f".repeat(127)),
                                                                                                                                      "spec.workload.custom.entrypoint: Too long: may not be more than 255 bytes"),
        row(custom("source: '" + "#".repeat(16384) + "'"),                 custom("source: '" + "#".repeat(16385) + "'"),             "spec.workload.custom.source: Too long: may not be more than 16384 bytes"),
        row(custom("callTimeoutSeconds: 1"),                               custom("callTimeoutSeconds: 0"),                           "spec.workload.custom.callTimeoutSeconds: Invalid value: 0: spec.workload.custom.callTimeoutSeconds in body should be greater than or equal to 1"),
        row(custom("callTimeoutSeconds: 86399").replace("spec: {", "spec: {timeoutSeconds: 86400, "),
                                                                           custom("callTimeoutSeconds: 86401"),                       "spec.workload.custom.callTimeoutSeconds: Invalid value: 86401: spec.workload.custom.callTimeoutSeconds in body should be less than or equal to 86400",
                                                                                                                                      "spec.workload.custom.callTimeoutSeconds: Invalid value: \"object\": workload.custom.callTimeoutSeconds must be below timeoutSeconds"),
        row(custom("callTimeoutSeconds: 899"),                             custom("callTimeoutSeconds: 900"),                         "spec.workload.custom.callTimeoutSeconds: Invalid value: \"object\": workload.custom.callTimeoutSeconds must be below timeoutSeconds: a call that never returns must be caught (and named) before the run's deadline"),
        row(custom("").replace("spec: {", "spec: {sweep: {runtimes: [python, pypy-3.11]}, "),
                                                                           custom("").replace("spec: {", "spec: {sweep: {runtimes: [python, java-21]}, "),
                                                                                                                                      PYTHON_ENTRYPOINT),
        row(custom("").replace("spec: {", "spec: {runtime: cpython-3.13t, "), custom("").replace("spec: {", "spec: {runtime: java, "), PYTHON_ENTRYPOINT),
        row(java("className: com.example.Work"),                           java("className: com.example.Work").replace("image: 'registry.example/bench:1', ", ""),
                                                                                                                                      "spec.workload.custom.className: Invalid value: \"object\": a Java class (workload.custom.className) runs on a java runtime from spec.image: an image built FROM the kernel image with your jar in /app/workloads/ (the cluster's policy must allow spec.image)"),
        row(java("className: com.example.Work$Inner"),                     java("className: 1bad"),                                   "spec.workload.custom.className: Invalid value: \"object\": custom.className must be a Java class's binary name, e.g. com.example.Work"),
        row(java("className: " + "w".repeat(255)),                         java("className: " + "w".repeat(256)),                     "spec.workload.custom.className: Too long: may not be more than 255 bytes"),
        row(java("className: com.example.Work"),                           java("className: com.example.Work, configMap: code"),      "spec.workload.custom.className: Forbidden: a Java class comes from spec.image (an image built FROM the kernel image with your jar in /app/workloads/): custom.configMap and custom.source are for Python"),
        row("spec: {workload: {type: cpu, size: 1}}",                      "spec: {workload: {type: cpu, size: 0}}",                  "spec.workload.size: Invalid value: \"object\": for a cpu workload, size (n of the n*n loop) must be at least 1"),
        row("spec: {workload: {type: cpu, size: 100000}}",                 "spec: {workload: {type: cpu, size: 100001}}",             "spec.workload.size: Invalid value: \"object\": for a cpu workload, size (n of the n*n loop) must be at most 100000"),
        row("spec: {workload: {tasks: 1}}",                                "spec: {workload: {tasks: 0}}",                            "spec.workload.tasks: Invalid value: 0: spec.workload.tasks in body should be greater than or equal to 1",
                                                                                                                                      "spec.pods: Invalid value: \"object\": pods must not exceed workload.tasks"),
        row("spec: {workload: {tasks: 100000}, strategies: [thread-pool]}", "spec: {workload: {tasks: 100001}, strategies: [thread-pool]}", "spec.workload.tasks: Invalid value: 100001: spec.workload.tasks in body should be less than or equal to 100000"),
        // ---- strategies
        row("spec: {strategies: [asyncio]}",                               "spec: {strategies: [green-threads]}",                     "spec.strategies[0]: Unsupported value: \"green-threads\""),
        row("spec: {strategies: [sequential]}",                            "spec: {strategies: []}",                                  "spec.strategies: Invalid value: 0: spec.strategies in body should have at least 1 items"),
        row("spec: {strategies: " + ALL_STRATEGIES + ", sweep: {runtimes: [python, java-21]}}",
                                                                           "spec: {strategies: " + ALL_STRATEGIES.replace("]", ", threads]") + "}",
                                                                                                                                      "spec.strategies: Too many: 9: must have at most 8 items"),
        row("spec: {strategies: [threads, sequential]}",                   "spec: {strategies: [threads, threads]}",                  "spec.strategies: Invalid value: \"object\": strategies must not repeat"),
        row("spec: {runtime: cpython-3.14, strategies: [asyncio, interpreter-pool]}",
                                                                           "spec: {runtime: java, strategies: [asyncio]}",            PYTHON_STRATEGIES),
        row("spec: {sweep: {runtimes: [java-21, python]}, strategies: [asyncio, interpreter-pool]}",
                                                                           "spec: {sweep: {runtimes: [java-17, java-21]}, strategies: [sequential, asyncio]}",
                                                                                                                                      PYTHON_STRATEGIES),
        row("spec: {runtime: java-21, strategies: [virtual-threads]}",     "spec: {runtime: python, strategies: [virtual-threads]}",  JAVA_STRATEGIES),
        row("spec: {sweep: {runtimes: [python, java-25]}, strategies: [virtual-threads]}",
                                                                           "spec: {sweep: {runtimes: [python, pypy-3.11]}, strategies: [virtual-threads]}",
                                                                                                                                      JAVA_STRATEGIES),
        row("spec: {startMethod: spawn}",                                  "spec: {startMethod: vfork}",                              "spec.startMethod: Unsupported value: \"vfork\""),
        // ---- sizes
        row("spec: {pods: 1}",                                             "spec: {pods: 0}",                                         "spec.pods: Invalid value: 0: spec.pods in body should be greater than or equal to 1"),
        row("spec: {pods: 100, workload: {tasks: 100}}",                   "spec: {pods: 101, workload: {tasks: 400}}",               "spec.pods: Invalid value: 101: spec.pods in body should be less than or equal to 100"),
        row("spec: {pods: 4}",                                             "spec: {pods: 5}",                                         "spec.pods: Invalid value: \"object\": pods must not exceed workload.tasks: every pod needs at least one call"),
        row("spec: {workers: 0}",                                          "spec: {workers: -1}",                                     "spec.workers: Invalid value: -1: spec.workers in body should be greater than or equal to 0"),
        row("spec: {workers: 256}",                                        "spec: {workers: 257}",                                    "spec.workers: Invalid value: 257: spec.workers in body should be less than or equal to 256"),
        row("spec: {repetitions: 1}",                                      "spec: {repetitions: 0}",                                  "spec.repetitions: Invalid value: 0: spec.repetitions in body should be greater than or equal to 1"),
        row("spec: {repetitions: 20}",                                     "spec: {repetitions: 21}",                                 "spec.repetitions: Invalid value: 21: spec.repetitions in body should be less than or equal to 20"),
        row("spec: {warmup: 0}",                                           "spec: {warmup: -1}",                                      "spec.warmup: Invalid value: -1: spec.warmup in body should be greater than or equal to 0"),
        row("spec: {warmup: 10}",                                          "spec: {warmup: 11}",                                      "spec.warmup: Invalid value: 11: spec.warmup in body should be less than or equal to 10"),
        row("spec: {timeoutSeconds: 10}",                                  "spec: {timeoutSeconds: 9}",                               "spec.timeoutSeconds: Invalid value: 9: spec.timeoutSeconds in body should be greater than or equal to 10"),
        row("spec: {timeoutSeconds: 86400}",                               "spec: {timeoutSeconds: 86401}",                           "spec.timeoutSeconds: Invalid value: 86401: spec.timeoutSeconds in body should be less than or equal to 86400"),
        row("spec: {ttlSecondsAfterFinished: 300}",                        "spec: {ttlSecondsAfterFinished: 299}",                    "spec.ttlSecondsAfterFinished: Invalid value: 299: spec.ttlSecondsAfterFinished in body should be greater than or equal to 300"),
        row("spec: {ttlSecondsAfterFinished: 604800}",                     "spec: {ttlSecondsAfterFinished: 604801}",                 "spec.ttlSecondsAfterFinished: Invalid value: 604801: spec.ttlSecondsAfterFinished in body should be less than or equal to 604800"),
        row("spec: {schedulingTimeoutSeconds: 10}",                        "spec: {schedulingTimeoutSeconds: 9}",                     "spec.schedulingTimeoutSeconds: Invalid value: 9: spec.schedulingTimeoutSeconds in body should be greater than or equal to 10"),
        row("spec: {schedulingTimeoutSeconds: 86400}",                     "spec: {schedulingTimeoutSeconds: 86401}",                 "spec.schedulingTimeoutSeconds: Invalid value: 86401: spec.schedulingTimeoutSeconds in body should be less than or equal to 86400"),
        row("spec: {strategies: [processes], workload: {tasks: 512}, pods: 2}", "spec: {strategies: [processes], workload: {tasks: 257}}", PROCESSES_PER_POD),
        row("spec: {strategies: [processes], workload: {tasks: 512}, sweep: {pods: [2, 4]}}",
                                                                           "spec: {strategies: [processes], workload: {tasks: 512}, sweep: {pods: [1, 2]}}", PROCESSES_PER_POD),
        row("spec: {strategies: [threads], workload: {tasks: 1024}}",      "spec: {strategies: [threads], workload: {tasks: 1025}}",  THREADS_PER_POD),
        row(null,                                                          "spec: null",                                              "<nil>: Required value: spec is required: a ConcurrencyBenchmark needs at least spec.workload (type, size and tasks); `kubectl explain cb.spec` lists every field"),
        // ---- sweep
        row("spec: {sweep: {pods: [1, 100]}, workload: {tasks: 100}}",     "spec: {sweep: {pods: [0]}}",                              "spec.sweep.pods: Invalid value: \"array\": sweep.pods entries must be between 1 and 100"),
        row("spec: {sweep: {pods: [1, 2]}}",                               "spec: {sweep: {pods: [2, 2]}}",                           "spec.sweep.pods: Invalid value: \"array\": sweep.pods must not repeat"),
        row("spec: {sweep: {pods: [4]}}",                                  "spec: {sweep: {pods: [5]}}",                              "spec.sweep.pods: Invalid value: \"object\": every sweep.pods entry must not exceed workload.tasks"),
        row("spec: {sweep: {pods: [1]}}",                                  "spec: {sweep: {pods: []}}",                               "spec.sweep.pods: Invalid value: 0: spec.sweep.pods in body should have at least 1 items"),
        row("spec: {sweep: {pods: " + seq(1, 8) + "}, workload: {tasks: 9}}",
                                                                           "spec: {sweep: {pods: " + seq(1, 9) + "}, workload: {tasks: 9}}",
                                                                                                                                      "spec.sweep.pods: Too many: 9: must have at most 8 items"),
        row("spec: {sweep: {workers: [0, 256]}}",                          "spec: {sweep: {workers: [257]}}",                         "spec.sweep.workers: Invalid value: \"array\": sweep.workers entries must be between 0 and 256"),
        row("spec: {sweep: {workers: [1, 2]}}",                            "spec: {sweep: {workers: [2, 2]}}",                        "spec.sweep.workers: Invalid value: \"array\": sweep.workers must not repeat"),
        row("spec: {sweep: {workers: [0]}}",                               "spec: {sweep: {workers: []}}",                            "spec.sweep.workers: Invalid value: 0: spec.sweep.workers in body should have at least 1 items"),
        row("spec: {sweep: {workers: " + seq(0, 7) + "}}",                 "spec: {sweep: {workers: " + seq(0, 8) + "}}",             "spec.sweep.workers: Too many: 9: must have at most 8 items"),
        row("spec: {sweep: {runtimes: [pypy-3.11]}}",                      "spec: {sweep: {runtimes: [ruby]}}",                       "spec.sweep.runtimes[0]: Unsupported value: \"ruby\": " + RUNTIMES_SUPPORTED),
        row("spec: {sweep: {runtimes: [python, java]}}",                   "spec: {sweep: {runtimes: [python, python]}}",             "spec.sweep.runtimes: Invalid value: \"array\": sweep.runtimes must not repeat"),
        row("spec: {sweep: {runtimes: [python]}}",                         "spec: {sweep: {runtimes: []}}",                           "spec.sweep.runtimes: Invalid value: 0: spec.sweep.runtimes in body should have at least 1 items"),
        row("spec: {sweep: {runtimes: " + ALL_RUNTIMES + "}}",             "spec: {sweep: {runtimes: " + ALL_RUNTIMES.replace("]", ", python]") + "}}",
                                                                                                                                      "spec.sweep.runtimes: Too many: 12: must have at most 11 items"),
        row("spec: {sweep: {runtimes: [python, java], pods: [1, 2], workers: [1, 2, 3, 4]}}",
                                                                           "spec: {sweep: {runtimes: [python, java], pods: [1, 2], workers: [1, 2, 3, 4, 5]}}",
                                                                                                                                      "spec.sweep: Invalid value: \"object\": a sweep may have at most 16 points (size(sweep.runtimes) * size(sweep.pods) * size(sweep.workers))"),
        row("spec: {image: 'registry.example/python:3.11', sweep: {pods: [1, 2]}}",
                                                                           "spec: {image: 'registry.example/python:3.11', sweep: {runtimes: [python]}}",
                                                                                                                                      "spec.image: Forbidden: spec.image cannot be combined with sweep.runtimes: one image cannot be several runtimes (the catalog gives each runtime its image)"),
        // ---- resources
        row("spec: {resources: {requests: {cpu: 500m, memory: 1Gi}}}",    "spec: {resources: {requests: {cpu: abc}}}",               "spec.resources.requests: Invalid value: \"object\": value of cpu must be a quantity such as 500m, 2 or 1Gi"),
        row("spec: {resources: {limits: {cpu: 2, memory: 1Gi}}}",         "spec: {resources: {limits: {memory: lots}}}",             "spec.resources.limits: Invalid value: \"object\": value of memory must be a quantity such as 500m, 2 or 1Gi"),
        row("spec: {resources: {requests: {cpu: 1000m, memory: 1Gi}, limits: {cpu: 1, memory: 1024Mi}}}",
                                                                           "spec: {resources: {requests: {memory: 2Gi}, limits: {memory: 1024Mi}}}",
                                                                                                                                      "spec.resources.requests: Invalid value: \"object\": each of requests.cpu, requests.memory and requests.ephemeral-storage must be less than or equal to the same limit"),
        row("spec: {resources: {requests: " + quantities(8) + "}}",       "spec: {resources: {requests: " + quantities(9) + "}}",   "spec.resources.requests: Too many: 9: must have at most 8 items"),
        row("spec: {resources: {limits: " + quantities(8) + "}}",         "spec: {resources: {limits: " + quantities(9) + "}}",     "spec.resources.limits: Too many: 9: must have at most 8 items"),
        row(null,                                                          "spec: {resources: {claims: [{name: gpu}]}}",              "unknown field \"spec.resources.claims\""),
        // ---- placement
        row("spec: {placement: {tolerations: " + tolerations(16) + "}}",  "spec: {placement: {tolerations: " + tolerations(17) + "}}", "spec.placement.tolerations: Too many: 17: must have at most 16 items"),
        row("spec: {placement: {tolerations: [{key: gpu, operator: Exists}]}}",
                                                                           "spec: {placement: {tolerations: [{key: gpu, operator: Sometimes}]}}",
                                                                                                                                      "spec.placement.tolerations[0].operator: Unsupported value: \"Sometimes\""),
        row("spec: {placement: {tolerations: [{key: gpu, effect: NoExecute, tolerationSeconds: 60}]}}",
                                                                           "spec: {placement: {tolerations: [{key: gpu, effect: Never}]}}",
                                                                                                                                      "spec.placement.tolerations[0].effect: Unsupported value: \"Never\""),
        // ---- network, baseline, name
        row("spec: {network: allow}",                                      "spec: {network: some}",                                   "spec.network: Unsupported value: \"some\""),
        row("spec: {baseline: other-bench.v2}",                            "spec: {baseline: other-namespace/bench}",                 "spec.baseline: Invalid value: \"object\": baseline must be the name of a ConcurrencyBenchmark in this namespace (lowercase, no namespace/ prefix): a benchmark in another namespace cannot be a baseline"),
        row("spec: {baseline: " + "b".repeat(63) + "}",                    "spec: {baseline: " + "b".repeat(64) + "}",                "spec.baseline: Too long: may not be more than 63 bytes"),
        row("metadata: {name: " + "n".repeat(63) + "}",                    "metadata: {name: " + "n".repeat(64) + "}",                "<nil>: Invalid value: \"object\": metadata.name must be at most 63 characters: it is used in labels of the benchmark's Jobs and pods")
    );
    // @formatter:on

    /**
     * One bound or rule: {@code accepted} (null: the base manifest) must be created; {@code refused}
     * must be refused with each of {@code refusals} (usually one) and for no other reason.
     */
    record Row(String accepted, String refused, List<String> refusals) {
        @Override
        public String toString() {
            return refusals.get(0);
        }
    }

    static Row row(String accepted, String refused, String... refusals) {
        return new Row(accepted, refused, List.of(refusals));
    }

    static List<Row> rows() {
        return ROWS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void acceptedAtTheBoundRefusedPastIt(Row row) {
        String ns = API.namespace("schema");
        int index = ROWS.indexOf(row);
        GenericKubernetesResource accepted = ApiServer.benchmark("accepted-" + index, row.accepted());
        GenericKubernetesResource created = API.benchmarks().inNamespace(ns).resource(accepted)
                .fieldValidation(Validation.STRICT).create();
        assertThat(created.getMetadata().getUid()).as("created: " + row.accepted()).isNotNull();

        KubernetesClientException refusal = refuse(ns, ApiServer.benchmark("refused-" + index, row.refused()), false);
        assertThat(refusal.getStatus().getMessage()).as(row.refused()).contains(row.refusals());
        assertThat(causes(refusal)).as("refused for these reasons only: " + row.refused()).allSatisfy(cause ->
                assertThat(row.refusals()).anyMatch(r -> (cause.getField() + ": " + cause.getMessage()).startsWith(r)));
        assertThat(API.benchmarks().inNamespace(ns).withName("refused-" + index).get()).isNull();
    }

    /** Each bound (enum, minimum, maximum, items, length, required) and rule of spec and the object has a row. */
    @Test
    void everyBoundAndRuleOfTheCrdHasARow() throws IOException {
        JsonNode schema = ApiServer.YAML.readTree(ApiServer.CRD.toFile())
                .path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
        Map<String, String> rules = new LinkedHashMap<>();
        Set<String> bounds = new LinkedHashSet<>();
        walk(schema, "", bounds, rules);
        bounds.addAll(rules.keySet());

        String ns = API.namespace("coverage");
        Set<String> covered = new LinkedHashSet<>();
        for (Row row : ROWS) {
            for (StatusCause cause : causes(refuse(ns, ApiServer.benchmark("r", row.refused()), true))) {
                covered.add(boundOf(cause, bounds, rules));
            }
        }
        System.out.println("[apiserver] " + bounds.size() + " bounds and rules in the CRD, " + ROWS.size() + " rows");
        bounds.removeAll(covered);
        assertThat(bounds).as("bounds and rules of the CRD that no row is refused by: add a row to CrdSchemaTest.ROWS")
                .isEmpty();
    }

    /** What a person sees: one kubectl apply of every refused manifest prints each refusal and creates nothing. */
    @Test
    void kubectlApplyPrintsEachRefusal() {
        String ns = API.namespace("kubectl");
        List<GenericKubernetesResource> refused = IntStream.range(0, ROWS.size())
                .mapToObj(i -> ApiServer.benchmark("kubectl-" + i, ROWS.get(i).refused())).toList();
        CommandResult apply = API.kubectl(refused.stream().map(ApiServer::yaml).collect(Collectors.joining()),
                "apply", "-n", ns, "-f", "-");
        assertThat(apply.ok()).as(apply.toString()).isFalse();
        // One error per manifest, in order (an unknown field's names no object: the server could not decode it).
        List<String> errors = apply.err().lines().filter(l -> l.startsWith("Error from server")).toList();
        assertThat(errors).as(apply.toString()).hasSize(ROWS.size());
        for (int i = 0; i < ROWS.size(); i++) {
            assertThat(errors.get(i)).contains(ROWS.get(i).refusals());
        }
        assertThat(API.benchmarks().inNamespace(ns).list().getItems()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static KubernetesClientException refuse(String ns, GenericKubernetesResource manifest, boolean dryRun) {
        var resource = API.benchmarks().inNamespace(ns).resource(manifest);
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () ->
                (dryRun ? resource.dryRun() : resource).fieldValidation(Validation.STRICT).create());
        assertThat(e).as("refused: " + ApiServer.yaml(manifest)).isNotNull();
        return e;
    }

    /** The reasons the server gave, without its note that the rules were not checked after a schema error. */
    private static List<StatusCause> causes(KubernetesClientException e) {
        if (e.getStatus() == null || e.getStatus().getDetails() == null) {
            return List.of();
        }
        return e.getStatus().getDetails().getCauses().stream()
                .filter(c -> !c.getMessage().contains("some validation rules were not checked"))
                .toList();
    }

    /**
     * The bounds and rules under {@code schema} as "path kind", e.g. "spec.pods maximum",
     * "spec.strategies[] enum", "spec.workload.size required", and the rules in {@code rules} as
     * "path rule: message" (the path the server names: the rule's place and its fieldPath) mapped to
     * their static message (null for a messageExpression). The status is the operator's: not walked.
     */
    private static void walk(JsonNode schema, String path, Set<String> bounds, Map<String, String> rules) {
        for (String kind : List.of("enum", "minimum", "maximum", "minItems", "maxItems", "minLength", "maxLength",
                "minProperties", "maxProperties", "pattern")) {
            if (schema.has(kind)) {
                bounds.add(path + " " + kind);
            }
        }
        schema.path("required").forEach(r -> bounds.add(child(path, r.asText()) + " required"));
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String message = rule.has("message") ? rule.get("message").asText() : null;
            rules.put(path + rule.path("fieldPath").asText("") + " rule: "
                    + (message != null ? message : rule.path("rule").asText()), message);
        }
        schema.path("properties").fields().forEachRemaining(p -> {
            if (!(path.isEmpty() && p.getKey().equals("status"))) {
                walk(p.getValue(), child(path, p.getKey()), bounds, rules);
            }
        });
        if (schema.has("items")) {
            walk(schema.get("items"), path + "[]", bounds, rules);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(schema.get("additionalProperties"), path + "[*]", bounds, rules);
        }
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The bound or rule a refusal's cause names, in {@link #walk}'s terms. */
    private static String boundOf(StatusCause cause, Set<String> bounds, Map<String, String> rules) {
        String path = cause.getField() == null || cause.getField().equals("<nil>") ? ""
                : cause.getField().replaceAll("\\[\\d+]", "[]");
        String message = cause.getMessage();
        // A rule's message follows the server's words for its reason: Invalid value: "object": , Forbidden: , ...
        String text = message.replaceFirst("^(Invalid value: \"[a-z]+\": |Forbidden: |Required value: )", "");
        List<String> rulesHere = rules.keySet().stream().filter(k -> k.startsWith(path + " rule: ")).toList();
        Optional<String> rule = rulesHere.stream().filter(k -> text.equals(rules.get(k))).findFirst();
        if (rule.isPresent()) {
            return rule.get();
        }
        switch (cause.getReason()) {
            case "FieldValueNotSupported":
                return path + " enum";
            case "FieldValueRequired":
                return path + " required";
            case "FieldValueTooLong":
                return path + " maxLength";
            case "FieldValueTooMany":
                return path + (bounds.contains(path + " maxProperties") ? " maxProperties" : " maxItems");
            default:
                break;
        }
        if (message.contains("should be less than or equal to")) {
            return path + " maximum";
        }
        if (message.contains("should be greater than or equal to")) {
            return path + " minimum";
        }
        if (message.contains("should have at least")) {
            return path + " minItems";
        }
        // A rule with a messageExpression: its message is computed, so it is the one at this path without a static one.
        return rulesHere.stream().filter(k -> rules.get(k) == null).findFirst().orElse(path + " rule: " + text);
    }

    /** A custom Python workload (inline source) with {@code fields} merged into workload.custom. */
    private static String custom(String fields) {
        return "spec: {workload: {type: custom, size: null, custom: {entrypoint: 'work:run', source: 'def run(i): return i'"
                + (fields.isEmpty() ? "" : ", " + fields) + "}}}";
    }

    /** A custom Java workload: a java runtime, spec.image, workload.custom with {@code fields} (entrypoint and source removed). */
    private static String java(String fields) {
        return "spec: {runtime: java-21, image: 'registry.example/bench:1', workload: {type: custom, size: null, custom: "
                + "{entrypoint: null, source: null, " + fields + "}}}";
    }

    private static String seq(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    /** {r1: 1, r2: 1, ...}: n resources (the schema checks their count; names are checked when a Job is made). */
    private static String quantities(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "r" + i + ": 1").collect(Collectors.joining(", ", "{", "}"));
    }

    private static String tolerations(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "{key: taint-" + i + "}").collect(Collectors.joining(", ", "[", "]"));
    }
}
