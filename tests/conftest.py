"""Shared fixtures: the real project, and throw-away copies of it for bad-input tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from twinning.config import load_settings
from twinning.load import load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings():
    return load_settings(ROOT)


@pytest.fixture(scope="session")
def sources(settings):
    return load(settings)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project's inputs that a test may break without touching the real files."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("data", "ontology", "shapes"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
