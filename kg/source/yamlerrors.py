"""libyaml's error messages rewritten in plain words, pointing where the problem starts.

libyaml reports where the parser gave up (``found unexpected end of stream`` points past the
end of the file for a quote that was never closed). Each kind of error is told here as what
is wrong and where it begins: the opening quote or bracket, the tab, the second document, the
key that is indented wrongly, the text that holds an unquoted ``": "`` (the errors of layout:
``kg.source.yamllayout``).
"""

from __future__ import annotations

import unicodedata

import yaml

from kg.core.errors import Location, SourceError
from kg.source.yamllayout import Layout


def yaml_error(exc: yaml.YAMLError, text: str, name: str) -> SourceError:
    """One line for any PyYAML/libyaml error in ``text`` (the file ``name``)."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_error(exc, text, name)
    if not isinstance(exc, yaml.MarkedYAMLError):  # pragma: no cover - every other is marked
        return SourceError(f"invalid YAML: {str(exc).splitlines()[0]}", where=Location(name))
    lines = text.splitlines() or [""]
    rule = _Rule(exc, lines, name)
    return rule.explain()


def _reader_error(exc: yaml.reader.ReaderError, text: str, name: str) -> SourceError:
    position = exc.position if isinstance(exc.position, int) else 0
    before = text[:position]
    line = before.count("\n") + 1
    col = position - (before.rfind("\n") + 1) + 1
    char = exc.character
    code = ord(char) if isinstance(char, str) and len(char) == 1 else char
    label = f"U+{code:04X} ({char_name(chr(code))})" if isinstance(code, int) else repr(char)
    return SourceError(
        f"the file contains the control character {label}, which YAML does not allow",
        where=Location(name, line, col),
        hint="remove it; only tabs and line breaks may appear in text",
    )


class _Rule(Layout):
    """Pick the explanation for one marked error."""

    def __init__(self, exc: yaml.MarkedYAMLError, lines: list[str], name: str) -> None:
        super().__init__(lines, name)
        self.exc = exc
        self.problem = exc.problem or ""
        self.context = exc.context or ""
        self.pmark = exc.problem_mark or exc.context_mark
        self.cmark = exc.context_mark or exc.problem_mark

    def explain(self) -> SourceError:
        p, c = self.pmark, self.cmark
        pl, pc = (p.line, p.column) if p is not None else (0, 0)
        cl, cc = (c.line, c.column) if c is not None else (pl, pc)
        problem, context = self.problem, self.context
        char = self.line(pl)[pc : pc + 1]
        if "quoted scalar" in context and "end of stream" in problem:
            quote = self.line(cl)[cc : cc + 1] or '"'
            return self.fail(
                f"the quoted text that starts here is never closed (no matching {quote})",
                cl,
                cc,
                f"add the closing {quote} at the end of the text",
            )
        if "single document" in context:
            return self.fail(
                "a second YAML document starts here; a kg data file holds one document",
                pl,
                pc,
                "remove the '---' or '...' line, or move the rest into a file of its own",
            )
        if "tab character" in problem or ("cannot start any token" in problem and char == "\t"):
            return self.fail(
                "a tab is used for indentation; YAML indents with spaces only",
                pl,
                pc,
                "replace the tab with spaces",
            )
        if "cannot start any token" in problem:
            return self.fail(
                f"text cannot start with {char!r} unless it is quoted",
                pl,
                pc,
                f'put the value in quotes, e.g. "{self.line(pl)[pc:].strip()[:30]}"',
            )
        if "mapping values are not allowed" in problem:
            return self._colon(pl, pc)
        if "block sequence entries are not allowed" in problem:
            return self.fail(
                "a list item ('- ') cannot follow a key on the same line",
                pl,
                pc,
                "put each item on its own line below the key, indented, or write [a, b]",
            )
        if "flow sequence" in context or "flow mapping" in context:
            opener, closer = ("[", "]") if "sequence" in context else ("{", "}")
            return self.fail(
                f"the '{opener}' opened here is not closed with '{closer}'",
                cl,
                cc,
                f"close it with '{closer}' and separate the items with commas",
            )
        if "unknown escape character" in problem:
            escape = self.line(pl)[pc : pc + 2]
            return self.fail(
                f"'{escape}' is not an escape sequence YAML knows in double quotes",
                pl,
                pc,
                "write \\\\ for a backslash, or use single quotes",
            )
        if "tag handle" in problem:
            return self.fail(
                "YAML tags ('!...') are not allowed",
                pl,
                pc,
                "write a plain value, quoting text; tags are rejected",
            )
        if "nesting depth" in problem:
            return self.fail(
                "the data is nested more than 1000 levels deep",
                pl,
                pc,
                "kg data files are a few levels deep; see data/README.md",
            )
        if "incompatible YAML document" in problem:
            return self.fail(
                "this YAML version directive is not supported",
                pl,
                pc,
                "remove the %YAML line; kg reads YAML 1.1 files",
            )
        if "expected ':'" in problem and "simple key" in context:
            word = self.line(cl).strip()[:40]
            return self.fail(
                f"'{word}' is neither 'key: value' nor a list item (no ':' follows it)",
                cl,
                cc,
                "add ': value', or indent it under the key whose text it continues",
            )
        if (
            "expected key" in problem
            or "expected '-'" in problem
            or "expected <block end>" in (problem)
        ):
            return self._structure(pl, pc, cl, cc)
        return self.fail(f"invalid YAML: {problem or context}", pl, pc)


_CONTROL_NAMES = {0: "NULL", 7: "BELL", 8: "BACKSPACE", 0x1B: "ESCAPE", 0x7F: "DELETE"}


def char_name(char: str) -> str:
    """The Unicode name of a character; controls, which have none, by their usual name."""
    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code, "")
    if not name:
        name = "a C0 control" if code < 0x20 else "a C1 control" if code < 0xA0 else "unnamed"
    return name


__all__ = ["char_name", "yaml_error"]
