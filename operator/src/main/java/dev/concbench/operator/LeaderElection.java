package dev.concbench.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Leader election on a Lease in the operator's namespace, so a second replica (or the old
 * pod during a rollout) waits instead of running Jobs twice. Active in the profiles listed
 * in {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default).
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {

    public static final String LEASE_NAME = "concbench-operator-lease";

    public LeaderElection() {
        super(LEASE_NAME);
    }
}
