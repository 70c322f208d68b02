package dev.concbench.domain;

import dev.concbench.api.v1alpha1.CustomWorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadSpec;
import dev.concbench.api.v1alpha1.WorkloadType;

/** Spec parts the tests of the model and of the operator build alike (the operator reaches them through the model's test jar). */
public final class TestSpecs {

    private TestSpecs() {
    }

    /** The user's code: {@code entrypoint} from its ConfigMap {@code configMap} or from the inline {@code source}. */
    public static CustomWorkloadSpec code(String entrypoint, String configMap, String source) {
        CustomWorkloadSpec code = new CustomWorkloadSpec();
        code.setEntrypoint(entrypoint);
        code.setConfigMap(configMap);
        code.setSource(source);
        return code;
    }

    /** A custom workload: {@code tasks} calls of {@code code}. */
    public static WorkloadSpec customWorkload(CustomWorkloadSpec code, int tasks) {
        WorkloadSpec workload = new WorkloadSpec();
        workload.setType(WorkloadType.CUSTOM);
        workload.setTasks(tasks);
        workload.setCustom(code);
        return workload;
    }
}
