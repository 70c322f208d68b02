package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the executor saw before {@link Lifecycle#decide}: the benchmark's Jobs, what the Jobs of the
 * current generation's runs say, and whether the benchmark holds an admission slot.
 *
 * @param admission the admission control, asked only when the step needs a slot
 * @param jobs     every Job of the benchmark, any generation
 * @param runs     by Job name, what the Job and pods of a current-generation run say; a run whose
 *                 Job does not exist (confirmed with the API server) has no entry
 * @param baseline what was found of spec.baseline ({@link BaselineSeen#NOT_LOOKED_UP} by default)
 */
public record Observation(Admission admission, List<JobSeen> jobs, Map<String, RunObservation> runs,
                          BaselineSeen baseline) {

    public Observation {
        jobs = List.copyOf(jobs);
        runs = Map.copyOf(runs);
        baseline = baseline == null ? BaselineSeen.NOT_LOOKED_UP : baseline;
    }

    /** An executor that does not look spec.baseline up (the local runner): no comparison is made. */
    public Observation(Admission admission, List<JobSeen> jobs, Map<String, RunObservation> runs) {
        this(admission, jobs, runs, BaselineSeen.NOT_LOOKED_UP);
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
     * Limits how many benchmarks run at once. {@link Lifecycle#decide} asks only for a valid generation
     * that has not ended, so a finished or invalid benchmark never claims a slot.
     */
    public interface Admission {
        /** Whether the benchmark holds a slot: it keeps one it has, or claims a free one in its turn. */
        boolean admit();

        /** How many benchmarks may run at once (what a Queued benchmark is told). */
        int limit();

        static Admission of(boolean admitted, int limit) {
            return new Admission() {
                @Override
                public boolean admit() {
                    return admitted;
                }

                @Override
                public int limit() {
                    return limit;
                }
            };
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
