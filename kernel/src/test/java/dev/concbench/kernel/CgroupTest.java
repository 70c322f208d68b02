package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's own cgroup, from fixture trees of the layouts it meets. */
class CgroupTest {

    static final String V2_OWN = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5a1c7c3e.slice/"
            + "cri-containerd-0f3e0d9c.scope";
    static final String V1_OWN = "kubepods/burstable/pod5a1c7c3e-0b1d-4c5e-9a57-2f7e4b1e9a10/0f3e0d9c5b2a";

    @TempDir
    Path dir;

    private Path tree(String... files) throws IOException {
        Path root = dir.resolve("sys-fs-cgroup");
        Files.createDirectories(root);
        for (String file : files) {
            write(root.resolve(file), "");
        }
        return root;
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private Path proc(String sample) throws IOException {
        return Files.copy(CpuSourcesTest.sample(sample), dir.resolve("proc-self-cgroup"));
    }

    @Test
    void v2InAContainerIsTheRootOfItsView() throws IOException {
        Path root = tree("cgroup.controllers", "cpu.stat", "cpu.max", "cpu.pressure");
        assertThat(Cgroup.locate(root, proc("proc-self-cgroup-v2"))).isEqualTo(new Cgroup("v2", root));
    }

    @Test
    void v2OutsideAContainerIsThePathOfProcSelfCgroup() throws IOException {
        Path root = tree("cgroup.controllers", "cpu.stat", V2_OWN + "/cpu.stat", V2_OWN + "/cpu.pressure");
        assertThat(Cgroup.locate(root, proc("proc-self-cgroup-v2"))).isEqualTo(new Cgroup("v2", root.resolve(V2_OWN)));
    }

    @Test
    void v1HybridAsOnThisVm() throws IOException {
        Path root = tree("cpu/cpu.stat", "cpu/cpu.cfs_quota_us", "cpuacct/cpuacct.usage", "unified/cgroup.controllers");
        write(root.resolve("unified/cpu.pressure"), CpuSources.readText(CpuSourcesTest.sample("cpu.pressure")));
        Cgroup cgroup = Cgroup.locate(root, proc("proc-self-cgroup-v1-hybrid"));
        assertThat(cgroup).isEqualTo(new Cgroup("v1", root.resolve("cpu")));
        assertThat(cgroup.stalledSeconds()).isNull(); // the unified root's pressure is the machine's, not the cgroup's
    }

    @Test
    void v1InAPodIsTheMount() throws IOException {
        Path root = tree("cpu,cpuacct/cpu.stat", "memory/memory.usage_in_bytes");
        assertThat(Cgroup.locate(root, proc("proc-self-cgroup-v1-pod"))).isEqualTo(new Cgroup("v1", root.resolve("cpu,cpuacct")));
    }

    @Test
    void v1OutsideAContainerIsThePathOfProcSelfCgroup() throws IOException {
        Path root = tree("cpu/cpu.stat", "cpu/" + V1_OWN + "/cpu.stat");
        assertThat(Cgroup.locate(root, proc("proc-self-cgroup-v1-pod"))).isEqualTo(new Cgroup("v1", root.resolve("cpu/" + V1_OWN)));
    }

    @Test
    void noCgroupCpuController() throws IOException {
        assertThat(Cgroup.locate(tree("memory/memory.usage_in_bytes"), dir.resolve("missing"))).isEqualTo(Cgroup.NONE);
        assertThat(Cgroup.locate(dir.resolve("missing"), dir.resolve("missing"))).isEqualTo(Cgroup.NONE);
    }

    @Test
    void throttledAndStalledComeFromTheLocatedCgroup() throws IOException {
        Path root = tree("cgroup.controllers");
        write(root.resolve("cpu.stat"), CpuSources.readText(CpuSourcesTest.sample("cpu.stat-v2")));
        write(root.resolve("cpu.pressure"), CpuSources.readText(CpuSourcesTest.sample("cpu.pressure")));
        Cgroup v2 = Cgroup.locate(root, proc("proc-self-cgroup-v2"));
        assertThat(v2.throttledSeconds()).isEqualTo(0.2505);
        assertThat(v2.stalledSeconds()).isEqualTo(89.792975);
        Path v1Root = dir.resolve("v1");
        write(v1Root.resolve("cpu/cpu.stat"), CpuSources.readText(CpuSourcesTest.sample("cpu.stat-v1")));
        Cgroup v1 = Cgroup.locate(v1Root, dir.resolve("proc-self-cgroup"));
        assertThat(v1.throttledSeconds()).isEqualTo(1.23456789);
        assertThat(v1.stalledSeconds()).isNull();
    }
}
