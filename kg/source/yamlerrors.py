"""libyaml's error messages rewritten in plain words, pointing where the problem starts.

libyaml reports where the parser gave up (``found unexpected end of stream`` points past the
end of the file for a quote that was never closed). Each kind of error is told here as what
is wrong and where it begins: the opening quote or bracket, the tab, the second document, the
key that is indented wrongly, the text that holds an unquoted ``": "``.
"""

from __future__ import annotations

import re
import unicodedata

import yaml

from kg.core.errors import Location, SourceError

_TOKEN = re.compile(r"(\s*)(?:-\s+)?([\w.-]+)\s*")
_KEY_AT = re.compile(r"^(\s*)(?:-\s+)*([^\s:#'\"\[\]{}][^:#]*?):(?:\s|$)")


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


class _Rule:
    """Pick the explanation for one marked error."""

    def __init__(self, exc: yaml.MarkedYAMLError, lines: list[str], name: str) -> None:
        self.exc, self.lines, self.name = exc, lines, name
        self.problem = exc.problem or ""
        self.context = exc.context or ""
        self.pmark = exc.problem_mark or exc.context_mark
        self.cmark = exc.context_mark or exc.problem_mark

    def at(self, line: int, col: int) -> Location:
        return Location(self.name, line + 1, col + 1)

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def fail(self, message: str, line: int, col: int, hint: str | None = None) -> SourceError:
        return SourceError(message, where=self.at(line, col), hint=hint)

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

    def _colon(self, pl: int, pc: int) -> SourceError:
        """``mapping values are not allowed``: an unquoted ': ' in text, a key indented more
        than the key above it, or a line of text above that is not 'key: value'."""
        if pc >= 1024:
            return self.fail(
                "this key is longer than the 1024 characters YAML allows, or it is text that "
                "holds ': '",
                pl,
                _indent(self.line(pl)),
                "shorten the key, or quote the text",
            )
        token = _TOKEN.fullmatch(self.line(pl)[:pc])
        above = self._previous(pl)
        if token is not None and above is not None:
            text = self.line(above)
            key = _KEY_AT.match(text)
            if key is None and not text.lstrip().startswith("-"):
                return self.fail(
                    f"'{text.strip()[:40]}' is neither 'key: value' nor a list item",
                    above,
                    _indent(text),
                    "add ': value' after it, or quote it",
                )
            indent = len(token.group(1))
            if key is not None and _key_column(text, key) < indent:
                column = _key_column(text, key)
                return self.fail(
                    f"'{token.group(2)}' is indented more than '{key.group(2)}' on line "
                    f"{above + 1}",
                    pl,
                    indent,
                    f"keys of one mapping start in the same column: put it in column {column + 1}",
                )
        line, col = self._text_start(pl, pc)
        key = _KEY_AT.match(self.line(line))
        example = f'{key.group(2)[:30]}: "…"' if key else '"…"'
        return self.fail(
            "this text contains ': ', which YAML reads as a new key; quote text that holds ': '",
            line,
            col,
            f"put the whole text in quotes, e.g. {example}",
        )

    def _previous(self, index: int) -> int | None:
        """The nearest line above ``index`` that is neither blank nor a comment."""
        for i in range(index - 1, -1, -1):
            text = self.line(i).strip()
            if text and not text.startswith("#"):
                return i
        return None

    def _key_above(self, pl: int) -> tuple[int, int, str] | None:
        """The nearest line above ``pl`` if it holds a key: (line, column, key)."""
        index = self._previous(pl)
        if index is None:
            return None
        match = _KEY_AT.match(self.line(index))
        if match is None:
            return None
        return index, _key_column(self.line(index), match), match.group(2)

    def _text_start(self, pl: int, pc: int) -> tuple[int, int]:
        """Where the plain text holding the ': ' at (pl, pc) starts: after the ``key: `` on
        its own line, or after the ``key: `` of the line above whose text it continues."""
        own = _KEY_AT.match(self.line(pl)[:pc])
        if own is not None:
            return pl, _value_column(self.line(pl), own)
        indent = _indent(self.line(pl))
        index = self._previous(pl)
        while index is not None:
            text = self.line(index)
            if _indent(text) < indent:
                key = _KEY_AT.match(text)
                if key is None:
                    break
                if text[key.end() :].strip():
                    return index, _value_column(text, key)
                after = index + 1
                while after < pl and not self.line(after).strip():
                    after += 1
                return after, _indent(self.line(after))
            index = self._previous(index)
        return pl, indent

    def _structure(self, pl: int, pc: int, cl: int, cc: int) -> SourceError:
        """A line that fits no mapping or list: wrong indentation, a stray list item, text
        after a closing quote."""
        text = self.line(pl)
        indent = _indent(text)
        if pc > indent:  # the problem is inside the line, after a complete value
            return self.fail(
                "unexpected text after the end of this value",
                pl,
                pc,
                "if it is one text, put all of it inside the quotes",
            )
        if text[indent:].startswith("-"):
            return self.fail(
                "this list item does not line up with any list above it",
                pl,
                pc,
                "indent it under its key, with the '- ' of every item in the same column",
            )
        if text[indent:].startswith(":"):
            return self.fail("a key is missing before ':'", pl, pc, "write 'key: value'")
        above = self._key_above(pl)
        word = text.strip().split(":")[0][:40]
        hint = "keys of one mapping start in the same column"
        if above is not None:
            hint += f": '{above[2]}' on line {above[0] + 1} starts in column {above[1] + 1}"
        return self.fail(
            f"the indentation of '{word}' (column {indent + 1}) matches no mapping above it",
            pl,
            pc,
            hint,
        )


_CONTROL_NAMES = {0: "NULL", 7: "BELL", 8: "BACKSPACE", 0x1B: "ESCAPE", 0x7F: "DELETE"}


def char_name(char: str) -> str:
    """The Unicode name of a character; controls, which have none, by their usual name."""
    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code, "")
    if not name:
        name = "a C0 control" if code < 0x20 else "a C1 control" if code < 0xA0 else "unnamed"
    return name


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _key_column(text: str, key: re.Match[str]) -> int:
    return key.start(2)


def _value_column(text: str, key: re.Match[str]) -> int:
    rest = text[key.end() :]
    return key.end() + len(rest) - len(rest.lstrip())


__all__ = ["char_name", "yaml_error"]
