"""Stage timings of a build: shown as they happen on a terminal, silent in a log (CI), always recorded."""

from __future__ import annotations

import resource
import sys
import time
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.seconds: dict[str, float] = {}
        self.peak_mib: dict[str, float] = {}  # the process's peak memory so far, at the end of each stage
        self.notes: dict[str, str] = {}  # what a stage reused or skipped, for the closing report
        self.last_count = 0.0

    @contextmanager
    def stage(self, name: str, detail: str = ""):
        started = time.perf_counter()
        self.show(f"{name}{': ' + detail if detail else ''} …", end="\r")
        yield
        elapsed = time.perf_counter() - started
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
        self.peak_mib[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.show(f"{name}{': ' + detail if detail else ''} ({elapsed:.1f} s)")

    def count(self, name: str, done: int, total: int) -> None:
        """At most a few updates a second: a terminal that scrolls 400,000 lines slows the build down."""
        now = time.perf_counter()
        if done == total or now - self.last_count > 0.2:
            self.last_count = now
            self.show(f"{name}: {done}/{total}", end="\r")

    def note(self, name: str, text: str) -> None:
        self.notes[name] = text
        self.show(f"{name}: {text}")

    def show(self, text: str, end: str = "\n") -> None:
        if self.live:
            self.stream.write(f"\r\033[K  {text}{end}")
            self.stream.flush()

