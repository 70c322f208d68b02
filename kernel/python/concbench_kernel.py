#!/usr/bin/env python3
"""concbench kernel for CPython: runs one workload under several concurrency
strategies and prints one compact JSON result (see kernel/CONTRACT.md).

Standard library only: the operator mounts this file from a ConfigMap into a stock
python image and runs it as ``python3 /kernel/concbench_kernel.py OPTIONS``, on a
read-only root filesystem. Nothing is written except stdout, stderr and --output.
"""

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import platform
import re
import sys
import sysconfig
import threading
import time
from concurrent.futures import ThreadPoolExecutor

FORMAT_VERSION = 1
PROGRAM = "concbench-kernel"
# Every strategy name of the contract, in its order (kernel/contract/strategies.json);
# without --strategies the kernel runs the classic five.
STRATEGIES = ("sequential", "threads", "thread-pool", "processes", "process-pool",
              "asyncio", "interpreter-pool", "virtual-threads")
DEFAULT_STRATEGIES = STRATEGIES[:5]
PROCESS_STRATEGIES = ("processes", "process-pool")
START_METHODS = ("fork", "forkserver", "spawn")
WORKLOADS = ("cpu", "io")
MASK64 = (1 << 64) - 1
DEFAULT_CGROUP_ROOT = "/sys/fs/cgroup"
DEFAULT_PROC_STATUS = "/proc/self/status"

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_MISMATCH = 0, 1, 2, 3

# Allowed ranges, inclusive (CONTRACT.md). This file is mounted alone from a ConfigMap,
# so it cannot read kernel/contract/limits.json: the tests hold these to that file.
# --workers is capped at 1024 so that a typo cannot fork thousands of processes.
SIZE_RANGE = {"cpu": (1, 100_000), "io": (0, 600_000)}
TASKS_RANGE = (1, 100_000)
WORKERS_RANGE = (0, 1024)
REPETITIONS_RANGE = (1, 20)
WARMUP_RANGE = (0, 10)
SHARD_COUNT_RANGE = (1, 100_000)


class ChildFailed(Exception):
    """A child process died or returned no result (exit code 3)."""


class ChecksumMismatch(Exception):
    """Two strategies (or two repetitions) computed different sums (exit code 3)."""


# --------------------------------------------------------------------------
# The workload. Top-level functions, so that multiprocessing can pickle them.
# --------------------------------------------------------------------------

def cpu_call(n, t):
    """The classic CPU-bound function: an n*n multiply-add loop."""
    s = 0
    for x in range(1, n + 1):
        for y in range(1, n + 1):
            s += x * y
    return (s + t) & MASK64


def io_call(ms, t):
    """The I/O-bound function: a blocking sleep of ms milliseconds."""
    time.sleep(ms / 1000.0)
    return t


def call_task(job):
    """One call of the function; job = (workload, size, task index)."""
    workload, size, t = job
    if workload == "cpu":
        return cpu_call(size, t)
    return io_call(size, t)


def checksum(results):
    return sum(results) & MASK64


# --------------------------------------------------------------------------
# Sharding
# --------------------------------------------------------------------------

def shard_tasks(tasks, index, count):
    """Task indices of shard index/count: every t in [0, tasks) with t % count == index."""
    return list(range(index, tasks, count))


# --------------------------------------------------------------------------
# CPUs this process may use: the affinity mask, capped by the cgroup quota.
# --------------------------------------------------------------------------

def parse_cpu_list(text):
    """Count the CPUs in a list like '0-1,4' (Cpus_allowed_list format)."""
    total = 0
    for part in text.strip().split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            low, high = part.split("-", 1)
            total += int(high) - int(low) + 1
        else:
            int(part)
            total += 1
    return total


PROC_SELF_STATUS = "/proc/self/status"


def affinity_cpus(proc_status=None):
    """(CPUs, source): the affinity mask from a /proc/<pid>/status file when given,
    else from sched_getaffinity, else from /proc/self/status ('affinity'); off Linux
    the host's count ('host')."""
    if proc_status is not None:
        try:
            with open(proc_status) as f:
                for line in f:
                    if line.startswith("Cpus_allowed_list:"):
                        return max(1, parse_cpu_list(line.split(":", 1)[1])), "affinity"
        except (OSError, ValueError):
            pass
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0))), "affinity"
    if proc_status is None and os.path.exists(PROC_SELF_STATUS):
        # PyPy (7.3.19) has no os.sched_getaffinity; on Linux the mask is still readable.
        return affinity_cpus(PROC_SELF_STATUS)
    return os.cpu_count() or 1, "host"


def _read_first_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return None


def cgroup_quota(cgroup_root):
    """The CPU quota as (quota_us, period_us), or None when no quota is set.

    cgroup v2: <root>/cpu.max ("max 100000" or "150000 100000").
    cgroup v1: cpu.cfs_quota_us / cpu.cfs_period_us in <root>, <root>/cpu or
    <root>/cpu,cpuacct (quota -1 means none).
    """
    line = _read_first_line(os.path.join(cgroup_root, "cpu.max"))
    if line:
        fields = line.split()
        if fields[0] == "max":
            return None
        try:
            quota = int(fields[0])
            period = int(fields[1]) if len(fields) > 1 else 100_000
        except ValueError:
            return None
        return (quota, period) if quota > 0 and period > 0 else None
    for directory in (cgroup_root, os.path.join(cgroup_root, "cpu"),
                      os.path.join(cgroup_root, "cpu,cpuacct")):
        quota_line = _read_first_line(os.path.join(directory, "cpu.cfs_quota_us"))
        if quota_line is None:
            continue
        period_line = _read_first_line(os.path.join(directory, "cpu.cfs_period_us"))
        try:
            quota, period = int(quota_line), int(period_line or "100000")
        except ValueError:
            return None
        return (quota, period) if quota > 0 and period > 0 else None
    return None


def count_cpus(cgroup_root, proc_status=None):
    """Returns (cpus, source, quota): the CPUs seen, which bound won ('affinity',
    'cgroup-quota', or 'host' where no affinity mask can be read), and the quota in
    CPUs as a float (None without a quota)."""
    cpus, source = affinity_cpus(proc_status)
    quota = cgroup_quota(cgroup_root)
    if quota is None:
        return cpus, source, None
    quota_us, period_us = quota
    quota_cpus = max(1, -(-quota_us // period_us))  # rounded up
    if quota_cpus < cpus:
        cpus, source = quota_cpus, "cgroup-quota"
    return cpus, source, quota_us / period_us


# --------------------------------------------------------------------------
# The strategies. Each runs the shard's tasks once and returns the checksum.
# Set-up and tear-down (threads, pools, processes) are part of the timed call.
# --------------------------------------------------------------------------

def run_sequential(jobs, workers, mp_context):
    return checksum(call_task(job) for job in jobs)


def run_threads(jobs, workers, mp_context):
    results = [None] * len(jobs)

    def target(i, job):
        results[i] = call_task(job)

    threads = [threading.Thread(target=target, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if any(r is None for r in results):
        raise RuntimeError("a thread returned no result")
    return checksum(results)


def run_thread_pool(jobs, workers, mp_context):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return checksum(executor.map(call_task, jobs))


def _process_child(writer, job):
    """Body of one child of the `processes` strategy: one call, result to the pipe."""
    writer.send(call_task(job))
    writer.close()


def run_processes(jobs, workers, mp_context):
    # One pipe shared by all children: each result is one small message, written
    # atomically, so no locks (and no /dev/shm semaphores) are needed.
    reader, writer = mp_context.Pipe(duplex=False)
    children = [mp_context.Process(target=_process_child, args=(writer, job)) for job in jobs]
    try:
        for child in children:
            child.start()
        writer.close()
        results = []
        for _ in jobs:
            try:
                results.append(reader.recv())
            except EOFError:
                raise ChildFailed("a child process exited without a result") from None
        for child in children:
            child.join()
            if child.exitcode != 0:
                raise ChildFailed("a child process exited with code %s" % child.exitcode)
        return checksum(results)
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
                child.join()
        reader.close()


def run_process_pool(jobs, workers, mp_context):
    # Note: a worker killed outright (OOM) makes Pool.map wait forever; the Job's
    # deadline ends that. An exception in a worker comes back here as ChildFailed.
    pool = mp_context.Pool(processes=workers)
    try:
        total = checksum(pool.map(call_task, jobs))
        pool.close()
        pool.join()
        return total
    except Exception as error:
        pool.terminate()
        pool.join()
        raise ChildFailed("process-pool: a worker failed: %s: %s"
                          % (type(error).__name__, error)) from error
    except BaseException:
        pool.terminate()
        pool.join()
        raise


# asyncio is imported only where it is used (main imports it before the timed region):
# it takes tens of milliseconds, which every child of the process strategies would
# pay again under the spawn and forkserver start methods.

async def _async_call(job):
    """One call as a coroutine: io awaits asyncio.sleep; cpu runs the loop right here,
    in the event loop, so it blocks every other task while it runs."""
    import asyncio
    workload, size, t = job
    if workload == "cpu":
        return cpu_call(size, t)
    await asyncio.sleep(size / 1000.0)
    return t


def run_asyncio(jobs, workers, mp_context):
    import asyncio

    async def all_calls():
        tasks = [asyncio.ensure_future(_async_call(job)) for job in jobs]  # one task per call
        return await asyncio.gather(*tasks)

    return checksum(asyncio.run(all_calls()))  # a new event loop per repetition


def run_interpreter_pool(jobs, workers, mp_context):
    # One subinterpreter (each with its own GIL) per worker; the function and its
    # arguments are pickled into them, as for a process pool.
    with concurrent.futures.InterpreterPoolExecutor(max_workers=workers) as executor:
        return checksum(executor.map(call_task, jobs))


STRATEGY_FUNCTIONS = {
    "sequential": run_sequential,
    "threads": run_threads,
    "thread-pool": run_thread_pool,
    "processes": run_processes,
    "process-pool": run_process_pool,
    "asyncio": run_asyncio,
    "interpreter-pool": run_interpreter_pool,
}


# --------------------------------------------------------------------------
# Which strategies this interpreter can run (kernel/contract/strategies.json)
# --------------------------------------------------------------------------

IMPLEMENTATION_NAMES = {"cpython": "CPython", "pypy": "PyPy"}


def unsupported_reason(name, implementation=None, version=None, has_interpreter_pool=None):
    """None when the interpreter can run the strategy, else why not, one line without
    the strategy's name. The defaults describe this interpreter; tests pass others."""
    implementation = implementation or sys.implementation.name
    version = version or platform.python_version()
    this = "this is %s %s" % (IMPLEMENTATION_NAMES.get(implementation, implementation), version)
    if name == "virtual-threads":
        return "needs Java 21 or newer; " + this
    if name == "interpreter-pool":
        if implementation != "cpython":
            return "needs CPython 3.14 or newer; " + this
        if _version_tuple(version) < (3, 14):
            return "needs CPython 3.14 or newer; this is " + version
        if has_interpreter_pool is None:
            has_interpreter_pool = hasattr(concurrent.futures, "InterpreterPoolExecutor")
        if not has_interpreter_pool:
            return "needs concurrent.futures.InterpreterPoolExecutor, which this %s %s lacks" % (
                IMPLEMENTATION_NAMES.get(implementation, implementation), version)
    return None


def _version_tuple(version):
    return tuple(int(part) for part in re.findall(r"[0-9]+", version)[:2])


def run_strategy(name, jobs, workers, mp_context=None):
    """Runs one strategy once; returns (checksum, wall seconds)."""
    if mp_context is None:
        mp_context = multiprocessing.get_context()  # the default start method
    function = STRATEGY_FUNCTIONS[name]
    started = time.perf_counter()
    try:
        total = function(jobs, workers, mp_context)
    except (multiprocessing.ProcessError, OSError) as error:
        if name in PROCESS_STRATEGIES:
            raise ChildFailed("%s: %s" % (name, error)) from error
        raise
    return total, time.perf_counter() - started


# --------------------------------------------------------------------------
# The interleaved repetition loop
# --------------------------------------------------------------------------

def run_benchmark(strategies, jobs, workers, repetitions, warmup, mp_context=None):
    """Warmup rounds, then measured rounds; each round runs every strategy in order.
    Returns (checksum, start epoch, end epoch, {strategy: [seconds, ...]})."""
    times = {name: [] for name in strategies}
    expected = None
    start = time.time()
    for round_number in range(warmup + repetitions):
        measured = round_number >= warmup
        for name in strategies:
            total, seconds = run_strategy(name, jobs, workers, mp_context)
            if expected is None:
                expected = (total, name)
            elif total != expected[0]:
                raise ChecksumMismatch("checksum mismatch: %s gave %d, %s gave %d"
                                       % (name, total, expected[1], expected[0]))
            if measured:
                times[name].append(seconds)
    end = time.time()
    return (expected[0] if expected else 0), start, end, times


# --------------------------------------------------------------------------
# The start gate: a common start for all shards
# --------------------------------------------------------------------------

EPOCH_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_epoch(text):
    text = text.strip()
    return float(text) if EPOCH_PATTERN.match(text) else None


def read_gate(path):
    """The epoch held by the gate file, or None while it is absent or incomplete."""
    try:
        with open(path) as f:
            return parse_epoch(f.read())
    except OSError:
        return None


def wait_for_start(start_at=None, start_gate=None, poll_seconds=0.05):
    if start_gate is not None:
        while (start_at := read_gate(start_gate)) is None:
            time.sleep(poll_seconds)
    if start_at is not None:
        while (remaining := start_at - time.time()) > 0:
            time.sleep(min(remaining, 1.0))


# --------------------------------------------------------------------------
# The JSON result
# --------------------------------------------------------------------------

class Fixed6(float):
    """A float written with exactly 6 decimals (seconds, epoch stamps)."""


def _json_value(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fixed6):
        return "%.6f" % value
    if isinstance(value, float):
        text = ("%.6f" % value).rstrip("0")
        return text + "0" if text.endswith(".") else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # escapes to ASCII
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_json_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + _json_value(v)
                              for k, v in value.items()) + "}"
    raise TypeError("cannot write %r as JSON" % (value,))


def runtime_info():
    """What the interpreter is, for the result: the fields from "implementation" to
    "jvmFlags" (the JVM-only ones are None here)."""
    implementation = sys.implementation.name
    version = sys.implementation.version
    if implementation == "pypy":
        try:
            import pypyjit  # noqa: F401  (only a PyPy built with its JIT has it)
            jit = True
        except ImportError:
            jit = False
    else:  # CPython 3.13+ may be built with an experimental JIT; 3.14 says if it is on
        jit_module = getattr(sys, "_jit", None)
        jit = bool(jit_module.is_enabled()) if jit_module is not None else False
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    return {
        "implementation": implementation,
        "implementationVersion": "%d.%d.%d" % tuple(version[:3]),
        "vendor": None,
        "freeThreaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil": bool(is_gil_enabled()) if is_gil_enabled is not None else True,
        "jit": jit,
        "jitCompiler": None,
        "gc": None,
        "jvmFlags": None,
    }


def result_document(*, cpus, cpu_source, cpu_quota, node, pod, shard, tasks, workload,
                    size, workers, repetitions, warmup, checksum_value, start, end, times,
                    start_method=None, skipped=None, runtime=None):
    """The result as a compact JSON string, keys in the order of CONTRACT.md.
    runtime: the runtime_info() fields (this interpreter's when None)."""
    return _json_value({
        "format": FORMAT_VERSION,
        "runtime": "python",
        "runtimeVersion": platform.python_version(),
        "cpus": cpus,
        "cpuSource": cpu_source,
        "cpuQuota": None if cpu_quota is None else float(cpu_quota),
        "node": node,
        "pod": pod,
        "shard": shard,
        "tasks": tasks,
        "workload": workload,
        "size": size,
        "workers": workers,
        "repetitions": repetitions,
        "warmup": warmup,
        "checksum": str(checksum_value),
        "start": Fixed6(start),
        "end": Fixed6(end),
        **(runtime_info() if runtime is None else runtime),
        "startMethod": start_method,
        "skipped": dict(skipped or {}),
        "times": {name: [Fixed6(t) for t in values] for name, values in times.items()},
    })


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

class UsageError(Exception):
    pass


class KernelArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message):
        raise UsageError(message)


def _int_in(low, high):
    def parse(text):
        if not re.fullmatch(r"[0-9]+", text):
            raise argparse.ArgumentTypeError("not a non-negative integer: %r" % text)
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError("%d is out of range %d..%d" % (value, low, high))
        return value
    return parse


def _strategy_list(text):
    names = [name.strip() for name in text.split(",")]
    for name in names:
        if name not in STRATEGIES:
            raise argparse.ArgumentTypeError(
                "unknown strategy %r (known: %s)" % (name, ",".join(STRATEGIES)))
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise argparse.ArgumentTypeError("duplicate strategy %r" % duplicates[0])
    return names


def _shard(text):
    match = re.fullmatch(r"([0-9]+)/([0-9]+)", text)
    if not match:
        raise argparse.ArgumentTypeError("expected I/N, got %r" % text)
    index, count = int(match.group(1)), int(match.group(2))
    if not SHARD_COUNT_RANGE[0] <= count <= SHARD_COUNT_RANGE[1]:
        raise argparse.ArgumentTypeError("shard count %d is out of range %d..%d"
                                         % (count, *SHARD_COUNT_RANGE))
    if index >= count:
        raise argparse.ArgumentTypeError("shard index %d is not below the count %d"
                                         % (index, count))
    return index, count


def _epoch(text):
    value = parse_epoch(text)
    if value is None:
        raise argparse.ArgumentTypeError("not an epoch in seconds: %r" % text)
    return value


REQUIRED = ("--workload", "--size", "--tasks")


def build_parser():
    parser = KernelArgumentParser(
        prog=PROGRAM, allow_abbrev=False,
        description="Run a workload under concurrency strategies; print a JSON result.")
    # --workload, --size and --tasks are required, but checked after parsing (in
    # parse_options), so that an unknown option is reported first, as the JVM kernel does.
    parser.add_argument("--workload", choices=WORKLOADS, help="required")
    parser.add_argument("--size", type=_int_in(0, 999_999_999),  # range: per workload
                        help="required; cpu: n of the n*n loop (1..100000); io: milliseconds (0..600000)")
    parser.add_argument("--tasks", type=_int_in(*TASKS_RANGE), help="required")
    parser.add_argument("--strategies", type=_strategy_list, default=list(DEFAULT_STRATEGIES),
                        help="any of %s (default: the first five)" % ",".join(STRATEGIES))
    parser.add_argument("--skip-unsupported", action="store_true",
                        help="skip (and record) strategies this interpreter cannot run, "
                             "instead of exiting 2")
    parser.add_argument("--start-method", choices=START_METHODS,
                        help="multiprocessing start method (default: the interpreter's own)")
    parser.add_argument("--workers", type=_int_in(*WORKERS_RANGE), default=0,
                        help="pool size; 0 = the CPUs this process may use")
    parser.add_argument("--repetitions", type=_int_in(*REPETITIONS_RANGE), default=5)
    parser.add_argument("--warmup", type=_int_in(*WARMUP_RANGE), default=1)
    parser.add_argument("--shard", type=_shard, default=(0, 1), metavar="I/N")
    parser.add_argument("--start-at", type=_epoch, metavar="EPOCH")
    parser.add_argument("--start-gate", metavar="FILE")
    parser.add_argument("--output", metavar="FILE")
    return parser


def parse_options(argv):
    """Parsed and validated options; raises UsageError."""
    options = build_parser().parse_args(argv)
    missing = [name for name in REQUIRED if getattr(options, name[2:]) is None]
    if missing:
        raise UsageError("the following arguments are required: " + ", ".join(missing))
    low, high = SIZE_RANGE[options.workload]
    if not low <= options.size <= high:
        raise UsageError("argument --size: %d is out of range %d..%d for workload %s"
                         % (options.size, low, high, options.workload))
    if options.start_at is not None and options.start_gate is not None:
        raise UsageError("--start-at and --start-gate exclude each other")
    if options.start_method and options.start_method not in multiprocessing.get_all_start_methods():
        raise UsageError("argument --start-method: %s is not available here (available: %s)"
                         % (options.start_method, ",".join(multiprocessing.get_all_start_methods())))
    options.strategies, options.skipped = runnable_strategies(options.strategies,
                                                              options.skip_unsupported)
    return options


def runnable_strategies(names, skip_unsupported, reason=unsupported_reason):
    """(the strategies to run, {skipped strategy: reason}). A strategy this interpreter
    cannot run is a usage error unless skip_unsupported; so is skipping every one."""
    skipped = {name: reason(name) for name in names if reason(name) is not None}
    runnable = [name for name in names if name not in skipped]
    if skipped and (not skip_unsupported or not runnable):
        name = next(iter(skipped))
        raise UsageError("%s %s" % (name, skipped[name]))
    return runnable, skipped


def main(argv=None):
    try:
        options = parse_options(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        print("%s: %s" % (PROGRAM, " ".join(str(error).split())), file=sys.stderr)
        return EXIT_USAGE
    try:
        cpus, cpu_source, cpu_quota = count_cpus(
            os.environ.get("CONCBENCH_CGROUP_ROOT", DEFAULT_CGROUP_ROOT),
            os.environ.get("CONCBENCH_PROC_STATUS"))
        workers = options.workers or cpus
        shard_index, shard_count = options.shard
        jobs = [(options.workload, options.size, t)
                for t in shard_tasks(options.tasks, shard_index, shard_count)]
        if "asyncio" in options.strategies:
            import asyncio  # noqa: F401  (not inside the first timed repetition)
        mp_context = multiprocessing.get_context(options.start_method)
        uses_processes = any(name in PROCESS_STRATEGIES for name in options.strategies)
        wait_for_start(options.start_at, options.start_gate)
        total, start, end, times = run_benchmark(
            options.strategies, jobs, workers, options.repetitions, options.warmup, mp_context)
        document = result_document(
            cpus=cpus, cpu_source=cpu_source, cpu_quota=cpu_quota,
            node=os.environ.get("NODE_NAME"), pod=os.environ.get("POD_NAME"),
            shard="%d/%d" % (shard_index, shard_count), tasks=len(jobs),
            workload=options.workload, size=options.size, workers=workers,
            repetitions=options.repetitions, warmup=options.warmup,
            checksum_value=total, start=start, end=end, times=times,
            start_method=mp_context.get_start_method() if uses_processes else None,
            skipped=options.skipped)
        if options.output:
            with open(options.output, "w") as f:
                f.write(document)
        print(document, flush=True)
        return EXIT_OK
    except (ChildFailed, ChecksumMismatch) as error:
        print("%s: %s" % (PROGRAM, error), file=sys.stderr)
        return EXIT_MISMATCH
    except KeyboardInterrupt:
        print("%s: interrupted" % PROGRAM, file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:  # anything else: one line, exit 1
        print("%s: %s: %s" % (PROGRAM, type(error).__name__, error), file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
