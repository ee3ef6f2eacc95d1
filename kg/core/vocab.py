"""Namespaces, prefixes and the one place where kg mints IRIs."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from pyoxigraph import NamedNode

BASE: Final = "https://w3id.org/kg-tip/"
TK: Final = BASE + "ontology#"
TKV: Final = BASE + "vocab/"
TKS: Final = BASE + "shapes#"
TKD: Final = BASE + "id/"
TKG: Final = BASE + "graph/"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
PROV: Final = "http://www.w3.org/ns/prov#"
DCTERMS: Final = "http://purl.org/dc/terms/"
SCHEMA: Final = "http://schema.org/"
SH: Final = "http://www.w3.org/ns/shacl#"

#: Prefixes bound in every serialisation, in a fixed order.
PREFIXES: Final[dict[str, str]] = {
    "tk": TK,
    "tkv": TKV,
    "tkd": TKD,
    "tkg": TKG,
    "tks": TKS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "sh": SH,
}

#: Named graphs of a build.
GRAPH_ONTOLOGY: Final = TKG + "ontology"
GRAPH_REFERENCE: Final = TKG + "reference"
GRAPH_INFERRED: Final = TKG + "inferred"

#: Kinds of minted data IRIs; the kind is the first part of the local name.
KINDS: Final = frozenset(
    {
        "country",
        "region",
        "agent",
        "source",
        "activity",
        "assessment",
        "tier",
        "flow",
        "estimate",
        "statistic",
        "policy",
        "recommendation",
        "claim",
        "resolution",
        "curation",
        "link",
        "membership",
        "treaty",
        "participation",
    }
)

_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Return a lower-case ASCII slug of ``text`` (stable, no personal data added)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_BAD.sub("-", ascii_text.lower()).strip("-")


def mint_iri(kind: str, *key: str | int) -> str:
    """Mint the IRI of a data individual from its kind and stable key parts.

    Key parts are slugged and joined with ``_`` (slugs never contain one), so distinct keys
    never collide and every IRI is a valid Turtle prefixed name. Example:
    ``mint_iri("assessment", "essay-prk", "PRK")`` gives
    ``https://w3id.org/kg-tip/id/assessment-essay-prk_prk``.

    Raises:
        ValueError: for an unknown kind or an empty key (a programming error).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}")
    parts = [slug(str(k)) for k in key]
    if not parts or any(not p for p in parts):
        raise ValueError(f"empty key part in {kind} {key!r}")
    return f"{TKD}{kind}-{'_'.join(parts)}"


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
#: What RFC 3987 keeps out of an IRI: space, <>"{}|\^`, controls, bidi formatting characters.
_NOT_IN_IRI = re.compile(
    '[\x00-\x20<>"{}|\\\\^`\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]'
)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Schemes accepted where a user writes a web address (homepage, licence).
WEB_SCHEMES: Final = ("http", "https")


def looks_like_url(text: str) -> bool:
    """True when ``text`` starts like a web address (``scheme://``): a licence written as a
    URL becomes an IRI, one written in words stays text."""
    return _URL.match(text.strip()) is not None


def iri_problem(value: str, schemes: tuple[str, ...] = WEB_SCHEMES) -> str | None:
    """Why ``value`` cannot be used as an IRI (RFC 3987) with one of ``schemes``, or None."""
    scheme = _SCHEME.match(value)
    if scheme is None:
        return "it has no scheme (write it as https://…)"
    if schemes and scheme.group(1).lower() not in schemes:
        return f"only {' and '.join(schemes)} addresses are accepted, not '{scheme.group(1)}:'"
    bad = _NOT_IN_IRI.search(value)
    if bad is not None:
        char = bad.group()
        shown = "a space" if char == " " else f"'{char}'" if char.isprintable() else "a control"
        shown += " character" if shown == "a control" else ""
        return f"{shown} (U+{ord(char):04X}) is not allowed in a URL"
    hidden = next((c for c in value if unicodedata.category(c) == "Cf"), None)
    if hidden is not None:
        name = unicodedata.name(hidden, "format character")
        return (
            f"the invisible character U+{ord(hidden):04X} ({name}) is not allowed in a URL: "
            "it makes the address look like another"
        )
    if _BAD_PERCENT.search(value):
        return "'%' must be followed by two hexadecimal digits"
    if value.count("#") > 1:
        return "a URL holds at most one '#'"
    try:
        NamedNode(value)
    except ValueError as exc:
        return str(exc).splitlines()[0]
    return None


def source_graph(source_id: str) -> str:
    """Return the named-graph IRI that holds the facts of one source document."""
    return f"{TKG}source-{slug(source_id)}"


def curation_graph(source_id: str) -> str:
    """Return the named-graph IRI that holds kg curators' content about one source document:
    re-readings of its claims, resolutions and links it does not make itself."""
    return f"{TKG}curation-{slug(source_id)}"


def concept(local: str) -> str:
    """Return the IRI of a vocabulary concept such as ``tier-3`` or ``form-forced-labour``."""
    return TKV + local


def term(local: str) -> str:
    """Return the IRI of an ontology class or property."""
    return TK + local


def shorten(iri: str) -> str:
    """Return ``iri`` as a prefixed name when a known prefix covers it."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, prefix
    if best:
        return f"{name}:{iri[len(best) :]}"
    return iri
