"""Typed, position-aware access to parsed YAML mappings (used by the records stage)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kg.core.errors import RecordError, choices_hint, did_you_mean
from kg.core.vocab import iri_problem
from kg.source.loader import KeyPath, SourceDoc

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: The earliest year an assessment or a flow may refer to.
FIRST_YEAR = 1990


def next_year() -> int:
    """The latest year data may refer to: next year, from today's date."""
    return dt.date.today().year + 1


_TYPE_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a mapping",
    dt.date: "a date",
    type(None): "empty",
}


def type_name(value: Any) -> str:
    """Name the YAML type of ``value`` for an error message."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class Obj:
    """A YAML mapping with a known set of keys; every accessor reports errors with a place."""

    def __init__(self, doc: SourceDoc, path: KeyPath, what: str, keys: Iterable[str]):
        self.doc, self.path, self.what = doc, path, what
        value = self._at(path)
        if not isinstance(value, dict):
            raise RecordError(
                f"{what} must be a mapping, not {type_name(value)}", where=doc.loc(path)
            )
        self.data: dict[str, Any] = value
        allowed = set(keys)
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(sorted(allowed))}"
                raise RecordError(
                    f"unknown key '{key}' in {what}",
                    where=doc.loc((*path, key), key=True),
                    hint=hint,
                )

    def _at(self, path: KeyPath) -> Any:
        value: Any = self.doc.data
        for part in path:
            value = value[part]
        return value

    def loc(self, key: str | None = None, *, index: int | None = None) -> Any:
        """Return the location of this mapping, one of its keys, or an item of a list key."""
        if key is None:
            return self.doc.loc(self.path)
        path: KeyPath = (*self.path, key) if index is None else (*self.path, key, index)
        return self.doc.loc(path)

    def has(self, key: str) -> bool:
        """Tell whether ``key`` is present and not null."""
        return self.data.get(key) is not None

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            raise RecordError(
                f"{self.what} is missing required key '{key}'",
                where=self.doc.loc(self.path),
                hint="see data/README.md",
            )
        return value

    def _typed(
        self, key: str, value: Any, kinds: tuple[type, ...], index: int | None = None
    ) -> Any:
        ok = False if isinstance(value, bool) and bool not in kinds else isinstance(value, kinds)
        if not ok:
            expected = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            label = key if index is None else f"{key}[{index}]"
            raise RecordError(
                f"'{label}' in {self.what} must be {expected}, not {type_name(value)}",
                where=self.loc(key, index=index),
                hint=_type_hint(value, kinds),
            )
        return value

    def string(self, key: str, *, required: bool = True) -> str | None:
        """Return a non-empty string value."""
        value = self._get(key, required)
        if value is None:
            return None
        text: str = self._typed(key, value, (str,))
        if not text.strip():
            raise RecordError(f"'{key}' in {self.what} is empty", where=self.loc(key))
        return text.strip()

    def req_string(self, key: str) -> str:
        """Return a required non-empty string value."""
        value = self.string(key)
        assert value is not None
        return value

    def slug(self, key: str, *, required: bool = True) -> str | None:
        """Return an identifier made of lower-case letters, digits and hyphens."""
        value = self.string(key, required=required)
        if value is not None and not SLUG.match(value):
            raise RecordError(
                f"'{key}' in {self.what} must be lower-case letters, digits and hyphens, "
                f"not '{value}'",
                where=self.loc(key),
                hint="identifiers become IRIs and must stay stable",
            )
        return value

    def integer(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
        hint: str | None = None,
    ) -> int | None:
        """Return an integer value, optionally bounded below and above."""
        value = self._get(key, required)
        if value is None:
            return None
        number: int = self._typed(key, value, (int,))
        low = minimum is not None and number < minimum
        high = maximum is not None and number > maximum
        if low or high:
            if minimum is not None and maximum is not None:
                bound = f"between {minimum} and {maximum}"
            else:
                bound = f"at least {minimum}" if low else f"at most {maximum}"
            raise RecordError(
                f"'{key}' in {self.what} must be {bound}, not {number}",
                where=self.loc(key),
                hint=hint,
            )
        return number

    def year(self, key: str, what: str, *, first: int = FIRST_YEAR) -> int | None:
        """Return a year from ``first`` (1990) to next year (computed from today's date)."""
        return self.integer(
            key, minimum=first, maximum=next_year(), hint=f"{what}, written like 2019"
        )

    def number(self, key: str, *, required: bool = False) -> float | None:
        """Return a number (integer or decimal)."""
        value = self._get(key, required)
        if value is None:
            return None
        return float(self._typed(key, value, (int, float)))

    def boolean(self, key: str, *, required: bool = False) -> bool | None:
        """Return a boolean value (YAML true/false)."""
        value = self._get(key, required)
        if value is None:
            return None
        result: bool = self._typed(key, value, (bool,))
        return result

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        """Return a date written as YYYY-MM-DD (no time of day), not after next year."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, str):  # quoted, or not a date YAML reads (10000-01-01, 2019-6-1 …)
            flat = " ".join(value.split())  # a block scalar's line breaks stay off the line
            shown = flat if len(flat) <= 40 else f"{flat[:37]}…"
            raise RecordError(
                f"'{key}' in {self.what} must be a date, not the text '{shown}'",
                where=self.loc(key),
                hint="write the date without quotes as YYYY-MM-DD, a four-digit year, "
                "e.g. 2019-06-20",
            )
        result: dt.date = self._typed(key, value, (dt.date,))
        if isinstance(result, dt.datetime):
            raise RecordError(
                f"'{key}' in {self.what} must be a date without a time of day",
                where=self.loc(key),
                hint=f"write {result.date().isoformat()}",
            )
        if result.year > next_year():
            raise RecordError(
                f"'{key}' in {self.what} is in the future ({result.isoformat()})",
                where=self.loc(key),
                hint="write the date as YYYY-MM-DD",
            )
        return result

    def url(self, key: str, *, required: bool = False) -> str | None:
        """Return an absolute URL (an IRI) checked where it is read: a scheme, and none of
        the characters an IRI cannot hold (space, <>"{}|\\^` and controls)."""
        value = self.string(key, required=required)
        if value is None:
            return None
        problem = iri_problem(value)
        if problem is not None:
            raise RecordError(
                f"'{key}' in {self.what} is not a valid URL: {problem}",
                where=self.loc(key),
                hint="write an absolute URL such as https://example.org/page, with %20 for a space",
            )
        return value

    def str_list(self, key: str, *, required: bool = False) -> list[str]:
        """Return a list of strings; a single string is accepted as a one-item list."""
        value = self._get(key, required)
        if value is None:
            return []
        if isinstance(value, str):
            return [self.req_string(key)]
        items: list[Any] = self._typed(key, value, (list,))
        if required and not items:
            raise RecordError(f"'{key}' in {self.what} must not be empty", where=self.loc(key))
        out = [self._typed(key, item, (str,), index=i).strip() for i, item in enumerate(items)]
        seen: dict[str, int] = {}
        for i, item in enumerate(out):
            if item in seen:
                raise RecordError(
                    f"'{item}' is listed twice in '{key}'",
                    where=self.loc(key, index=i),
                    hint=f"first at item {seen[item] + 1}; list each once",
                )
            seen[item] = i
        return out

    def objs(self, key: str, what: str, keys: Iterable[str]) -> list[Obj]:
        """Return the mappings of a list-of-mappings value."""
        value = self._get(key, False)
        if value is None:
            return []
        self._typed(key, value, (list,))
        keyset = tuple(keys)
        return [Obj(self.doc, (*self.path, key, i), what, keyset) for i in range(len(value))]

    def obj(
        self, key: str, what: str, keys: Iterable[str], *, required: bool = False
    ) -> Obj | None:
        """Return a nested mapping value."""
        if self._get(key, required) is None:
            return None
        return Obj(self.doc, (*self.path, key), what, keys)

    def choice(
        self, key: str, valid: Mapping[str, str], kind: str, *, index: int | None = None
    ) -> str:
        """Map a short name (``tier-3``) to its IRI, or fail listing the valid names."""
        value = self.data[key] if index is None else self.data[key][index]
        if value not in valid:
            raise RecordError(
                f"unknown {kind} '{value}'",
                where=self.loc(key, index=index),
                hint=choices_hint(str(value), valid),
            )
        return valid[value]


def _type_hint(value: Any, kinds: tuple[type, ...]) -> str | None:
    if isinstance(value, str) and int in kinds:
        return "write numbers without quotes or thousands separators, e.g. 50000"
    if isinstance(value, str) and bool in kinds:
        return "write true or false without quotes"
    if isinstance(value, dict) and str in kinds and len(value) == 1:
        return "text that holds ': ' must be quoted, e.g. \"Note: …\""
    if isinstance(value, bool) and str in kinds:
        return 'quote it: YAML reads yes/no/on/off/true/false as booleans, e.g. "NO"'
    if isinstance(value, int | float) and str in kinds:
        return 'quote codes that look like numbers, e.g. "150"'
    return None
