"""Work split over the machine's cores by forking: the workers inherit the loaded graphs, so nothing
is copied to them but a chunk's index, and only the (small) results come back."""

from __future__ import annotations

import gc
import multiprocessing
import os
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

_task: Callable | None = None  # set just before forking; the children inherit it


def _run(chunk):
    return _task(chunk)


def workers_available() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(task: Callable, chunks: Sequence, workers: int | None = None) -> Iterator:
    """task(chunk) for every chunk, in order; in this process when one worker is enough."""
    with started(task, chunks, workers) as results:
        yield from results


@contextmanager
def started(task: Callable, chunks: Sequence, workers: int | None = None) -> Iterator[Iterator]:
    """Starts task(chunk) for every chunk in forked workers at once, and gives the iterator of their
    results, in order, so that this process can do other work while they run. With one worker the
    tasks run in this process, as the results are read."""
    global _task
    workers = min(len(chunks), workers or workers_available())
    if workers <= 1:
        yield (task(chunk) for chunk in chunks)
        return
    _task = task
    # the inherited heap moves to the collector's permanent generation: the workers' collections no
    # longer walk it, which would cost time and copy every page of it (Python's gc.freeze advice)
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield pool.imap(_run, chunks)
    finally:
        gc.unfreeze()
        _task = None
