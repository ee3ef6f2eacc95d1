"""The built-in functions and aggregates of pyoxigraph's SPARQL grammar, by name, with how each
one's arguments are written (read by :class:`kg.server.sparql.expressions.Expressions`)."""

from __future__ import annotations

# How a built-in function's arguments are written after its name. "n" is n expressions in
# parentheses; "nil" is "()" after spaces; "nil!" and "list!" follow the name directly
# (pyoxigraph writes ``i("BNODE") NIL()`` and ``i("CONCAT") ExpressionList()``).
_ONE, _TWO, _THREE = ("1",), ("2",), ("3",)
BUILTINS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        [
            "STR",
            "LANG",
            "LANGDIR",
            "DATATYPE",
            "IRI",
            "URI",
            "ABS",
            "CEIL",
            "FLOOR",
            "ROUND",
            "STRLEN",
            "UCASE",
            "LCASE",
            "ENCODE_FOR_URI",
            "YEAR",
            "MONTH",
            "DAY",
            "HOURS",
            "MINUTES",
            "SECONDS",
            "TIMEZONE",
            "TZ",
            "MD5",
            "SHA1",
            "SHA256",
            "SHA384",
            "SHA512",
            "ISIRI",
            "ISURI",
            "ISBLANK",
            "ISLITERAL",
            "ISNUMERIC",
            "HASLANG",
            "HASLANGDIR",
            "SUBJECT",
            "PREDICATE",
            "OBJECT",
            "ISTRIPLE",
        ],
        _ONE,
    ),
    **dict.fromkeys(
        [
            "LANGMATCHES",
            "CONTAINS",
            "STRSTARTS",
            "STRENDS",
            "STRBEFORE",
            "STRAFTER",
            "STRLANG",
            "STRDT",
            "SAMETERM",
            "ADJUST",
        ],
        _TWO,
    ),
    **dict.fromkeys(["IF", "STRLANGDIR", "TRIPLE"], _THREE),
    "BOUND": ("var",),
    "BNODE": ("1", "nil!"),
    "RAND": ("nil",),
    "NOW": ("nil",),
    "UUID": ("nil",),
    "STRUUID": ("nil",),
    "CONCAT": ("list!",),
    "COALESCE": ("list!",),
    "SUBSTR": ("3", "2"),
    "REPLACE": ("4", "3"),
    "REGEX": ("3", "2"),
}
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})


__all__ = ["AGGREGATES", "BUILTINS"]
