"""The answer to a query, for Python: named columns, rows of Python values, labels beside IRIs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

from kg.api.values import IRI, python_value
from kg.core.errors import ConfigError
from kg.query.named import QueryResult, QuerySpec

#: Suffix of the column that holds the label of an IRI column (``country`` → ``country_label``).
LABEL = "_label"


class Row(Sequence[Any]):
    """One row: read a cell by position (``row[0]``), by name (``row["tier"]``) or as an
    attribute (``row.tier``). Unbound cells are None."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: Mapping[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    @overload
    def __getitem__(self, key: int | str) -> Any: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                raise KeyError(f"no column {key!r}; columns: {', '.join(self._index)}") from None
        return self._values[key]

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[self._index[name]]
        except KeyError:
            raise AttributeError(f"no column {name!r}; columns: {', '.join(self._index)}") from None

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values and list(self._index) == list(other._index)
        return isinstance(other, tuple) and self._values == other

    def __hash__(self) -> int:
        return hash(self._values)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._index)

    def as_dict(self) -> dict[str, Any]:
        """The row as ``{column: value}``."""
        return dict(zip(self._index, self._values, strict=True))

    def __repr__(self) -> str:
        cells = ", ".join(f"{k}={v!r}" for k, v in zip(self._index, self._values, strict=True))
        return f"Row({cells})"


class Result(Sequence[Row]):
    """The rows of a SELECT query as Python values.

    ``columns`` are the query's variables, each column that holds IRIs followed by its
    ``<name>_label`` column (skos:prefLabel, else rdfs:label; None when the graph has none); an
    empty result has a label column beside every variable, so code that names them still runs.
    Cells are :class:`~kg.api.values.IRI` for IRIs and int, Decimal, float, bool,
    ``datetime.date`` or str for literals (a year is an int). ``raw`` keeps the RDF terms for
    the SPARQL result writers.
    """

    def __init__(self, raw: QueryResult, spec: QuerySpec, labels: Mapping[str, str]) -> None:
        self.raw = raw
        self.spec = spec
        self.variables: tuple[str, ...] = tuple(raw.vars)
        cells = [[python_value(t) for t in row] for row in raw.rows]
        layout: list[tuple[int, bool]] = []  # (variable index, label of it?) per column
        columns: list[str] = []
        for i, var in enumerate(raw.vars):
            layout.append((i, False))
            columns.append(var)
            if var + LABEL not in raw.vars and (
                not cells or any(isinstance(row[i], IRI) for row in cells)
            ):
                layout.append((i, True))
                columns.append(var + LABEL)
        #: IRI → label, for the IRIs of this result that have one.
        self.labels: dict[str, str] = {
            str(row[i]): labels[row[i]]
            for row in cells
            for i, lab in layout
            if lab and row[i] in labels
        }
        self.columns: tuple[str, ...] = tuple(columns)
        index = {c: n for n, c in enumerate(columns)}
        self.rows: tuple[Row, ...] = tuple(
            Row([self.labels.get(row[i]) if lab else row[i] for i, lab in layout], index)
            for row in cells
        )

    @overload
    def __getitem__(self, i: int) -> Row: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Row]: ...
    def __getitem__(self, i: int | slice) -> Row | Sequence[Row]:
        return self.rows[i]

    def __len__(self) -> int:
        return len(self.rows)

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as dicts (for JSON, or ``pandas.DataFrame(result.to_dicts())``)."""
        return [row.as_dict() for row in self.rows]

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` with the same columns (``pip install
        'kg-tip[pandas]'``).

        Raises:
            ConfigError: when pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ConfigError(
                "Result.to_pandas needs pandas", hint="pip install 'kg-tip[pandas]'"
            ) from exc
        return pd.DataFrame([tuple(r) for r in self.rows], columns=list(self.columns))

    def to_csv(self, path: str | Path | None = None) -> str:
        """SPARQL 1.1 CSV of the query's variables (as ``kg query --format csv``); written
        atomically to ``path`` too when given."""
        from kg.query.output import to_csv

        return _written(to_csv(self.raw), path)

    def to_json(self, path: str | Path | None = None) -> str:
        """SPARQL 1.1 JSON results (as ``kg query --format json``); written to ``path`` too
        when given."""
        from kg.query.output import to_json

        return _written(to_json(self.raw), path)

    def __str__(self) -> str:
        from kg.query.output import to_table

        return to_table(self.raw, self.labels, max_width=60)

    def __repr__(self) -> str:
        head = f"<Result {self.spec.name!r}: {len(self)} rows, columns {', '.join(self.columns)}>"
        return head if len(self) > 20 else f"{head}\n{self}"


def _written(text: str, path: str | Path | None) -> str:
    if path is not None:
        from kg.core.fileio import atomic_file

        with atomic_file(Path(path), output=True) as stream:
            stream.write(text.encode("utf-8"))
    return text


__all__ = ["LABEL", "Result", "Row"]
