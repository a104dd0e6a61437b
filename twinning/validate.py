"""Validate stage: the shapes are checked against SHACL-for-SHACL, then the data against the shapes."""

from __future__ import annotations

from importlib import resources

import pyshacl
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Namespace, URIRef

from .load import Sources, describe
from .problems import Problem

SH = Namespace("http://www.w3.org/ns/shacl#")
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


def validate(sources: Sources) -> list[Problem]:
    problems = check_shapes(sources.shapes, sources.origin)
    if any(p.severity == "error" for p in problems):
        return problems
    data = sources.data + sources.vocabulary
    data.namespace_manager = sources.data.namespace_manager
    _, report, _ = pyshacl.validate(data, shacl_graph=sources.shapes, inference="none", advanced=False,
                                    allow_warnings=True)
    return problems + results_as_problems(report, data, sources.origin, "shacl")
