"""Tests of the CPython kernel's workloads beyond the classic two: hash, mixed, race, and the
user's own code (custom), its results compared across strategies and its errors. Run from the
repository root:

    python3 -m unittest discover -s kernel/python/tests -v
"""

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from test_kernel import KERNEL_SCRIPT, SUPPORTED, closed_form, contract, jobs_of, run_script

import concbench_kernel as kernel

CODE_DIR = os.path.join(os.path.dirname(os.path.dirname(KERNEL_SCRIPT)), "contract", "workloads")
ALL = ",".join(SUPPORTED)


def run_custom(entrypoint, *args, strategies=ALL, tasks=6, extra=()):
    return run_script("--workload", "custom", "--entrypoint", entrypoint, "--code-dir", CODE_DIR,
                      "--tasks", str(tasks), "--strategies", strategies, "--repetitions", "2", "--warmup", "1",
                      *args, *extra)


class BuiltInWorkloadTest(unittest.TestCase):

    def test_the_hash_buffer_is_the_pattern_of_the_contract(self):
        buffer = kernel.hash_buffer(3)
        self.assertEqual(len(buffer), 3 * 1024)
        self.assertEqual(buffer[:256], bytes(range(256)))
        self.assertEqual(buffer[-256:], bytes(range(256)))
        self.assertIs(kernel.hash_buffer(3), buffer)  # made once per process

    def test_mixed_waits_its_share_of_the_call(self):
        # thread_time: 1.0 before the loop, 1.3 after it: 0.3 s of CPU; a quarter of the call waits
        waits = []
        with mock.patch.object(kernel.time, "thread_time", side_effect=[1.0, 1.3]), \
                mock.patch.object(kernel.time, "sleep", waits.append):
            self.assertEqual(kernel.mixed_call(4, 0.25, 7), closed_form("cpu", 4, [7]))
        self.assertEqual(len(waits), 1)
        self.assertAlmostEqual(waits[0], 0.1)
        self.assertEqual(kernel.mixed_wait(0.5, 0.0), 0.0)
        self.assertAlmostEqual(kernel.mixed_wait(0.01, 0.99), 0.99)

    def test_race_counts_the_updates_that_did_not_arrive(self):
        # a strategy that lets 5 updates of a run arrive: every other update was lost
        def lossy(jobs, workers, context):
            kernel._race.a = 5
            return [t for _, t in jobs]

        with mock.patch.dict(kernel.STRATEGY_FUNCTIONS, {"lossy": lossy}):
            outcome = kernel.run_benchmark(["sequential", "lossy"], kernel.make_workload("race", 100), [1, 2, 3],
                                           1, 2, 1)
        self.assertEqual(outcome.lost, {"sequential": 0, "lossy": 2 * (300 - 5)})  # measured rounds only
        self.assertEqual(outcome.checksum, 6)

    def test_race_on_every_strategy(self):
        # A strategy that runs its calls one at a time, or each in a process (or subinterpreter)
        # of its own, cannot lose an update: every update of theirs must arrive. Threads may lose some.
        outcome = kernel.run_benchmark(SUPPORTED, kernel.make_workload("race", 20_000), range(4), 2, 1, 0)
        self.assertEqual(list(outcome.lost), SUPPORTED)
        for name in ("sequential", "processes", "process-pool", "asyncio", "interpreter-pool"):
            if name in SUPPORTED:
                self.assertEqual(outcome.lost[name], 0, name)
        for name in ("threads", "thread-pool"):
            self.assertGreaterEqual(outcome.lost[name], 0)
            self.assertLessEqual(outcome.lost[name], 4 * 20_000)
        self.assertEqual(outcome.checksum, 6)
        self.assertEqual(outcome.differs, {})

    def test_the_document_of_race_holds_lost_and_nothing_of_custom(self):
        result = run_script("--workload", "race", "--size", "1000", "--tasks", "4", "--strategies",
                            "sequential,threads,processes", "--repetitions", "2", "--warmup", "0")
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertEqual(list(doc["lost"]), ["sequential", "threads", "processes"])
        self.assertEqual((doc["lost"]["sequential"], doc["lost"]["processes"]), (0, 0))
        self.assertNotIn("setup", doc)
        self.assertNotIn("differs", doc)
        self.assertEqual(doc["checksum"], "6")

    def test_built_ins_have_no_optional_keys(self):
        result = run_script("--workload", "hash", "--size", "8", "--tasks", "3", "--repetitions", "1",
                            "--warmup", "0", "--strategies", "sequential,threads")
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertEqual(list(doc)[-2:], ["times", "cpu"])
        self.assertEqual(doc["checksum"], str(closed_form("hash", 8, [0, 1, 2])))

    def test_other_interpreters_race(self):
        """Every interpreter in CONCBENCH_TEST_PYTHONS: a free-threaded one without its GIL loses
        updates with threads (2 CPUs, 4 threads of 200000 updates each: certain in practice)."""
        for python in filter(None, os.environ.get("CONCBENCH_TEST_PYTHONS", "").split(":")):
            with self.subTest(python=python):
                result = subprocess.run([python, KERNEL_SCRIPT, "--workload", "race", "--size", "200000",
                                         "--tasks", "4", "--strategies", "sequential,threads,thread-pool,processes",
                                         "--repetitions", "2", "--warmup", "0"],
                                        capture_output=True, text=True, timeout=300)
                self.assertEqual(result.returncode, 0, result.stderr)
                doc = json.loads(result.stdout)
                self.assertEqual((doc["lost"]["sequential"], doc["lost"]["processes"]), (0, 0))
                if doc["freeThreaded"] and not doc["gil"] and len(os.sched_getaffinity(0)) > 1:
                    # one of them alone may have run its calls one by one
                    self.assertGreater(doc["lost"]["threads"] + doc["lost"]["thread-pool"], 0, doc)


class CustomWorkloadTest(unittest.TestCase):

    def test_deterministic_code_gives_one_checksum_under_every_strategy_and_start_method(self):
        checksums = set()
        for method in multiprocessing.get_all_start_methods():
            with self.subTest(start_method=method):
                result = run_custom("records:work", "--start-method", method, "--call-timeout", "60")
                self.assertEqual(result.returncode, 0, result.stderr)
                doc = json.loads(result.stdout)
                self.assertEqual(list(doc["times"]), SUPPORTED)
                self.assertNotIn("differs", doc)
                self.assertNotIn("lost", doc)
                self.assertGreater(doc["setup"], 0.0)  # the import: 2000 records made at module level
                self.assertEqual((doc["workload"], doc["size"]), ("custom", 0))
                checksums.add(doc["checksum"])
        expected = sum(kernel.result_hash(_records_work(t)) for t in range(6)) % 2 ** 64
        self.assertEqual(checksums, {str(expected)})

    def test_code_that_is_not_thread_safe_differs_under_threads_only(self):
        result = run_custom("unsafe:work", tasks=8)
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertIn("threads", doc["differs"])
        self.assertIn("thread-pool", doc["differs"])
        for name in ("sequential", "processes", "process-pool"):  # each call alone in its process
            self.assertNotIn(name, doc["differs"])
        self.assertEqual(doc["checksum"], str(sum(kernel.result_hash(t) for t in range(8)) % 2 ** 64))
        self.assertTrue(all(0 <= task < 8 for task in doc["differs"].values()))

    def test_the_first_differing_call_is_the_lowest_task_over_all_rounds(self):
        def differs(order, runs):
            runs = iter(runs)
            with mock.patch.dict(kernel.STRATEGY_FUNCTIONS, {"sequential": lambda *_: next(runs),
                                                             "other": lambda *_: next(runs)}):
                outcome = kernel.run_benchmark(order, kernel.make_workload("custom", entrypoint="m:f"),
                                               [10, 11, 12], 1, 2, 1)
            self.assertEqual(outcome.checksum, 6)  # sequential's first run
            return outcome.differs

        # warmup included; sequential's third round differs from its first: not deterministic
        self.assertEqual(differs(["sequential", "other"],
                                 [[1, 2, 3], [1, 9, 3], [1, 2, 3], [1, 2, 8], [7, 2, 3], [1, 2, 3]]),
                         {"sequential": 10, "other": 11})
        # a strategy before sequential waits for sequential's first run; the order is the strategies'
        self.assertEqual(list(differs(["other", "sequential"],
                                      [[1, 9, 3], [1, 2, 3], [1, 2, 4], [1, 2, 3], [7, 2, 3], [1, 2, 4]]).items()),
                         [("other", 10), ("sequential", 12)])

    def test_nondeterministic_code(self):
        # the values count this process's calls: sequential's second round differs from its first
        result = run_custom("nondeterministic:work", strategies="sequential,threads")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["differs"], {"sequential": 0, "threads": 0})
        result = run_custom("nondeterministic:work", "--nondeterministic", strategies="sequential,threads")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("differs", json.loads(result.stdout))

    def test_a_coroutine_function_under_every_strategy(self):
        result = run_custom("coroutine:work")
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertNotIn("differs", doc)
        self.assertEqual(doc["checksum"],
                         str(sum(kernel.result_hash({"index": t, "square": t * t}) for t in range(6)) % 2 ** 64))

    def test_values_are_hashed_the_same_in_every_process(self):
        self.assertEqual(kernel.stable_repr({"b", "a", "c"}), "set({'a', 'b', 'c'})")
        self.assertEqual(kernel.stable_repr([frozenset({2, 1}), {"k": (1,)}]), "[frozenset({1, 2}), {'k': (1,)}]")
        self.assertEqual(kernel.result_hash(object()), kernel.result_hash(object()))  # the address is left out
        self.assertNotEqual(kernel.result_hash(1), kernel.result_hash("1"))
        probe = ("import sys; sys.path.insert(0, %r); import concbench_kernel as k; "
                 "print(k.result_hash({'alpha', 'beta', 'gamma', 'delta'}))") % os.path.dirname(KERNEL_SCRIPT)
        seeds = {subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                                env=dict(os.environ, PYTHONHASHSEED=str(seed))).stdout for seed in (1, 2, 3)}
        self.assertEqual(len(seeds), 1)


def _records_work(t):
    sys.path.insert(0, CODE_DIR)
    try:
        import records
    finally:
        sys.path.remove(CODE_DIR)
    return records.work(t)


class WorkloadErrorTest(unittest.TestCase):

    def test_the_contract_errors_exit_4_with_file_line_and_exception(self):
        cases = [case for case in contract("workload-errors.json")["cases"] if case["runtime"] == "python"]
        self.assertGreaterEqual(len(cases), 6)
        for case in cases:
            strategies = SUPPORTED if case["strategies"] == "all" else case["strategies"].split(",")
            for name in strategies:
                with self.subTest(entrypoint=case["entrypoint"], strategy=name), \
                        tempfile.TemporaryDirectory() as directory:
                    output = os.path.join(directory, "termination-log")
                    result = run_custom(case["entrypoint"], "--output", output, strategies=name, tasks=6,
                                        extra=["--call-timeout", str(case.get("callTimeout", 60))])
                    self.assertEqual(result.returncode, 4, result.stderr)
                    self.assertEqual(result.stdout, "")
                    with open(output) as f:
                        written = f.read()
                    self.assertLessEqual(len(written), contract("limits.json")["resultMaxBytes"])
                    document = json.loads(written)
                    self.assertEqual(list(document), ["format", "workloadError"])
                    text = document["workloadError"]
                    self.assertTrue(result.stderr.startswith("concbench-kernel: workload error: " + text), result.stderr)
                    for fragment in case["fragments"]:
                        self.assertIn(fragment, text)
                    self.assertNotIn("concbench_kernel.py", text)  # the kernel's own frames are left out

    def test_a_stuck_call_in_a_spawned_pool_worker(self):
        result = run_custom("stuck:work", "--start-method", "spawn", "--call-timeout", "1", strategies="process-pool")
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("task 2 did not return within 1 s: it is stuck (", result.stderr)

    def test_an_error_text_is_bounded(self):
        error = ValueError("x" * 10_000)
        text = kernel.describe_exception("task 1", error)
        self.assertLessEqual(len(text), kernel.ERROR_TEXT_MAX_CHARS)
        self.assertLessEqual(len(kernel.error_document("\u0153" * 5000)), contract("limits.json")["resultMaxBytes"])

    def test_a_subinterpreter_stuck_call_names_the_task(self):
        self.assertEqual(kernel.stuck_text(7, 3, None), "task 7 did not return within 3 s (where it is stuck cannot be read)")


class LargestDocumentTest(unittest.TestCase):
    """The optional keys of format 2 within 4096 bytes: lost (race) and setup with differs
    (custom) never come together (a race call's value is its task index: it cannot differ)."""

    MEASURED = [name for name in kernel.STRATEGIES
                if kernel.unsupported_reason(name, "cpython", "3.99.99", True) is None]

    def largest(self, workload, size, **optional):
        figures = {"used": 88_473_599.999, "waited": 8_639_999_999.999, "throttled": 86_399.999,
                   "stalled": 86_399.999, "steal": 88_473_599.999}
        document = kernel.result_document(
            cpus=1024, cpu_source="cgroup-quota", cpu_quota=1023.999999,
            node="n" * 253, pod="p" * 63, shard="99999/100000", tasks=100_000, workload=workload,
            size=size, workers=1024, repetitions=20, warmup=10,
            checksum_value=2 ** 64 - 1, start=9_999_999_999.999999, end=9_999_999_999.999999,
            times={name: [99_999.999999] * 20 for name in self.MEASURED}, start_method="forkserver",
            skipped={name: kernel.unsupported_reason(name, "cpython", "3.99.99rc99")
                     for name in kernel.STRATEGIES if name not in self.MEASURED},
            runtime=dict(kernel.runtime_info(), implementationVersion="99.99.99"),
            facts={"cgroup": "v2", "exclusiveCpus": False, "onlineCpus": 99_999},
            cpu={name: figures for name in self.MEASURED}, **optional)
        self.assertLessEqual(len(document), contract("limits.json")["resultMaxBytes"])
        return json.loads(document)

    def test_race(self):
        most = 20 * 100_000 * kernel.SIZE_RANGE["race"][1]  # every update of every measured round lost
        parsed = self.largest("race", kernel.SIZE_RANGE["race"][1], lost=dict.fromkeys(self.MEASURED, most))
        self.assertEqual(parsed["lost"]["interpreter-pool"], most)
        self.assertEqual(list(parsed)[-3:], ["times", "cpu", "lost"])

    def test_custom(self):
        parsed = self.largest("custom", 0, setup=86_399.999999, differs=dict.fromkeys(self.MEASURED, 99_999))
        self.assertEqual(list(parsed)[-4:], ["times", "cpu", "setup", "differs"])
        self.assertEqual(parsed["setup"], 86_399.999999)


if __name__ == "__main__":
    unittest.main()
