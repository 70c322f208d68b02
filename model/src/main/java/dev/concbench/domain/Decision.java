package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;

import java.util.List;

/**
 * The outcome of {@link Lifecycle#decide}: the actions to execute first, then the status to write.
 *
 * @param statusChanged the status differs from the one the step started from: write it
 * @param ended         the generation ended in this step: free the admission slot once the status is written
 */
public record Decision(ConcurrencyBenchmarkStatus status, List<Action> actions, boolean statusChanged,
                       boolean ended) {

    public Decision {
        actions = List.copyOf(actions);
    }
}
