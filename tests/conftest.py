"""Shared fixtures: the real project, and throw-away copies of it for bad-input tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from twinning.cache import ResultCache
from twinning.config import load_settings
from twinning.load import load
from twinning.check.shacl import validate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings():
    return load_settings(ROOT)


@pytest.fixture(scope="session")
def sources(settings):
    return load(settings)


def build(project: Path, output: Path) -> subprocess.CompletedProcess:
    """A separate process, as a user runs it: hash seeds differ between runs, as in real life."""
    return subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project), "build",
                           "--output", str(output)], capture_output=True, text=True)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("site") / "publish"
    result = build(ROOT, output)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def checked_shapes(tmp_path_factory, sources) -> Path:
    """The cached result of checking the project's shapes against SHACL-for-SHACL, most of the time
    a validation of the seed data takes: made once per test run, and kept by every copy of the
    project, as a second validation keeps it. Its key covers the shapes, ontology and code, so a
    copy whose shapes or ontology a test changes checks them again."""
    folder = tmp_path_factory.mktemp("cache")
    validate(sources, cache=ResultCache(folder))
    return folder / "shapes"


@pytest.fixture
def project_copy(tmp_path, checked_shapes) -> Path:
    """A copy of the project's inputs that a test may break without touching the real files."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("data", "ontology", "shapes"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    shutil.copytree(checked_shapes, load_settings(copy).cache_dir / "shapes")
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
