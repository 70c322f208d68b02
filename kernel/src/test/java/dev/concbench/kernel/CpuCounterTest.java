package dev.concbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuCounterTest {

    @TempDir
    Path dir;

    private Path status(String cpuList) throws IOException {
        return Files.writeString(dir.resolve("status"),
                "Name:\tjava\nCpus_allowed:\tff\nCpus_allowed_list:\t" + cpuList + "\nMems_allowed_list:\t0\n");
    }

    private Path cgroup(String file, String content) throws IOException {
        Path path = dir.resolve("cgroup").resolve(file);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }

    /** The fixture cgroup tree seen from a container: /proc/self/cgroup names a host path the view lacks. */
    private CpuCount count(Path status) throws IOException {
        Path procCgroup = Files.writeString(dir.resolve("proc-self-cgroup"),
                "4:cpu,cpuacct:/kubepods/pod-a/container-b\n0::/kubepods/pod-a/container-b\n");
        return new CpuCounter(Cgroup.locate(dir.resolve("cgroup"), procCgroup), status, dir.resolve("online")).count();
    }

    @Test
    void cgroupV2QuotaCapsTheAffinity() throws IOException {
        cgroup("cpu.max", "150000 100000\n");
        assertThat(count(status("0-3"))).isEqualTo(new CpuCount(2, "cgroup-quota", 1.5));
    }

    @Test
    void cgroupV1Quota() throws IOException {
        cgroup("cpu/cpu.cfs_quota_us", "50000\n");
        cgroup("cpu/cpu.cfs_period_us", "100000\n");
        assertThat(count(status("0-7"))).isEqualTo(new CpuCount(1, "cgroup-quota", 0.5));
    }

    @Test
    void cgroupV1WithoutQuota() throws IOException {
        cgroup("cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        cgroup("cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        assertThat(count(status("0-5"))).isEqualTo(new CpuCount(6, "affinity", null));
    }

    @Test
    void maxMeansNoQuota() throws IOException {
        cgroup("cpu.max", "max 100000\n");
        assertThat(count(status("0-1"))).isEqualTo(new CpuCount(2, "affinity", null));
    }

    @Test
    void affinityListWithRangesAndSingles() throws IOException {
        cgroup("cpu.max", "max 100000\n");
        assertThat(count(status("0-1,4"))).isEqualTo(new CpuCount(3, "affinity", null));
        assertThat(CpuCounter.countCpuList("0,2,4-7,9")).isEqualTo(7);
    }

    @Test
    void aQuotaAboveTheAffinityLeavesTheAffinity() throws IOException {
        cgroup("cpu.max", "400000 100000\n");
        assertThat(count(status("0-1"))).isEqualTo(new CpuCount(2, "affinity", 4.0));
    }

    @Test
    void aFractionalQuotaRoundsUp() throws IOException {
        cgroup("cpu.max", "250001 100000\n"); // 2.50001 CPUs
        assertThat(count(status("0-15")).cpus()).isEqualTo(3);
    }

    @Test
    void noCgroupFilesAndNoStatusFallBackToTheJvm() throws IOException {
        assertThat(count(dir.resolve("missing")))
                .isEqualTo(new CpuCount(Runtime.getRuntime().availableProcessors(), "host", null));
    }

    @Test
    void environmentPointsAtTheFixture() throws IOException {
        cgroup("cpu.max", "100000 100000\n");
        Path status = status("0-3");
        Path online = Files.writeString(dir.resolve("online"), "0-7\n");
        CpuCounter counter = CpuCounter.fromEnvironment(Map.of(
                CpuCounter.HostFile.CGROUP_ROOT.env(), dir.resolve("cgroup").toString(),
                CpuCounter.HostFile.PROC_CGROUP.env(), dir.resolve("missing").toString(),
                CpuCounter.HostFile.PROC_STATUS.env(), status.toString(),
                CpuCounter.HostFile.CPU_ONLINE.env(), online.toString()));
        assertThat(counter.count()).isEqualTo(new CpuCount(1, "cgroup-quota", 1.0));
        assertThat(counter.facts()).isEqualTo(new CpuFacts("v2", true, 8));
    }

    @Test
    void factsAreUnknownWhereNothingIsReadable() throws IOException {
        Path online = Files.writeString(dir.resolve("online"), "0-3\n");
        assertThat(new CpuCounter(Cgroup.NONE, status("0-3"), online).facts()).isEqualTo(new CpuFacts(null, false, 4));
        assertThat(new CpuCounter(Cgroup.NONE, dir.resolve("missing"), online).facts())
                .isEqualTo(new CpuFacts(null, null, 4));
        assertThat(new CpuCounter(Cgroup.NONE, status("0-3"), dir.resolve("missing")).facts())
                .isEqualTo(CpuFacts.UNKNOWN);
    }
}
