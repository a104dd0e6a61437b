"""Work split over the machine's cores by forking: the workers inherit the loaded graphs, so nothing
is copied to them but a chunk's index, and only the (small) results come back."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from .problems import Problem, StageFailed

_task: Callable | None = None  # set just before forking; the children inherit it
_long_lived_blocks = 0  # open long_lived() blocks: the outermost one unfreezes


def _run(chunk):
    return _task(chunk)


def workers_available() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def started(task: Callable, chunks: Sequence, workers: int | None = None, apart: bool = False) -> Iterator[Iterator]:
    """Starts task(chunk) for every chunk in forked workers at once, and gives the iterator of their
    results, in order, so that this process can do other work while they run. Where one worker is
    enough, the tasks run in this process as the results are read, unless `apart`: then a worker runs
    them, and this process may change what they read meanwhile, since the worker has its own copy.
    A worker that dies (the system kills it when memory runs out) fails the work with StageFailed,
    rather than leaving this process waiting for its results; on leaving, the chunks not started are
    dropped and the workers end once their chunk is done."""
    global _task
    workers = min(len(chunks), workers or workers_available())
    if workers < 1 or (workers == 1 and not apart):
        yield (task(chunk) for chunk in chunks)
        return
    _task = task
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:  # the workers' collections do not walk the inherited heap, so they do not copy its pages either
        with long_lived(), prompt_handover():
            yield pool.map(_run, chunks)  # every worker forks here, before this process goes on
    except BrokenProcessPool as lost:
        raise StageFailed([Problem("-", "a worker process", "worker-lost",
                                   "a worker process ended abruptly, as when the system kills it for lack of "
                                   "memory; nothing was published: free memory and run again")]) from lost
    finally:
        pool.shutdown(cancel_futures=True)
        _task = None


@contextmanager
def prompt_handover(seconds: float = 0.0005) -> Iterator[None]:
    """A shorter wait before a busy thread hands the GIL to another (Python's default: 5 ms). The pool's
    thread that receives a worker's result reads it from a pipe 64 KiB at a time, waiting for the GIL
    after each read; while this process runs Python meanwhile, a result of a few megabytes took
    a fifth of a second to read, and its worker stood still for it (100,000 partnerships: the idle
    time of the two cores while the tables and index pages were written fell from 10% to 3%, one build
    each)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@contextmanager
def long_lived() -> Iterator[None]:
    """Every object that exists on entry moves to the collector's permanent generation until the
    outermost such block ends (Python's gc.freeze): a full collection walks every object it tracks, and
    a loaded graph is millions of them, none of which a build frees before it ends."""
    global _long_lived_blocks
    gc.freeze()
    _long_lived_blocks += 1
    try:
        yield
    finally:
        _long_lived_blocks -= 1
        if not _long_lived_blocks:
            gc.unfreeze()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No collections while a large structure is built: each full one would walk all that is built so
    far, and the collector runs one each time the tracked objects grow by a quarter."""
    with collection(enabled=False):
        yield


@contextmanager
def collecting() -> Iterator[None]:
    """Collections on, for work that leaves cyclic garbage as it goes: each page's templates define
    macros, which close over the page's render context and so keep its whole view alive until
    collected. What exists on entry is frozen (long_lived), so the collections walk only what the work
    makes, and forked workers inherit both."""
    with long_lived(), collection(enabled=True):
        yield


@contextmanager
def collection(enabled: bool) -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable() if enabled else gc.disable()
    try:
        yield
    finally:
        gc.enable() if was_enabled else gc.disable()
