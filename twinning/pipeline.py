"""The verified path from files to a graph: load, check, validate. Shared by `validate` and `build`."""

from __future__ import annotations

from .cache import ResultCache
from .check import check
from .config import Settings
from .load import Sources, load
from .progress import Progress
from .problems import Problem, StageFailed, errors
from .validate import validate


def verified_sources(settings: Settings, progress: Progress | None = None) -> tuple[Sources, list[Problem]]:
    """Return the sources and their warnings, or raise StageFailed with every problem found."""
    progress = progress or Progress(live=False)
    with progress.stage("load"):
        sources = load(settings)
    with progress.stage("check", f"{len(sources.data)} triples"):
        problems = check(sources, settings.base_iri, settings.tw)
    with progress.stage("validate"):
        problems += validate(sources, progress, ResultCache(settings.cache_dir, settings.reuse_cache))
    if errors(problems):
        raise StageFailed(problems)
    return sources, problems
