"""Expectations about the data live beside it and are refreshed by a command, not written in tests.

They are the example queries' answers (queries/*.csv, per-commune counts among them) and the number of
rows of each published table (data/expectations.csv). `twinning expectations` builds the dataset into a
temporary folder, asks every example query in-process, counts the tables' rows and prints a unified diff
against the committed files; `--update` writes them. Adding a commune thus means reviewing a diff of
expected answers; the tests compare the committed files with the data.
"""

from __future__ import annotations

import csv
import difflib
import io
import tempfile
from dataclasses import replace
from pathlib import Path

from ..config import Settings
from ..files import write_atomically
from ..publish.build import build
from ..serve import query as sparql

TABLES_FILE = "expectations.csv"


def table_rows(downloads: Path) -> str:
    """`table,rows` for each published CSV table, sorted: how much each table holds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "rows"])
    for path in sorted(downloads.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            writer.writerow([path.name, sum(1 for _ in csv.reader(file)) - 1])
    return out.getvalue()


def computed(settings: Settings) -> dict[Path, str]:
    """Every expectation as the data gives it now, by the file that holds it."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "publish"
        build(replace(settings, output_dir=output, reuse_cache=False), settings.release_date)
        store = sparql.EmbeddedStore(output / "downloads" / "twinning.nt", settings.base_iri)
        found = {example.expected_csv: sparql.render(store.ask(example.path.read_text(encoding="utf-8")), "csv")
                 for example in sparql.example_queries(settings.queries_dir) if not example.federated}
        found[settings.data_dir / TABLES_FILE] = table_rows(output / "downloads")
    return found


def differences(settings: Settings, expected: dict[Path, str]) -> list[str]:
    """A unified diff per file whose committed content differs from the data's."""
    lines = []
    for path, now in sorted(expected.items()):
        before = path.read_text(encoding="utf-8") if path.is_file() else ""
        if before != now:
            name = path.relative_to(settings.root).as_posix()
            lines += difflib.unified_diff(before.splitlines(), now.splitlines(), f"{name} (committed)",
                                          f"{name} (from the data)", lineterm="")
    return lines


def update(expected: dict[Path, str]) -> list[Path]:
    changed = [path for path, now in sorted(expected.items())
               if not path.is_file() or path.read_text(encoding="utf-8") != now]
    for path in changed:
        write_atomically(path, expected[path])
    return changed
