package dev.concbench.cli;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.cli.StatusFile.BadStatusFileException;
import dev.concbench.cli.StatusFile.Loaded;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Reads the status of a ConcurrencyBenchmark from the cluster of the kubeconfig ({@code --live NAMESPACE/NAME}). */
final class LiveStatus {

    private LiveStatus() {
    }

    /** A benchmark read from the cluster, with the cluster's version (for the exports' environment). */
    record Live(Loaded loaded, String kubernetesVersion) {
    }

    /**
     * Reads NAMESPACE/NAME through the current kubeconfig; a cluster that cannot be reached is a bad
     * input whose message starts with {@code shownAs} (how the user wrote the reference).
     */
    static Live readFromKubeconfig(String ref, String shownAs) throws BadStatusFileException {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            Loaded loaded = read(client, ref);
            return new Live(loaded, client.getKubernetesVersion().getGitVersion());
        } catch (KubernetesClientException e) {
            throw new BadStatusFileException(shownAs + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("cannot read from the cluster"));
        }
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
