"""Holding Python's cyclic garbage collector while many plain tuples are built."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while tens of thousands of tuples are built: they hold
    no cycles, and its passes over them doubled the time of a large retrieval."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
