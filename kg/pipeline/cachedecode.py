"""Reading cache entries back: JSON data decoded by following the type annotations of the class
it must become (see :mod:`kg.pipeline.cachecodec`), so a decoded entry only ever holds the types
kg itself declared. Data that does not fit is a ``CodecError`` (a cache miss, never a crash)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any


class CodecError(ValueError):
    """An entry does not match the type it should decode to (a miss, never a crash)."""


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
        return lambda data: Path(expect(data, str))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp)
    if origin is list:
        item = _item_decoder(args[0])
        return lambda data: [item(x) for x in expect(data, list)]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = decoder(args[0])
        return lambda data: tuple(item(x) for x in expect(data, list))
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
                return wrap({k: value(v) for k, v in expect(data, dict).items()})

            return decode_map
        return lambda data: wrap(
            {key(k): value(v) for k, v in (_sized(p, 2) for p in expect(data, list))}
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
        keys = expect(keys, list)
        columns = [_unshare(c) for c in columns]
        for check, column in zip(checks, columns, strict=True):
            if len(expect(column, list)) != len(keys):
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


def expect(data: Any, kind: type) -> Any:
    """``data`` when it is a ``kind``; CodecError otherwise."""
    if not isinstance(data, kind):
        raise CodecError(f"expected {kind.__name__}, found {type(data).__name__}")
    return data


def _sized(data: Any, size: int) -> list[Any]:
    items: list[Any] = expect(data, list)
    if len(items) != size:
        raise CodecError(f"expected {size} items, found {len(items)}")
    return items


def _iso(kind: type[dt.date], data: Any) -> Any:
    try:
        return kind.fromisoformat(expect(data, str))
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
