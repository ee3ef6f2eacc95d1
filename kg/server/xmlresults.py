"""SPARQL Query Results XML, written so that any XML 1.0 parser reads it back exactly, and the
errors of the result writers (:mod:`kg.server.formats`).

A carriage return is written ``&#13;`` (a raw CR is read back as LF), and a result holding a
character XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF:
not even a character reference can) is refused with :class:`NotRepresentableError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from kg.core import vocab as V


class ResultTooLargeError(ValueError):
    """The serialised result would be larger than the server's cap."""


class NotRepresentableError(ValueError):
    """The result holds something the chosen format cannot carry (a character XML 1.0 cannot
    hold, a triple term in JSON-LD…): its writer refuses it."""


# XML 1.0 ``Char`` excludes C0 controls but TAB, LF, CR; surrogates; U+FFFE and U+FFFF. Not
# even a character reference can carry them, so such a result is refused in XML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;"}
)
_XML_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&apos;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)
_ITS = ' xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0"'


def xml_safe(text: str, where: str) -> str:
    """``text``, or NotRepresentableError naming ``where`` when XML 1.0 cannot carry it."""
    bad = _NOT_XML.search(text)
    if bad:
        raise NotRepresentableError(
            f"{where} holds U+{ord(bad.group()):04X}, a character XML 1.0 cannot carry"
        )
    return text


def _xml_term(term: object, where: str) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_safe(term.value, where).translate(_XML_TEXT)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_safe(term.value, where).translate(_XML_TEXT)}</bnode>"
    if isinstance(term, ox.Literal):
        value = xml_safe(term.value, where).translate(_XML_TEXT)
        if term.language:
            attrs = f' xml:lang="{term.language.translate(_XML_ATTR)}"'
            direction = getattr(term, "direction", None)
            if direction is not None:
                attrs += f' its:dir="{direction}"{_ITS}'
        elif term.datatype.value != V.XSD + "string":
            attrs = f' datatype="{term.datatype.value.translate(_XML_ATTR)}"'
        else:
            attrs = ""
        return f"<literal{attrs}>{value}</literal>"
    assert isinstance(term, ox.Triple)
    parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
    inner = "".join(f"<{n}>{_xml_term(t, where)}</{n}>" for n, t in parts)
    return f"<triple>{inner}</triple>"


def solutions_xml(variables: list[str], rows: Iterable[ox.QuerySolution], max_bytes: int) -> bytes:
    """Write SELECT rows as SPARQL Query Results XML that any XML 1.0 parser reads back
    exactly (``\r`` as ``&#13;``); a character XML cannot carry raises NotRepresentableError."""
    head = "".join(f'<variable name="{v}"/>' for v in variables)
    parts = [
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head>{head}</head><results>"
    ]
    size = len(parts[0])
    for number, row in enumerate(rows, 1):
        cells = []
        for name in variables:
            value = row[name]
            if value is not None:
                term = _xml_term(value, f"row {number}, ?{name},")
                cells.append(f'<binding name="{name}">{term}</binding>')
        parts.append(f"<result>{''.join(cells)}</result>")
        size += len(parts[-1])
        cap(size, max_bytes)
    parts.append("</results></sparql>")
    return "".join(parts).encode()


def cap(size: int, max_bytes: int) -> None:
    """Raise ResultTooLargeError when ``size`` bytes are over ``max_bytes``."""
    if size > max_bytes:
        raise ResultTooLargeError(f"the result is larger than {max_bytes} bytes")


__all__ = ["NotRepresentableError", "ResultTooLargeError", "cap", "solutions_xml", "xml_safe"]
