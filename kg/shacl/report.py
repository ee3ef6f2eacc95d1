"""Validation results as values: one :class:`Violation` per SHACL result, pointing back at the
YAML that made its focus node, and the :class:`ValidationReport` both engines return."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.core import vocab as V
from kg.core.errors import Location


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, with the input location of its focus node when known."""

    where: Location | None
    focus: str
    path: str | None
    message: str
    severity: str  # "Violation" | "Warning" | "Info"
    shape: str
    value: str | None = None
    #: Where the value was written, when it is a node made from the YAML (another claim…).
    value_where: Location | None = field(default=None, compare=False)

    def line(self) -> str:
        """Render as ``path:line:col: message [focus path = value (its place)]``: the message
        speaks the YAML; the RDF names stay in the trailing detail."""
        place = f"{self.where}: " if self.where else ""
        detail = V.shorten(self.focus)
        if self.path:
            detail += f" {V.shorten(self.path)}"
        if self.value and self.value != self.focus:
            detail += f" = {V.shorten(self.value)}"
            if self.value_where:
                detail += f" at {self.value_where}"
        level = "" if self.severity == "Violation" else f"{self.severity.lower()}: "
        return f"{place}{level}{self.message} [{detail}]"


@dataclass
class ValidationReport:
    """The outcome of validating a graph: conforms when there is no Violation-level result."""

    results: list[Violation] = field(default_factory=list)
    engine: str = "pyshacl"

    @property
    def conforms(self) -> bool:
        """True when no result has Violation severity."""
        return not self.violations

    @property
    def violations(self) -> list[Violation]:
        """Results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        """Results of severity Warning or Info."""
        return [r for r in self.results if r.severity != "Violation"]

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready summary."""
        return {
            "conforms": self.conforms,
            "engine": self.engine,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [
                {
                    "location": str(r.where) if r.where else None,
                    "severity": r.severity,
                    "message": r.message,
                    "focus": r.focus,
                    "path": r.path,
                    "value": r.value,
                    "value_location": str(r.value_where) if r.value_where else None,
                    "shape": r.shape,
                }
                for r in self.results
            ],
        }


def sort_violations(found: Iterable[Violation]) -> list[Violation]:
    """De-duplicate and sort results by input location, focus node and message."""
    return sorted(
        set(found),
        key=lambda v: (v.where is None, v.where or Location(""), v.focus, v.message, repr(v)),
    )


__all__ = ["ValidationReport", "Violation", "sort_violations"]
