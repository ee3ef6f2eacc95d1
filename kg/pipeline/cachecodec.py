"""Cache entries as data that cannot run code: JSON decoded against declared types.

A value is written as plain JSON (dataclasses as arrays of their fields, dates as ISO strings,
tuples and lists as arrays, mappings with non-string keys as arrays of pairs) and read back by
following the type annotations of the class it must become, so a decoded entry only ever holds
the types kg itself declared. Nothing in an entry names a class or a function; a field that has
a type the codec does not know fails on writing, not silently on reading.

A parsed YAML file (:class:`~kg.source.loader.SourceDoc`) holds free-form data; its dates, the
only YAML values JSON has no type for, are listed by position and restored after decoding.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import types
import typing
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.source.loader import KeyPath, SourceDoc


class CodecError(ValueError):
    """An entry does not match the type it should decode to (a miss, never a crash)."""


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


def decode(data: Any, tp: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`encode`'s output; raise CodecError if the
    data does not fit the type."""
    return decoder(tp)(data)


Decoder = Callable[[Any], Any]


@functools.cache
def decoder(tp: Any) -> Decoder:
    """A function that decodes JSON data into ``tp``, compiled once per type."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _union([decoder(a) for a in args if a is not type(None)], type(None) in args)
    if tp in _SCALARS:
        return _SCALARS[tp]
    if tp in (dt.date, dt.datetime):
        return functools.partial(_iso, tp)
    if tp is Path:
        return lambda data: Path(_expect(data, str))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp)
    if origin is list:
        item = _item_decoder(args[0])
        return lambda data: [item(x) for x in _expect(data, list)]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = decoder(args[0])
        return lambda data: tuple(item(x) for x in _expect(data, list))
    if origin is tuple:
        items = [decoder(a) for a in args]
        return lambda data: tuple(
            f(x) for f, x in zip(items, _sized(data, len(items)), strict=True)
        )
    if origin in (dict, Counter):
        key, value = decoder(args[0]), decoder(args[1] if origin is dict else int)
        wrap: Callable[[dict[Any, Any]], Any] = Counter if origin is Counter else dict
        if args[0] is str:
            columns = _column_decoder(args[1]) if origin is dict else None

            def decode_map(data: Any) -> Any:
                if isinstance(data, list) and columns is not None:
                    return columns(data)
                return wrap({k: value(v) for k, v in _expect(data, dict).items()})

            return decode_map
        return lambda data: wrap(
            {key(k): value(v) for k, v in (_sized(p, 2) for p in _expect(data, list))}
        )
    raise TypeError(f"the build cache cannot read a {tp}")


def _column_decoder(tp: Any) -> Decoder | None:
    """Read :func:`_columns` output back into ``dict[str, tp]`` (a dataclass of scalars)."""
    if not (isinstance(tp, type) and dataclasses.is_dataclass(tp)):
        return None
    hints = typing.get_type_hints(tp)
    fields = [hints[f.name] for f in dataclasses.fields(tp)]
    if not all(f in _SCALARS for f in fields):
        return None
    checks = [_SCALARS[f] for f in fields]

    def decode_columns(data: Any) -> Any:
        keys, *columns = _sized(data, len(fields) + 1)
        keys = _expect(keys, list)
        columns = [_unshare(c) for c in columns]
        for check, column in zip(checks, columns, strict=True):
            if len(_expect(column, list)) != len(keys):
                raise CodecError("columns of different lengths")
            for x in column:
                check(x)
        if not all(type(k) is str for k in keys):
            raise CodecError("a key is not a string")
        return dict(zip(keys, map(tp, *columns), strict=True))

    return decode_columns


def _unshare(column: Any) -> Any:
    if not isinstance(column, dict):
        return column
    try:
        values, index = column["values"], column["index"]
        return [values[i] for i in index]
    except (KeyError, TypeError, IndexError) as exc:
        raise CodecError(f"not a column: {exc}") from exc


def _item_decoder(tp: Any) -> Decoder:
    """The decoder of a list's items; a list of a type the cache cannot hold (the quads of an
    import, stored apart as N-Quads) can still be read when it is empty."""
    try:
        return decoder(tp)
    except TypeError:
        return _unreadable


def _unreadable(data: Any) -> Any:
    raise CodecError(f"{data!r}: the build cache holds no such value")


def _union(options: list[Decoder], optional: bool) -> Decoder:
    def decode_union(data: Any) -> Any:
        if data is None and optional:
            return None
        for option in options:
            try:
                return option(data)
            except CodecError:
                continue
        raise CodecError(f"{data!r} fits no declared type")

    return decode_union


def _scalar(kind: type) -> Decoder:
    def decode_scalar(data: Any) -> Any:
        if type(data) is not kind:
            raise CodecError(f"expected {kind.__name__}, found {type(data).__name__}")
        return data

    return decode_scalar


def _float(data: Any) -> float:
    if type(data) not in (int, float):
        raise CodecError(f"{data!r} is not a number")
    return float(data)


def _none(data: Any) -> None:
    if data is not None:
        raise CodecError(f"{data!r} is not null")


_SCALARS: dict[Any, Decoder] = {
    bool: _scalar(bool),
    int: _scalar(int),
    str: _scalar(str),
    float: _float,
    type(None): _none,
}


def _expect(data: Any, kind: type) -> Any:
    if not isinstance(data, kind):
        raise CodecError(f"expected {kind.__name__}, found {type(data).__name__}")
    return data


def _sized(data: Any, size: int) -> list[Any]:
    items: list[Any] = _expect(data, list)
    if len(items) != size:
        raise CodecError(f"expected {size} items, found {len(items)}")
    return items


def _iso(kind: type[dt.date], data: Any) -> Any:
    try:
        return kind.fromisoformat(_expect(data, str))
    except ValueError as exc:
        raise CodecError(str(exc)) from exc


def _dataclass(cls: type) -> Decoder:
    """Dataclasses are written as arrays of their field values, in field order."""
    hints = typing.get_type_hints(cls)
    fields = [decoder(hints[f.name]) for f in dataclasses.fields(cls)]

    def decode_dataclass(data: Any) -> Any:
        values = _sized(data, len(fields))
        return cls(*[f(x) for f, x in zip(fields, values, strict=True)])

    return decode_dataclass


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
            path=Path(_expect(payload["path"], str)),
            name=_expect(payload["name"], str),
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
