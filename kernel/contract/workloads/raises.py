"""Raises in the call of task 3, from a helper: the error names this file, line 6."""


def parse(index):
    if index == 3:
        raise ValueError("bad record %d" % index)
    return index


def work(index):
    return parse(index)
