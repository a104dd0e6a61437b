"""Problems found on the way, worded for curators: which file, which resource, which rule."""

from __future__ import annotations

from dataclasses import dataclass


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
