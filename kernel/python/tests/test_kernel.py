"""Tests of the CPython kernel. Run from the repository root:

    python3 -m unittest discover -s kernel/python/tests -v
"""

import json
import multiprocessing
import os
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import unittest
from unittest import mock

KERNEL_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_SCRIPT = os.path.join(KERNEL_DIR, "concbench_kernel.py")
CONTRACT_DIR = os.path.join(os.path.dirname(KERNEL_DIR), "contract")
sys.path.insert(0, KERNEL_DIR)

import concbench_kernel as kernel  # noqa: E402

KEYS = ["format", "runtime", "runtimeVersion", "cpus", "cpuSource", "cpuQuota", "node", "pod",
        "shard", "tasks", "workload", "size", "workers", "repetitions", "warmup", "checksum",
        "start", "end", "implementation", "implementationVersion", "vendor", "freeThreaded", "gil",
        "jit", "jitCompiler", "gc", "jvmFlags", "startMethod", "cgroup", "exclusiveCpus", "onlineCpus",
        "skipped", "times", "cpu"]


def contract(name):
    """A file of kernel/contract/, the fixtures both kernels' tests read."""
    with open(os.path.join(CONTRACT_DIR, name)) as f:
        return json.load(f)


# The strategies this interpreter can run (all but interpreter-pool and virtual-threads on 3.11).
SUPPORTED = [name for name in kernel.STRATEGIES if kernel.unsupported_reason(name) is None]


def closed_form_cpu(n, tasks):
    """((n(n+1)/2)^2 * len(tasks) + sum(tasks)) mod 2^64, computed without the kernel."""
    return ((n * (n + 1) // 2) ** 2 * len(tasks) + sum(tasks)) % 2 ** 64


def closed_form(workload, size, tasks):
    """The contract's checksum of a built-in workload (checksums.json's comment), without the kernel."""
    if workload in ("cpu", "mixed"):
        return closed_form_cpu(size, tasks)
    if workload == "hash":
        import hashlib
        digest = int.from_bytes(hashlib.sha256(bytes(range(256)) * (4 * size)).digest()[:8], "big")
        return (digest * len(tasks) + sum(tasks)) % 2 ** 64
    return sum(tasks) % 2 ** 64


def jobs_of(kind, size, tasks, **options):
    return [(kernel.make_workload(kind, size, **options), t) for t in tasks]


def strategy_checksum(name, jobs, workers, mp_context=None):
    results, seconds, _ = kernel.run_strategy(name, jobs, workers, mp_context)
    return kernel.checksum(results)


def run_script(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, KERNEL_SCRIPT, *args], capture_output=True, text=True,
                          env=full_env, timeout=120)


class ChecksumTest(unittest.TestCase):

    def test_the_supported_strategies_on_this_interpreter(self):
        self.assertIn("asyncio", SUPPORTED)
        self.assertNotIn("virtual-threads", SUPPORTED)
        self.assertEqual("interpreter-pool" in SUPPORTED, sys.version_info >= (3, 14))

    def test_every_strategy_returns_the_contract_checksums(self):
        for case in contract("checksums.json")["cases"]:
            index, count = map(int, case["shard"].split("/"))
            tasks = kernel.shard_tasks(case["tasks"], index, count)
            self.assertEqual(tasks, case["indices"], case)
            self.assertEqual(str(closed_form(case["workload"], case["size"], tasks)), case["checksum"], case)
            jobs = jobs_of(case["workload"], case["size"], tasks, io_fraction=case.get("ioFraction"))
            for name in SUPPORTED:
                with self.subTest(case=case, strategy=name):
                    results, seconds, _ = kernel.run_strategy(name, jobs, 2)
                    self.assertEqual(str(kernel.checksum(results)), case["checksum"])
                    self.assertEqual(len(results), len(tasks))
                    self.assertGreaterEqual(seconds, 0.0)

    def test_the_contract_covers_every_built_in_workload(self):
        covered = {case["workload"] for case in contract("checksums.json")["cases"]}
        self.assertEqual(covered, set(kernel.BUILT_IN_WORKLOADS))

    def test_the_kernel_does_not_import_asyncio_unless_asked(self):
        # children of the process strategies re-import the kernel under spawn and forkserver
        probe = "import sys; sys.path.insert(0, %r); import concbench_kernel; print('asyncio' in sys.modules)" % KERNEL_DIR
        self.assertEqual(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                        check=True).stdout.strip(), "False")

    def test_process_strategies_work_with_every_start_method(self):
        # Python 3.14 makes forkserver the default on Linux: nothing may rely on fork.
        tasks = [0, 5, 9]
        for method in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context(method)
            for name in kernel.PROCESS_STRATEGIES:
                for kind, size in (("cpu", 11), ("hash", 4)):
                    with self.subTest(start_method=method, strategy=name, workload=kind):
                        self.assertEqual(strategy_checksum(name, jobs_of(kind, size, tasks), 2, context),
                                         closed_form(kind, size, tasks))

    def test_asyncio_awaits_every_io_call_on_one_loop_at_once(self):
        # The io call must await asyncio.sleep (not block in time.sleep): then all tasks
        # are inside their sleep at the same time. Counted, not timed.
        import asyncio
        real_sleep, inside, most = asyncio.sleep, [0], [0]

        async def counting_sleep(seconds):
            self.assertEqual(seconds, 0.005)
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            for _ in range(100):  # let the other tasks enter
                await real_sleep(0)
            inside[0] -= 1

        jobs = jobs_of("io", 5, range(20))
        with mock.patch.object(asyncio, "sleep", counting_sleep):
            total = strategy_checksum("asyncio", jobs, 1)
        self.assertEqual(total, sum(range(20)))
        self.assertEqual(most[0], 20)

    def test_asyncio_runs_cpu_calls_in_the_event_loop_thread(self):
        threads = set()

        def recording_cpu_call(n, t):
            threads.add(threading.get_ident())
            return t

        with mock.patch.object(kernel, "cpu_call", recording_cpu_call):
            self.assertEqual(strategy_checksum("asyncio", jobs_of("cpu", 3, range(5)), 4), 10)
        self.assertEqual(threads, {threading.get_ident()})

    def test_cpu_call_is_the_nested_loop_mod_2_64(self):
        self.assertEqual(kernel.cpu_call(1, 0), 1)
        self.assertEqual(kernel.cpu_call(2, 5), 1 + 2 + 2 + 4 + 5)
        self.assertEqual(kernel.cpu_call(300, 9), closed_form_cpu(300, [9]))
        self.assertEqual(kernel.checksum([2 ** 64 - 1, 2]), 1)

    def test_a_failing_child_is_reported_as_child_failed(self):
        bad_jobs = jobs_of("cpu", None, [0])  # the call raises TypeError in the child
        for name in ("processes", "process-pool"):
            with self.subTest(strategy=name), mock.patch("sys.stderr"):
                with self.assertRaises(kernel.ChildFailed):
                    kernel.run_strategy(name, bad_jobs, 1)

    def test_a_built_in_workload_that_disagrees_fails_the_run(self):
        # a lost or repeated call: the built-ins' values are known
        wrong = {"wrong": lambda jobs, workers, context: [42, 7]}
        with mock.patch.dict(kernel.STRATEGY_FUNCTIONS, wrong):
            with self.assertRaisesRegex(kernel.ChecksumMismatch, r"wrong gave 49, sequential gave \d+ \(first at task 5\)"):
                kernel.run_benchmark(["wrong", "sequential"], kernel.make_workload("cpu", 3), [5, 6], 1, 1, 0)

    def test_rounds_are_interleaved_and_only_measured_ones_recorded(self):
        calls = []

        def recorder(name):
            def run(jobs, workers, context):
                calls.append(name)
                return [9]
            return run

        with mock.patch.dict(kernel.STRATEGY_FUNCTIONS, {"a": recorder("a"), "b": recorder("b")}):
            outcome = kernel.run_benchmark(["a", "b"], kernel.make_workload("io", 0), [4], 1, 3, 2)
        total, start, end, times, cpu, differs, lost = outcome
        self.assertEqual(calls, ["a", "b"] * 5)
        self.assertEqual(total, 9)
        self.assertEqual(list(times), ["a", "b"])
        self.assertEqual(len(times["a"]), 3)
        self.assertEqual(list(cpu), ["a", "b"])
        self.assertEqual(list(cpu["a"]), list(kernel.CPU_FIGURES))
        self.assertLessEqual(start, end)
        self.assertEqual((differs, lost), ({}, None))


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

    def count(self, status):
        """count_cpus of the fixture cgroup tree, seen from a container: /proc/self/cgroup names
        a host path the view lacks, so the mount is the container's own cgroup."""
        proc_cgroup = os.path.join(self.dir, "proc-self-cgroup")
        with open(proc_cgroup, "w") as f:
            f.write("4:cpu,cpuacct:/kubepods/pod-a/container-b\n0::/kubepods/pod-a/container-b\n")
        return kernel.count_cpus(kernel.locate_cgroup(self.root, proc_cgroup), status)

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
        self.assertEqual(self.count(self.status("0-3")), (2, "cgroup-quota", 1.5))

    def test_cgroup_v1_quota(self):
        self.cgroup("cpu/cpu.cfs_quota_us", "50000\n")
        self.cgroup("cpu/cpu.cfs_period_us", "100000\n")
        self.assertEqual(self.count(self.status("0-7")), (1, "cgroup-quota", 0.5))

    def test_cgroup_v1_without_quota(self):
        self.cgroup("cpu,cpuacct/cpu.cfs_quota_us", "-1\n")
        self.cgroup("cpu,cpuacct/cpu.cfs_period_us", "100000\n")
        self.assertEqual(self.count(self.status("0-5")), (6, "affinity", None))

    def test_max_means_no_quota(self):
        self.cgroup("cpu.max", "max 100000\n")
        self.assertEqual(self.count(self.status("0-1")), (2, "affinity", None))

    def test_affinity_list_with_ranges_and_singles(self):
        self.cgroup("cpu.max", "max 100000\n")
        self.assertEqual(self.count(self.status("0-1,4")), (3, "affinity", None))
        self.assertEqual(kernel.parse_cpu_list("0,2,4-7,9"), 7)

    def test_a_quota_above_the_affinity_leaves_the_affinity(self):
        self.cgroup("cpu.max", "400000 100000\n")
        self.assertEqual(self.count(self.status("0-1")), (2, "affinity", 4.0))

    def test_a_fractional_quota_rounds_up(self):
        self.cgroup("cpu.max", "250001 100000\n")
        self.assertEqual(self.count(self.status("0-15"))[0], 3)

    def test_without_a_status_file_the_affinity_mask_is_used(self):
        expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.assertEqual(self.count(None), (expected, "affinity", None))

    @unittest.skipUnless(os.path.exists("/proc/self/status"), "needs Linux's /proc")
    def test_without_sched_getaffinity_the_mask_comes_from_proc(self):
        # PyPy has no os.sched_getaffinity: the mask is read from /proc/self/status, not the host's count.
        with open("/proc/self/status") as f:
            line = next(l for l in f if l.startswith("Cpus_allowed_list:"))
        expected = kernel.parse_cpu_list(line.split(":", 1)[1])
        with mock.patch.object(kernel, "os", wraps=os) as fake_os:
            del fake_os.sched_getaffinity
            self.assertEqual(kernel.affinity_cpus(), (expected, "affinity"))
            fake_os.path.exists.assert_called_with("/proc/self/status")


class UsageTest(unittest.TestCase):

    def test_the_contract_usage_errors_exit_with_two_and_one_line(self):
        cases = [case for case in contract("usage-errors.json")["cases"]
                 if case.get("runtime", "python") == "python"]
        self.assertGreaterEqual(len(cases), 30)
        for case in cases:
            with self.subTest(args=" ".join(case["args"])):
                result = run_script(*case["args"])
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                self.assertTrue(result.stderr.startswith("concbench-kernel: "), result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                for fragment in case["stderr"]:
                    self.assertIn(fragment, result.stderr)

    def test_defaults_and_both_option_forms(self):
        options = kernel.parse_options(["--workload=io", "--size", "0", "--tasks=7"])
        self.assertEqual((options.workload, options.size, options.tasks), ("io", 0, 7))
        self.assertEqual(options.strategies, list(kernel.DEFAULT_STRATEGIES))
        self.assertEqual((options.skip_unsupported, options.skipped, options.start_method), (False, {}, None))
        self.assertEqual((options.workers, options.repetitions, options.warmup), (0, 5, 1))
        self.assertEqual(options.shard, (0, 1))
        self.assertIsNone(options.start_at)
        self.assertIsNone(options.start_gate)
        self.assertIsNone(options.output)

    def test_help_exits_with_zero(self):
        result = run_script("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("--start-gate", result.stdout)


class ContractTest(unittest.TestCase):
    """The kernel's constants against kernel/contract/, which the JVM kernel's tests read too."""

    def test_limits(self):
        limits = contract("limits.json")
        pair = lambda entry: (entry["min"], entry["max"])  # noqa: E731
        self.assertEqual({w: pair(limits["size"][w]) for w in limits["builtInWorkloads"]}, kernel.SIZE_RANGE)
        self.assertEqual(tuple(limits["workloads"]), kernel.WORKLOADS)
        self.assertEqual(tuple(limits["builtInWorkloads"]), kernel.BUILT_IN_WORKLOADS)
        self.assertEqual(pair(limits["ioFraction"]), kernel.IO_FRACTION_RANGE)
        self.assertEqual(limits["ioFraction"]["default"], kernel.DEFAULT_IO_FRACTION)
        self.assertEqual(pair(limits["callTimeout"]), kernel.CALL_TIMEOUT_RANGE)
        self.assertEqual(kernel.parse_options(["--workload", "custom", "--entrypoint", "m:f", "--tasks", "1"]).call_timeout,
                         limits["callTimeout"]["default"])
        self.assertEqual(kernel.parse_options(["--workload", "mixed", "--size", "1", "--tasks", "1"]).workload_spec[2],
                         limits["ioFraction"]["default"])
        self.assertEqual(pair(limits["tasks"]), kernel.TASKS_RANGE)
        self.assertEqual(pair(limits["workers"]), kernel.WORKERS_RANGE)
        self.assertEqual(pair(limits["repetitions"]), kernel.REPETITIONS_RANGE)
        self.assertEqual(pair(limits["warmup"]), kernel.WARMUP_RANGE)
        self.assertEqual(pair(limits["shardCount"]), kernel.SHARD_COUNT_RANGE)
        self.assertEqual(tuple(limits["startMethods"]), kernel.START_METHODS)
        options = kernel.parse_options(["--workload", "cpu", "--size", "1", "--tasks", "1"])
        self.assertEqual((options.workers, options.repetitions, options.warmup),
                         tuple(limits[name]["default"] for name in ("workers", "repetitions", "warmup")))

    def test_strategy_names_and_defaults(self):
        strategies = contract("strategies.json")["strategies"]
        self.assertEqual(tuple(s["name"] for s in strategies), kernel.STRATEGIES)
        self.assertEqual(tuple(s["name"] for s in strategies if s["default"]), kernel.DEFAULT_STRATEGIES)

    def test_which_python_runs_which_strategy_from_which_version(self):
        # unsupported_reason against the matrix, for versions this machine does not have.
        for strategy in contract("strategies.json")["strategies"]:
            for implementation in ("cpython", "pypy"):
                for version in ("3.8.0", "3.11.7", "3.13.5", "3.14.0", "3.15.0a1"):
                    with self.subTest(strategy=strategy["name"], implementation=implementation, version=version):
                        oldest = strategy["runtimes"].get(implementation)
                        expected = oldest is not None and (
                            kernel._version_tuple(version) >= kernel._version_tuple(oldest))
                        reason = kernel.unsupported_reason(strategy["name"], implementation, version, True)
                        self.assertEqual(reason is None, expected, reason)
                        if reason is not None:
                            label = version if strategy["name"] == "interpreter-pool" and implementation == "cpython" \
                                else kernel.IMPLEMENTATION_NAMES[implementation] + " " + version
                            self.assertEqual(reason, strategy["reason"].replace("<this>", label))

    def test_a_cpython_3_14_without_the_executor_is_refused(self):
        self.assertIn("lacks", kernel.unsupported_reason("interpreter-pool", "cpython", "3.14.0", False))


class UnsupportedStrategyTest(unittest.TestCase):

    @unittest.skipIf(sys.version_info >= (3, 14), "interpreter-pool runs on 3.14+")
    def test_interpreter_pool_before_3_14_exits_two_naming_the_version_it_needs(self):
        result = run_script("--workload", "cpu", "--size", "5", "--tasks", "3",
                            "--strategies", "sequential,interpreter-pool")
        self.assertEqual((result.returncode, result.stdout), (2, ""))
        self.assertEqual(result.stderr, "concbench-kernel: interpreter-pool needs CPython 3.14 or newer; "
                                        "this is %s\n" % kernel.platform.python_version())

    def test_skip_unsupported_measures_the_others_and_records_the_skipped(self):
        result = run_script("--workload", "io", "--size", "1", "--tasks", "4", "--repetitions", "2",
                            "--warmup", "0", "--skip-unsupported",
                            "--strategies", "virtual-threads,sequential,interpreter-pool,asyncio,threads")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        doc = json.loads(result.stdout)
        expected_skipped = {"virtual-threads": "needs Java 21 or newer; this is CPython %s"
                            % kernel.platform.python_version()}
        if sys.version_info < (3, 14):
            expected_skipped["interpreter-pool"] = ("needs CPython 3.14 or newer; this is %s"
                                                    % kernel.platform.python_version())
        self.assertEqual(doc["skipped"], expected_skipped)
        self.assertEqual(list(doc["times"]), [name for name in ["sequential", "interpreter-pool", "asyncio", "threads"]
                                              if name not in expected_skipped])
        self.assertTrue(all(len(times) == 2 for times in doc["times"].values()))
        self.assertEqual(doc["checksum"], "6")

    def test_runnable_strategies(self):
        reason = {"b": "needs B"}.get
        self.assertEqual(kernel.runnable_strategies(["a", "c"], False, reason), (["a", "c"], {}))
        self.assertEqual(kernel.runnable_strategies(["b", "a"], True, reason), (["a"], {"b": "needs B"}))
        with self.assertRaisesRegex(kernel.UsageError, "^b needs B$"):
            kernel.runnable_strategies(["a", "b"], False, reason)
        with self.assertRaisesRegex(kernel.UsageError, "^b needs B$"):
            kernel.runnable_strategies(["b"], True, reason)


class RuntimeInfoTest(unittest.TestCase):

    def test_this_interpreter(self):
        info = kernel.runtime_info()
        self.assertEqual(info["implementation"], sys.implementation.name)
        self.assertEqual(info["freeThreaded"], bool(sysconfig.get_config_var("Py_GIL_DISABLED")))
        if sys.implementation.name == "cpython" and sys.version_info < (3, 13):
            # no free-threaded build before 3.13; the GIL is always on
            self.assertEqual((info["freeThreaded"], info["gil"], info["jit"]), (False, True, False))
            self.assertEqual(info["implementationVersion"], kernel.platform.python_version())
        if not info["freeThreaded"]:
            self.assertTrue(info["gil"])
        self.assertEqual((info["vendor"], info["jitCompiler"], info["gc"], info["jvmFlags"]), (None,) * 4)

    def test_gil_detection_follows_sys_is_gil_enabled(self):
        for enabled in (True, False):
            with mock.patch.object(kernel.sys, "_is_gil_enabled", lambda: enabled, create=True):
                self.assertEqual(kernel.runtime_info()["gil"], enabled)
        with mock.patch.object(kernel.sysconfig, "get_config_var", lambda name: 1):
            self.assertTrue(kernel.runtime_info()["freeThreaded"])

    def test_other_interpreters(self):
        """Every interpreter in CONCBENCH_TEST_PYTHONS (colon-separated) reports what it
        says of itself; unset, only this one is checked (see test_this_interpreter)."""
        probe = ("import sys, sysconfig, json; f = getattr(sys, '_is_gil_enabled', None); "
                 "print(json.dumps([sys.implementation.name, bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
                 "f() if f else True]))")
        for python in filter(None, os.environ.get("CONCBENCH_TEST_PYTHONS", "").split(":")):
            with self.subTest(python=python):
                expected = json.loads(subprocess.run([python, "-c", probe], capture_output=True, text=True,
                                                     check=True).stdout)
                result = subprocess.run([python, KERNEL_SCRIPT, "--workload", "io", "--size", "0", "--tasks", "2",
                                         "--strategies", "sequential,asyncio,interpreter-pool", "--skip-unsupported",
                                         "--repetitions", "1", "--warmup", "0"],
                                        capture_output=True, text=True, timeout=120)
                self.assertEqual(result.returncode, 0, result.stderr)
                doc = json.loads(result.stdout)
                self.assertEqual([doc["implementation"], doc["freeThreaded"], doc["gil"]], expected)
                self.assertEqual(doc["checksum"], "1")


class ResultDocumentTest(unittest.TestCase):

    # The largest CPU figures a run can have: a run lasts at most 86400 s (the longest timeoutSeconds);
    # used and steal are at most that times 1024 CPUs, waited that times 100000 runnable tasks,
    # throttled and stalled that wall time.
    LARGEST_FIGURES = {"used": 88_473_599.999, "waited": 8_639_999_999.999, "throttled": 86_399.999,
                       "stalled": 86_399.999, "steal": 88_473_599.999}

    def test_the_largest_allowed_document_fits_the_termination_message(self):
        # Every strategy a Python can run measured (CPython 3.14+: all but virtual-threads),
        # the others skipped: a strategy is one or the other.
        measured = [name for name in kernel.STRATEGIES
                    if kernel.unsupported_reason(name, "cpython", "3.99.99", True) is None]
        self.assertEqual(len(measured), 7)
        document = kernel.result_document(
            cpus=1024, cpu_source="cgroup-quota", cpu_quota=1023.999999,
            node="n" * 253, pod="p" * 63, shard="99999/100000", tasks=100_000, workload="cpu",
            size=100_000, workers=1024, repetitions=20, warmup=10,
            checksum_value=2 ** 64 - 1, start=9_999_999_999.999999, end=9_999_999_999.999999,
            times={name: [99_999.999999] * 20 for name in measured},
            start_method="forkserver",
            skipped={name: kernel.unsupported_reason(name, "cpython", "3.99.99rc99")
                     for name in kernel.STRATEGIES if name not in measured},
            runtime=dict(kernel.runtime_info(), implementationVersion="99.99.99"),
            facts={"cgroup": "v2", "exclusiveCpus": False, "onlineCpus": 99_999},
            cpu={name: self.LARGEST_FIGURES for name in measured})
        self.assertLessEqual(len(document.encode("utf-8")), contract("limits.json")["resultMaxBytes"])
        parsed = json.loads(document)
        self.assertEqual(list(parsed), KEYS)
        self.assertEqual(parsed["checksum"], "18446744073709551615")
        self.assertEqual(len(parsed["times"]["process-pool"]), 20)
        self.assertEqual(list(parsed["cpu"]), measured)
        self.assertEqual(parsed["cpu"]["interpreter-pool"], self.LARGEST_FIGURES)
        self.assertIn("99999.999999,", document)

    def test_types_and_formats(self):
        document = kernel.result_document(
            cpus=2, cpu_source="affinity", cpu_quota=None, node=None, pod='pod-"x"\u0153',
            shard="0/1", tasks=3, workload="cpu", size=10, workers=2, repetitions=1, warmup=0,
            checksum_value=7, start=1764070000.123456, end=1764070001.000005,
            times={"sequential": [0.0015], "threads": [0.002]},
            facts={"cgroup": "v1", "exclusiveCpus": True, "onlineCpus": 4},
            cpu={"sequential": {"used": 1.23449, "waited": 0.0004, "throttled": 0.0, "stalled": None,
                                "steal": 2.5},
                 "threads": {"used": -0.0004, "waited": 12.0, "throttled": None, "stalled": 0.0104,
                             "steal": 0.02}})
        self.assertNotIn(" ", document)
        self.assertIn('"format":2,"runtime":"python","runtimeVersion":', document)
        self.assertIn('"cpuQuota":null,"node":null,"pod":"pod-\\"x\\"\\u0153"', document)
        self.assertIn('"checksum":"7","start":1764070000.123456,"end":1764070001.000005,', document)
        self.assertIn('"cgroup":"v1","exclusiveCpus":true,"onlineCpus":4,"skipped":{},', document)
        self.assertIn('"times":{"sequential":[0.001500],"threads":[0.002000]},', document)
        self.assertTrue(document.endswith(
            '"cpu":{"sequential":{"used":1.234,"waited":0.0,"throttled":0.0,"stalled":null,"steal":2.5},'
            '"threads":{"used":0.0,"waited":12.0,"throttled":null,"stalled":0.01,"steal":0.02}}}'), document)
        parsed = json.loads(document)
        self.assertIsInstance(parsed["cpus"], int)
        self.assertIsInstance(parsed["start"], float)
        self.assertEqual(kernel._json_value(1.5), "1.5")
        self.assertEqual(kernel._json_value(2.0), "2.0")
        self.assertEqual(kernel._json_value(1 / 3), "0.333333")

    def test_without_facts_and_figures_everything_is_unknown(self):
        parsed = json.loads(kernel.result_document(
            cpus=1, cpu_source="host", cpu_quota=None, node=None, pod=None, shard="0/1", tasks=1,
            workload="io", size=0, workers=1, repetitions=1, warmup=0, checksum_value=0, start=0.0,
            end=0.0, times={"sequential": [0.0]}))
        self.assertEqual([parsed["cgroup"], parsed["exclusiveCpus"], parsed["onlineCpus"]], [None] * 3)
        self.assertEqual(parsed["cpu"], {"sequential": dict.fromkeys(kernel.CPU_FIGURES)})


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
        self.assertEqual(list(doc["times"]), list(kernel.DEFAULT_STRATEGIES))
        self.assertEqual(doc["startMethod"], multiprocessing.get_start_method())
        self.assertEqual(doc["skipped"], {})
        self.assertTrue(all(len(times) == 2 for times in doc["times"].values()))
        self.assertEqual(doc["checksum"], str(closed_form_cpu(13, [1, 3, 5, 7, 9])))
        self.assertEqual((doc["runtime"], doc["node"], doc["pod"]), ("python", "node-a", "bench-0"))
        self.assertEqual((doc["cpus"], doc["cpuSource"], doc["cpuQuota"], doc["workers"]),
                         (1, "cgroup-quota", 1.0, 1))
        self.assertEqual((doc["shard"], doc["tasks"], doc["workload"], doc["size"]), ("1/2", 5, "cpu", 13))
        self.assertLessEqual(doc["start"], doc["end"])

    def test_the_start_method_given_is_used_and_recorded(self):
        for method in kernel.START_METHODS:
            with self.subTest(start_method=method):
                result = run_script("--workload", "cpu", "--size", "7", "--tasks", "3", "--workers", "2",
                                    "--strategies", "processes,process-pool,asyncio", "--start-method", method,
                                    "--repetitions", "1", "--warmup", "0")
                self.assertEqual(result.returncode, 0, result.stderr)
                doc = json.loads(result.stdout)
                self.assertEqual(doc["startMethod"], method)
                self.assertEqual(doc["checksum"], str(closed_form_cpu(7, [0, 1, 2])))

    def test_without_a_process_strategy_no_start_method_is_recorded(self):
        result = run_script("--workload", "io", "--size", "0", "--tasks", "2", "--strategies", "threads",
                            "--start-method", "spawn", "--repetitions", "1", "--warmup", "0")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIsNone(json.loads(result.stdout)["startMethod"])


if __name__ == "__main__":
    unittest.main()
