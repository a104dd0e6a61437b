"""The derived reference follows its snapshots: data/reference/wikidata-p190.ttl records the SHA-256 of
each snapshot file it was derived from, and is derived again when one is added or changed, or when the
data links items it has no record of yet (a commune just added)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..files import write_atomically
from ..load.sources import load
from . import reference

SNAPSHOT_FOLDER = Path("reference") / "snapshots"  # under data/
COMMAND = "twinning wikidata import-reference"
RECORDED = re.compile(r"^# snapshot file (\S+) sha256 ([0-9a-f]{64})$", re.MULTILINE)


@dataclass(frozen=True)
class Written:
    path: Path
    records: int
    items: int


def snapshot_digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir()) if path.is_file() and not path.name.startswith(".")}


def recorded_digests(target: Path) -> dict[str, str]:
    if not target.is_file():
        return {}
    with open(target, encoding="utf-8") as file:
        head = "".join(line for _, line in zip(range(40), file))
    return dict(RECORDED.findall(head))


def stale(settings: Settings, folder: Path | None = None) -> list[str]:
    """What changed since the reference was derived: snapshot files added, changed or removed."""
    folder = folder or settings.data_dir / SNAPSHOT_FOLDER
    if not folder.is_dir():
        return []
    now, then = snapshot_digests(folder), recorded_digests(settings.data_dir / reference.REFERENCE_FILE)
    return ([f"{name} added" for name in sorted(now.keys() - then.keys())]
            + [f"{name} changed" for name in sorted(now.keys() & then.keys()) if now[name] != then[name]]
            + [f"{name} removed" for name in sorted(then.keys() - now.keys())])


def regenerate(settings: Settings, folder: Path | None = None) -> Written:
    """Derive the reference from the snapshot files for the items the data links and the communes' P190
    partners, and swap it in whole, with the digest of each snapshot file it read."""
    folder = folder or settings.data_dir / SNAPSHOT_FOLDER
    graph, items = reference.imported_reference(load(settings).data, settings.tw, folder)
    digests = "".join(f"# snapshot file {name} sha256 {digest}\n" for name, digest in snapshot_digests(folder).items())
    target = settings.data_dir / reference.REFERENCE_FILE
    write_atomically(target, reference.relative_turtle(graph, reference.HEADER.rstrip("\n") + "\n" + digests + "\n"))
    return Written(target, reference.record_count(graph), len(items))
