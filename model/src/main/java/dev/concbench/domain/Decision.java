package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkStatus;

import java.util.List;

/**
 * The outcome of {@link Lifecycle#decide}: the status to write and the actions to execute first.
 *
 * @param ended the generation ended in this step: free the admission slot once the status is written
 */
public record Decision(ConcurrencyBenchmarkStatus status, List<Action> actions, boolean ended) {

    public Decision {
        actions = List.copyOf(actions);
    }
}
