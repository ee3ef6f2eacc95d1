"""Named queries rewritten for speed or for portability give exactly the rows, in the same
order, that their previous text gave.

tests/data/queries/before/<name>.rq holds the text a query had before it was rewritten for the
on-disk store (pyoxigraph looks up every triple of a store on disk as a RocksDB seek, and plans
an OPTIONAL or UNION branch of more than one triple as a hash join over the whole store; see
README.md, "Performance"). Each is run beside queries/<name>.rq, with the defaults,
every parameter at ``*`` and typical values, on the shipped build, on the shipped build plus
importer-shaped fixtures, and on that plus synthetic flows and 25 years of synthetic tiers.
``profile-roles`` and ``evidence-trail`` were rewritten so that Virtuoso 7.2 answers them as
Oxigraph does (tests/remote/test_virtuoso_queries.py); ``claims``, ``contradictions`` and
``pillar-coverage`` were too, after their rewrite for speed.
``claims``'s previous text already shows a source's title in ``who`` (a change of answer, not of
speed, made at the same time).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import pipeline
from kg.query.named import QuerySpec, load_file, load_query, run_query

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
BEFORE = ROOT / "tests" / "data" / "queries" / "before"
NAMES = sorted(p.stem for p in BEFORE.glob("*.rq"))

#: typical values per parameter type (a value the graph lacks is an error in both texts)
SAMPLES = {
    "country": ["PRK", "CHN", "THA", "RUS"],
    "agent": ["us-dos-jtip"],
    "year": ["2013", "2019", "2020"],
    "concept:aspect": ["victims-penalized", "comprehensive-law"],
    "concept:direction": ["harm-reported", "effort-missing", "not-known"],
    "concept:pillar": ["prosecution", "protection"],
    "concept:evidence": ["reported", "stated"],
    "concept:effect": ["penalizes-victims", "facilitates-exploitation"],
    "string": ["true", "false", "unknown"],
    "concept:role": ["source", "destination", "transit", "internal"],
    "concept:unit": ["identified-victims", "trafficking-victims"],
}


def param_sets(spec: QuerySpec) -> list[dict[str, str]]:
    """The defaults, every parameter at '*', and each typical value alone and with the rest '*'."""
    every = {p.name: "*" for p in spec.params}
    sets: list[dict[str, str]] = [{}, every] if spec.params else [{}]
    for p in spec.params:
        for value in SAMPLES.get(p.kind or "", []):
            sets += [{p.name: value}, {**every, p.name: value}]
    return sets


def answer(store: ox.Store, spec: QuerySpec, params: dict[str, str]) -> object:
    try:
        result = run_query(store, spec, params)
    except Exception as exc:  # the same error from both texts counts as the same answer
        return f"{type(exc).__name__}: {exc}"
    return result.vars, result.rows


@pytest.fixture(scope="module")
def stores(
    shipped_build: pipeline.BuildResult, imported_nquads: Path, rich_nquads: Path
) -> dict[str, ox.Store]:
    out = {"shipped": shipped_build.store}
    for label, path in (("imported", imported_nquads), ("rich", rich_nquads)):
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        out[label] = store
    return out


def test_there_are_rewrites_to_check() -> None:
    assert NAMES, f"no previous texts in {BEFORE}"
    assert all((QUERIES / f"{name}.rq").is_file() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_rewritten_query_gives_the_previous_rows(name: str, stores: dict[str, ox.Store]) -> None:
    before = load_file(BEFORE / f"{name}.rq", name)
    now = load_query(QUERIES, name)
    assert before.params == now.params
    assert before.text != now.text
    compared = 0
    for label, store in stores.items():
        for params in param_sets(now):
            old, new = answer(store, before, params), answer(store, now, params)
            assert new == old, f"{name} on the {label} graph with {params}"
            compared += isinstance(new, tuple) and len(new[1]) > 0  # type: ignore[arg-type]
    assert compared >= 3, "too few non-empty answers: the comparison proves little"
