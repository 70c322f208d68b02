package dev.concbench.domain;

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
 */
public record Observation(Admission admission, List<JobSeen> jobs, Map<String, RunObservation> runs) {

    public Observation {
        jobs = List.copyOf(jobs);
        runs = Map.copyOf(runs);
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
