package dev.concbench.e2e;

import dev.concbench.api.v1alpha1.Phase;
import dev.concbench.domain.Labels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What OperatorBench sees of the cluster: informers on benchmarks, the operator's Jobs and its pods, started
 * before anything is created; per benchmark and per pod the arrival times (System.nanoTime()) of the events
 * that matter and the etcd revisions of the first Job and the terminal status. Every pod event also goes to
 * the simulated kubelet.
 */
final class ClusterTracker {

    /** What the watches saw of one benchmark; times are System.nanoTime() at arrival. */
    static final class Track {
        volatile long created = -1;
        volatile long firstJob = -1;
        volatile long firstJobRv = -1;
        volatile long terminal = -1;
        volatile long terminalRv = -1;
        volatile String phase;
        final Map<String, Long> podsDone = new ConcurrentHashMap<>();

        long lastPodDone() {
            return podsDone.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    /** What the watches saw of one pod: first Running, first start annotation (arrival times), its node. */
    static final class PodTrack {
        volatile long running = -1;
        volatile long annotated = -1;
        volatile double startAt = Double.NaN;
        volatile String node;
        volatile int pods;
    }

    private final KubernetesClient client;
    private final Consumer<Pod> onPod;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final Map<String, PodTrack> pods = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    ClusterTracker(KubernetesClient client, Consumer<Pod> onPod) {
        this.client = client;
        this.onPod = onPod;
    }

    /** Every benchmark seen so far, by namespace/name. */
    Map<String, Track> tracks() {
        return tracks;
    }

    /** The benchmarks of one namespace. */
    List<Track> tracksIn(String namespace) {
        return tracks.entrySet().stream().filter(e -> e.getKey().startsWith(namespace + "/"))
                .map(Map.Entry::getValue).toList();
    }

    /** The pods whose namespace/name starts with {@code prefix}. */
    List<PodTrack> podsStartingWith(String prefix) {
        return pods.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
    }

    void start() {
        var cbInformer = client.genericKubernetesResources(OperatorBench.BENCHMARKS).inAnyNamespace().inform(handler(cb -> {
            Track t = track(cb);
            long now = System.nanoTime();
            if (t.created < 0) {
                t.created = now;
            }
            Object status = cb.getAdditionalProperties().get("status");
            String phase = status instanceof Map<?, ?> m ? Objects.toString(m.get("phase"), null) : null;
            t.phase = phase;
            if (t.terminal < 0 && phase != null && Phase.valueOf(phase).terminal()) {
                t.terminalRv = Long.parseLong(cb.getMetadata().getResourceVersion());
                t.terminal = now;
            }
        }));
        var jobInformer = client.batch().v1().jobs().inAnyNamespace().withLabel(Labels.LABEL_MANAGED_BY,
                Labels.MANAGED_BY).inform(handler((Job job) -> {
            long now = System.nanoTime();
            Track t = trackOf(job);
            if (t != null && t.firstJob < 0) {
                t.firstJobRv = Long.parseLong(job.getMetadata().getResourceVersion());
                t.firstJob = now;
            }
        }));
        var podInformer = client.pods().inAnyNamespace().withLabel(Labels.LABEL_MANAGED_BY, Labels.MANAGED_BY)
                .inform(handler((Pod pod) -> {
                    long now = System.nanoTime();
                    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                    Track t = trackOf(pod);
                    if (t != null && ("Succeeded".equals(phase) || "Failed".equals(phase))) {
                        t.podsDone.putIfAbsent(pod.getMetadata().getUid(), now);
                    }
                    PodTrack p = pods.computeIfAbsent(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
                            k -> new PodTrack());
                    p.node = pod.getSpec().getNodeName();
                    p.pods = SimulatedKubelet.KernelArgs.of(pod).shardCount();
                    if (p.running < 0 && "Running".equals(phase)) {
                        p.running = now;
                    }
                    String startAt = pod.getMetadata().getAnnotations() == null ? null
                            : pod.getMetadata().getAnnotations().get(Labels.ANNOTATION_START_AT);
                    if (p.annotated < 0 && startAt != null) {
                        p.startAt = Double.parseDouble(startAt);
                        p.annotated = now;
                    }
                    onPod.accept(pod);
                }));
        informers.addAll(List.of(cbInformer, jobInformer, podInformer));
    }

    private static <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> seen) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                seen.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                seen.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }

    private Track track(GenericKubernetesResource cb) {
        return tracks.computeIfAbsent(cb.getMetadata().getNamespace() + "/" + cb.getMetadata().getName(),
                k -> new Track());
    }

    private Track trackOf(HasMetadata owned) {
        Map<String, String> labels = owned.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(Labels.LABEL_BENCHMARK);
        return name == null ? null
                : tracks.computeIfAbsent(owned.getMetadata().getNamespace() + "/" + name, k -> new Track());
    }

    Track awaitTerminal(String key, Duration timeout) throws InterruptedException {
        return await(key, timeout, t -> t.terminal > 0);
    }

    Track awaitFirstJob(String key, Duration timeout) throws InterruptedException {
        return await(key, timeout, t -> t.firstJob > 0);
    }

    private Track await(String key, Duration timeout, java.util.function.Predicate<Track> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Track t = tracks.get(key);
            if (t != null && done.test(t)) {
                return t;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        return null;
    }

    void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
