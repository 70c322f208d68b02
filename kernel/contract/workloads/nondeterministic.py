"""Returns a different value on every call (a counter of this process): with deterministic
false nothing is compared."""

import itertools

CALLS = itertools.count()


def work(index):
    return next(CALLS)
