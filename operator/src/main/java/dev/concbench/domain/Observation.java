package dev.concbench.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the executor saw before {@link Lifecycle#decide}: the benchmark's Jobs, what the Jobs of the
 * current generation's runs say, and whether the benchmark holds an admission slot.
 *
 * @param admitted whether a slot is held; asked only when {@link Lifecycle#wantsSlot} says so
 * @param slots    how many benchmarks may run at once (what a Queued benchmark is told)
 * @param jobs     every Job of the benchmark, any generation
 * @param runs     by Job name, what the Job and pods of a current-generation run say; a run whose
 *                 Job does not exist (confirmed with the API server) has no entry
 */
public record Observation(boolean admitted, int slots, List<JobSeen> jobs, Map<String, RunObservation> runs) {

    public Observation {
        jobs = List.copyOf(jobs);
        runs = Map.copyOf(runs);
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
