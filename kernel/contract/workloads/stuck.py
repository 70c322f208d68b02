"""The call of task 2 never returns (line 9): the call bound reports where it is."""

import time


def work(index):
    if index == 2:
        while True:
            time.sleep(0.05)
    return index
