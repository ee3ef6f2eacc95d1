"""Errors a user can cause, the places they point at, and the process exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes of the ``kg`` command, documented in the README."""

    OK = 0
    ERROR = 1  # bad input: the user can fix it
    USAGE = 2  # bad command line (click's own code)
    NONCONFORMANT = 3  # the graph does not conform to the SHACL shapes
    CLOSED_PIPE = 141  # the reader of stdout went away (kg ... | head): 128 + SIGPIPE, as cat


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file: 1-based line and column."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


def display_path(path: Path | str) -> str:
    """Return ``path`` relative to the working directory when it lies below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link loop, or a name too long
        return str(p)


class KGError(Exception):
    """Base class of every error a user can cause; shown as one line without a traceback."""

    def __init__(self, message: str, *, where: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = self.message if self.where is None else f"{self.where}: {self.message}"
        return printable(text if not self.hint else f"{text} ({self.hint})")


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control and bidi characters written as escapes (``\\x1b``), so that a
    message quoting user input can neither drive a terminal nor disguise itself."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


class SourceError(KGError):
    """An input file cannot be read or parsed."""


class RecordError(KGError):
    """A parsed record breaks the data format (keys, types, references)."""


class ConfigError(KGError):
    """A setting or build configuration is wrong."""


class QueryError(KGError):
    """A query cannot be found, parsed or bound."""


class ImportError_(KGError):
    """A dataset cannot be imported."""


class RemoteError(KGError):
    """A remote SPARQL endpoint or graph store failed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        where: Location | None = None,
        hint: str | None = None,
    ):
        super().__init__(message, where=where, hint=hint)
        self.status = status


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """Return a ``did you mean`` hint for ``word`` among ``choices``, or None."""
    import difflib

    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return None


def choices_hint(word: str, choices: Iterable[str], *, limit: int = 12) -> str:
    """Return a hint naming the closest choice, or listing valid choices."""
    options = sorted(set(choices))
    close = did_you_mean(word, options)
    if close:
        return close
    shown = ", ".join(options[:limit])
    more = f", … ({len(options)} in all)" if len(options) > limit else ""
    return f"valid: {shown}{more}"
