"""The YAML errors that come from the layout of the lines, in plain words (for
``kg.source.yamlerrors``): a key indented more or less than the keys beside it, a list item that
lines up with no list, text after a closing quote, and text holding an unquoted ``": "``, which
YAML reads as a new key. Each points where the problem begins, not where libyaml gave up."""

from __future__ import annotations

import re

from kg.core.errors import Location, SourceError

_TOKEN = re.compile(r"(\s*)(?:-\s+)?([\w.-]+)\s*")
_KEY_AT = re.compile(r"^(\s*)(?:-\s+)*([^\s:#'\"\[\]{}][^:#]*?):(?:\s|$)")


class Layout:
    """The lines of a file, and the explanations of errors in their layout."""

    def __init__(self, lines: list[str], name: str) -> None:
        self.lines, self.name = lines, name

    def at(self, line: int, col: int) -> Location:
        return Location(self.name, line + 1, col + 1)

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def fail(self, message: str, line: int, col: int, hint: str | None = None) -> SourceError:
        return SourceError(message, where=self.at(line, col), hint=hint)

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


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _key_column(text: str, key: re.Match[str]) -> int:
    return key.start(2)


def _value_column(text: str, key: re.Match[str]) -> int:
    rest = text[key.end() :]
    return key.end() + len(rest) - len(rest.lstrip())
