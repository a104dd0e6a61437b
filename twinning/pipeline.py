"""The verified path from files to a graph: load, check, validate. Shared by `validate` and `build`."""

from __future__ import annotations

from .check import check
from .config import Settings
from .load import Sources, load
from .problems import Problem, StageFailed, errors
from .validate import validate


def verified_sources(settings: Settings) -> tuple[Sources, list[Problem]]:
    """Return the sources and their warnings, or raise StageFailed with every problem found."""
    sources = load(settings)
    problems = check(sources, settings.base_iri, settings.tw) + validate(sources)
    if errors(problems):
        raise StageFailed(problems)
    return sources, problems
