"""Has no function named work."""


def other(index):
    return index
