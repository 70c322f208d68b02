"""A syntax error on line 4: the import fails."""


def work(index)
    return index
