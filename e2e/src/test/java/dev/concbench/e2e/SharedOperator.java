package dev.concbench.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

import static dev.concbench.e2e.Commands.helm;
import static dev.concbench.e2e.E2eEnvironment.CHART;
import static dev.concbench.e2e.E2eEnvironment.HTTP_PORT;
import static dev.concbench.e2e.E2eEnvironment.REGISTRY;
import static dev.concbench.e2e.E2eEnvironment.RELEASE;
import static dev.concbench.e2e.E2eEnvironment.SYSTEM_NS;
import static dev.concbench.e2e.E2eEnvironment.imageValues;
import static dev.concbench.e2e.E2eEnvironment.runtimeImages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator the e2e classes share ({@code @ExtendWith(SharedOperator.class)}): the chart's release,
 * installed the one way the suite installs it, by the first class that needs it and then kept for the
 * classes after it (an install costs half a minute); uninstalled when the run ends, unless a test did
 * (ChartE2eIT tests the uninstall; SecurityE2eIT needs the cluster without it). A class alone installs it
 * too. After each test (and each class, for E2eEnvironment.namespaceForTheClass) no benchmark left
 * unfinished holds one of the operator's slots.
 */
final class SharedOperator implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(SharedOperator.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!installed()) {
            install();
        }
        // Closed when the whole run ends (the root context), whichever class installed it last.
        context.getRoot().getStore(STORE).computeIfAbsent("uninstall-at-the-end",
                k -> (AutoCloseable) SharedOperator::uninstallIfInstalled, AutoCloseable.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        E2eEnvironment.releaseSlotsOfTheTest();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        E2eEnvironment.releaseSlotsOfTheClass();
    }

    static boolean installed() {
        return helm("status", RELEASE, "-n", SYSTEM_NS).ok();
    }

    /**
     * The images e2e/run pushed and its runtime catalog, DEBUG logs, the metrics Service, image overrides
     * allowed (the unpullable-image test names an image of its own; SecurityE2eIT tests the policy), and the
     * metrics reachable from the hub (the registry's host: the Prometheus test scrapes through the API
     * server's proxy from there).
     */
    private static void install() {
        List<String> args = new ArrayList<>(List.of("install", RELEASE, CHART, "-n", SYSTEM_NS, "--create-namespace",
                "--set", "httpPort=" + HTTP_PORT,
                "--set", "logLevel=DEBUG",
                "--set", "metrics.service.enabled=true",
                "--set", "policy.allowImageOverride=true",
                "--set", "metrics.networkPolicy.extraFrom[0].ipBlock.cidr=" + REGISTRY.split(":")[0] + "/32",
                "--wait", "--timeout", "3m"));
        args.addAll(imageValues());
        runtimeImages().forEach((name, image) -> args.addAll(List.of("--set", "runtimes." + name.replace(".", "\\.")
                + "=" + image)));
        CommandResult install = helm(args.toArray(String[]::new));
        System.out.println("[e2e] the shared operator: " + install);
        assertThat(install.ok()).as(install.toString()).isTrue();
    }

    /** For a class that needs the cluster without the shared release (its own release of the chart). */
    static void uninstallIfInstalled() {
        if (installed()) {
            CommandResult uninstall = helm("uninstall", RELEASE, "-n", SYSTEM_NS, "--wait", "--timeout", "2m");
            System.out.println("[e2e] the shared operator: " + uninstall.out().strip());
            assertThat(uninstall.ok()).as(uninstall.toString()).isTrue();
        }
    }
}
