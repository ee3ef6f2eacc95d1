"""Validate a store against the shapes with the chosen engine; results point back at the YAML."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from kg.core.errors import Location
from kg.shacl.report import ValidationReport, Violation, sort_violations


def validate(
    store: ox.Store,
    shapes: Iterable[ox.Triple],
    origins: Mapping[str, Location],
    engine: str = "fast",
) -> ValidationReport:
    """Validate with the chosen engine: ``fast`` (shapes compiled to SPARQL) or ``pyshacl``."""
    if engine == "pyshacl":
        from kg.shacl.reference import validate_pyshacl

        return validate_pyshacl(store, shapes, origins)
    if engine != "fast":
        raise ValueError(f"unknown validation engine {engine!r}")
    from kg.shacl.fast import validate_fast

    return validate_fast(store, shapes, origins)


__all__ = ["ValidationReport", "Violation", "sort_violations", "validate"]
