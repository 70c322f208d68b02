package dev.concbench.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart rendered by the real helm, no cluster: values that contradict each other are refused at
 * {@code helm template} / {@code helm install}, naming both. helm comes from HELM (e2e/run sets it) or
 * from {@code e2e/install-tools --client}, which installs only kubectl and helm.
 */
class ChartRenderUnitTest {

    private static final Path REPO = Path.of(System.getProperty("concbench.repo", "..")).toAbsolutePath().normalize();
    private static final String CHART = REPO.resolve("charts/concbench-operator").toString();
    private static String helm;

    @BeforeAll
    static void findHelm() {
        helm = System.getenv("HELM");
        if (helm == null || helm.isBlank()) {
            CommandResult env = run(List.of(REPO.resolve("e2e/install-tools").toString(), "--client", "--quiet", "--print-env"));
            assertThat(env.exit()).as(env.out()).isZero();
            helm = env.out().lines().filter(l -> l.startsWith("HELM=")).findFirst().orElseThrow().substring(5);
        }
    }

    @Test
    void theDefaultsAndDefaultResourcesAtTheMaximumRender() {
        assertThat(template()).returns(0, CommandResult::exit);
        // 4000m is 4 and 8192Mi is 8Gi: equal to the maximum is allowed
        CommandResult atMaximum = template("--set", "kernel.defaultResources.requests.cpu=4000m",
                "--set", "kernel.defaultResources.limits.memory=8192Mi");
        assertThat(atMaximum.exit()).as(atMaximum.all()).isZero();
        assertThat(atMaximum.out()).contains("\\\"cpu\\\":\\\"4000m\\\"");
    }

    @Test
    void defaultResourcesAboveThePolicysMaximumAreRefusedNamingBoth() {
        assertRefused(template("--set", "kernel.defaultResources.limits.memory=9Gi"),
                "kernel.defaultResources.limits.memory 9Gi exceeds policy.maxResources.limits.memory 8Gi");
        assertRefused(template("--set", "kernel.defaultResources.requests.cpu=4001m"),
                "kernel.defaultResources.requests.cpu 4001m exceeds policy.maxResources.requests.cpu 4");
        assertRefused(template("--set-string", "policy.maxResources.requests.memory=0.1e9"),
                "kernel.defaultResources.requests.memory 128Mi exceeds policy.maxResources.requests.memory 0.1e9");
        // no default request: the pod's request is its limit
        assertRefused(template("--set", "kernel.defaultResources.requests.cpu=null", "--set", "kernel.defaultResources.limits.cpu=5",
                        "--set", "policy.maxResources.limits.cpu=8"),
                "kernel.defaultResources.limits.cpu 5 exceeds policy.maxResources.requests.cpu 4 (a container's request defaults to its limit)");
        assertRefused(run(helmCommand("install", "too-big", CHART, "--dry-run=client",
                        "--set", "kernel.defaultResources.limits.cpu=5")),
                "kernel.defaultResources.limits.cpu 5 exceeds policy.maxResources.limits.cpu 4");
    }

    /** policy.maxResources (or one kind of it) null caps nothing: no admission rule, and the operator told "none". */
    @Test
    void maxResourcesSetToNullCapsNothing() {
        CommandResult none = template("--set", "policy.maxResources=null", "--set", "kernel.defaultResources.limits.cpu=64");
        assertThat(none.exit()).as(none.all()).isZero();
        assertThat(none.out()).doesNotContain("exceeds the maximum")
                .containsPattern("CONCBENCH_POLICY_MAX_REQUESTS\\s+value: \"none\"")
                .containsPattern("CONCBENCH_POLICY_MAX_LIMITS\\s+value: \"none\"");
        CommandResult noLimits = template("--set", "policy.maxResources.limits=null");
        assertThat(noLimits.exit()).as(noLimits.all()).isZero();
        assertThat(noLimits.out()).contains("exceeds the maximum of 4 per pod (chart value policy.maxResources.requests.cpu)")
                .doesNotContain("chart value policy.maxResources.limits");
    }

    private static void assertRefused(CommandResult rendered, String message) {
        assertThat(rendered.exit()).as(rendered.all()).isNotZero();
        assertThat(rendered.all()).contains(message).contains("lower the default or raise the maximum");
    }

    private static CommandResult template(String... values) {
        List<String> args = new ArrayList<>(List.of("template", "render", CHART));
        args.addAll(List.of(values));
        return run(helmCommand(args.toArray(String[]::new)));
    }

    private static List<String> helmCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(helm));
        command.addAll(List.of(args));
        return command;
    }

    private static CommandResult run(List<String> command) {
        return CommandResult.of(null, command, Duration.ofMinutes(5));
    }
}
