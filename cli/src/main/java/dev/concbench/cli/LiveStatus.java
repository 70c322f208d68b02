package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.cli.StatusFile.BadStatusFileException;
import dev.concbench.cli.StatusFile.Loaded;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Reads the status of a ConcurrencyBenchmark from the cluster of the kubeconfig ({@code --live NAMESPACE/NAME}). */
final class LiveStatus {

    private LiveStatus() {
    }

    static Loaded read(KubernetesClient client, String ref) throws BadStatusFileException {
        int slash = ref.indexOf('/');
        if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
            throw new BadStatusFileException("--live " + ref + ": expected NAMESPACE/NAME");
        }
        String namespace = ref.substring(0, slash);
        String name = ref.substring(slash + 1);
        ConcurrencyBenchmark cb = client.resources(ConcurrencyBenchmark.class)
                .inNamespace(namespace).withName(name).get();
        if (cb == null) {
            throw new BadStatusFileException(ref + ": no such ConcurrencyBenchmark");
        }
        if (cb.getStatus() == null || cb.getStatus().getResults() == null || cb.getStatus().getResults().isEmpty()) {
            throw new BadStatusFileException(ref + ": the ConcurrencyBenchmark has no result rows yet"
                    + (cb.getStatus() == null || cb.getStatus().getPhase() == null ? ""
                    : " (phase " + cb.getStatus().getPhase() + ")"));
        }
        return new Loaded(name, cb.getStatus());
    }
}
