"""Not thread-safe on purpose: a call keeps its state in a module-level variable and waits
before reading it back, so that calls running at the same time overwrite each other's."""

import time

LAST = {"index": None}


def work(index):
    LAST["index"] = index
    time.sleep(0.02)  # another thread's call runs here, under the GIL too
    return LAST["index"]
