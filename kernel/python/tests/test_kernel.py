"""Tests of the CPython kernel. Run from the repository root:

    python3 -m unittest discover -s kernel/python/tests -v
"""

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from unittest import mock

KERNEL_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_SCRIPT = os.path.join(KERNEL_DIR, "concbench_kernel.py")
sys.path.insert(0, KERNEL_DIR)

import concbench_kernel as kernel  # noqa: E402

KEYS = ["format", "runtime", "runtimeVersion", "cpus", "cpuSource", "cpuQuota", "node", "pod",
        "shard", "tasks", "workload", "size", "workers", "repetitions", "warmup", "checksum",
        "start", "end", "times"]


def closed_form_cpu(n, tasks):
    """((n(n+1)/2)^2 * len(tasks) + sum(tasks)) mod 2^64, computed without the kernel."""
    return ((n * (n + 1) // 2) ** 2 * len(tasks) + sum(tasks)) % 2 ** 64


def run_script(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, KERNEL_SCRIPT, *args], capture_output=True, text=True,
                          env=full_env, timeout=120)


class ChecksumTest(unittest.TestCase):

    def test_every_strategy_matches_the_closed_form_for_cpu(self):
        tasks = kernel.shard_tasks(20, 1, 3)
        jobs = [("cpu", 17, t) for t in tasks]
        for name in kernel.STRATEGIES:
            with self.subTest(strategy=name):
                total, seconds = kernel.run_strategy(name, jobs, 2)
                self.assertEqual(total, closed_form_cpu(17, tasks))
                self.assertGreaterEqual(seconds, 0.0)

    def test_every_strategy_sums_the_task_indices_for_io(self):
        tasks = list(range(3, 8))
        jobs = [("io", 1, t) for t in tasks]
        for name in kernel.STRATEGIES:
            with self.subTest(strategy=name):
                self.assertEqual(kernel.run_strategy(name, jobs, 3)[0], sum(tasks))

    def test_process_strategies_work_with_the_spawn_start_method(self):
        # Python 3.14 makes forkserver the default on Linux: nothing may rely on fork.
        context = multiprocessing.get_context("spawn")
        tasks = [0, 5, 9]
        jobs = [("cpu", 11, t) for t in tasks]
        for name in ("processes", "process-pool"):
            with self.subTest(strategy=name):
                self.assertEqual(kernel.run_strategy(name, jobs, 2, context)[0], closed_form_cpu(11, tasks))

    def test_cpu_call_is_the_nested_loop_mod_2_64(self):
        self.assertEqual(kernel.cpu_call(1, 0), 1)
        self.assertEqual(kernel.cpu_call(2, 5), 1 + 2 + 2 + 4 + 5)
        self.assertEqual(kernel.cpu_call(300, 9), closed_form_cpu(300, [9]))
        self.assertEqual(kernel.checksum([2 ** 64 - 1, 2]), 1)

    def test_a_failing_child_is_reported_as_child_failed(self):
        bad_jobs = [("cpu", None, 0)]  # the call raises TypeError in the child
        for name in ("processes", "process-pool"):
            with self.subTest(strategy=name), mock.patch("sys.stderr"):
                with self.assertRaises(kernel.ChildFailed):
                    kernel.run_strategy(name, bad_jobs, 1)

    def test_disagreeing_strategies_fail_the_run(self):
        wrong = {"wrong": lambda jobs, workers, context: 42}
        with mock.patch.dict(kernel.STRATEGY_FUNCTIONS, wrong):
            with self.assertRaisesRegex(kernel.ChecksumMismatch, "wrong gave 42"):
                kernel.run_benchmark(["sequential", "wrong"], [("cpu", 3, 0)], 1, 1, 0)

    def test_rounds_are_interleaved_and_only_measured_ones_recorded(self):
        calls = []

        def recorder(name):
            def run(jobs, workers, context):
                calls.append(name)
                return 9
            return run

        with mock.patch.dict(kernel.STRATEGY_FUNCTIONS, {"a": recorder("a"), "b": recorder("b")}):
            total, start, end, times = kernel.run_benchmark(["a", "b"], [], 1, 3, 2)
        self.assertEqual(calls, ["a", "b"] * 5)
        self.assertEqual(total, 9)
        self.assertEqual(list(times), ["a", "b"])
        self.assertEqual(len(times["a"]), 3)
        self.assertLessEqual(start, end)


class ShardTest(unittest.TestCase):

    def test_every_task_runs_exactly_once_over_all_shards(self):
        for tasks in range(1, 65):
            for count in range(1, 71):
                seen = [0] * tasks
                for index in range(count):
                    for t in kernel.shard_tasks(tasks, index, count):
                        self.assertEqual(t % count, index)
                        seen[t] += 1
                self.assertEqual(seen, [1] * tasks, "tasks=%d count=%d" % (tasks, count))

    def test_largest_shardings(self):
        self.assertEqual(kernel.shard_tasks(100_000, 99_999, 100_000), [99_999])
        self.assertEqual(len(kernel.shard_tasks(100_000, 0, 1)), 100_000)
        self.assertEqual(kernel.shard_tasks(3, 5, 10), [])


class CpuCountTest(unittest.TestCase):

    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.dir = self._dir.name
        self.root = os.path.join(self.dir, "cgroup")
        os.makedirs(self.root)

    def tearDown(self):
        self._dir.cleanup()

    def status(self, cpu_list):
        path = os.path.join(self.dir, "status")
        with open(path, "w") as f:
            f.write("Name:\tpython3\nCpus_allowed:\tff\nCpus_allowed_list:\t%s\nMems_allowed_list:\t0\n" % cpu_list)
        return path

    def cgroup(self, name, content):
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)

    def test_cgroup_v2_quota_caps_the_affinity(self):
        self.cgroup("cpu.max", "150000 100000\n")
        self.assertEqual(kernel.count_cpus(self.root, self.status("0-3")), (2, "cgroup-quota", 1.5))

    def test_cgroup_v1_quota(self):
        self.cgroup("cpu/cpu.cfs_quota_us", "50000\n")
        self.cgroup("cpu/cpu.cfs_period_us", "100000\n")
        self.assertEqual(kernel.count_cpus(self.root, self.status("0-7")), (1, "cgroup-quota", 0.5))

    def test_cgroup_v1_without_quota(self):
        self.cgroup("cpu,cpuacct/cpu.cfs_quota_us", "-1\n")
        self.cgroup("cpu,cpuacct/cpu.cfs_period_us", "100000\n")
        self.assertEqual(kernel.count_cpus(self.root, self.status("0-5")), (6, "affinity", None))

    def test_max_means_no_quota(self):
        self.cgroup("cpu.max", "max 100000\n")
        self.assertEqual(kernel.count_cpus(self.root, self.status("0-1")), (2, "affinity", None))

    def test_affinity_list_with_ranges_and_singles(self):
        self.cgroup("cpu.max", "max 100000\n")
        self.assertEqual(kernel.count_cpus(self.root, self.status("0-1,4")), (3, "affinity", None))
        self.assertEqual(kernel.parse_cpu_list("0,2,4-7,9"), 7)

    def test_a_quota_above_the_affinity_leaves_the_affinity(self):
        self.cgroup("cpu.max", "400000 100000\n")
        self.assertEqual(kernel.count_cpus(self.root, self.status("0-1")), (2, "affinity", 4.0))

    def test_a_fractional_quota_rounds_up(self):
        self.cgroup("cpu.max", "250001 100000\n")
        self.assertEqual(kernel.count_cpus(self.root, self.status("0-15"))[0], 3)

    def test_without_a_status_file_the_affinity_mask_is_used(self):
        expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.assertEqual(kernel.count_cpus(self.root, None), (expected, "affinity", None))


class UsageTest(unittest.TestCase):

    BAD = [
        "--workload cpu --size 5 --tasks 3 --strategies threads,bogus",
        "--workload cpu --size 5 --tasks 3 --strategies threads,threads",
        "--workload cpu --size 5 --tasks 3 --strategies threads,",
        "--workload cpu --size 0 --tasks 3",
        "--workload cpu --size 100001 --tasks 3",
        "--workload io --size 600001 --tasks 3",
        "--workload cpu --size 5 --tasks 0",
        "--workload cpu --size 5 --tasks 100001",
        "--workload cpu --size 5 --tasks 3 --repetitions 0",
        "--workload cpu --size 5 --tasks 3 --repetitions 21",
        "--workload cpu --size 5 --tasks 3 --warmup 11",
        "--workload cpu --size 5 --tasks 3 --workers -1",
        "--workload cpu --size 5 --tasks 3 --shard 4/4",
        "--workload cpu --size 5 --tasks 3 --shard 1",
        "--workload cpu --size 5 --tasks 3 --start-at tomorrow",
        "--workload cpu --size 5 --tasks 3 --start-at 1 --start-gate /tmp/gate",
        "--workload gpu --size 5 --tasks 3",
        "--workload cpu --size 5",
        "--workload cpu --size five --tasks 3",
        "--workload cpu --size 5_0 --tasks 3",
        "--workload cpu --size 5 --tasks 3 --bogus 1",
        "--workload cpu --size 5 --tasks",
        "--workload cpu --size 5 --output --tasks 3",
        "--work cpu --size 5 --tasks 3",
        "",
    ]

    def test_usage_errors_exit_with_two_and_one_line(self):
        for line in self.BAD:
            with self.subTest(args=line):
                result = run_script(*line.split())
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                self.assertTrue(result.stderr.startswith("concbench-kernel: "), result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def test_defaults_and_both_option_forms(self):
        options = kernel.parse_options(["--workload=io", "--size", "0", "--tasks=7"])
        self.assertEqual((options.workload, options.size, options.tasks), ("io", 0, 7))
        self.assertEqual(options.strategies, list(kernel.STRATEGIES))
        self.assertEqual((options.workers, options.repetitions, options.warmup), (0, 5, 1))
        self.assertEqual(options.shard, (0, 1))
        self.assertIsNone(options.start_at)
        self.assertIsNone(options.start_gate)
        self.assertIsNone(options.output)

    def test_help_exits_with_zero(self):
        result = run_script("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("--start-gate", result.stdout)


class ResultDocumentTest(unittest.TestCase):

    def test_the_largest_allowed_document_fits_the_termination_message(self):
        document = kernel.result_document(
            cpus=1024, cpu_source="cgroup-quota", cpu_quota=1023.999999,
            node="n" * 253, pod="p" * 63, shard="99999/100000", tasks=100_000, workload="cpu",
            size=100_000, workers=1024, repetitions=20, warmup=10,
            checksum_value=2 ** 64 - 1, start=9_999_999_999.999999, end=9_999_999_999.999999,
            times={name: [99_999.999999] * 20 for name in kernel.STRATEGIES})
        self.assertLessEqual(len(document.encode("utf-8")), 4096)
        parsed = json.loads(document)
        self.assertEqual(list(parsed), KEYS)
        self.assertEqual(parsed["checksum"], "18446744073709551615")
        self.assertEqual(len(parsed["times"]["process-pool"]), 20)
        self.assertIn("99999.999999,", document)

    def test_types_and_formats(self):
        document = kernel.result_document(
            cpus=2, cpu_source="affinity", cpu_quota=None, node=None, pod='pod-"x"\u0153',
            shard="0/1", tasks=3, workload="cpu", size=10, workers=2, repetitions=1, warmup=0,
            checksum_value=7, start=1764070000.123456, end=1764070001.000005,
            times={"sequential": [0.0015]})
        self.assertNotIn(" ", document)
        self.assertIn('"format":1,"runtime":"python","runtimeVersion":', document)
        self.assertIn('"cpuQuota":null,"node":null,"pod":"pod-\\"x\\"\\u0153"', document)
        self.assertIn('"checksum":"7","start":1764070000.123456,"end":1764070001.000005,', document)
        self.assertTrue(document.endswith('"times":{"sequential":[0.001500]}}'))
        parsed = json.loads(document)
        self.assertIsInstance(parsed["cpus"], int)
        self.assertIsInstance(parsed["start"], float)
        self.assertEqual(kernel._json_value(1.5), "1.5")
        self.assertEqual(kernel._json_value(2.0), "2.0")
        self.assertEqual(kernel._json_value(1 / 3), "0.333333")


class StartGateTest(unittest.TestCase):

    def test_waits_for_the_start_second(self):
        start_at = time.time() + 0.3
        kernel.wait_for_start(start_at=start_at)
        self.assertGreaterEqual(time.time(), start_at)

    def test_waits_for_the_gate_file_then_for_its_epoch(self):
        with tempfile.TemporaryDirectory() as directory:
            gate = os.path.join(directory, "gate")
            start_at = time.time() + 0.5

            def open_gate():
                time.sleep(0.2)
                open(gate, "w").close()  # present but empty: keep waiting
                time.sleep(0.1)
                with open(gate, "w") as f:
                    f.write("%.3f\n" % start_at)

            opener = threading.Thread(target=open_gate)
            opener.start()
            kernel.wait_for_start(start_gate=gate)
            opener.join()
            self.assertGreaterEqual(time.time(), round(start_at, 3))

    def test_reads_only_well_formed_epochs(self):
        self.assertEqual(kernel.parse_epoch("1764070000.5\n"), 1764070000.5)
        for bad in ("", "1764070000.", "nan", "inf", "-1", "1e9"):
            self.assertIsNone(kernel.parse_epoch(bad), bad)


class EndToEndTest(unittest.TestCase):

    def test_all_five_strategies_as_a_pod_runs_them(self):
        with tempfile.TemporaryDirectory() as directory:
            root = os.path.join(directory, "cgroup")
            os.makedirs(root)
            with open(os.path.join(root, "cpu.max"), "w") as f:
                f.write("100000 100000\n")  # a 1-CPU quota: workers 0 resolves to 1
            output = os.path.join(directory, "termination-log")
            result = run_script(
                "--workload", "cpu", "--size", "13", "--tasks", "10", "--shard", "1/2",
                "--repetitions", "2", "--warmup", "1", "--output", output,
                env={"NODE_NAME": "node-a", "POD_NAME": "bench-0", "CONCBENCH_CGROUP_ROOT": root})
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stderr, "")
            with open(output) as f:
                written = f.read()
        self.assertEqual(written, result.stdout.strip())
        doc = json.loads(result.stdout)
        self.assertEqual(list(doc), KEYS)
        self.assertEqual(list(doc["times"]), list(kernel.STRATEGIES))
        self.assertTrue(all(len(times) == 2 for times in doc["times"].values()))
        self.assertEqual(doc["checksum"], str(closed_form_cpu(13, [1, 3, 5, 7, 9])))
        self.assertEqual((doc["runtime"], doc["node"], doc["pod"]), ("python", "node-a", "bench-0"))
        self.assertEqual((doc["cpus"], doc["cpuSource"], doc["cpuQuota"], doc["workers"]),
                         (1, "cgroup-quota", 1.0, 1))
        self.assertEqual((doc["shard"], doc["tasks"], doc["workload"], doc["size"]), ("1/2", 5, "cpu", 13))
        self.assertLessEqual(doc["start"], doc["end"])


if __name__ == "__main__":
    unittest.main()
