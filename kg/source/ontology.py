"""Load the ontology, the SKOS vocabularies and the SHACL shapes from ``ontology/``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.core import vocab as V
from kg.core.errors import Location, SourceError, display_path
from kg.source.records import SCHEME_PREFIXES

ONTOLOGY_FILES = ("kg.ttl", "vocab.ttl")
SHAPES_FILE = "shapes.ttl"
CONTEXT_FILE = "context.jsonld"
_POSITION = re.compile(r"line (\d+) between columns (\d+)")


@dataclass
class Ontology:
    """The ontology and vocabularies (as quads in the ontology graph) and the shapes."""

    quads: list[ox.Quad] = field(default_factory=list)
    shapes: list[ox.Triple] = field(default_factory=list)
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def parse_turtle(path: Path, *, prefix: str) -> list[ox.Triple]:
    """Parse a Turtle file; blank nodes get labels in order of appearance (stable output).

    Raises:
        SourceError: with the file, line and column of a syntax error.
    """
    name = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror}", where=Location(name)) from exc
    labels: dict[str, ox.BlankNode] = {}

    def fix(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            if term.value not in labels:
                labels[term.value] = ox.BlankNode(f"{prefix}{len(labels)}")
            return labels[term.value]
        return term

    try:
        triples = [
            ox.Triple(fix(t.subject), t.predicate, fix(t.object))
            for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
        ]
    except SyntaxError as exc:
        match = _POSITION.search(str(exc))
        line, col = (int(match[1]), int(match[2]) + 1) if match else (0, 0)
        raise SourceError(
            f"invalid Turtle: {str(exc).split(': ', 1)[-1]}", where=Location(name, line, col)
        ) from exc
    return triples


def load_ontology(ontology_dir: Path) -> Ontology:
    """Read ``kg.ttl``, ``vocab.ttl`` and ``shapes.ttl`` from ``ontology_dir``."""
    out = Ontology()
    graph = ox.NamedNode(V.GRAPH_ONTOLOGY)
    for i, name in enumerate(ONTOLOGY_FILES):
        path = ontology_dir / name
        out.files.append(path)
        for t in parse_turtle(path, prefix=f"o{i}b"):
            out.quads.append(ox.Quad(t.subject, t.predicate, t.object, graph))
    shapes_path = ontology_dir / SHAPES_FILE
    out.files.append(shapes_path)
    out.shapes = parse_turtle(shapes_path, prefix="s")
    out.vocabulary = vocabulary(out.quads)
    read_context(ontology_dir)  # a broken context is an error now, not after the build
    return out


def read_context(ontology_dir: Path) -> dict[str, object]:
    """The term definitions of ``ontology_dir``'s JSON-LD context (``context.jsonld``: an
    object, or an object whose ``@context`` is one); {} when there is no such file.

    Raises:
        SourceError: the file cannot be read, is not JSON, or is not such an object.
    """
    path = ontology_dir / CONTEXT_FILE
    if not path.exists():
        return {}
    name = display_path(path)
    hint = "a JSON object of JSON-LD term definitions, or one with them under @context"
    try:
        published = json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        where = Location(name, exc.lineno, exc.colno)
        raise SourceError(f"invalid JSON: {exc.msg}", where=where, hint=hint) from None
    except (OSError, ValueError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise SourceError(f"cannot read: {why}", where=Location(name), hint=hint) from None
    context = published.get("@context", published) if isinstance(published, dict) else None
    if not isinstance(context, dict):
        raise SourceError("not a JSON-LD context object", where=Location(name, 1, 1), hint=hint)
    return context


def vocabulary(quads: list[ox.Quad]) -> dict[str, dict[str, str]]:
    """Map each concept scheme to {YAML short name: concept IRI}."""
    in_scheme = V.SKOS + "inScheme"
    schemes: dict[str, dict[str, str]] = {name: {} for name in SCHEME_PREFIXES}
    for q in quads:
        if q.predicate.value != in_scheme or not isinstance(q.object, ox.NamedNode):
            continue
        if not isinstance(q.subject, ox.NamedNode):
            continue
        scheme = q.object.value.removeprefix(V.TKV)
        if scheme not in schemes or not q.subject.value.startswith(V.TKV):
            continue
        local = q.subject.value.removeprefix(V.TKV)
        schemes[scheme][local.removeprefix(SCHEME_PREFIXES[scheme])] = q.subject.value
    return schemes
