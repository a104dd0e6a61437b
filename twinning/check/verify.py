"""The verified path from files to valid sources: load, check, validate. Shared by `validate`, `build`
and the Wikidata commands."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from ..cache import ResultCache
from ..config import Settings
from ..load import Sources, load
from ..parallel import collection_paused, long_lived
from ..problems import Problem, StageFailed, errors
from ..progress import Progress
from .checks import check
from .shacl import validation


@dataclass
class Verified:
    """Sources that passed every check and shape, with the warnings found on the way."""
    sources: Sources
    warnings: list[Problem]


@dataclass
class Verifying:
    """Sources loaded and checked while their validation runs in other processes. The sources may be
    read meanwhile, never changed: what is made from them is used once `verified` has said that
    they are valid."""
    sources: Sources
    verified: Callable[[], Verified]  # waits for validation; raises StageFailed with every problem found


def verify(settings: Settings, progress: Progress | None = None) -> Verified:
    """The sources and their warnings, or StageFailed with every problem found."""
    with verifying(settings, progress) as pending:
        return pending.verified()


@contextmanager
def verifying(settings: Settings, progress: Progress | None = None) -> Iterator[Verifying]:
    """Load, start validation in forked workers (they have their own copy of the sources), and run the
    checks in this process meanwhile; the block may go on reading the sources until it asks for the
    verdict. What is loaded lives outside the collector's walks until the block ends, and nothing is
    collected while it is loaded and checked: none of it is garbage, and a full collection walks
    every object of a graph of millions."""
    progress = progress or Progress(live=False)
    with progress.stage("load"), collection_paused():
        sources = load(settings)
    with long_lived(), ExitStack() as validation_running:  # its workers end with the block
        with progress.stage("validate", "the shapes, then the data's shards"):
            all_problems = validation_running.enter_context(
                validation(sources, progress, ResultCache(settings.cache_dir, settings.reuse_cache), settings.jobs))
        with collection_paused(), progress.stage("check", f"{len(sources.data)} triples"):
            problems = check(sources, settings.base_iri, settings.tw)

        def verified() -> Verified:
            with progress.stage("validate"):
                found = problems + all_problems()
            if errors(found):
                raise StageFailed(found)
            return Verified(sources, found)
        with collection_paused():  # the validation workers, forked already, keep collecting
            yield Verifying(sources, verified)
