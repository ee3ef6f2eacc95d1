"""Query parameters: their declaration in a query header and their values as RDF terms.

A value is always turned into one RDF term (an IRI or a literal) and handed to the SPARQL
engine as a binding, so no value can change the text of a query (bound into the text as a
``VALUES`` block by ``kg.query.inject``; its names are importable from here too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.core.errors import Location, QueryError, choices_hint
from kg.core.vocab import PREFIXES, TK, TKD, TKV, XSD, mint_iri, shorten
from kg.query.inject import Term, inject_values, where_braces

#: A default or value meaning "any": the variable is left unbound.
ANY = "*"

#: Parameter types a header may declare; ``concept:<prefix>`` takes a concept of tkv:.
KINDS = ("country", "agent", "year", "int", "bool", "string", "iri", "concept:<prefix>")

_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"(?:\((?P<kind>[a-z]+(?::[a-z0-9-]+)?)\))?\s*"
    r'(?:=\s*(?P<default>"[^"]*"|\S+))?\s*'
    r"(?:(?:—|--|-)\s*(?P<description>.*))?$"
)
_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*)?:([^\s<>\"{}|^`\\]*)$")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Param:
    """One declared parameter: the variable name, its type, default and description."""

    name: str
    kind: str | None
    default: str | None
    description: str

    @property
    def usage(self) -> str:
        """The parameter as typed on the command line, e.g. ``country=PRK``."""
        return f"{self.name}={self.default if self.default is not None else '?'}"


def parse_param_line(text: str, where: Location) -> Param:
    """Parse ``name (type) = default — description`` from a ``# param:`` header line.

    A default with spaces is written in double quotes: ``= "North Korea"``.
    """
    match = _LINE.match(text.strip())
    if not match:
        raise QueryError(
            f"bad parameter declaration {text!r}",
            where=where,
            hint="write '# param: name (type) = default — description'",
        )
    kind = match["kind"]
    if kind is not None and kind not in KINDS and not kind.startswith("concept:"):
        raise QueryError(
            f"unknown parameter type {kind!r}", where=where, hint=f"valid: {', '.join(KINDS)}"
        )
    default = match["default"]
    if default is not None and default.startswith('"'):
        default = default[1:-1]
    return Param(match["name"], kind, default, (match["description"] or "").strip())


def _iri(value: str) -> ox.NamedNode | None:
    """An IRI written as <…>, as a prefixed name with a known prefix, or absolute."""
    text = value[1:-1] if value.startswith("<") and value.endswith(">") else None
    if text is None:
        prefixed = _PREFIXED.match(value)
        if prefixed and (prefixed.group(1) or "") in PREFIXES:
            text = PREFIXES[prefixed.group(1)] + prefixed.group(2)
        elif (_ABSOLUTE.match(value) and "://" in value) or value.startswith("urn:"):
            text = value
    if text is None:
        return None
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


def _typed(value: str, xsd_type: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + xsd_type))


def parse_value(query: str, param: Param, value: str) -> Term:
    """Turn a command-line value into the RDF term the parameter's type calls for."""
    kind = param.kind
    term: Term | None = None
    expects = ""
    if kind == "country":
        term = ox.NamedNode(mint_iri("country", value)) if _ISO3.match(value) else _iri(value)
        expects = "an ISO 3166 alpha-3 code (e.g. PRK) or an IRI"
    elif kind == "agent":
        term = ox.NamedNode(mint_iri("agent", value)) if _SLUG.match(value) else _iri(value)
        expects = "an agent id (e.g. us-dos-jtip) or an IRI"
    elif kind is not None and kind.startswith("concept:"):
        prefix = kind.partition(":")[2]
        local = value if value.startswith(prefix + "-") else f"{prefix}-{value}"
        term = ox.NamedNode(TKV + local) if _SLUG.match(value) else _iri(value)
        expects = f"a concept id (e.g. {prefix}-…) or an IRI"
    elif kind == "year":
        term = _typed(str(int(value)), "integer") if _YEAR.match(value) else None
        expects = "a four-digit year"
    elif kind == "int":
        term = _typed(value, "integer") if _INTEGER.match(value) else None
        expects = "an integer"
    elif kind == "bool":
        ok = value in ("true", "false")
        term = _typed(value, "boolean") if ok else None
        expects = "true or false"
    elif kind == "iri":
        term = _iri(value)
        expects = "an IRI (<…>, http…, or a prefixed name such as tk:Claim)"
    elif kind == "string":
        term = ox.Literal(value)
    else:
        term = _iri(value) if value.startswith("<") or ":" in value else None
        if term is None and _INTEGER.match(value):
            term = _typed(value, "integer")
        term = term or ox.Literal(value)
    if term is None:
        raise QueryError(
            f"query {query!r}: parameter {param.name!r} expects {expects}, got {value!r}",
            hint=f"use '{ANY}' for any value" if param.default == ANY else None,
        )
    return term


def bind_params(
    query: str, params: tuple[Param, ...], given: Mapping[str, str | Term]
) -> dict[str, Term]:
    """Check the given names against the declared ones and parse every value into a term.

    Parameters left at ``*`` (given or by default) are not in the result: they stay unbound.
    """
    names = [p.name for p in params]
    for key in given:
        if key not in names:
            if not names:
                raise QueryError(
                    f"query {query!r} has no parameters, got {key!r}",
                    hint="declare them in its header: '# param: name = default — description'",
                )
            hint = choices_hint(key, names)
            raise QueryError(f"query {query!r} has no parameter {key!r}", hint=hint)
    bound: dict[str, Term] = {}
    for param in params:
        value = given.get(param.name, param.default)
        if value is None:
            raise QueryError(
                f"query {query!r} needs parameter {param.name!r}",
                hint=f"add -p {param.name}=VALUE ({param.description or param.kind or 'any'})",
            )
        if isinstance(value, str):
            if value == ANY:
                continue
            bound[param.name] = parse_value(query, param, value)
        else:
            bound[param.name] = value
    return bound


_CHOICES = {
    "country": f"SELECT ?c WHERE {{ ?x <{TK}iso3166Alpha3> ?c }}",
    "agent": f"SELECT ?c WHERE {{ ?c a <{TK}Agent> }}",
}


def check_known(store: ox.Store, params: tuple[Param, ...], bound: Mapping[str, Term]) -> None:
    """Reject a country, agent or concept the graph does not describe (with close matches)."""
    for param in params:
        term = bound.get(param.name)
        kind = param.kind or ""
        if not isinstance(term, ox.NamedNode) or not (
            kind in _CHOICES or kind.startswith("concept:")
        ):
            continue
        if next(store.quads_for_pattern(term, None, None), None) is not None:
            continue
        if kind == "country":
            choices = [str(r["c"].value) for r in _select(store, _CHOICES["country"])]
            word = term.value.rpartition("country-")[2].upper()
        elif kind == "agent":
            rows = _select(store, _CHOICES[kind])
            choices = [r["c"].value.removeprefix(TKD + "agent-") for r in rows]
            word = term.value.rpartition("agent-")[2]
        else:
            prefix = TKV + kind.partition(":")[2] + "-"
            query = (
                f"SELECT DISTINCT ?c WHERE {{ ?c a ?t FILTER(STRSTARTS(STR(?c), {_lit(prefix)})) }}"
            )
            choices = [r["c"].value.removeprefix(prefix) for r in _select(store, query)]
            word = term.value.removeprefix(prefix)
        raise QueryError(
            f"parameter {param.name!r}: the graph has no {kind} {shorten(term.value)}",
            hint=choices_hint(word, choices) if choices else None,
        )


def _lit(text: str) -> str:
    return str(ox.Literal(text))


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return list(answer)


__all__ = [
    "ANY",
    "KINDS",
    "Param",
    "bind_params",
    "check_known",
    "inject_values",
    "parse_param_line",
    "parse_value",
    "where_braces",
]
