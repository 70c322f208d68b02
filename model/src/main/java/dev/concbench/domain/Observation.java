package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.Runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the executor saw before {@link Lifecycle#decide}: facts only, nothing to call back. The
 * benchmark's Jobs, what the Jobs of the current generation's runs say, whether a slot is free for it,
 * the executor's settings (its runtime catalog and policy), and a request of the previous step the API server
 * refused (or the operator failing on it).
 *
 * @param admission whether the benchmark may run now (it holds a slot, or one is free in its turn)
 * @param jobs      every Job of the benchmark, any generation
 * @param runs      by Job name, what the Job and pods of a current-generation run say; a run whose
 *                  Job does not exist (confirmed with the API server) has no entry
 * @param baseline  what was found of spec.baseline ({@link BaselineSeen#NOT_LOOKED_UP} by default)
 * @param settings  the executor's runtime catalog and policy, which the spec is held against
 * @param workloadCode what is wrong with the user's code ({@link WorkloadCode#problem}), null when nothing is
 *                  or it was not looked up (the executor looks before a run starts)
 * @param fault     what stopped the previous step, or null
 */
public record Observation(Admission admission, List<JobSeen> jobs, Map<String, RunObservation> runs,
                          BaselineSeen baseline, Settings settings, String workloadCode, Fault fault) {

    public Observation {
        jobs = List.copyOf(jobs);
        runs = Map.copyOf(runs);
        baseline = baseline == null ? BaselineSeen.NOT_LOOKED_UP : baseline;
        settings = settings == null ? Settings.NONE : settings;
    }

    public Observation(Admission admission, List<JobSeen> jobs, Map<String, RunObservation> runs,
                       BaselineSeen baseline) {
        this(admission, jobs, runs, baseline, Settings.NONE, null, null);
    }

    /** An executor that does not look spec.baseline up (the local runner): no comparison is made. */
    public Observation(Admission admission, List<JobSeen> jobs, Map<String, RunObservation> runs) {
        this(admission, jobs, runs, BaselineSeen.NOT_LOOKED_UP);
    }

    /** The same observation, and {@code fault} stopped the step taken from it. */
    public Observation withFault(Fault fault) {
        return new Observation(admission, jobs, runs, baseline, settings, workloadCode, fault);
    }

    /** The same observation, and what is wrong with the user's code (null: nothing). */
    public Observation withWorkloadCode(String problem) {
        return new Observation(admission, jobs, runs, baseline, settings, problem, fault);
    }

    /**
     * What the executor found of spec.baseline in the benchmark's namespace.
     *
     * @param lookedUp  false when the executor does not look baselines up
     * @param benchmark the baseline as the executor sees it, null when there is none by that name
     */
    public record BaselineSeen(boolean lookedUp, ConcurrencyBenchmark benchmark) {
        public static final BaselineSeen NOT_LOOKED_UP = new BaselineSeen(false, null);

        public static BaselineSeen found(ConcurrencyBenchmark benchmark) {
            return new BaselineSeen(true, benchmark);
        }
    }

    /**
     * How many benchmarks run at once and whether this one may run now. Read, not claimed: a step that
     * runs the benchmark asks its executor to hold the slot ({@link Action.HoldSlot}).
     *
     * @param mayRun it holds a slot, or one is free in its turn
     * @param limit  how many benchmarks may run at once (what a Queued benchmark is told)
     */
    public record Admission(boolean mayRun, int limit) {
    }

    /**
     * The executor's settings, which {@link Lifecycle#decide} holds a spec against: configuration, the same
     * for every benchmark.
     *
     * @param catalog the image of each runtime; null for an executor without images (the local runner)
     * @param policy  what a spec may ask for; null for an executor that allows everything (the local runner)
     */
    public record Settings(RuntimeCatalog catalog, BenchmarkPolicy policy) {
        /** No images, nothing unavailable, everything allowed: the local runner. */
        public static final Settings NONE = new Settings(null, null);

        /** Why the spec cannot run here (a runtime without an image): invalid, like a spec error. */
        List<String> unavailable(ConcurrencyBenchmarkSpec spec) {
            return catalog == null ? List.of() : catalog.unavailable(spec);
        }

        /** What the policy does not allow (an image, a toleration, resources): the benchmark ends NotAllowed. */
        List<String> notAllowed(ConcurrencyBenchmarkSpec spec) {
            return policy == null ? List.of() : policy.refusals(spec);
        }

        /** The kernel image of {@code runtime}'s runs, null without one. */
        String image(ConcurrencyBenchmarkSpec spec, Runtime runtime) {
            return catalog == null ? null : catalog.image(spec, runtime).orElse(null);
        }
    }

    /**
     * A request of the previous step that the API server refused for good, or the operator failing on the
     * benchmark: the generation ends Failed with {@code reason}.
     *
     * @param reason        the Failed condition's reason (InvalidSpec, Forbidden, NameTaken, OperatorError...)
     * @param message       for a person: the server's words, never an exception's text
     * @param statusRefused the refused request was the status write itself: the next status keeps what says
     *                      why and drops the measurements
     */
    public record Fault(String reason, String message, boolean statusRefused) {
        public Fault withStatusRefused() {
            return new Fault(reason, message, true);
        }
    }

    /**
     * @param generation the generation label of the Job, null when it has none
     * @param finished   the Job controller has marked it Complete or Failed
     */
    public record JobSeen(String name, Long generation, boolean finished, Instant created) {
    }

    public Optional<JobSeen> job(String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
    }
}
