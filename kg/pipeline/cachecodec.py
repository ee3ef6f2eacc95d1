"""Cache entries as data that cannot run code: JSON decoded against declared types.

A value is written as plain JSON (dataclasses as arrays of their fields, dates as ISO strings,
tuples and lists as arrays, mappings with non-string keys as arrays of pairs) and read back by
following the type annotations of the class it must become, so a decoded entry only ever holds
the types kg itself declared. Nothing in an entry names a class or a function; a field that has
a type the codec does not know fails on writing, not silently on reading. (Reading back is
:mod:`kg.pipeline.cachedecode`; its ``CodecError`` and ``decode`` are importable from here.)

A parsed YAML file (:class:`~kg.source.loader.SourceDoc`) holds free-form data; its dates, the
only YAML values JSON has no type for, are listed by position and restored after decoding.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from kg.pipeline.cachedecode import CodecError, decode, expect
from kg.source.loader import KeyPath, SourceDoc


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            columns = _columns(value)
            if columns is not None:
                return columns
            return {k: encode(v) for k, v in value.items()}
        return [[encode(k), encode(v)] for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    raise TypeError(f"the build cache cannot store a {type(value).__name__}")


def _columns(value: dict[str, Any]) -> list[Any] | None:
    """A large mapping of strings to flat records (the origins of an import: IRI → file, line,
    column) as ``[keys, column, column, ...]``: a fraction of the bytes, read in bulk."""
    if len(value) < 64:
        return None
    kinds = {type(v) for v in value.values()}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if not dataclasses.is_dataclass(kind):
        return None
    names = [f.name for f in dataclasses.fields(kind)]
    columns = [[getattr(v, n) for v in value.values()] for n in names]
    if not all(type(x) in (str, int, float, bool) for col in columns for x in col):
        return None
    return [list(value), *(_shared(col) for col in columns)]


def _shared(column: list[Any]) -> Any:
    """A column of few distinct strings (the file of every origin) as ``{"values", "index"}``."""
    if not all(type(x) is str for x in column):
        return column
    values = list(dict.fromkeys(column))
    if len(values) * 4 > len(column):
        return column
    number = {v: i for i, v in enumerate(values)}
    return {"values": values, "index": [number[x] for x in column]}


def encode_source(doc: SourceDoc) -> bytes:
    """A parsed YAML file as JSON; dates are listed as (path, kind) and restored on reading."""
    dates: list[list[Any]] = []
    _find_dates(doc.data, [], dates)
    payload = {
        "path": str(doc.path),
        "name": doc.name,
        "data": doc.data,
        "dates": dates,
        "paths": [list(k) for k in doc.positions],
        "lines": [v[0] for v in doc.positions.values()],
        "cols": [v[1] for v in doc.positions.values()],
        "keys": [doc.key_positions.get(k, (0, 0)) for k in doc.positions],
    }
    return json.dumps(payload, default=_json_scalar, separators=(",", ":")).encode()


def decode_source(body: bytes) -> SourceDoc:
    """The inverse of :func:`encode_source`; CodecError when the body is not one."""
    try:
        payload = json.loads(body)
        data = payload["data"]
        for path, kind in payload["dates"]:
            data = _restore_date(data, path, kind)
        paths: list[KeyPath] = list(map(tuple, payload["paths"]))
        lines, cols, keys = payload["lines"], payload["cols"], payload["keys"]
        return SourceDoc(
            path=Path(expect(payload["path"], str)),
            name=expect(payload["name"], str),
            data=data,
            positions=dict(zip(paths, zip(lines, cols, strict=True), strict=True)),
            key_positions={p: (k[0], k[1]) for p, k in zip(paths, keys, strict=True) if k[0]},
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise CodecError(f"not a cached YAML file: {exc}") from exc


def _json_scalar(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"the build cache cannot store a {type(value).__name__} from YAML")


def _find_dates(value: Any, path: list[str | int], out: list[list[Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _find_dates(v, [*path, k], out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _find_dates(v, [*path, i], out)
    elif isinstance(value, dt.date):
        out.append([path, "datetime" if isinstance(value, dt.datetime) else "date"])


def _restore_date(data: Any, path: list[Any], kind: str) -> Any:
    cls = dt.datetime if kind == "datetime" else dt.date
    if not path:
        return cls.fromisoformat(data)
    holder = data
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = cls.fromisoformat(holder[path[-1]])
    return data


__all__ = ["CodecError", "decode", "decode_source", "encode", "encode_source"]
