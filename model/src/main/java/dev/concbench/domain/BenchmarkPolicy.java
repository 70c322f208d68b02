package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.KernelResources;
import dev.concbench.api.v1alpha1.KernelToleration;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an administrator lets benchmark authors ask for: the chart's {@code policy} values. Kernel
 * pods run code the author chooses on nodes the author does not own, so by default a benchmark may
 * not pick its image, tolerate every taint or ask for unbounded resources.
 *
 * <p>The chart's ValidatingAdmissionPolicy refuses a benchmark that breaks these rules at apply (the
 * same rules in CEL, the same messages); the operator checks again with this class before any Job
 * exists, for benchmarks admitted before a rule was tightened, and ends them Failed, NotAllowed. Each
 * message names the chart value that would allow what was asked.
 *
 * @param allowImageOverride    spec.image may replace the runtime catalog's image
 * @param allowedImagePrefixes  with allowImageOverride: the prefixes spec.image must start with; empty: any
 * @param tolerations           which tolerations a spec may carry
 * @param allowedTolerationKeys with {@link Tolerations#KEYED}: the taint keys a toleration may name; empty: any
 * @param maxRequests           per kernel pod, resource name to the largest request allowed
 * @param maxLimits             per kernel pod, resource name to the largest limit allowed
 */
public record BenchmarkPolicy(boolean allowImageOverride, List<String> allowedImagePrefixes, Tolerations tolerations,
                              List<String> allowedTolerationKeys, Map<String, Quantity> maxRequests,
                              Map<String, Quantity> maxLimits) {

    /** The chart value {@code policy.allowTolerations}. */
    public enum Tolerations {
        /** Every toleration names a taint key: an empty key (with Exists: every taint) is refused. */
        KEYED,
        ANY,
        NONE;

        /** As the chart writes it: keyed, any, none. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Tolerations of(String value) {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        }
    }

    public BenchmarkPolicy {
        allowedImagePrefixes = List.copyOf(allowedImagePrefixes);
        allowedTolerationKeys = List.copyOf(allowedTolerationKeys);
        maxRequests = new TreeMap<>(maxRequests);
        maxLimits = new TreeMap<>(maxLimits);
    }

    /**
     * Why the spec is not allowed: one message per rule it breaks, each naming the chart value that
     * would allow it. Empty when it is allowed (and for a missing spec: the validator reports that).
     */
    public List<String> refusals(ConcurrencyBenchmarkSpec spec) {
        List<String> refusals = new ArrayList<>();
        if (spec == null) {
            return refusals;
        }
        image(refusals, spec.getImage());
        if (spec.getPlacement() != null && spec.getPlacement().getTolerations() != null) {
            tolerations(refusals, spec.getPlacement().getTolerations());
        }
        KernelResources resources = spec.getResources();
        if (resources != null) {
            capped(refusals, "requests", resources.getRequests(), maxRequests);
            capped(refusals, "limits", resources.getLimits(), maxLimits);
        }
        return refusals;
    }

    private void image(List<String> refusals, String image) {
        if (image == null) {
            return;
        }
        if (!allowImageOverride) {
            refusals.add("spec.image is not allowed: kernel pods run the images of the operator's runtime catalog "
                    + "(chart value policy.allowImageOverride allows other images)");
        } else if (!allowedImagePrefixes.isEmpty() && allowedImagePrefixes.stream().noneMatch(image::startsWith)) {
            refusals.add("spec.image " + image + " is not allowed: it must start with one of "
                    + String.join(", ", allowedImagePrefixes) + " (chart value policy.allowedImagePrefixes)");
        }
    }

    private void tolerations(List<String> refusals, List<KernelToleration> asked) {
        if (asked.isEmpty() || tolerations == Tolerations.ANY) {
            return;
        }
        if (tolerations == Tolerations.NONE) {
            refusals.add("spec.placement.tolerations are not allowed (chart value policy.allowTolerations)");
            return;
        }
        for (KernelToleration t : asked) {
            String key = t.getKey() == null ? "" : t.getKey();
            if (key.isEmpty()) {
                refusals.add("spec.placement.tolerations: a toleration without a key tolerates every taint, "
                        + "control-plane nodes included, and is not allowed (chart value policy.allowTolerations: any "
                        + "allows it)");
                return;
            }
            if (!allowedTolerationKeys.isEmpty() && !allowedTolerationKeys.contains(key)) {
                refusals.add("spec.placement.tolerations: taint key " + key + " is not allowed; allowed are "
                        + String.join(", ", allowedTolerationKeys) + " (chart value policy.allowedTolerationKeys)");
                return;
            }
        }
    }

    /** Each asked value of a capped resource against its cap; values that are no quantities are the validator's. */
    private static void capped(List<String> refusals, String kind, Map<String, Quantity> asked,
                               Map<String, Quantity> max) {
        if (asked == null) {
            return;
        }
        max.forEach((name, cap) -> {
            Quantity value = asked.get(name);
            BigDecimal amount = amount(value);
            if (amount != null && amount.compareTo(Quantity.getAmountInBytes(cap)) > 0) {
                refusals.add("spec.resources." + kind + "." + name + " " + value + " exceeds the maximum of " + cap
                        + " per pod (chart value policy.maxResources." + kind + "." + name + ")");
            }
        });
    }

    private static BigDecimal amount(Quantity q) {
        if (q == null) {
            return null;
        }
        try {
            return Quantity.getAmountInBytes(q);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
