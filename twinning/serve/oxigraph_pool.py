"""The SPARQL engine behind the endpoint: Oxigraph processes over one read-only store, each query held
to its time and each process to its memory, and a process past either killed and replaced.

Oxigraph's own timeout cancels most queries, but not one that sorts or groups a large join before its
first answer: that one keeps a core and allocates about 250 MB/s until the machine runs out, and only
stopping the process frees them. Two processes share the store (`serve-read-only` allows several
readers), so while one is replaced the other answers, and a query caught in a process killed for
another query's sake is asked again of the other.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ENGINES = 2
WATCH_EVERY_S = 0.1
GRACE_S = 5  # past its time, Oxigraph gets this long to cancel the query itself (under load it takes seconds)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Limits:
    """What one query may take: seconds, memory of its engine process, and bytes of answer."""
    time_s: float = 10
    memory_mb: int = 1024
    result_mb: int = 8


class Stopped(Exception):
    """The query went past a limit (`time`, `memory`, `result`), or no engine could answer it (`engine`)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class EngineLost(Exception):
    """The engine went away while answering, for another query's sake or its own failure."""


def oxigraph_command() -> str:
    """The `oxigraph` program installed beside this Python (a venv's bin/), else the one on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` command is missing: install the project with pip (it depends on oxigraph)")
    return found


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@dataclass(eq=False)
class Ticket:
    """One query in one engine: when it must be done, and why its engine was stopped, if it was."""
    deadline: float
    started: float = field(default_factory=time.monotonic)
    stopped_for: str | None = None


class Engine:
    """One `oxigraph serve-read-only` process and the queries it is answering."""

    def __init__(self, store: Path, host: str, limits: Limits):
        self.store, self.host, self.limits = store, host, limits
        self.tickets: set[Ticket] = set()
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.ready = False

    def start(self) -> None:
        self.port = free_port(self.host)
        with tempfile.TemporaryFile() as log:  # a file, not a pipe: a pipe nobody reads would block its logging
            self.process = subprocess.Popen(
                [oxigraph_command(), "serve-read-only", "--location", str(self.store), "--bind",
                 f"{self.host}:{self.port}", "--timeout-s", str(max(1, round(self.limits.time_s)))],
                stdout=subprocess.DEVNULL, stderr=log)
            wait_until_answering(self.process, f"http://{self.host}:{self.port}/query", log)
        self.ready = True

    def stop(self) -> None:
        self.ready = False
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def memory_mb(self) -> float:
        """Resident memory of the process (Linux /proc), 0 once it has gone."""
        try:
            with open(f"/proc/{self.process.pid}/statm") as statm:
                return int(statm.read().split()[1]) * PAGE_BYTES / 2**20
        except (OSError, IndexError, ValueError):
            return 0.0


def wait_until_answering(process: subprocess.Popen, url: str, log, within_s: float = 30) -> None:
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"oxigraph stopped at start: {log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise RuntimeError(f"oxigraph did not answer on {url} within {within_s:g} s")


class EnginePool:
    """The engines over one store loaded from the dump, and the watchdog that holds them to the limits."""

    def __init__(self, dump: Path, host: str, limits: Limits, engines: int = ENGINES):
        self.dump, self.host, self.limits = dump, host, limits
        self.store = Path(tempfile.mkdtemp(prefix="twinning-store-"))
        self.engines = [Engine(self.store, host, limits) for _ in range(engines)]
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.watchdog = threading.Thread(target=self.watch, name="oxigraph watchdog", daemon=True)

    def __enter__(self) -> "EnginePool":
        try:
            if not self.dump.is_file():
                raise RuntimeError(f"{self.dump} not found: run `twinning build` first")
            subprocess.run([oxigraph_command(), "load", "--location", str(self.store), "--file", str(self.dump)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for engine in self.engines:
                engine.start()
        except BaseException:
            self.__exit__()
            raise
        self.watchdog.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        if self.watchdog.is_alive():
            self.watchdog.join()
        for engine in self.engines:
            if engine.process is not None and engine.process.poll() is None:
                engine.process.terminate()
                try:
                    engine.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    engine.stop()
        shutil.rmtree(self.store, ignore_errors=True)

    @contextmanager
    def admitted(self):
        """The ready engine with the fewest queries, holding a ticket for this one; waits a few seconds
        for an engine being replaced rather than failing at once."""
        with self.changed:
            if not self.changed.wait_for(lambda: any(e.ready for e in self.engines), timeout=10):
                raise Stopped("engine", "the SPARQL engine is restarting: try again in a few seconds")
            engine = min((e for e in self.engines if e.ready), key=lambda e: len(e.tickets))
            ticket = Ticket(time.monotonic() + self.limits.time_s + GRACE_S)
            engine.tickets.add(ticket)
        try:
            yield engine, ticket
        finally:
            with self.changed:
                engine.tickets.discard(ticket)

    def ask(self, path_and_query: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        """POST the query to an engine: its status, media type and whole answer, within the limits. A
        query whose engine was replaced for another query's sake is asked once more."""
        try:
            return self.ask_once(path_and_query, body, headers)
        except EngineLost:
            try:
                return self.ask_once(path_and_query, body, headers)
            except EngineLost:
                raise Stopped("engine", "the SPARQL engine stopped while answering: try again") from None

    def ask_once(self, path_and_query: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        limit = self.limits.result_mb * 2**20
        with self.admitted() as (engine, ticket):
            connection = http.client.HTTPConnection(self.host, engine.port, timeout=self.limits.time_s + GRACE_S + 5)
            try:
                connection.request("POST", path_and_query, body, headers)
                response = connection.getresponse()
                payload = response.read(limit + 1)
            except (OSError, http.client.HTTPException):
                if ticket.stopped_for == "time":
                    raise Stopped("time", f"the query ran past this endpoint's time limit "
                                          f"({self.limits.time_s:g} s) and was stopped") from None
                if ticket.stopped_for == "memory":
                    raise Stopped("memory", f"the query needed more than this endpoint's memory limit "
                                            f"({self.limits.memory_mb} MB) and was stopped") from None
                raise EngineLost from None
            finally:
                connection.close()
        if len(payload) > limit:
            raise Stopped("result", f"the answer is larger than this endpoint's limit of {self.limits.result_mb} MB: "
                                    f"ask for fewer rows (LIMIT) or use the dumps in downloads/")
        return response.status, response.getheader("Content-Type", ""), payload

    @property
    def url(self) -> str:
        """The address of the first engine, for a caller that wants a plain Oxigraph endpoint."""
        return f"http://{self.host}:{self.engines[0].port}/query"

    def watch(self) -> None:
        """Every tenth of a second, as long as the pool runs: a failure here is reported, never the end
        of the watching (the limits would no longer hold)."""
        while not self.stopping.wait(WATCH_EVERY_S):
            for engine in self.engines:
                try:
                    if self.check(engine):
                        self.replace(engine)
                except Exception as error:  # noqa: BLE001 (any failure: report it, keep watching)
                    print(f"twinning serve: watching the SPARQL engine: {error!r}", file=sys.stderr)

    def check(self, engine: Engine) -> bool:
        """Whether the engine must go: a query past its time (the queries past it are told), a process
        past its memory (its oldest query is told), or a process that died."""
        now = time.monotonic()
        with self.changed:
            late = [t for t in engine.tickets if now > t.deadline]
            for ticket in late:
                ticket.stopped_for = "time"
            if late:
                return True
            if engine.memory_mb() > self.limits.memory_mb:
                if engine.tickets:
                    min(engine.tickets, key=lambda t: t.started).stopped_for = "memory"
                return True
            return engine.process.poll() is not None

    def replace(self, engine: Engine) -> None:
        with self.changed:
            engine.ready = False
        engine.stop()
        while not self.stopping.is_set():
            try:
                engine.start()
                break
            except RuntimeError as error:
                print(f"twinning serve: restarting the SPARQL engine: {error}", file=sys.stderr)
                time.sleep(1)
        with self.changed:
            self.changed.notify_all()


@contextmanager
def read_only_endpoint(dump: Path, host: str, timeout_s: float):
    """One Oxigraph server over a fresh store loaded from the dump, until the block ends: a local
    stand-in for another SPARQL service (the tests' Wikidata, latency measurements), never public."""
    with EnginePool(dump, host, Limits(time_s=timeout_s), engines=1) as pool:
        yield pool
