package dev.concbench.operator;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmark;
import dev.concbench.api.v1alpha1.Runtime;
import dev.concbench.domain.BenchmarkPlanner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The ConfigMap a Python benchmark's pods mount the kernel script from: a dependent resource of the
 * benchmark, reconciled by the SDK before each reconcile, only for Python runtimes ({@link Python}, a
 * reconcile precondition: an activation condition would register an informer of its own per
 * dependent, and this one shares the reconciler's "kernel-configmaps" informer, whose cache keeps no
 * data). So the matcher compares the script's hash annotation, not the script.
 */
public class KernelConfigMap extends CRUDKubernetesDependentResource<ConfigMap, ConcurrencyBenchmark> {

    /** The informer this dependent reads (registered by the reconciler, reduced to metadata). */
    public static final String EVENT_SOURCE = "kernel-configmaps";

    private static final KernelScript SCRIPT = KernelScript.load();

    public KernelConfigMap() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        return SCRIPT.configMap(cb);
    }

    @Override
    public Matcher.Result<ConfigMap> match(ConfigMap actual, ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        return Matcher.Result.computed(SCRIPT.isIn(actual, cb), desired(cb, ctx));
    }

    /**
     * A 409: the ConfigMap is there already. Ours (an earlier create whose event has not come yet) is
     * taken as created; anyone else's is never adopted or overwritten: the benchmark ends Failed
     * ({@link Owners#nameTaken}) instead of waiting in front of the queue for ever.
     */
    @Override
    public ConfigMap create(ConfigMap desired, ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        try {
            return super.create(desired, cb, ctx);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            ConfigMap existing = ctx.getClient().configMaps().inNamespace(desired.getMetadata().getNamespace())
                    .withName(desired.getMetadata().getName()).get();
            if (existing == null) {
                throw e; // gone again meanwhile: the retry creates it
            }
            if (!Owners.ownedBy(existing, cb)) {
                throw new ApiRefusal.Refused(Owners.nameTaken("ConfigMap", existing, cb));
            }
            return existing;
        }
    }

    /**
     * Never deleted by the operator, whatever the SDK's workflow asks: it deletes a dependent whose
     * reconcile precondition stops holding (a benchmark switched from Python to Java), and the chart's
     * RBAC grants no delete on ConfigMaps (the operator's least privilege), so that DELETE would be
     * refused and the refusal would fail the benchmark. An unused script harms nothing; the owner
     * reference collects it with the benchmark.
     */
    @Override
    public void delete(ConcurrencyBenchmark cb, Context<ConcurrencyBenchmark> ctx) {
        // nothing: see above
    }

    /**
     * Plain create and update, not server-side apply: the operator's RBAC grants exactly the calls it
     * makes (create, update), and the reduced cache keeps no managed fields to compare.
     */
    @Override
    protected boolean useSSA(Context<ConcurrencyBenchmark> ctx) {
        return false;
    }

    /** Only Python kernels need the script (a sweep over runtimes: any Python one): the Java kernel is in its image. */
    public static class Python implements Condition<ConfigMap, ConcurrencyBenchmark> {
        @Override
        public boolean isMet(DependentResource<ConfigMap, ConcurrencyBenchmark> dependent, ConcurrencyBenchmark cb,
                             Context<ConcurrencyBenchmark> ctx) {
            return cb.getSpec() != null && BenchmarkPlanner.sweepRuntimes(cb.getSpec()).stream().anyMatch(Runtime::isPython);
        }
    }
}
