"""A benchmark corpus is a project of its own: this project's ontology, shapes and settings, other data.

Both corpus scripts write one, so that `twinning --project FOLDER build` runs on it unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def new_project(folder: Path) -> Path:
    """An empty corpus project; its data/ folder is returned for the caller to fill."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    (folder / "data").mkdir()
    return folder / "data"


def literal(text: str, language: str | None = None) -> str:
    """A Turtle string literal; the corpora's texts never hold quotes or backslashes, but labels might."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"@{language}" if language else "")


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
