"""Validate stage: the shapes are checked against SHACL-for-SHACL, then the data against the shapes."""

from __future__ import annotations

import hashlib
from collections import Counter
from importlib import resources

import pyshacl
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Literal, Namespace, URIRef

from .cache import ResultCache, code_digest, digest_of
from .load import Sources, describe
from .parallel import fork_map
from .problems import Problem
from .progress import Progress

SH = Namespace("http://www.w3.org/ns/shacl#")
SUBJECTS_PER_SHARD = 5_000
SEVERITIES = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "warning"}


def shacl_vocabulary() -> set[URIRef]:
    """The terms SHACL defines: engines silently ignore sh:dataType or sh:Error, so we do not."""
    graph = Graph().parse(resources.files("pyshacl") / "assets" / "shacl.ttl", format="turtle")
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(SH))}


def check_shapes(shapes: Graph, origin) -> list[Problem]:
    known = shacl_vocabulary()
    problems = []
    for triple in shapes:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(str(SH)) and term not in known:
                problems.append(Problem(origin.get(triple[0], "shapes/"), describe(triple[0], shapes), "shacl-term",
                                        f"{shapes.namespace_manager.normalizeUri(term)} is not a SHACL term "
                                        "(a typo that validators would silently ignore)"))
    conforms, report, _ = meta_validate(shapes, inference="none")
    if not conforms:
        problems += results_as_problems(report, shapes, origin, "shacl-shacl")
    return sorted(set(problems))


def results_as_problems(report: Graph, described: Graph, origin, rule_prefix: str) -> list[Problem]:
    problems = []
    for result in report.objects(None, SH.result):  # top-level results; nested sh:detail only repeats them
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        component = report.value(result, SH.sourceConstraintComponent)
        value = report.value(result, SH.value)
        message = str(report.value(result, SH.resultMessage) or "does not satisfy the shape")
        if value is not None and value != focus:
            message += f" (value: {value})"
        nm = described.namespace_manager
        parts = [rule_prefix]
        if path is not None and isinstance(path, URIRef):
            parts.append(nm.normalizeUri(path))
        if component is not None:
            parts.append(nm.normalizeUri(component).replace("sh:", "").replace("ConstraintComponent", ""))
        problems.append(Problem(origin.get(focus, "?"), describe(focus, described), " ".join(parts), message,
                                SEVERITIES.get(report.value(result, SH.resultSeverity), "error")))
    return problems


def validate(sources: Sources, progress: Progress | None = None, cache: ResultCache | None = None) -> list[Problem]:
    """The shapes first; then the data in shards of whole files, validated on every core. A shard carries
    every resource its own resources point to (with the vocabulary), so sh:class and sh:node see what
    they need; resources seen by two shards are reported once. A shard whose inputs are unchanged since
    an earlier run takes that run's result from the cache."""
    progress = progress or Progress(live=False)
    cache = cache or ResultCache(None)
    rules = digest_of(code_digest(), sources.schema_digest())
    problems, _ = cache.problems("shapes", rules, lambda: check_shapes(sources.shapes, sources.origin))
    cache.keep_only("shapes", {rules})
    if any(p.severity == "error" for p in problems):
        return problems
    shards = file_shards(sources)
    found: set[Problem] = set()
    keys, validated = set(), 0
    results = fork_map(lambda files: validate_shard(sources, files, rules, cache), shards)
    for done, (key, shard_problems, fresh) in enumerate(results, 1):
        found.update(shard_problems)
        keys.add(key)
        validated += fresh
        progress.count("validate", done, len(shards))
    cache.keep_only("validation", keys)
    progress.note("validate", f"{validated} of {len(shards)} shards validated, {len(shards) - validated} unchanged")
    return problems + sorted(found)


def file_shards(sources: Sources) -> list[list[str]]:
    """Files in shards of a few thousand resources. A file's shard depends on its name only, so that a
    change to one commune changes one shard; their number doubles as the data grows."""
    sizes = Counter(file for file in sources.origin.values() if file.startswith("data/"))
    count = 1
    while count * SUBJECTS_PER_SHARD < sum(sizes.values()):
        count *= 2
    shards: list[list[str]] = [[] for _ in range(count)]
    for file in sorted(sizes):
        shards[int(hashlib.sha256(file.encode("utf-8")).hexdigest()[:8], 16) % count].append(file)
    return [shard for shard in shards if shard]


def shard_closure(sources: Sources, files: list[str]) -> tuple[list[tuple], set]:
    """The triples of the shard's resources and of every resource they point to, transitively."""
    data = sources.data
    chosen = set(files)
    pending = [subject for subject, file in sources.origin.items() if file in chosen]
    seen = set(pending)
    triples = []
    while pending:
        subject = pending.pop()
        for triple in data.triples((subject, None, None)):
            triples.append(triple)
            value = triple[2]
            if not isinstance(value, Literal) and value not in seen and (value, None, None) in data:
                seen.add(value)
                pending.append(value)
    return triples, seen


def validate_shard(sources: Sources, files: list[str], rules: str, cache: ResultCache) -> tuple[str, list[Problem], bool]:
    """(key, problems, whether pySHACL ran). The key covers every file that describes a resource of the
    closure, so a change anywhere the shapes could look is seen."""
    triples, subjects = shard_closure(sources, files)
    inputs = {f"{file}={sources.digests[file]}" for subject in subjects for file in sources.files_describing(subject)}
    key = digest_of(rules, *sorted(inputs))
    problems, fresh = cache.problems("validation", key, lambda: run_pyshacl(sources, triples))
    return key, problems, fresh


def run_pyshacl(sources: Sources, triples: list[tuple]) -> list[Problem]:
    graph = Graph()
    graph.namespace_manager = sources.data.namespace_manager
    graph.addN((s, p, o, graph) for s, p, o in sources.vocabulary)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    shapes = Graph()  # pySHACL adds RDFS axioms to the shapes graph it is given; the published shapes stay ours
    shapes.addN((s, p, o, shapes) for s, p, o in sources.shapes)
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True)
    return results_as_problems(report, graph, sources.origin, "shacl")
