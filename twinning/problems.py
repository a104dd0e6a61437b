"""Problems found on the way, worded for curators: which file, which resource, which rule."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    resource: str
    rule: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.resource}: [{self.rule}] {self.message}"


class StageFailed(Exception):
    """Raised by a stage that found errors; carries them for the report."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def format_report(problems: list[Problem]) -> str:
    lines = []
    for severity in ("error", "warning"):
        chosen = sorted(p for p in problems if p.severity == severity)
        if chosen:
            lines.append(f"{len(chosen)} {severity}(s):")
            lines.extend(f"  {p}" for p in chosen)
    return "\n".join(lines)


def describe(node, graph: Graph) -> str:
    """A resource as a problem names it: an IRI as itself, a blank node by the resource that points
    at it ("tw:citation of …/partnership/x"), so a curator can find it."""
    if not isinstance(node, BNode):
        return str(node)
    for subject, predicate in graph.subject_predicates(node):
        return f"{graph.namespace_manager.normalizeUri(predicate)} of {describe(subject, graph)}"
    return "a blank node"
