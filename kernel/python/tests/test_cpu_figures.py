"""Tests of what the CPython kernel says the CPU gave each strategy (result format 2).
Run from the repository root:

    python3 -m unittest discover -s kernel/python/tests -v
"""

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from unittest import mock

from test_kernel import CONTRACT_DIR, KERNEL_DIR, contract, kernel, run_script

LINUX_SCHEDSTAT = os.path.exists("/proc/thread-self/schedstat")
TASKSET = shutil.which("taskset")  # pins a process to CPUs (util-linux); PyPy has no os.sched_setaffinity


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(content)
    return path


def size_for(seconds):
    """A cpu size whose call takes about this long here (PyPy's JIT runs the loop far faster)."""
    size = 100
    while True:
        started = time.process_time()
        kernel.cpu_call(size, 0)
        if time.process_time() - started >= seconds:
            return size
        size *= 2


def last_allowed_cpu():
    """The highest CPU of this process's affinity mask (PyPy has no os.sched_getaffinity)."""
    if hasattr(os, "sched_getaffinity"):
        return max(os.sched_getaffinity(0))
    with open("/proc/self/status") as f:
        cpus = next(line for line in f if line.startswith("Cpus_allowed_list:")).split(":", 1)[1]
    return int(cpus.replace("-", ",").split(",")[-1])


def sample(name):
    """A file of kernel/contract/sources/."""
    with open(os.path.join(CONTRACT_DIR, "sources", name)) as f:
        return f.read()


class Fixtures(unittest.TestCase):

    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.dir = self._dir.name

    def tearDown(self):
        self._dir.cleanup()

    def path(self, *parts):
        return os.path.join(self.dir, *parts)


class SourcesTest(Fixtures):

    def test_every_sample_parses_as_the_contract_says(self):
        cases = contract("sources.json")["cases"]
        self.assertEqual({case["source"] for case in cases},
                         {"schedstat", "cpu.stat", "cpu.pressure", "proc-stat", "proc-cgroup", "cpu-online"})
        for case in cases:
            with self.subTest(file=case["file"], cgroup=case.get("cgroup")):
                with open(os.path.join(CONTRACT_DIR, case["file"])) as f:
                    text = f.read()
                source, expected = case["source"], case["expected"]
                if source == "schedstat":
                    self.assertEqual(list(kernel.parse_schedstat(text)), expected)
                elif source == "cpu.stat":
                    self.assertEqual(kernel.parse_throttled_seconds(text, case["cgroup"]), expected)
                elif source == "cpu.pressure":
                    self.assertEqual(kernel.parse_stalled_seconds(text), expected)
                elif source == "proc-stat":
                    self.assertEqual(kernel.parse_steal_seconds(text), expected)
                elif source == "proc-cgroup":
                    paths = kernel.parse_proc_cgroup(text)
                    self.assertEqual({"cpu": paths.get("cpu"), "v2": paths.get("")}, expected)
                else:
                    self.assertEqual(kernel.online_cpus(os.path.join(CONTRACT_DIR, case["file"])), expected)

    def test_run_delays_of_live_threads(self):
        tasks = self.path("task")
        write(os.path.join(tasks, "100", "schedstat"), sample("schedstat"))
        write(os.path.join(tasks, "101", "schedstat"), "5 7 1\n")
        os.makedirs(os.path.join(tasks, "102"))  # ended between listdir and open: skipped
        self.assertEqual(kernel.task_run_delays(tasks), {100: 66930, 101: 7})

    def test_run_delays_are_unknown_without_schedstat_or_its_accounting(self):
        self.assertIsNone(kernel.task_run_delays(self.path("no-such-dir")))
        tasks = self.path("task")
        write(os.path.join(tasks, "100", "schedstat"), sample("schedstat-without-accounting"))
        write(os.path.join(tasks, "101", "schedstat"), sample("schedstat-without-accounting"))
        self.assertIsNone(kernel.task_run_delays(tasks))
        self.assertEqual(kernel.task_schedstats(tasks), {100: (0, 0), 101: (0, 0)})  # a child's own: as read
        self.assertIsNone(kernel.read_schedstat(write(self.path("garbage"), "not numbers\n")))

    def test_unreadable_sources_are_unknown_not_zero(self):
        missing = self.path("missing")
        self.assertIsNone(kernel.parse_steal_seconds(kernel._read_first_line(missing)))
        self.assertIsNone(kernel.throttled_seconds(("v2", missing)))
        self.assertIsNone(kernel.throttled_seconds((None, None)))
        self.assertIsNone(kernel.stalled_seconds(("v2", missing)))
        self.assertIsNone(kernel.online_cpus(missing))
        self.assertIsNone(kernel.online_cpus(write(self.path("online"), "\n")))

    def test_exclusive_cpus_and_online_cpus(self):
        status = lambda cpus: write(self.path("status"), "Cpus_allowed_list:\t%s\n" % cpus)  # noqa: E731
        online = write(self.path("online"), "0-3\n")
        cgroup = ("v1", self.dir)
        self.assertEqual(kernel.cpu_facts(cgroup, status("2"), online),
                         {"cgroup": "v1", "exclusiveCpus": True, "onlineCpus": 4})
        self.assertEqual(kernel.cpu_facts(cgroup, status("0-3"), online)["exclusiveCpus"], False)
        self.assertEqual(kernel.cpu_facts((None, None), status("0-3"), self.path("missing")),
                         {"cgroup": None, "exclusiveCpus": None, "onlineCpus": None})
        with mock.patch.object(kernel, "affinity_cpus", lambda proc_status=None: (8, "host")):
            self.assertIsNone(kernel.cpu_facts(cgroup, None, online)["exclusiveCpus"])  # no mask: unknown


class CgroupLocationTest(Fixtures):
    """The kernel's own cgroup, from fixture trees of the layouts it meets."""

    def tree(self, *files):
        root = self.path("sys-fs-cgroup")
        os.makedirs(root, exist_ok=True)
        for name in files:
            write(os.path.join(root, name), "")
        return root

    def proc(self, name):
        return write(self.path("proc-self-cgroup"), sample(name))

    def test_v2_in_a_container_is_the_root_of_its_view(self):
        root = self.tree("cgroup.controllers", "cpu.stat", "cpu.max", "cpu.pressure")
        self.assertEqual(kernel.locate_cgroup(root, self.proc("proc-self-cgroup-v2")), ("v2", root))

    def test_v2_outside_a_container_is_the_path_of_proc_self_cgroup(self):
        own = ("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5a1c7c3e.slice/"
               "cri-containerd-0f3e0d9c.scope")
        root = self.tree("cgroup.controllers", "cpu.stat", own + "/cpu.stat", own + "/cpu.pressure")
        self.assertEqual(kernel.locate_cgroup(root, self.proc("proc-self-cgroup-v2")),
                         ("v2", os.path.join(root, own)))

    def test_v1_hybrid_as_on_this_vm(self):
        root = self.tree("cpu/cpu.stat", "cpu/cpu.cfs_quota_us", "cpuacct/cpuacct.usage",
                         "unified/cgroup.controllers", "unified/cpu.pressure")
        cgroup = kernel.locate_cgroup(root, self.proc("proc-self-cgroup-v1-hybrid"))
        self.assertEqual(cgroup, ("v1", os.path.join(root, "cpu")))
        # the unified hierarchy's root pressure is the machine's, not the cgroup's
        write(os.path.join(root, "unified", "cpu.pressure"), sample("cpu.pressure"))
        self.assertIsNone(kernel.stalled_seconds(cgroup))

    def test_v1_in_a_pod_is_the_mount(self):
        root = self.tree("cpu,cpuacct/cpu.stat", "memory/memory.usage_in_bytes")
        self.assertEqual(kernel.locate_cgroup(root, self.proc("proc-self-cgroup-v1-pod")),
                         ("v1", os.path.join(root, "cpu,cpuacct")))

    def test_v1_outside_a_container_is_the_path_of_proc_self_cgroup(self):
        own = "kubepods/burstable/pod5a1c7c3e-0b1d-4c5e-9a57-2f7e4b1e9a10/0f3e0d9c5b2a"
        root = self.tree("cpu/cpu.stat", "cpu/" + own + "/cpu.stat")
        self.assertEqual(kernel.locate_cgroup(root, self.proc("proc-self-cgroup-v1-pod")),
                         ("v1", os.path.join(root, "cpu", own)))

    def test_no_cgroup_cpu_controller(self):
        self.assertEqual(kernel.locate_cgroup(self.tree("memory/memory.usage_in_bytes"), self.path("missing")),
                         (None, None))
        self.assertEqual(kernel.locate_cgroup(self.path("missing"), self.path("missing")), (None, None))

    def test_throttled_and_stalled_come_from_the_located_cgroup(self):
        root = self.tree("cgroup.controllers")
        write(os.path.join(root, "cpu.stat"), sample("cpu.stat-v2"))
        write(os.path.join(root, "cpu.pressure"), sample("cpu.pressure"))
        cgroup = kernel.locate_cgroup(root, self.proc("proc-self-cgroup-v2"))
        self.assertEqual((kernel.throttled_seconds(cgroup), kernel.stalled_seconds(cgroup)), (0.2505, 89.792975))
        v1 = self.path("v1")
        write(os.path.join(v1, "cpu", "cpu.stat"), sample("cpu.stat-v1"))
        cgroup = kernel.locate_cgroup(v1, self.proc("proc-self-cgroup-v1-hybrid"))
        self.assertEqual((kernel.throttled_seconds(cgroup), kernel.stalled_seconds(cgroup)), (1.23456789, None))


class MeterTest(Fixtures):
    """CpuMeter over fixture files that change between the two ends of an interval."""

    def setUp(self):
        super().setUp()
        self.cgroup = self.path("cgroup")
        self.tasks = self.path("task")
        self.proc_stat = self.path("stat")
        self.state(throttled_usec=1000, pressure_us=5_000_000, steal_ticks=700, delays={1: 10, 2: 20})

    def state(self, throttled_usec, pressure_us, steal_ticks, delays):
        write(os.path.join(self.cgroup, "cpu.stat"), "usage_usec 9\nthrottled_usec %d\n" % throttled_usec)
        write(os.path.join(self.cgroup, "cpu.pressure"),
              "some avg10=1.00 avg60=0.00 avg300=0.00 total=%d\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
              % pressure_us)
        write(self.proc_stat, "cpu  1 2 3 4 5 6 7 %d 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n" % steal_ticks)
        for tid in os.listdir(self.tasks) if os.path.isdir(self.tasks) else []:
            os.remove(os.path.join(self.tasks, tid, "schedstat"))
            os.rmdir(os.path.join(self.tasks, tid))
        for tid, delay in delays.items():
            write(os.path.join(self.tasks, str(tid), "schedstat"), "1000 %d 3\n" % delay)

    def test_figures_are_the_deltas_summed_over_the_intervals(self):
        meter = kernel.CpuMeter(("v2", self.cgroup), self.proc_stat, self.tasks)
        began = meter.begin()
        # thread 2 ended (and said so), thread 3 began; a forkserver child and a child of ours reported
        kernel._ended_threads.append((2, 20 + 3_000_000_000))
        kernel.report_child((4242, 1, 0.5, 2_000_000_000))
        kernel.report_child((4243, os.getpid(), 0.25, 1_000_000_000))
        self.state(throttled_usec=251_000, pressure_us=6_500_000, steal_ticks=730, delays={1: 10 + 500_000_000, 3: 7})
        meter.end("s", began)
        figures = {key: round(value, 9) for key, value in meter.totals["s"].items()}
        used = figures.pop("used")
        self.assertEqual(figures, {"waited": 6.500000007, "throttled": 0.25, "stalled": 1.5, "steal": 0.3})
        self.assertGreaterEqual(used, 0.5)  # the forkserver's child counts itself; ours is in RUSAGE_CHILDREN
        self.assertLess(used, 0.74)

        began = meter.begin()  # a second measured repetition adds up; the reports are cleared
        self.assertEqual((kernel._ended_threads, kernel._child_figures), ([], {}))
        self.state(throttled_usec=252_000, pressure_us=6_500_000, steal_ticks=731,
                   delays={1: 10 + 500_000_000 + 1_000_000_000, 3: 7})
        meter.end("s", began)
        self.assertEqual(round(meter.totals["s"]["waited"], 9), 7.500000007)
        self.assertEqual(round(meter.totals["s"]["throttled"], 6), 0.251)
        self.assertEqual(round(meter.totals["s"]["steal"], 6), 0.31)

    def test_a_child_latest_report_counts(self):
        meter = kernel.CpuMeter(("v2", self.cgroup), self.proc_stat, self.tasks)
        began = meter.begin()
        kernel.report_child((77, 1, 0.1, 1_000_000_000))
        kernel.report_child((77, 1, 0.3, 3_000_000_000))
        kernel.report_child((77, 1, 0.2, 2_000_000_000))  # an earlier chunk's, read later: ignored
        meter.end("pool", began)
        self.assertEqual(meter.totals["pool"]["waited"], 3.0)

    def test_one_unknown_interval_makes_the_strategy_unknown(self):
        meter = kernel.CpuMeter(("v2", self.cgroup), self.proc_stat, self.tasks)
        meter.end("s", meter.begin())
        os.remove(os.path.join(self.cgroup, "cpu.pressure"))
        meter.end("s", meter.begin())
        self.assertIsNone(meter.totals["s"]["stalled"])
        self.assertEqual(meter.totals["s"]["throttled"], 0.0)
        began = meter.begin()
        kernel.report_child((5, 1, 0.1, None))  # a child without schedstat
        meter.end("t", began)
        self.assertIsNone(meter.totals["t"]["waited"])

    def test_off_linux_only_the_cpu_time_is_known(self):
        missing = self.path("missing")
        meter = kernel.CpuMeter((None, None), missing, missing)
        meter.end("s", meter.begin())
        self.assertIsNotNone(meter.totals["s"]["used"])
        self.assertEqual([meter.totals["s"][key] for key in ("waited", "throttled", "stalled", "steal")], [None] * 4)

    def test_an_ended_thread_still_listed_is_counted_once(self):
        self.assertEqual(kernel.interval_run_delay({1: 5}, {1: 10**9 + 5, 2: 10**9}, [(2, 10**9 - 50)], {}), 2.0)
        self.assertEqual(kernel.interval_run_delay({1: 5, 2: 10**9}, {1: 5}, [(2, 3 * 10**9)], {}), 2.0)
        self.assertIsNone(kernel.interval_run_delay(None, {1: 5}, [], {}))


class AccountingTest(unittest.TestCase):
    """Real strategies on this machine: what they used is counted, and counted once."""

    def test_a_thread_that_ended_during_the_interval_is_counted(self):
        def one_thread(jobs, workers, context):
            total = []
            thread = threading.Thread(target=lambda: total.append(kernel.run_sequential(jobs, workers, context)))
            thread.start()
            thread.join()
            return total[0]

        # the same calls in the main thread and in a thread that has ended when the interval does
        workload = kernel.make_workload("cpu", size_for(0.03))
        with mock.patch.dict(kernel.STRATEGY_FUNCTIONS, {"one-thread": one_thread}):
            cpu = kernel.run_benchmark(["sequential", "one-thread"], workload, range(4), 1, 2, 0).cpu
        self.assertGreater(cpu["sequential"]["used"], 0.05)
        self.assertGreater(cpu["one-thread"]["used"], 0.7 * cpu["sequential"]["used"], cpu)
        self.assertLess(cpu["one-thread"]["used"], 1.5 * cpu["sequential"]["used"], cpu)

    def test_children_are_counted_once_whatever_the_start_method(self):
        # Every child reports its own CPU time; ours are also in RUSAGE_CHILDREN (fork, spawn),
        # a forkserver's are not. Either way each must count once: counted twice, the strategy's
        # CPU time would be about twice what its children report; forgotten, far below it.
        workload, tasks = kernel.make_workload("cpu", size_for(0.02)), range(6)
        for method in multiprocessing.get_all_start_methods():
            for name, children in (("processes", len(tasks)), ("process-pool", 2)):
                with self.subTest(start_method=method, strategy=name):
                    cpu = kernel.run_benchmark([name], workload, tasks, 2, 1, 0, multiprocessing.get_context(method)).cpu
                    self.assertEqual(len(kernel._child_figures), children)  # the last interval's reports
                    reported = sum(used for _, used, _ in kernel._child_figures.values())
                    self.assertGreater(reported, 0.05)
                    # beyond the reports: the parent's own share and each child's exit
                    self.assertGreater(cpu[name]["used"], 0.9 * reported, cpu)
                    self.assertLess(cpu[name]["used"], 1.5 * reported + 0.05, cpu)

    @unittest.skipUnless(LINUX_SCHEDSTAT, "needs Linux's schedstat")
    def test_every_figure_is_known_on_linux(self):
        cpu = kernel.run_benchmark(list(kernel.DEFAULT_STRATEGIES), kernel.make_workload("io", 1), range(3),
                                   2, 1, 0).cpu
        for name, figures in cpu.items():
            self.assertIsNotNone(figures["used"], name)
            self.assertIsNotNone(figures["waited"], name)
            self.assertIsNotNone(figures["steal"], name)


SPINNER = "while True: pass"
# run in a pinned child: one strategy whose only thread has ended (and left /proc) when its interval does
ONE_THREAD = """
import json, os, sys, threading, time
sys.path.insert(0, sys.argv[1])
import concbench_kernel as kernel

def one_thread(jobs, workers, context):
    total = []
    thread = threading.Thread(target=lambda: total.append((threading.get_native_id(),
                                                           kernel.run_sequential(jobs, workers, context))))
    thread.start()
    thread.join()
    while os.path.exists("/proc/self/task/%d" % total[0][0]):
        time.sleep(0.001)
    return total[0][1]

kernel.STRATEGY_FUNCTIONS["one-thread"] = one_thread
_, _, _, times, cpu, _, _ = kernel.run_benchmark(["one-thread"], kernel.make_workload("cpu", 700), range(4), 1, 1, 0)
print(json.dumps({name: dict(cpu[name], wall=sum(times[name])) for name in cpu}))
"""


@unittest.skipUnless(LINUX_SCHEDSTAT and TASKSET, "needs Linux's schedstat and taskset")
class StarvationTest(unittest.TestCase):
    """Quiet, then pinned to one CPU beside a busy process pinned to the same CPU: waiting on
    the GIL is not waiting for a CPU; a starved pool waits, and says so."""

    CPU = str(last_allowed_cpu()) if LINUX_SCHEDSTAT else "0"

    def run_json(self, command, pinned):
        result = subprocess.run([TASKSET, "-c", self.CPU, *command] if pinned else command,
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def kernel(self, strategies, pinned):
        doc = self.run_json([sys.executable, os.path.join(KERNEL_DIR, "concbench_kernel.py"), "--workload", "cpu",
                             "--size", "700", "--tasks", "8", "--workers", "2", "--repetitions", "2", "--warmup", "0",
                             "--strategies", strategies], pinned)
        return {name: dict(figures, wall=sum(doc["times"][name])) for name, figures in doc["cpu"].items()}

    def beside_a_spinner(self, measure):
        spinner = subprocess.Popen([TASKSET, "-c", self.CPU, sys.executable, "-c", SPINNER])
        try:
            return measure()
        finally:
            spinner.kill()
            spinner.wait()

    @staticmethod
    def fraction(figures, key):
        return figures[key] / figures["wall"]

    def test_gil_threads_wait_little_and_a_starved_process_pool_waits_long(self):
        if kernel.runtime_info()["gil"] is False:
            self.skipTest("a free-threaded build without the GIL")
        quiet = self.kernel("sequential,threads", pinned=False)
        starved = self.beside_a_spinner(lambda: self.kernel("sequential,process-pool", pinned=True))
        # 8 threads take turns on the GIL, about one CPU among them. Waiting on the GIL counted
        # as waiting for a CPU would be about 7 x wall. What they do wait for a CPU is the
        # machine's own contention, which the GIL's waiters, waking every 5 ms to ask for it,
        # meet too: measured 0.76 x wall beside other builds' load 23 on these 2 CPUs.
        threads = quiet["threads"]
        self.assertLess(self.fraction(threads, "waited"), 0.5 * 7, quiet)
        # 2 workers and the spinner on one CPU: a worker runs a third of the time, waits two thirds
        pool = starved["process-pool"]
        self.assertGreater(self.fraction(pool, "waited"), 1.0, starved)
        self.assertLess(self.fraction(pool, "used"), 0.9, starved)
        self.assertGreater(self.fraction(starved["sequential"], "waited"), 0.3, starved)

    def test_a_starved_thread_that_ended_reports_its_wait(self):
        figures = self.beside_a_spinner(lambda: self.run_json(
            [sys.executable, "-c", ONE_THREAD, KERNEL_DIR], pinned=True))["one-thread"]
        # the thread ran about half the time and waited the other half; the main thread only
        # waited in join(), not for a CPU: the wait is the ended thread's own report
        self.assertGreater(self.fraction(figures, "waited"), 0.3, figures)
        self.assertLess(self.fraction(figures, "used"), 0.8, figures)


class EndToEndTest(unittest.TestCase):

    def test_the_facts_follow_the_environment_and_unreadable_sources_are_null(self):
        with tempfile.TemporaryDirectory() as directory:
            online = write(os.path.join(directory, "online"), "0-63\n")
            missing = os.path.join(directory, "missing")
            result = run_script("--workload", "io", "--size", "1", "--tasks", "2", "--repetitions", "2",
                                "--warmup", "0", "--strategies", "sequential,threads",
                                env={"CONCBENCH_CGROUP_ROOT": missing, "CONCBENCH_PROC_STAT": missing,
                                     "CONCBENCH_CPU_ONLINE": online})
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertEqual(doc["format"], 2)
        self.assertEqual((doc["cgroup"], doc["onlineCpus"]), (None, 64))
        self.assertEqual(doc["exclusiveCpus"], True if hasattr(os, "sched_getaffinity") or
                         os.path.exists("/proc/self/status") else None)
        self.assertEqual(list(doc["cpu"]), ["sequential", "threads"])
        for figures in doc["cpu"].values():
            self.assertEqual(list(figures), list(kernel.CPU_FIGURES))
            self.assertEqual((figures["throttled"], figures["stalled"], figures["steal"]), (None, None, None))
            self.assertIsInstance(figures["used"], float)

    @unittest.skipUnless(os.path.isdir("/sys/fs/cgroup/cpu") and not os.path.exists("/sys/fs/cgroup/cgroup.controllers"),
                         "this machine's cgroup v1 (hybrid) layout")
    def test_on_this_machine(self):
        result = run_script("--workload", "cpu", "--size", "50", "--tasks", "4", "--repetitions", "1",
                            "--warmup", "0", "--strategies", "sequential,process-pool")
        doc = json.loads(result.stdout)
        self.assertEqual(doc["cgroup"], "v1")
        self.assertIsNone(doc["cpu"]["process-pool"]["stalled"])  # no per-cgroup cpu.pressure in v1
        self.assertIsInstance(doc["cpu"]["process-pool"]["throttled"], float)


if __name__ == "__main__":
    unittest.main()
