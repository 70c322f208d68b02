package dev.concbench.operator;

import dev.concbench.domain.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Releases the common start of a multi-pod run: once every pod runs, each gets the same wall-clock
 * time in the {@link Names#ANNOTATION_START_AT} annotation (the kernel reads it through the
 * downward API, {@link JobFactory}, and waits for that moment).
 *
 * <p>The pods are patched in parallel, a JSON merge patch each and no read before it: one patch
 * after another (a GET and a PATCH per pod) took 7.5 s for 100 pods on the simulated nodes of
 * make bench-operator, longer than the start delay, so the last pods would have started late.
 * Each patch goes through the pod informer's cache ({@link Writer}): the next reconcile sees the
 * annotated pods even before their watch events arrive, and does not release them again.
 * A release that failed half-way (an API error; the reconcile retries) is completed with the start
 * time the first pods already have, never a second one.
 */
@Singleton // no client proxy: a proxy would run the constructor, and make a pool, of its own
public class CommonStart {

    /** Patches in flight at once: enough to overlap the API server's latency; no thread is kept at rest. */
    static final int PARALLEL_PATCHES = 16;
    private static final Logger LOG = Logger.getLogger(CommonStart.class);

    private final ThreadPoolExecutor patches;

    /**
     * Makes one pod's patch: in the operator, the pod informer's
     * {@code eventFilteringUpdateAndCacheResource}, which keeps the patched pod in its cache.
     */
    @FunctionalInterface
    public interface Writer {
        Pod write(Pod pod, UnaryOperator<Pod> patch);
    }

    public CommonStart() {
        AtomicInteger count = new AtomicInteger();
        patches = new ThreadPoolExecutor(PARALLEL_PATCHES, PARALLEL_PATCHES, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "concbench-common-start-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        patches.allowCoreThreadTimeOut(true); // threads only while a release runs
    }

    /**
     * Gives every pod of the run that lacks it the start time: the one some of them already carry,
     * or {@code now} plus the delay. Returns when every patch was answered; throws the first error.
     *
     * @return the start time, seconds since the epoch, as written
     */
    public String release(KubernetesClient client, Writer writer, List<Pod> pods, Instant now, int delaySeconds) {
        String startAt = pods.stream().map(CommonStart::startAt).filter(Objects::nonNull).findFirst()
                .orElseGet(() -> String.format(Locale.ROOT, "%.3f", now.toEpochMilli() / 1000.0 + delaySeconds));
        String patch = "{\"metadata\":{\"annotations\":{\"" + Labels.ANNOTATION_START_AT + "\":\"" + startAt + "\"}}}";
        List<Pod> missing = pods.stream().filter(p -> startAt(p) == null).toList();
        LOG.debugf("releasing the common start of %d of %d pods at %s", missing.size(), pods.size(), startAt);
        List<CompletableFuture<Void>> pending = new ArrayList<>(missing.size());
        for (Pod pod : missing) {
            // resource(pod): the patch names the pod; without it the client reads the pod first.
            pending.add(CompletableFuture.runAsync(() -> writer.write(pod, p -> client.pods().resource(p)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch)), patches));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        return startAt;
    }

    private static String startAt(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(Labels.ANNOTATION_START_AT);
    }

    @PreDestroy
    void stop() {
        patches.shutdownNow();
    }
}
