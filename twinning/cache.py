"""Results of earlier builds, addressed by what they were computed from: after a change to one commune,
a rebuild redoes only the work whose inputs changed. A key covers the content of every input file and
the code itself, so a stale result cannot be found under a current key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from .files import write_atomically
from .problems import Problem

ENGINES = ("rdflib", "pyshacl", "pyoxigraph", "jinja2")


@lru_cache(maxsize=None)
def code_digest() -> str:
    """The package's modules and templates, and the engines' versions: a new release of either
    changes what a result would be."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted([*package.rglob("*.py"), *(package / "publish" / "templates").glob("*")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for engine in ENGINES:
        digest.update(f"{engine}={metadata.version(engine)}\0".encode())
    return digest.hexdigest()


def digest_of(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class ResultCache:
    """JSON results in `<folder>/<kind>/<key>.json`. With reuse off, nothing is read but everything
    is written, so the next build can start from this one."""

    def __init__(self, folder: Path | None, reuse: bool = True):
        self.folder = folder
        self.reuse = reuse and folder is not None

    def get(self, kind: str, key: str):
        if not self.reuse:
            return None
        try:
            return json.loads((self.folder / kind / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent, or cut short by a crash: compute again
            return None

    def put(self, kind: str, key: str, value) -> None:
        """Atomic, so that forked workers and an interrupted build never leave half a file."""
        if self.folder is None:
            return
        write_atomically(self.folder / kind / f"{key}.json", json.dumps(value, ensure_ascii=False, sort_keys=True))

    def forget(self, kind: str, key: str) -> None:
        if self.folder is not None:
            (self.folder / kind / f"{key}.json").unlink(missing_ok=True)

    def problems(self, kind: str, key: str, compute: Callable[[], list[Problem]]) -> tuple[list[Problem], bool]:
        """The problems found under this key before, or computed now and kept; and whether they were computed."""
        cached = self.get(kind, key)
        if cached is not None:
            return [Problem(**fields) for fields in cached], False
        found = compute()
        self.put(kind, key, [asdict(problem) for problem in found])
        return found, True

    def keep_only(self, kind: str, keys: set[str]) -> None:
        """Results no current input can ask for again are removed, so the cache does not grow forever."""
        if self.folder is None or not (self.folder / kind).is_dir():
            return
        for path in (self.folder / kind).glob("*.json"):
            if path.stem not in keys:
                path.unlink(missing_ok=True)
