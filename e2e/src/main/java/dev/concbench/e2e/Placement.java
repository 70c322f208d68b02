package dev.concbench.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * TEST FIXTURE part of {@link NodeAgent}: the scheduler's filters, pure functions.
 * Honoured: nodeSelector, required node affinity (In, NotIn, Exists, DoesNotExist),
 * NoSchedule/NoExecute taints against tolerations, required pod anti-affinity (any
 * topology key is treated per node, which is exact for kubernetes.io/hostname), and the
 * node's allocatable cpu, memory and pod count against the pods' requests.
 * Not honoured: preferred terms, pod affinity, topology spread, ports, volumes.
 */
final class Placement {

    private Placement() {
    }

    /** Why {@code pod} does not fit {@code node} given the pods already there, or empty when it fits. */
    static Optional<String> misfit(Pod pod, Node node, Collection<Pod> podsOnNode) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null && !selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return Optional.of("node(s) didn't match Pod's node affinity/selector");
        }
        if (!requiredNodeAffinity(pod, labels)) {
            return Optional.of("node(s) didn't match Pod's node affinity/selector");
        }
        if (node.getSpec().getTaints() != null) {
            for (Taint taint : node.getSpec().getTaints()) {
                if (("NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect()))
                        && !tolerated(taint, pod.getSpec().getTolerations())) {
                    return Optional.of("node(s) had untolerated taint {" + taint.getKey() + ": "
                            + Objects.toString(taint.getValue(), "") + "}");
                }
            }
        }
        if (violatesAntiAffinity(pod, podsOnNode)) {
            return Optional.of("node(s) didn't match pod anti-affinity rules");
        }
        Map<String, Quantity> allocatable = node.getStatus() == null ? null : node.getStatus().getAllocatable();
        if (allocatable != null) {
            if (allocatable.containsKey("pods")
                    && podsOnNode.size() + 1 > allocatable.get("pods").getNumericalAmount().intValue()) {
                return Optional.of("Too many pods");
            }
            for (String resource : List.of("cpu", "memory")) {
                Quantity cap = allocatable.get(resource);
                if (cap == null) {
                    continue;
                }
                BigDecimal used = podsOnNode.stream().map(p -> request(p, resource)).reduce(BigDecimal.ZERO, BigDecimal::add);
                if (used.add(request(pod, resource)).compareTo(cap.getNumericalAmount()) > 0) {
                    return Optional.of("Insufficient " + resource);
                }
            }
        }
        return Optional.empty();
    }

    /** The sum of the containers' requests of {@code resource} (init containers are ignored). */
    static BigDecimal request(Pod pod, String resource) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getResources() == null) {
                continue;
            }
            Quantity q = c.getResources().getRequests() == null ? null : c.getResources().getRequests().get(resource);
            if (q == null && c.getResources().getLimits() != null) {
                q = c.getResources().getLimits().get(resource); // a limit alone is also the request
            }
            if (q != null) {
                sum = sum.add(q.getNumericalAmount());
            }
        }
        return sum;
    }

    private static boolean requiredNodeAffinity(Pod pod, Map<String, String> labels) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        List<NodeSelectorTerm> terms = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        if (terms == null || terms.isEmpty()) {
            return true;
        }
        // Terms are ORed; the expressions of a term are ANDed.
        return terms.stream().anyMatch(t -> t.getMatchExpressions() == null
                || t.getMatchExpressions().stream().allMatch(r -> matches(r, labels)));
    }

    private static boolean matches(NodeSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false; // Gt, Lt: not needed here
        };
    }

    static boolean tolerated(Taint taint, List<Toleration> tolerations) {
        if (tolerations == null) {
            return false;
        }
        return tolerations.stream().anyMatch(t -> {
            boolean effect = t.getEffect() == null || t.getEffect().isEmpty() || t.getEffect().equals(taint.getEffect());
            boolean key = t.getKey() == null || t.getKey().isEmpty() || t.getKey().equals(taint.getKey());
            boolean value = "Exists".equals(t.getOperator())
                    || Objects.toString(t.getValue(), "").equals(Objects.toString(taint.getValue(), ""));
            return effect && key && value;
        });
    }

    private static boolean violatesAntiAffinity(Pod pod, Collection<Pod> podsOnNode) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getPodAntiAffinity() == null
                || affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return false;
        }
        for (PodAffinityTerm term : affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()) {
            List<String> namespaces = term.getNamespaces() == null || term.getNamespaces().isEmpty()
                    ? List.of(pod.getMetadata().getNamespace()) : term.getNamespaces();
            for (Pod other : podsOnNode) {
                if (namespaces.contains(other.getMetadata().getNamespace())
                        && selects(term.getLabelSelector(), other.getMetadata().getLabels())) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false; // a null selector selects nothing
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null
                && !selector.getMatchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(l.get(e.getKey())))) {
            return false;
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = l.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
