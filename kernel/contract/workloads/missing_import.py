"""Imports a module that does not exist: ModuleNotFoundError at line 3."""

import no_such_module_anywhere  # noqa: F401


def work(index):
    return index
