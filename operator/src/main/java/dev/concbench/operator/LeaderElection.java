package dev.concbench.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Leader election on a Lease in the operator's namespace, so a second replica (or the old
 * pod during a rollout) waits instead of running Jobs twice. Active in the profiles listed
 * in {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default).
 *
 * <p>Losing the lease ends the process, but not from inside the SDK's own callback: the
 * SDK's built-in exit runs {@code System.exit} on the thread that a shutdown hook waits
 * for, which deadlocked a SIGTERM for 30 s (found by the e2e suite). The exit here runs on
 * a daemon thread of its own.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {

    public static final String LEASE_NAME = "concbench-operator-lease";
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    public LeaderElection() {
        super(LEASE_NAME, null, LEASE_DURATION_DEFAULT_VALUE, RENEW_DEADLINE_DEFAULT_VALUE,
                RETRY_PERIOD_DEFAULT_VALUE, null,
                new LeaderCallbacks(() -> LOG.info("started leading"), LeaderElection::exitAfterLosingLease,
                        leader -> LOG.infof("leader is %s", leader)),
                false);
    }

    private static void exitAfterLosingLease() {
        LOG.info("stopped leading: exiting so a fresh process can compete for the lease");
        Thread exit = new Thread(() -> System.exit(1), "exit-after-lost-lease");
        exit.setDaemon(true);
        exit.start();
    }
}
