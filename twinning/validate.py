"""Validate stage: the shapes are checked against SHACL-for-SHACL, then the data against the shapes."""

from __future__ import annotations

from importlib import resources

import pyshacl
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Literal, Namespace, URIRef

from .load import Sources, describe
from .parallel import fork_map, workers_available
from .problems import Problem
from .progress import Progress

SH = Namespace("http://www.w3.org/ns/shacl#")
SUBJECTS_PER_SHARD = 20_000
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


def validate(sources: Sources, progress: Progress | None = None) -> list[Problem]:
    """The shapes first; then the data in shards of whole files, validated on every core. A shard carries
    every resource its own resources point to (with the vocabulary), so sh:class and sh:node see what
    they need; resources seen by two shards are reported once."""
    problems = check_shapes(sources.shapes, sources.origin)
    if any(p.severity == "error" for p in problems):
        return problems
    shards = file_shards(sources)
    found: set[Problem] = set()
    for done, shard_problems in enumerate(fork_map(lambda files: validate_shard(sources, files), shards), 1):
        found.update(shard_problems)
        if progress is not None:
            progress.count("validate", done, len(shards))
    return problems + sorted(found)


def file_shards(sources: Sources) -> list[list[str]]:
    """Files in a few shards of about equal size: enough for every core, not so many that pySHACL's
    set-up per call (shapes, vocabulary) outweighs the work."""
    sizes: dict[str, int] = {}
    for subject, file in sources.origin.items():
        if file.startswith("data/"):
            sizes[file] = sizes.get(file, 0) + 1
    count = max(1, min(len(sizes), sum(sizes.values()) // SUBJECTS_PER_SHARD, 4 * workers_available()))
    shards: list[list[str]] = [[] for _ in range(count)]
    load = [0] * count
    for file, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        lightest = load.index(min(load))
        shards[lightest].append(file)
        load[lightest] += size
    return [sorted(shard) for shard in shards if shard]


def validate_shard(sources: Sources, files: list[str]) -> list[Problem]:
    data = sources.data
    chosen = set(files)
    graph = Graph()
    graph.namespace_manager = data.namespace_manager
    graph.addN((s, p, o, graph) for s, p, o in sources.vocabulary)
    pending = [subject for subject, file in sources.origin.items() if file in chosen]
    seen = set(pending)
    while pending:
        subject = pending.pop()
        for s, p, o in data.triples((subject, None, None)):
            graph.add((s, p, o))
            if not isinstance(o, Literal) and o not in seen and (o, None, None) in data:
                seen.add(o)
                pending.append(o)
    _, report, _ = pyshacl.validate(graph, shacl_graph=sources.shapes, inference="none", advanced=False,
                                    allow_warnings=True)
    return results_as_problems(report, graph, sources.origin, "shacl")
