"""The verified path from files to a graph: load, check, validate. Shared by `validate` and `build`."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import Callable, Iterator, TypeVar

from ..cache import ResultCache
from .checks import check
from ..config import Settings
from ..load.sources import Sources, load
from ..parallel import collection_paused, long_lived
from ..progress import Progress
from ..problems import Problem, StageFailed, errors
from .shacl import validation

T = TypeVar("T")


@contextmanager
def verified_sources(settings: Settings, progress: Progress | None = None,
                     meanwhile: Callable[[Sources], T] | None = None) -> Iterator[tuple[Sources, list[Problem], T | None]]:
    """Give the sources, their warnings and what `meanwhile(sources)` gave, or raise StageFailed with
    every problem found. The checks and `meanwhile` run in this process while validation runs in
    forked workers, which have their own copy of the sources: `meanwhile` may change them (the build
    enriches the graph there; on the P190 network, checks and enrichment take half as long as
    validation). Where the data has errors, they are what is raised, even if `meanwhile` failed on
    them. What is loaded lives until the block ends, outside the collector's walks (measured on the
    P190 network: 16 full collections took 3.5 s of the build's main process). The checks and
    `meanwhile` run with no collections at all: they leave no cyclic garbage, and even collections of
    the young generations cost them a fifth (100,000 partnerships: 37.4 -> 28.6 s)."""
    progress = progress or Progress(live=False)
    with progress.stage("load"), collection_paused():
        sources = load(settings)
    prepared, failure = None, None
    with long_lived():
        with ExitStack() as validation_running:  # its workers end with it, before the sources are handed on
            with progress.stage("validate", "the shapes, then the data's shards on every core"):
                all_problems = validation_running.enter_context(
                    validation(sources, progress, ResultCache(settings.cache_dir, settings.reuse_cache)))
            with collection_paused():  # the validation workers, forked already, keep collecting
                with progress.stage("check", f"{len(sources.data)} triples"):
                    problems = check(sources, settings.base_iri, settings.tw)
                if meanwhile is not None:
                    try:
                        prepared = meanwhile(sources)
                    except Exception as error:  # noqa: BLE001 - judged once validation says whether the data is to blame
                        failure = error
            with progress.stage("validate"):
                problems += all_problems()
        if errors(problems):
            raise StageFailed(problems)
        if failure is not None:
            raise failure
        yield sources, problems, prepared

