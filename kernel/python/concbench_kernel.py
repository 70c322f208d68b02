#!/usr/bin/env python3
"""concbench kernel for CPython: runs one workload under several concurrency
strategies and prints one compact JSON result (see kernel/CONTRACT.md).

Standard library only: the operator mounts this file from a ConfigMap into a stock
python image and runs it as ``python3 /kernel/concbench_kernel.py OPTIONS``, on a
read-only root filesystem. Nothing is written except stdout, stderr and --output.
"""

import argparse
import collections
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
import types
from concurrent.futures import ThreadPoolExecutor

try:
    import resource  # Unix: the CPU time of waited-for children
except ImportError:  # pragma: no cover (Windows)
    resource = None

FORMAT_VERSION = 2
PROGRAM = "concbench-kernel"
# Every strategy name of the contract, in its order (kernel/contract/strategies.json);
# without --strategies the kernel runs the classic five.
STRATEGIES = ("sequential", "threads", "thread-pool", "processes", "process-pool",
              "asyncio", "interpreter-pool", "virtual-threads")
DEFAULT_STRATEGIES = STRATEGIES[:5]
PROCESS_STRATEGIES = ("processes", "process-pool")
START_METHODS = ("fork", "forkserver", "spawn")
# cpu and io: the classic's two; hash, mixed and race tell the rest of the story; custom runs the
# user's function. The built-ins' every call has a known value: a strategy that disagrees lost or
# repeated a call (exit 3); custom code that disagrees is a finding ("differs").
WORKLOADS = ("cpu", "io", "hash", "mixed", "race", "custom")
BUILT_IN_WORKLOADS = WORKLOADS[:5]
MASK64 = (1 << 64) - 1
DEFAULT_CGROUP_ROOT = "/sys/fs/cgroup"
DEFAULT_PROC_CGROUP = "/proc/self/cgroup"
DEFAULT_PROC_STAT = "/proc/stat"
DEFAULT_CPU_ONLINE = "/sys/devices/system/cpu/online"

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_MISMATCH, EXIT_WORKLOAD = 0, 1, 2, 3, 4

# Allowed ranges, inclusive (CONTRACT.md). This file is mounted alone from a ConfigMap,
# so it cannot read kernel/contract/limits.json: the tests hold these to that file.
# --workers is capped at 1024 so that a typo cannot fork thousands of processes.
SIZE_RANGE = {"cpu": (1, 100_000), "io": (0, 600_000), "hash": (1, 65_536), "mixed": (1, 100_000),
              "race": (1, 1_000_000)}
TASKS_RANGE = (1, 100_000)
WORKERS_RANGE = (0, 1024)
REPETITIONS_RANGE = (1, 20)
WARMUP_RANGE = (0, 10)
SHARD_COUNT_RANGE = (1, 100_000)
IO_FRACTION_RANGE = (0.0, 0.99)
DEFAULT_IO_FRACTION = 0.5
CALL_TIMEOUT_RANGE = (0, 86_400)
# A workload error's text, at most (the error document must fit the termination message).
ERROR_TEXT_MAX_CHARS = 2000
ENTRYPOINT_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*")


class ChildFailed(Exception):
    """A child process died or returned no result (exit code 3)."""


class ChecksumMismatch(Exception):
    """A built-in workload's strategies (or repetitions) computed different values (exit code 3)."""


class WorkloadError(Exception):
    """The user's code failed: its text names the file, line and exception (exit code 4)."""


# --------------------------------------------------------------------------
# The workloads. Top-level functions, so that multiprocessing can pickle them.
#
# A workload is a plain tuple (it travels with every job to child processes and
# subinterpreters, which must not depend on a class of this module):
# (kind, size, io_fraction, entrypoint, code_dir, call_timeout, deterministic).
# A job is (workload, task index).
# --------------------------------------------------------------------------

def make_workload(kind, size=0, io_fraction=None, entrypoint=None, code_dir=None, call_timeout=0,
                  deterministic=True):
    if kind == "mixed" and io_fraction is None:
        io_fraction = DEFAULT_IO_FRACTION
    return (kind, size, io_fraction, entrypoint, code_dir, call_timeout, deterministic)


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


_HASH_PATTERN = bytes(range(256))
_hash_buffers = {}


def hash_buffer(kib):
    """The buffer every hash call digests: the bytes 0..255 repeated, kib KiB (made once per process)."""
    buffer = _hash_buffers.get(kib)
    if buffer is None:
        buffer = _hash_buffers[kib] = _HASH_PATTERN * (4 * kib)
    return buffer


def hash_call(kib, t):
    """SHA-256 of a kib-KiB buffer (C code that releases the GIL for buffers over 2 KiB): the
    digest's first 8 bytes as a big-endian number, plus t, mod 2^64."""
    import hashlib  # here, not at the top: children re-import this file under spawn and forkserver
    return (int.from_bytes(hashlib.sha256(hash_buffer(kib)).digest()[:8], "big") + t) & MASK64


def mixed_wait(cpu_seconds, io_fraction):
    """The wait that makes io_fraction of a call whose CPU part took cpu_seconds."""
    return max(0.0, cpu_seconds) * io_fraction / (1.0 - io_fraction)


def mixed_call(n, io_fraction, t):
    """A request handler's shape: the cpu loop, then a blocking sleep, so that io_fraction of the
    call is waiting (the sleep is the loop's own CPU time x io_fraction / (1 - io_fraction))."""
    began = time.thread_time()
    value = cpu_call(n, t)
    time.sleep(mixed_wait(time.thread_time() - began, io_fraction))
    return value


# The race's shared object: one per process (and per subinterpreter); threads share it,
# processes do not.
_race = types.SimpleNamespace(a=0)
# Updates counted by children (processes, pool workers, subinterpreters) in this strategy run.
_counted_by_children = [0]


def race_call(n, t):
    """The classic's shared-variable race: n read-modify-writes of one shared attribute, no lock.
    Two threads that read the same value lose one update; the run counts what arrived."""
    shared = _race
    for _ in range(n):
        shared.a = shared.a + 1
    return t


def reset_counted():
    _race.a = 0
    _counted_by_children[0] = 0


def counted_updates():
    """The race's updates that arrived in this strategy run: this process's and its children's."""
    return _race.a + _counted_by_children[0]


def call_task(job):
    """One call of the workload; job = (workload, task index). Returns a value mod 2^64."""
    workload, t = job
    kind, size = workload[0], workload[1]
    if kind == "cpu":
        return cpu_call(size, t)
    if kind == "io":
        return io_call(size, t)
    if kind == "hash":
        return hash_call(size, t)
    if kind == "mixed":
        return mixed_call(size, workload[2], t)
    if kind == "race":
        return race_call(size, t)
    return custom_call(workload, t)


def checksum(results):
    return sum(results) & MASK64


# --------------------------------------------------------------------------
# Custom code: the user's function "module:function", imported from --code-dir once per
# process (and per subinterpreter), called as function(task index); its return value is
# hashed. Every error of the user's code becomes a WorkloadError naming file, line and
# exception; a call that runs longer than --call-timeout is reported where it is stuck.
# --------------------------------------------------------------------------

# (code_dir, entrypoint) -> (function, is a coroutine function): imported once per process
_entries = {}
# In a child process: the connection to the kernel process a stuck call is reported over
_child_channel = None
# In the kernel process: --output, where a workload error's document goes as well
_output_path = None
KERNEL_FILE = os.path.abspath(__file__)


def entry_function(workload):
    """(function, is a coroutine function) of a custom workload, imported on first use."""
    key = (workload[4], workload[3])
    entry = _entries.get(key)
    if entry is None:
        entry = _entries[key] = load_entrypoint(workload[3], workload[4])
    return entry


def load_entrypoint(entrypoint, code_dir):
    """Imports module:function from code_dir (put first on sys.path); raises WorkloadError."""
    module_name, function_name = entrypoint.split(":")
    if code_dir is not None:
        code_dir = os.path.abspath(code_dir)
        if code_dir not in sys.path:
            sys.path.insert(0, code_dir)
        top = module_name.split(".")[0]
        if not (os.path.isfile(os.path.join(code_dir, top + ".py")) or os.path.isdir(os.path.join(code_dir, top))):
            raise WorkloadError("cannot import %s: there is no %s.py in %s (%s)"
                                % (module_name, top, code_dir, _directory_listing(code_dir)))
    import importlib
    try:
        module = importlib.import_module(module_name)
    except BaseException as error:  # noqa: B036 (whatever the import raised is the user's error)
        if isinstance(error, KeyboardInterrupt):
            raise
        raise WorkloadError(describe_exception("import of %s" % module_name, error, code_dir)) from None
    where = getattr(module, "__file__", None) or module_name
    function = getattr(module, function_name, None)
    if function is None:
        names = sorted(name for name, value in vars(module).items()
                       if callable(value) and not name.startswith("_") and getattr(value, "__module__", None) == module.__name__)
        raise WorkloadError("%s has no function %s (%s defines: %s)"
                            % (where, function_name, module_name, ", ".join(names[:10]) or "no public function"))
    if not callable(function):
        raise WorkloadError("%s: %s is a %s, not a function" % (where, function_name, type(function).__name__))
    import inspect
    is_coroutine = inspect.iscoroutinefunction(function)
    if is_coroutine:
        import asyncio  # noqa: F401  (the sync strategies run each call with asyncio.run)
    return function, is_coroutine


def _directory_listing(directory):
    try:
        names = sorted(name for name in os.listdir(directory) if not name.startswith("."))
    except OSError as error:
        return "which cannot be read: %s" % error.strerror
    return "it holds: " + ", ".join(names[:20]) + (", ..." if len(names) > 20 else "") if names else "it is empty"


def custom_call(workload, t):
    """One call of the user's function, watched (--call-timeout); its value hashed."""
    function, is_coroutine = entry_function(workload)
    with UserCall(workload, t) as call:
        call.watch_from_now()
        value = function(t)
        if is_coroutine:
            import asyncio
            value = asyncio.run(value)
    return result_hash(value)


class UserCall:
    """One call of the user's code, as a with block: what it raises becomes a WorkloadError naming
    the task (a cancellation or Ctrl-C passes), and its watch (--call-timeout) ends with it."""

    def __init__(self, workload, t):
        self.workload, self.t = workload, t
        self.watch = call_watch(workload[5], workload[4])
        self.token = None

    def watch_from_now(self, coroutine=None):
        """The call counts against --call-timeout from now (in the coroutine awaited, if one is)."""
        if self.watch is not None:
            self.token = self.watch.begin(self.t, coroutine)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if self.token is not None:
            self.watch.end(self.token)
        if error is None or isinstance(error, (KeyboardInterrupt, WorkloadError)) \
                or type(error).__name__ == "CancelledError":
            return False
        raise WorkloadError(describe_exception("task %d" % self.t, error, self.workload[4]))


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def stable_repr(value):
    """repr(), but the same in every process: a set's elements sorted (their order follows the
    per-process string hash seed)."""
    if isinstance(value, (set, frozenset)):
        inner = ", ".join(sorted(stable_repr(v) for v in value))
        return "%s({%s})" % (type(value).__name__, inner)
    if isinstance(value, dict):
        return "{" + ", ".join(stable_repr(k) + ": " + stable_repr(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(stable_repr(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(stable_repr(v) for v in value) + ",)"
    return repr(value)


def result_hash(value):
    """A call's value as a number mod 2^64: the first 8 bytes of the SHA-256 of its stable repr,
    an object's address (' at 0x7f...', which differs between processes) left out."""
    import hashlib
    text = _ADDRESS.sub("", stable_repr(value))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "backslashreplace")).digest()[:8], "big")


def _is_kernel_frame(frame):
    """The kernel's own frames and the import machinery's, left out of the user's traceback."""
    filename = frame.filename
    return (filename.startswith("<frozen ") or os.path.abspath(filename) == KERNEL_FILE
            or filename.endswith(os.path.join("importlib", "__init__.py")))


def _is_under(filename, directory):
    return directory is not None and os.path.abspath(filename).startswith(os.path.abspath(directory) + os.sep)


def _frames_text(prefix, frames, code_dir, tail):
    """prefix, where the user's innermost frame is, then the last frames (traceback's format)."""
    import traceback
    frames = [frame for frame in frames if not _is_kernel_frame(frame)]
    own = [frame for frame in frames if _is_under(frame.filename, code_dir)]
    if own:  # from the user's outermost frame on (not the threading or multiprocessing machinery's)
        frames = frames[frames.index(own[0]):]
    at = (own or frames or [None])[-1]
    head = prefix if at is None else "%s (%s, line %s, in %s)" % (prefix, at.filename, at.lineno, at.name)
    lines = [head]
    if frames:
        lines.append("Traceback (most recent call last):")
        lines.extend(line for text in traceback.format_list(frames[-4:]) for line in text.rstrip("\n").split("\n")
                     if line.strip(" ^~"))  # not the markers under a line
    lines.extend(tail)
    return _bounded_text(lines)


def describe_exception(prefix, error, code_dir=None):
    """One text for an exception of the user's code: prefix, exception and message, the file and
    line of the user's innermost frame, the last lines of the traceback (the kernel's frames left out)."""
    import traceback
    name = type(error).__name__
    message = str(error)
    if isinstance(error, SyntaxError) and error.filename:
        # the parser's error: where is in the exception, not in its traceback
        lines = ["%s: %s: %s (%s, line %s)" % (prefix, name, error.msg, error.filename, error.lineno),
                 '  File "%s", line %s' % (error.filename, error.lineno)]
        if error.text:
            lines.append("    " + error.text.strip())
        return _bounded_text(lines)
    summary = "%s: %s" % (name, message) if message else name
    return _frames_text("%s: %s" % (prefix, summary), traceback.extract_tb(error.__traceback__), code_dir,
                        [summary])


def stuck_text(task, bound, frames, code_dir=None):
    """Where a call that did not return is: frames from outermost to innermost (None: unknown)."""
    prefix = "task %d did not return within %d s" % (task, bound)
    if not frames:
        return prefix + " (where it is stuck cannot be read)"
    return _frames_text(prefix + ": it is stuck", frames, code_dir, [])


def _bounded_text(lines):
    lines = [line if len(line) <= 300 else line[:297] + "..." for line in lines]
    text = "\n".join(lines)
    return text if len(text) <= ERROR_TEXT_MAX_CHARS else text[:ERROR_TEXT_MAX_CHARS - 3] + "..."


def _stack_of(where):
    """FrameSummary list (outermost first) of where a call runs: a thread ident, or a coroutine
    (its chain of awaited coroutines); None when unknown."""
    import traceback
    if isinstance(where, int):
        frames = getattr(sys, "_current_frames", dict)()
        frame = frames.get(where)
        return None if frame is None else traceback.extract_stack(frame)
    chain = []
    while where is not None:
        frame = getattr(where, "cr_frame", None) or getattr(where, "gi_frame", None)
        if frame is not None:
            chain.append((frame, frame.f_lineno))
        where = getattr(where, "cr_await", None) or getattr(where, "gi_yieldfrom", None)
    return traceback.StackSummary.extract(chain) if chain else None


class CallWatch:
    """The per-call bound (--call-timeout) of one process: calls register around the user's
    function; a thread of its own reports the first call that runs longer than the bound, with
    where it is stuck, through report(text), which ends the process."""

    def __init__(self, bound, code_dir, report):
        self.bound = bound
        self.code_dir = code_dir
        self.report = report
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.calls = {}
        self.next_token = 0
        self.thread = None

    def begin(self, task, where=None):
        """Registers a call of task running in this thread (or awaited in the coroutine where)."""
        with self.lock:
            token = self.next_token
            self.next_token += 1
            self.calls[token] = (task, time.monotonic(), threading.get_ident() if where is None else where)
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, name="concbench-call-watch", daemon=True)
                self.thread.start()
        return token

    def end(self, token):
        with self.lock:
            self.calls.pop(token, None)

    def overdue(self, now):
        """(task, where) of the lowest task running longer than the bound, None when none is."""
        with self.lock:
            late = [(task, where) for task, started, where in self.calls.values() if now - started > self.bound]
        return min(late, key=lambda call: call[0]) if late else None

    def _watch(self):
        while True:
            time.sleep(min(1.0, self.bound / 4.0))
            late = self.overdue(time.monotonic())
            if late is not None:
                task, where = late
                try:
                    self.report(stuck_text(task, self.bound, _stack_of(where), self.code_dir))
                finally:  # the report ends the process; should it fail, the bound must hold even so
                    sys.stderr.write("%s: workload error: task %d did not return within %d s\n"
                                     % (PROGRAM, task, self.bound))
                    os._exit(EXIT_WORKLOAD)


_watch = [None]
_watch_lock = threading.Lock()


def call_watch(bound, code_dir=None):
    """This process's CallWatch (None without a bound); a forked child makes its own."""
    if not bound:
        return None
    watch = _watch[0]
    if watch is None or watch.pid != os.getpid():
        with _watch_lock:
            watch = _watch[0]
            if watch is None or watch.pid != os.getpid():
                watch = _watch[0] = CallWatch(bound, code_dir, report_stuck_call)
    return watch


def report_stuck_call(text):
    """A call did not return: a child hands the text to the kernel process and exits; the kernel
    process ends the run (fail_workload)."""
    channel = _child_channel
    if channel is None:
        fail_workload(text)
    try:
        channel.send(("error", text))
    finally:
        os._exit(EXIT_WORKLOAD)


def error_document(text):
    """The result of a run the user's code failed: {"format":2,"workloadError":TEXT}, within
    the termination message's 4096 bytes."""
    while True:
        document = _json_value({"format": FORMAT_VERSION, "workloadError": text})
        if len(document) <= 4096:
            return document
        text = text[:len(text) // 2] + "..."


def fail_workload(text):
    """Ends the kernel for a workload error: the error document to --output, the text to
    stderr, the children killed, exit code 4. Never returns (a stuck thread cannot be joined)."""
    try:
        if _output_path:
            with open(_output_path, "w") as f:
                f.write(error_document(text))
        sys.stderr.write("%s: workload error: %s\n" % (PROGRAM, text))
        sys.stderr.flush()
        for child in multiprocessing.active_children():
            child.kill()
    finally:
        os._exit(EXIT_WORKLOAD)


def prepare_workload(workload):
    """The set-up before any timing, in the kernel process: the hash buffer; a custom workload's
    import (returned: its seconds) and call watch. None for the built-ins."""
    kind = workload[0]
    if kind == "hash":
        hash_buffer(workload[1])
    if kind != "custom":
        return None
    began = time.perf_counter()
    entry_function(workload)
    seconds = time.perf_counter() - began
    call_watch(workload[5], workload[4])
    return seconds


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


def _read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except (OSError, ValueError):
        return None


def _read_first_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------
# The kernel's own cgroup: its CPU controller's version and directory
# --------------------------------------------------------------------------

def parse_proc_cgroup(text):
    """{controller: path} from /proc/<pid>/cgroup lines such as '4:cpu,cpuacct:/kubepods/x'; the
    cgroup v2 line ('0::/user.slice') is under ''."""
    paths = {}
    for line in (text or "").splitlines():
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        controllers, path = parts[1], parts[2]
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


V1_CPU_MOUNTS = ("cpu", "cpu,cpuacct", "cpuacct,cpu")


def locate_cgroup(cgroup_root, proc_cgroup=DEFAULT_PROC_CGROUP):
    """(version, directory) of this process's CPU cgroup: ('v2', dir), ('v1', dir of the cpu
    controller) or (None, None) when no cgroup CPU controller is readable (not Linux).

    A v2 mount holds cgroup.controllers (or cpu.max) at its root; a v1 (or hybrid) root holds
    one directory per controller. The process's own cgroup is <mount>/<path of /proc/self/cgroup>
    where that exists (outside a container); in a container the mount is the view of its own
    cgroup, and /proc/self/cgroup may name a host path that the view lacks: then the mount."""
    paths = parse_proc_cgroup(_read_text(proc_cgroup))
    if any(os.path.exists(os.path.join(cgroup_root, name)) for name in ("cgroup.controllers", "cpu.max")):
        return "v2", _own_cgroup_directory(cgroup_root, paths.get(""))
    for mount in [os.path.join(cgroup_root, name) for name in V1_CPU_MOUNTS] + [cgroup_root]:
        if any(os.path.exists(os.path.join(mount, name)) for name in ("cpu.cfs_quota_us", "cpu.stat")):
            return "v1", _own_cgroup_directory(mount, paths.get("cpu"))
    return None, None


def _own_cgroup_directory(mount, path):
    if path and path.strip("/"):
        directory = os.path.join(mount, path.strip("/"))
        if os.path.isdir(directory):
            return directory
    return mount


def cgroup_quota(cgroup):
    """The CPU quota of the located cgroup as (quota_us, period_us), or None when none is set:
    v2 cpu.max ("max 100000" or "150000 100000"); v1 cpu.cfs_quota_us (-1: none) and
    cpu.cfs_period_us."""
    version, directory = cgroup
    if version == "v2":
        line = _read_first_line(os.path.join(directory, "cpu.max"))
        if not line:
            return None
        fields = line.split()
        if fields[0] == "max":
            return None
        quota_text, period_text = fields[0], fields[1] if len(fields) > 1 else "100000"
    elif version == "v1":
        quota_text = _read_first_line(os.path.join(directory, "cpu.cfs_quota_us"))
        period_text = _read_first_line(os.path.join(directory, "cpu.cfs_period_us")) or "100000"
        if quota_text is None:
            return None
    else:
        return None
    try:
        quota, period = int(quota_text), int(period_text)
    except ValueError:
        return None
    return (quota, period) if quota > 0 and period > 0 else None


def count_cpus(cgroup, proc_status=None):
    """Returns (cpus, source, quota): the CPUs seen, which bound won ('affinity',
    'cgroup-quota', or 'host' where no affinity mask can be read), and the quota in
    CPUs as a float (None without a quota). cgroup: locate_cgroup's answer."""
    cpus, source = affinity_cpus(proc_status)
    quota = cgroup_quota(cgroup)
    if quota is None:
        return cpus, source, None
    quota_us, period_us = quota
    quota_cpus = max(1, -(-quota_us // period_us))  # rounded up
    if quota_cpus < cpus:
        cpus, source = quota_cpus, "cgroup-quota"
    return cpus, source, quota_us / period_us


def online_cpus(cpu_online=DEFAULT_CPU_ONLINE):
    """The machine's online CPUs (/sys/devices/system/cpu/online, e.g. '0-3'), None when unknown."""
    text = _read_first_line(cpu_online)
    try:
        count = parse_cpu_list(text) if text else 0
    except ValueError:
        return None
    return count or None


def cpu_facts(cgroup, proc_status=None, cpu_online=DEFAULT_CPU_ONLINE):
    """The runtime facts of format 2: {"cgroup", "exclusiveCpus", "onlineCpus"}."""
    online = online_cpus(cpu_online)
    affinity, source = affinity_cpus(proc_status)
    return {
        "cgroup": cgroup[0],
        "exclusiveCpus": None if online is None or source != "affinity" else affinity < online,
        "onlineCpus": online,
    }


# --------------------------------------------------------------------------
# What the CPU gave each strategy (format 2's "cpu"), over its timed intervals only.
#
# used:   CPU time of this process (every thread, also those that exited: the process
#         clock) plus its waited-for children (RUSAGE_CHILDREN); a child that is not ours
#         (forkserver's) reports its own.
# waited: run-queue delay (schedstat, 2nd field, ns) of every thread and child that ran.
#         Threads alive at both ends of the interval: the delta from /proc/self/task. A
#         thread or a child loses its schedstat when it exits, so it reports its own
#         cumulative value before: threads at the end of Thread.run, children with their
#         results (a pool worker with every chunk: the latest per worker counts).
# throttled, stalled: the kernel's own cgroup's cpu.stat and (v2) cpu.pressure.
# steal:  machine-wide, /proc/stat.
# --------------------------------------------------------------------------

USER_HZ = 100  # the unit of /proc/stat (ticks of 1/100 s on every Linux the kernel runs on)
TASK_DIR = "/proc/self/task"
THREAD_SCHEDSTAT = "/proc/thread-self/schedstat"
CPU_FIGURES = ("used", "waited", "throttled", "stalled", "steal")

# (native thread id, cumulative run delay ns) of the threads that ended since the interval began
_ended_threads = []
# {pid: (parent pid, CPU seconds, run delay ns or None)} of the children that reported (latest wins)
_child_figures = {}


def parse_schedstat(text):
    """(run time ns, run-queue delay ns) from a schedstat line ('1234 567 8')."""
    fields = text.split()
    return int(fields[0]), int(fields[1])


def read_schedstat(path):
    """parse_schedstat of the file, None when it is not readable (not Linux, no schedstat)."""
    try:
        fd = os.open(path, os.O_RDONLY)  # cheaper than open(): read once per thread that ends
        try:
            return parse_schedstat(os.read(fd, 128))
        finally:
            os.close(fd)
    except (OSError, ValueError, IndexError):
        return None


def task_schedstats(task_dir=TASK_DIR):
    """{thread id: (run time ns, run delay ns)} of every live thread of this process, None
    when not readable."""
    try:
        tids = os.listdir(task_dir)
    except OSError:
        return None
    stats = {}
    for tid in tids:
        stat = read_schedstat(os.path.join(task_dir, tid, "schedstat"))
        if stat is not None:  # else the thread ended between listdir and open
            stats[int(tid)] = stat
    return stats


def task_run_delays(task_dir=TASK_DIR):
    """{thread id: run delay ns} of this process's live threads; None when schedstat is not
    readable, or reads '0 0 0' everywhere (a kernel without schedstat accounting: this
    long-running process has run, so its run time is not 0). A young child may read a run
    time of 0 (its first slice is not yet accounted): children use task_schedstats."""
    stats = task_schedstats(task_dir)
    if not stats or sum(run for run, _ in stats.values()) == 0:
        return None
    return {tid: delay for tid, (_, delay) in stats.items()}


def _record_thread_end(run):
    def run_then_record(self):
        try:
            run(self)
        finally:
            stat = read_schedstat(THREAD_SCHEDSTAT)
            if stat is not None:
                _ended_threads.append((threading.get_native_id(), stat[1]))
    run_then_record.records_thread_end = True
    return run_then_record


def record_thread_ends():
    """Makes every thread started through threading (ours, ThreadPoolExecutor's, the process
    pool's handlers, InterpreterPoolExecutor's) record its run delay as its run() ends."""
    if not getattr(threading.Thread.run, "records_thread_end", False):
        threading.Thread.run = _record_thread_end(threading.Thread.run)


def own_figures():
    """What a child sends back with its results: (pid, parent pid, CPU seconds of this
    process so far, run delay ns of its threads so far or None)."""
    stats = task_schedstats()
    return (os.getpid(), os.getppid(), time.process_time(),
            None if stats is None else sum(delay for _, delay in stats.values()))


def report_child(figures):
    """Keeps a child's latest own_figures() (its figures only grow: the largest is the latest)."""
    pid, parent, cpu, delay = figures
    if pid not in _child_figures or _child_figures[pid][1] <= cpu:
        _child_figures[pid] = (parent, cpu, delay)


def cpu_used_so_far():
    """CPU seconds of this process (all threads, ended ones too) and its waited-for children."""
    if resource is None:
        return None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def parse_throttled_seconds(text, version):
    """CFS throttled time (s) from a cgroup's cpu.stat: v2 throttled_usec, v1 throttled_time
    (ns); None when the key is absent (a v2 cgroup without the cpu controller)."""
    key, unit = ("throttled_usec", 1e6) if version == "v2" else ("throttled_time", 1e9)
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == key:
            return int(fields[1]) / unit
    return None


def throttled_seconds(cgroup):
    version, directory = cgroup
    if version is None:
        return None
    try:
        return parse_throttled_seconds(_read_text(os.path.join(directory, "cpu.stat")), version)
    except ValueError:
        return None


def parse_stalled_seconds(text):
    """The 'some' total (µs, as s) of a PSI file: 'some avg10=0.00 avg60=0.00 avg300=0.00 total=123'."""
    for line in (text or "").splitlines():
        fields = line.split()
        if fields and fields[0] == "some":
            for field in fields[1:]:
                if field.startswith("total="):
                    return int(field[len("total="):]) / 1e6
    return None


def stalled_seconds(cgroup):
    """Time some task of the cgroup was runnable but waiting: v2 cpu.pressure only (a v1
    cgroup has none; the machine-wide /proc/pressure/cpu is not the cgroup's)."""
    version, directory = cgroup
    if version != "v2":
        return None
    try:
        return parse_stalled_seconds(_read_text(os.path.join(directory, "cpu.pressure")))
    except ValueError:
        return None


def parse_steal_seconds(text):
    """The steal time (s) of all CPUs from /proc/stat's first line ('cpu user nice system idle
    iowait irq softirq steal ...', in USER_HZ ticks); None when absent."""
    fields = (text or "").split("\n", 1)[0].split()
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    try:
        return int(fields[8]) / USER_HZ
    except ValueError:
        return None


class CpuMeter:
    """Samples the sources around each timed interval; sums the figures per strategy."""

    def __init__(self, cgroup=(None, None), proc_stat=DEFAULT_PROC_STAT, task_dir=TASK_DIR):
        self.cgroup = cgroup
        self.proc_stat = proc_stat
        self.task_dir = task_dir
        self.totals = {}

    def begin(self):
        """Just before a timed interval (the precise CPU clock last, nearest to it)."""
        del _ended_threads[:]
        _child_figures.clear()
        sample = self._sample()
        sample["used"] = cpu_used_so_far()
        return sample

    def end(self, name, began):
        """Just after the interval (the CPU clock first): adds its figures to the strategy's."""
        used = cpu_used_so_far()
        now = self._sample()
        me = os.getpid()
        # a child forked by another process (forkserver) is not in RUSAGE_CHILDREN: it counts itself
        foreign_children = sum(cpu for parent, cpu, _ in _child_figures.values() if parent != me)
        figures = {
            "used": _delta(began["used"], used, foreign_children),
            "waited": interval_run_delay(began["delays"], now["delays"], _ended_threads, _child_figures),
            "throttled": _delta(began["throttled"], now["throttled"]),
            "stalled": _delta(began["stalled"], now["stalled"]),
            "steal": _delta(began["steal"], now["steal"]),
        }
        totals = self.totals.setdefault(name, dict.fromkeys(CPU_FIGURES, 0.0))
        for key in CPU_FIGURES:
            totals[key] = None if totals[key] is None or figures[key] is None else totals[key] + figures[key]

    def _sample(self):
        return {"steal": parse_steal_seconds(_read_first_line(self.proc_stat)),
                "throttled": throttled_seconds(self.cgroup),
                "stalled": stalled_seconds(self.cgroup),
                "delays": task_run_delays(self.task_dir)}


def _delta(before, after, extra=0.0):
    return None if before is None or after is None else max(0.0, after - before) + extra


def interval_run_delay(before, after, ended_threads, children):
    """Seconds the interval's threads and children waited for a CPU: live threads' deltas,
    ended threads' own values (less what they had at the start), children's own values."""
    if before is None or after is None:
        return None
    total = sum(max(0, delay - before.get(tid, 0)) for tid, delay in after.items())
    # an ended thread may still be listed (its run() ended, the thread had not yet): counted once
    total += sum(max(0, delay - before.get(tid, 0)) for tid, delay in ended_threads if tid not in after)
    for _, _, delay in children.values():
        if delay is None:
            return None
        total += delay
    return total / 1e9


# --------------------------------------------------------------------------
# The strategies. Each runs the shard's tasks once and returns their values in task
# order. Set-up and tear-down (threads, pools, processes) are part of the timed call.
# Children answer with plain tuples: ("ok", ...) or ("error", text) for a workload error.
# --------------------------------------------------------------------------

def run_sequential(jobs, workers, mp_context):
    return [call_task(job) for job in jobs]


def run_threads(jobs, workers, mp_context):
    results = [None] * len(jobs)
    errors = [None] * len(jobs)

    def target(i, job):
        try:
            results[i] = call_task(job)
        except WorkloadError as error:
            errors[i] = error

    threads = [threading.Thread(target=target, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        if error is not None:
            raise error  # the lowest task's
    if any(r is None for r in results):
        raise RuntimeError("a thread returned no result")
    return results


def run_thread_pool(jobs, workers, mp_context):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(call_task, jobs))


def _isolated_call(job):
    """One call where the race's shared object is this process's (or subinterpreter's) own:
    ("ok", value, updates it counted) or ("error", text)."""
    before = _race.a
    try:
        value = call_task(job)
    except WorkloadError as error:
        return ("error", str(error))
    return ("ok", value, _race.a - before)


def _process_child(writer, i, job):
    """Body of one child of the `processes` strategy: one call; its answer, with the child's own
    CPU figures, to the pipe (which also carries a stuck call's report)."""
    global _child_channel
    _child_channel = writer
    answer = _isolated_call(job)
    writer.send((i, answer, own_figures()))
    writer.close()


def run_processes(jobs, workers, mp_context):
    # One pipe shared by all children: each answer is one small message, written
    # atomically, so no locks (and no /dev/shm semaphores) are needed.
    reader, writer = mp_context.Pipe(duplex=False)
    children = [mp_context.Process(target=_process_child, args=(writer, i, job)) for i, job in enumerate(jobs)]
    try:
        for child in children:
            child.start()
        writer.close()
        results = [None] * len(jobs)
        for _ in jobs:
            try:
                message = reader.recv()
            except EOFError:
                raise ChildFailed("a child process exited without a result") from None
            if message[0] == "error":  # a stuck call, reported by the child's call watch
                raise WorkloadError(message[1])
            i, answer, figures = message
            report_child(figures)
            results[i] = _answered(answer)
        for child in children:
            child.join()
            if child.exitcode != 0:
                raise ChildFailed("a child process exited with code %s" % child.exitcode)
        return results
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
                child.join()
        reader.close()


def _answered(answer):
    """The value of an _isolated_call answer (its race updates counted); a WorkloadError for an error."""
    if answer[0] == "error":
        raise WorkloadError(answer[1])
    _counted_by_children[0] += answer[2]
    return answer[1]


def pool_chunks(jobs, workers):
    """The chunks Pool.map(call_task, jobs) would send its workers (its own rule: 4 chunks per
    worker, rounded up), so that mapping _pool_chunk over them sends the same messages."""
    if not jobs:
        return []
    size, extra = divmod(len(jobs), workers * 4)
    size += 1 if extra else 0
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


def _pool_init(channel):
    """A pool worker's start (custom code with a call bound): where a stuck call is reported."""
    global _child_channel
    _child_channel = channel


def _pool_chunk(chunk):
    """A pool worker's share: ("ok", values, its own CPU figures after them, race updates) or
    ("error", text)."""
    before = _race.a
    try:
        values = [call_task(job) for job in chunk]
    except WorkloadError as error:
        return ("error", str(error))
    return ("ok", values, own_figures(), _race.a - before)


def _watched(jobs):
    """True when the jobs run custom code under a call bound (their children watch their calls)."""
    return bool(jobs) and jobs[0][0][0] == "custom" and bool(jobs[0][0][5])


def run_process_pool(jobs, workers, mp_context):
    # Note: a worker killed outright (OOM) makes Pool.map wait forever; the Job's
    # deadline ends that. An exception in a worker comes back here as ChildFailed.
    # A worker's stuck call comes over a pipe of its own: the pool's result queue waits for the call.
    reader, writer = mp_context.Pipe(duplex=False) if _watched(jobs) else (None, None)
    pool = (mp_context.Pool(processes=workers) if writer is None
            else mp_context.Pool(processes=workers, initializer=_pool_init, initargs=(writer,)))
    try:
        pending = pool.map_async(_pool_chunk, pool_chunks(jobs, workers), chunksize=1)
        while not pending.ready():
            pending.wait(None if reader is None else 0.1)
            if reader is not None and reader.poll():
                raise WorkloadError(reader.recv()[1])
        results = []
        for answer in pending.get():
            if answer[0] == "error":
                raise WorkloadError(answer[1])
            _, values, figures, counted = answer
            results.extend(values)
            report_child(figures)  # a worker's latest figures replace its earlier ones
            _counted_by_children[0] += counted
        pool.close()
        pool.join()
        return results
    except WorkloadError:
        pool.terminate()
        pool.join()
        raise
    except Exception as error:
        pool.terminate()
        pool.join()
        raise ChildFailed("process-pool: a worker failed: %s: %s"
                          % (type(error).__name__, error)) from error
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    finally:
        for end in (reader, writer):
            if end is not None:
                end.close()


# asyncio is imported only where it is used (main imports it before the timed region):
# it takes tens of milliseconds, which every child of the process strategies would
# pay again under the spawn and forkserver start methods.

async def _async_call(job):
    """One call as a coroutine: io (and mixed's wait) awaits asyncio.sleep; cpu, hash and race
    run right here, in the event loop, blocking every other task while they run; custom code
    awaits the user's coroutine function, or runs a plain function in the loop's thread pool."""
    import asyncio
    workload, t = job
    kind, size = workload[0], workload[1]
    if kind == "io":
        await asyncio.sleep(size / 1000.0)
        return t
    if kind == "mixed":
        began = time.thread_time()
        value = cpu_call(size, t)
        await asyncio.sleep(mixed_wait(time.thread_time() - began, workload[2]))
        return value
    if kind != "custom":
        return call_task(job)
    function, is_coroutine = entry_function(workload)
    if not is_coroutine:
        return await asyncio.get_running_loop().run_in_executor(None, call_task, job)
    with UserCall(workload, t) as call:
        coroutine = function(t)
        call.watch_from_now(coroutine)
        value = await coroutine
    return result_hash(value)


def run_asyncio(jobs, workers, mp_context):
    import asyncio

    async def all_calls():
        tasks = [asyncio.ensure_future(_async_call(job)) for job in jobs]  # one task per call
        return await asyncio.gather(*tasks)

    return list(asyncio.run(all_calls()))  # a new event loop per repetition


def run_interpreter_pool(jobs, workers, mp_context):
    # One subinterpreter (each with its own GIL) per worker; the function and its arguments
    # are pickled into them, as for a process pool. A subinterpreter's frames cannot be read
    # from here: a call bound is kept by progress (no call returned for the bound), and a
    # stuck subinterpreter cannot be joined, so the executor is then left behind.
    bound = jobs[0][0][5] if _watched(jobs) else 0
    unwatched = [((workload[:5] + (0,) + workload[6:]), t) for workload, t in jobs]
    executor = concurrent.futures.InterpreterPoolExecutor(max_workers=workers)
    stuck = False
    try:
        futures = [executor.submit(_isolated_call, job) for job in unwatched]
        task_of = {future: job[1] for future, job in zip(futures, jobs)}
        pending = set(futures)
        while pending:
            done, pending = concurrent.futures.wait(pending, timeout=bound or None,
                                                    return_when=concurrent.futures.FIRST_COMPLETED)
            if not done:
                stuck = True
                running = [task_of[future] for future in pending if future.running()]
                task = min(running or [task_of[future] for future in pending])
                raise WorkloadError(stuck_text(task, bound, None) + " (in a subinterpreter)")
        return [_answered(future.result()) for future in futures]
    finally:
        executor.shutdown(wait=not stuck, cancel_futures=stuck)


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
    """Runs one strategy once; returns (the values in job order, wall seconds, the race's updates
    that arrived)."""
    if mp_context is None:
        mp_context = multiprocessing.get_context()  # the default start method
    function = STRATEGY_FUNCTIONS[name]
    reset_counted()
    started = time.perf_counter()
    try:
        results = function(jobs, workers, mp_context)
    except (multiprocessing.ProcessError, OSError) as error:
        if name in PROCESS_STRATEGIES:
            raise ChildFailed("%s: %s" % (name, error)) from error
        raise
    return results, time.perf_counter() - started, counted_updates()


# --------------------------------------------------------------------------
# The interleaved repetition loop
# --------------------------------------------------------------------------

# run_benchmark's answer; differs and lost as in its description
Outcome = collections.namedtuple("Outcome", "checksum start end times cpu differs lost")


def first_difference(expected, actual):
    """The position of the first value that differs, None when none does."""
    if expected == actual:
        return None
    return next((i for i, (x, y) in enumerate(zip(expected, actual)) if x != y), min(len(expected), len(actual)))


def run_benchmark(strategies, workload, tasks, workers, repetitions, warmup, mp_context=None, meter=None):
    """Warmup rounds, then measured rounds; each round runs every strategy in order, on the
    shard's task indices. Every run's values are compared with the reference: sequential's first
    run (else the first strategy's). For a built-in workload a difference is a lost or repeated
    call (ChecksumMismatch); for deterministic custom code it is a finding: differs holds, per
    strategy, the lowest task whose value differed in any round. For race, lost holds per strategy
    the updates lost over the measured rounds. The CPU figures are summed over the measured rounds,
    sampled by meter (a CpuMeter of this machine when None) around each timed call."""
    meter = meter or CpuMeter()
    record_thread_ends()
    jobs = [(workload, t) for t in tasks]
    kind = workload[0]
    compared = kind in BUILT_IN_WORKLOADS or workload[6]
    reference_name = "sequential" if "sequential" in strategies else (strategies[0] if strategies else None)
    reference = None
    before_reference = []  # runs that came before the reference's first
    differs = {}
    lost = dict.fromkeys(strategies, 0) if kind == "race" else None
    times = {name: [] for name in strategies}

    def compare(name, results):
        position = first_difference(reference, results)
        if position is None or not compared:
            return
        if kind in BUILT_IN_WORKLOADS:
            raise ChecksumMismatch("checksum mismatch: %s gave %d, %s gave %d (first at task %d)"
                                   % (name, checksum(results), reference_name, checksum(reference), tasks[position]))
        differs[name] = min(differs.get(name, tasks[position]), tasks[position])

    start = time.time()
    for round_number in range(warmup + repetitions):
        measured = round_number >= warmup
        for name in strategies:
            began = meter.begin() if measured else None
            results, seconds, counted = run_strategy(name, jobs, workers, mp_context)
            if measured:
                meter.end(name, began)
                times[name].append(seconds)
                if lost is not None:
                    lost[name] += workload[1] * len(jobs) - counted
            if reference is not None:
                compare(name, results)
            elif name == reference_name:
                reference = results
                for earlier in before_reference:
                    compare(*earlier)
            else:
                before_reference.append((name, results))
    end = time.time()
    cpu = {name: meter.totals.get(name, dict.fromkeys(CPU_FIGURES)) for name in strategies}
    return Outcome(checksum(reference) if reference else 0, start, end, times, cpu,
                   {name: differs[name] for name in strategies if name in differs}, lost)


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


class Millis(float):
    """A float written with at most 3 decimals, trailing zeros dropped but one kept (CPU figures)."""


def _json_value(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fixed6):
        return "%.6f" % value
    if isinstance(value, float):
        text = ("%.3f" if isinstance(value, Millis) else "%.6f") % value
        text = text.rstrip("0")
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
                    start_method=None, skipped=None, runtime=None, facts=None, cpu=None,
                    setup=None, differs=None, lost=None):
    """The result as a compact JSON string, keys in the order of CONTRACT.md.
    runtime: the runtime_info() fields (this interpreter's when None); facts: cpu_facts()
    (all unknown when None); cpu: run_benchmark's CPU figures (unknown when None). The keys
    present only where they apply: setup (custom code's import, seconds), differs (strategies
    whose values differed from the reference's: the lowest such task) and lost (race)."""
    facts = facts or {"cgroup": None, "exclusiveCpus": None, "onlineCpus": None}
    cpu = cpu or {}
    document = {
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
        "cgroup": facts["cgroup"],
        "exclusiveCpus": facts["exclusiveCpus"],
        "onlineCpus": facts["onlineCpus"],
        "skipped": dict(skipped or {}),
        "times": {name: [Fixed6(t) for t in values] for name, values in times.items()},
        "cpu": {name: {key: _millis(cpu.get(name, {}).get(key)) for key in CPU_FIGURES} for name in times},
    }
    if setup is not None:
        document["setup"] = Fixed6(setup)
    if differs:
        document["differs"] = dict(differs)
    if lost is not None:
        document["lost"] = dict(lost)
    return _json_value(document)


def _millis(seconds):
    # rounded to the millisecond first, so that -0.0004 cannot be written as "-0.0"
    return None if seconds is None else Millis(max(0.0, round(seconds, 3)))


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


def _io_fraction(text):
    if not re.fullmatch(r"0(\.[0-9]{1,6})?", text):
        raise argparse.ArgumentTypeError("not a fraction 0..0.99: %r" % text)
    value = float(text)
    if not IO_FRACTION_RANGE[0] <= value <= IO_FRACTION_RANGE[1]:
        raise argparse.ArgumentTypeError("%s is out of range 0..0.99" % text)
    return value


def _entrypoint(text):
    if not ENTRYPOINT_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError("expected MODULE:FUNCTION, got %r" % text)
    return text


REQUIRED = ("--workload", "--size", "--tasks")
# Options of one workload only: (option, attribute, the workloads it belongs to)
WORKLOAD_OPTIONS = (("--io-fraction", "io_fraction", ("mixed",)),
                    ("--entrypoint", "entrypoint", ("custom",)),
                    ("--code-dir", "code_dir", ("custom",)),
                    ("--call-timeout", "call_timeout", ("custom",)),
                    ("--nondeterministic", "nondeterministic", ("custom",)))


def build_parser():
    parser = KernelArgumentParser(
        prog=PROGRAM, allow_abbrev=False,
        description="Run a workload under concurrency strategies; print a JSON result.")
    # --workload, --size and --tasks are required, but checked after parsing (in
    # parse_options), so that an unknown option is reported first, as the JVM kernel does.
    parser.add_argument("--workload", choices=WORKLOADS, help="required")
    parser.add_argument("--size", type=_int_in(0, 999_999_999),  # range: per workload
                        help="required but for custom; cpu, mixed: n of the n*n loop (1..100000); io: "
                             "milliseconds (0..600000); hash: KiB per call (1..65536); race: updates per "
                             "call (1..1000000)")
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
    parser.add_argument("--io-fraction", type=_io_fraction, metavar="F",
                        help="mixed: the share of a call spent waiting, 0..0.99 (default 0.5)")
    parser.add_argument("--entrypoint", type=_entrypoint, metavar="MODULE:FUNCTION",
                        help="custom (required): the function called as function(task index)")
    parser.add_argument("--code-dir", metavar="DIR", help="custom: the directory of the module")
    parser.add_argument("--call-timeout", type=_int_in(*CALL_TIMEOUT_RANGE), default=0, metavar="SECONDS",
                        help="custom: a call running longer fails the run naming where it is (0: no bound)")
    parser.add_argument("--nondeterministic", action="store_true",
                        help="custom: the values may differ between calls; do not compare strategies")
    return parser


def parse_options(argv):
    """Parsed and validated options; raises UsageError."""
    options = build_parser().parse_args(argv)
    missing = [name for name in REQUIRED if getattr(options, name[2:]) is None
               and not (name == "--size" and options.workload == "custom")]
    if missing:
        raise UsageError("the following arguments are required: " + ", ".join(missing))
    for option, attribute, workloads in WORKLOAD_OPTIONS:
        if getattr(options, attribute) not in (None, False, 0) and options.workload not in workloads:
            raise UsageError("argument %s: only for workload %s" % (option, " or ".join(workloads)))
    if options.workload == "custom":
        if options.size is not None:
            raise UsageError("argument --size: not for workload custom (its function decides the work)")
        if options.entrypoint is None:
            raise UsageError("the following arguments are required for workload custom: --entrypoint")
        options.size = 0
    else:
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
    options.workload_spec = make_workload(options.workload, options.size, options.io_fraction,
                                          options.entrypoint, options.code_dir, options.call_timeout,
                                          not options.nondeterministic)
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
    global _output_path
    try:
        options = parse_options(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        print("%s: %s" % (PROGRAM, " ".join(str(error).split())), file=sys.stderr)
        return EXIT_USAGE
    _output_path = options.output
    try:
        cgroup = locate_cgroup(os.environ.get("CONCBENCH_CGROUP_ROOT", DEFAULT_CGROUP_ROOT),
                               os.environ.get("CONCBENCH_PROC_CGROUP", DEFAULT_PROC_CGROUP))
        proc_status = os.environ.get("CONCBENCH_PROC_STATUS")
        cpus, cpu_source, cpu_quota = count_cpus(cgroup, proc_status)
        facts = cpu_facts(cgroup, proc_status, os.environ.get("CONCBENCH_CPU_ONLINE", DEFAULT_CPU_ONLINE))
        meter = CpuMeter(cgroup, os.environ.get("CONCBENCH_PROC_STAT", DEFAULT_PROC_STAT))
        workers = options.workers or cpus
        shard_index, shard_count = options.shard
        tasks = shard_tasks(options.tasks, shard_index, shard_count)
        if "asyncio" in options.strategies:
            import asyncio  # noqa: F401  (not inside the first timed repetition)
        mp_context = multiprocessing.get_context(options.start_method)
        uses_processes = any(name in PROCESS_STRATEGIES for name in options.strategies)
        setup = prepare_workload(options.workload_spec)  # before the common start: not timed with the calls
        wait_for_start(options.start_at, options.start_gate)
        outcome = run_benchmark(options.strategies, options.workload_spec, tasks, workers, options.repetitions,
                                options.warmup, mp_context, meter)
        document = result_document(
            cpus=cpus, cpu_source=cpu_source, cpu_quota=cpu_quota,
            node=os.environ.get("NODE_NAME"), pod=os.environ.get("POD_NAME"),
            shard="%d/%d" % (shard_index, shard_count), tasks=len(tasks),
            workload=options.workload, size=options.size, workers=workers,
            repetitions=options.repetitions, warmup=options.warmup,
            checksum_value=outcome.checksum, start=outcome.start, end=outcome.end, times=outcome.times,
            start_method=mp_context.get_start_method() if uses_processes else None,
            skipped=options.skipped, facts=facts, cpu=outcome.cpu, setup=setup,
            differs=outcome.differs, lost=outcome.lost)
        if options.output:
            with open(options.output, "w") as f:
                f.write(document)
        print(document, flush=True)
        return EXIT_OK
    except WorkloadError as error:
        fail_workload(str(error))
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
