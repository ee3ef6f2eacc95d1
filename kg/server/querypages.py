"""The named queries as web forms: ``/queries`` lists them, ``/query/NAME`` shows a form built
from the query's ``# param:`` header (country pickers, year, form and other concept menus,
agents, free text for IRIs) and the answer as a labelled table, sortable by any column and paged
on the server (so the page stays small whatever the answer), with CSV and JSON downloads
(``/query/NAME.csv``, ``/query/NAME.json``: SPARQL 1.1 result formats, every row).

Queries run through the server's engine (its worker processes, time limit and row cap); an
answer larger than the cap is fetched page by page (LIMIT/OFFSET: every named query has a total
order) and kept in a bounded cache.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from kg.core.errors import KGError, QueryError
from kg.query.endpoint import parse_results
from kg.query.named import QueryResult, QuerySpec
from kg.query.output import to_csv, to_json
from kg.query.params import ANY, Param, bind_params, check_known, inject_values
from kg.query.sparqltext import pageable, with_page
from kg.server.engine import QueryRequest
from kg.server.htmlkit import e, error_box, numeric, term_html, term_text, url
from kg.server.state import Explorer, Result

PAGE_ROWS = 100
MAX_ROWS = 200_000
CONTROLS = ("_sort", "_dir", "_page")


def given_params(spec: QuerySpec, params: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The query's parameters present in the URL (blank means the default)."""
    out = {}
    for p in spec.params:
        values = params.get(p.name) or []
        if values and values[0].strip():
            out[p.name] = values[0].strip()
    return out


def fetch_all(app: Any, text: str) -> Result:
    """Every row of ``text`` through the app's engine, in pages when the server's row cap
    would refuse the whole answer."""
    limit = app.config.max_rows

    def ask(query: str) -> Result:
        request = QueryRequest(query=query, format=("json",), max_rows=limit)
        outcome = app.engine.run(request, app.config.timeout)
        if outcome.status != 200:
            raise QueryError(outcome.body.decode("utf-8", "replace").strip())
        names, rows = parse_results(outcome.body, "kg serve")
        return Result(names, rows)

    if not pageable(text):
        return ask(text)
    names: list[str] = []
    rows: list[Any] = []
    while True:
        page = ask(with_page(text, limit, len(rows)))
        names = page.vars
        rows += page.rows
        if len(page.rows) < limit:
            return Result(names, rows)
        if len(rows) >= MAX_ROWS:
            raise QueryError(
                f"the answer has more than {MAX_ROWS:,} rows: narrow it with the parameters"
            )


def run_named(app: Any, state: Explorer, spec: QuerySpec, given: dict[str, str]) -> Result:
    """The answer of ``spec`` with ``given`` parameters (cached); KGError for bad values."""
    key = (spec.name, tuple(sorted(given.items())))
    hit = state.results.get(key)
    if hit is not None:
        assert isinstance(hit, Result)
        return hit
    bound = bind_params(spec.name, spec.params, given)
    check_known(state.store, spec.params, bound)
    result = fetch_all(app, inject_values(spec.text, bound))
    state.results.put(key, result)
    return result


def _human(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def _sort_key(term: object, labels: Mapping[str, str]) -> tuple[int, float, str]:
    if term is None:
        return (3, 0.0, "")
    if numeric(term):
        try:
            return (0, float(term.value), "")  # type: ignore[attr-defined]
        except ValueError:
            pass
    return (1, 0.0, term_text(term, labels).casefold())


def _options(param: Param, state: Explorer, value: str) -> list[tuple[str, str]] | None:
    """The menu of a parameter, or None for a free-text field."""
    kind = param.kind or ""
    choices: list[tuple[str, str]] | None = None
    if kind == "country":
        choices = [(iso, f"{name} ({iso})") for iso, name in state.countries()]
    elif kind == "year":
        choices = [(y, y) for y in state.years()]
    elif kind.startswith("concept:"):
        choices = state.concepts(kind.partition(":")[2])
    elif kind == "agent":
        choices = state.agents()
    elif kind == "bool":
        choices = [("true", "true"), ("false", "false")]
    if choices is None:
        return None
    menu = [(ANY, "any (*)"), *choices]
    if value not in {v for v, _ in menu}:
        menu.append((value, value))
    return menu


def form_html(spec: QuerySpec, state: Explorer, given: dict[str, str]) -> str:
    """The parameter form of ``spec`` (GET to its own page)."""
    fields = []
    for p in spec.params:
        value = given.get(p.name, p.default if p.default is not None else "")
        menu = _options(p, state, value)
        hint = f"<small>{e(p.description)}</small>" if p.description else ""
        if menu is None:
            widget = f'<input type="text" name="{e(p.name)}" value="{e(value)}">'
        else:
            options = "".join(
                f'<option value="{e(v)}"{" selected" if v == value else ""}>{e(label)}</option>'
                for v, label in menu
            )
            widget = f'<select name="{e(p.name)}">{options}</select>'
        fields.append(f"<label>{e(p.name)}{widget}{hint}</label>")
    run = '<button type="submit">Run</button>'
    reset = f'<a href="{e(url("/query/" + spec.name))}">defaults</a>'
    return (
        f'<form class="params" method="get" action="/query/{e(spec.name)}">'
        f"{''.join(fields)}{run} {reset}</form>"
    )


def table_html(
    result: Result,
    labels: Mapping[str, str],
    base: list[tuple[str, str]],
    path: str,
    sort: str | None,
    descending: bool,
    page: int,
) -> tuple[str, str]:
    """(pager, table) of one page of ``result`` sorted as asked."""
    rows = result.rows
    if sort in result.vars:
        col = result.vars.index(sort)
        rows = sorted(rows, key=lambda r: _sort_key(r[col], labels), reverse=descending)
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
    numbers = [
        any(numeric(r[i]) for r in shown) and all(r[i] is None or numeric(r[i]) for r in shown)
        for i in range(len(result.vars))
    ]
    heads = []
    for i, name in enumerate(result.vars):
        now = sort == name
        flip = "asc" if not now or descending else "desc"
        link = url(path, [*base, ("_sort", name), ("_dir", flip)])
        mark = f'<span class="dir">{"▼" if descending else "▲"}</span>' if now else ""
        cls = ' class="num"' if numbers[i] else ""
        aria = f' aria-sort="{"descending" if descending else "ascending"}"' if now else ""
        heads.append(
            f'<th{cls}{aria} title="?{e(name)}">'
            f'<a href="{e(link)}">{e(_human(name))}</a>{mark}</th>'
        )
    body = []
    made: dict[object, str] = {}  # the same IRIs fill many cells: each made once

    def cell(term: object) -> str:
        found = made.get(term)
        if found is None:
            found = made[term] = term_html(term, labels)
        return found

    for r in shown:
        cells = "".join(
            f"<td{' class=num' if numbers[i] else ''}>{cell(t)}</td>" for i, t in enumerate(r)
        )
        body.append(f"<tr>{cells}</tr>")
    table = (
        f'<div class="table-wrap" id="results"><table class="results">'
        f"<thead><tr>{''.join(heads)}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
    extra = [*base] + ([("_sort", sort), ("_dir", "desc" if descending else "asc")] if sort else [])
    links: list[str] = []
    for n in range(1, pages + 1):
        if pages > 12 and 2 < n < pages - 1 and abs(n - page) > 2:
            if not links or links[-1] != "…":
                links.append("…")
            continue
        links.append(
            f"<span>{n}</span>"
            if n == page
            else f'<a href="{e(url(path, [*extra, ("_page", str(n))]))}">{n}</a>'
        )
    pager = f'<span class="pages">Page {" ".join(links)}</span>' if pages > 1 else ""
    return pager, table


def query_page(
    app: Any, state: Explorer, spec: QuerySpec, params: Mapping[str, Sequence[str]]
) -> tuple[int, str]:
    """(status, body HTML) of ``/query/NAME``."""
    given = given_params(spec, params)
    head = (
        f'<p class="muted"><a href="/queries">Questions</a> › {e(spec.name)}</p>'
        f"<h1>{e(spec.title or spec.name)}</h1>"
        + (f'<p class="lead">{e(spec.question)}</p>' if spec.question else "")
        + (
            f"<details><summary>What the answer holds</summary><p>{e(spec.description)}</p>"
            "</details>"
            if spec.description
            else ""
        )
        + form_html(spec, state, given)
    )
    try:
        result = run_named(app, state, spec, given)
    except KGError as exc:
        return 400, head + error_box(str(exc))
    labels = state.labels()
    base = sorted(given.items())
    sort = next(iter(params.get("_sort") or []), None)
    descending = (params.get("_dir") or ["asc"])[0] == "desc"
    try:
        number = int((params.get("_page") or ["1"])[0])
    except ValueError:
        number = 1
    pager, table = table_html(result, labels, base, f"/query/{spec.name}", sort, descending, number)
    n = len(result.rows)
    downloads = " · ".join(
        f'<a href="{e(url(f"/query/{spec.name}.{fmt}", base))}" download>{label}</a>'
        for fmt, label in (("csv", "CSV"), ("json", "JSON"))
    )
    bound = bind_params(spec.name, spec.params, given)
    editor = url("/editor", {"query": inject_values(spec.text, bound)})
    bar = (
        f'<div class="bar"><strong id="count">{n:,} row{"" if n == 1 else "s"}</strong>'
        f" <span>Download all: {downloads}</span>"
        f' <a href="{e(editor)}">Open in the SPARQL editor</a> {pager}</div>'
    )
    return 200, head + bar + table


def download(
    app: Any, state: Explorer, spec: QuerySpec, params: Mapping[str, Sequence[str]], fmt: str
) -> bytes:
    """Every row of the answer as SPARQL 1.1 CSV or JSON results."""
    result = run_named(app, state, spec, given_params(spec, params))
    answer = QueryResult(result.vars, result.rows)
    text = to_csv(answer) if fmt == "csv" else to_json(answer)
    return text.encode("utf-8")


def queries_index(state: Explorer) -> str:
    """The list of named queries (``/queries``)."""
    items = []
    for name, spec in state.specs().items():
        params = ", ".join(p.name for p in spec.params) or "no parameters"
        items.append(
            f'<li><a href="/query/{e(name)}">{e(spec.title or name)}</a>'
            f"<p>{e(spec.question or spec.description)}</p>"
            f'<p class="muted">{e(name)} · {e(params)}</p></li>'
        )
    return (
        '<h1>Questions</h1><p class="lead">The named queries of this graph, each a form: choose '
        "the parameters, run, sort the answer by any column, download it as CSV or JSON.</p>"
        f'<ul class="queries">{"".join(items)}</ul>'
    )


__all__ = [
    "CONTROLS",
    "PAGE_ROWS",
    "download",
    "fetch_all",
    "form_html",
    "given_params",
    "queries_index",
    "query_page",
    "run_named",
    "table_html",
]
