"""Every named query gives its rows in a total order and its lists in a fixed order, read from
the text itself (tests/query/test_parity.py shows the consequence on real engines): the outer
ORDER BY names every projected variable, or every GROUP BY key of a grouped query; each
GROUP_CONCAT reads an ordered subquery; nothing is chosen by SAMPLE."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.query.named import discover, load_query
from kg.query.sparqltext import code_text

QUERIES = Path(__file__).resolve().parents[2] / "queries"
NAMES = sorted(discover(QUERIES))
VAR = r"[?$](\w+)"


def _outer(code: str) -> tuple[str, str]:
    """(projection, solution modifiers) of the outer query: the text between its SELECT and the
    WHERE group's opening brace, and the text after that group's closing brace."""
    select = re.search(r"\bSELECT\b", code, re.IGNORECASE)
    assert select is not None, "not a SELECT query"
    opening = code.index("{", select.end())
    depth = 0
    for at in range(opening, len(code)):
        depth += {"{": 1, "}": -1}.get(code[at], 0)
        if depth == 0:
            head = re.sub(r"\bWHERE\b", " ", code[select.end() : opening], flags=re.IGNORECASE)
            return head, code[at + 1 :]
    raise AssertionError("unbalanced braces")


def projected(head: str) -> list[str]:
    """The variables a projection names: plain ones and those bound by (expression AS ?v)."""
    bound = re.findall(rf"\bAS\s+{VAR}\s*\)", head, re.IGNORECASE)
    plain, depth = [], 0
    for token in re.finditer(rf"[()]|{VAR}", head):
        if token.group() == "(":
            depth += 1
        elif token.group() == ")":
            depth -= 1
        elif depth == 0:
            plain.append(token.group(1))
    return [*plain, *bound]


def clause(tail: str, keyword: str) -> list[str]:
    found = re.search(
        rf"\b{keyword}\b(.*?)(?=\b(?:GROUP\s+BY|HAVING|ORDER\s+BY|LIMIT|OFFSET|VALUES)\b|$)",
        tail,
        re.IGNORECASE | re.DOTALL,
    )
    return re.findall(VAR, found.group(1)) if found else []


def test_the_checks_read_what_they_should() -> None:
    head, tail = _outer(
        code_text(
            "SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a "
            "ORDER BY DESC(?n) ?a LIMIT 3"
        )
    )
    assert projected(head) == ["a", "n"]
    assert clause(tail, r"GROUP\s+BY") == ["a"]
    assert clause(tail, r"ORDER\s+BY") == ["n", "a"]


@pytest.mark.parametrize("name", NAMES)
def test_rows_come_in_a_total_order(name: str) -> None:
    code = code_text(load_query(QUERIES, name).text)
    head, tail = _outer(code)
    assert "*" not in head, f"{name}: SELECT * has no fixed columns"
    order = set(clause(tail, r"ORDER\s+BY"))
    assert order, f"{name}: no ORDER BY on the outer query"
    keys = clause(tail, r"GROUP\s+BY")
    missing = sorted(set(keys or projected(head)) - order)
    assert not missing, f"{name}: ORDER BY leaves ties: add {missing} (a key, or every column)"


@pytest.mark.parametrize("name", NAMES)
def test_lists_are_concatenated_in_a_fixed_order(name: str) -> None:
    code = code_text(load_query(QUERIES, name).text)
    assert not re.search(r"\bSAMPLE\s*\(", code, re.IGNORECASE), f"{name}: SAMPLE differs by engine"
    for concat in re.finditer(r"\bGROUP_CONCAT\s*\(", code, re.IGNORECASE):
        grouped = re.search(r"\bGROUP\s+BY\b", code[concat.end() :], re.IGNORECASE)
        assert grouped is not None, f"{name}: GROUP_CONCAT over the whole answer"
        inner = code[concat.end() : concat.end() + grouped.start()]
        assert re.search(r"\bSELECT\b.*\bORDER\s+BY\b", inner, re.IGNORECASE | re.DOTALL), (
            f"{name}: GROUP_CONCAT must read an ordered subquery (engines differ otherwise)"
        )
