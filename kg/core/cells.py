"""CSV cells that a spreadsheet opens as text, never as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some versions, a tab or carriage return before one) as a formula: text such as
``=HYPERLINK("http://…","click")`` or ``=cmd|' /C calc'!A0`` in a source title or an imported
value would run when an analyst opens kg's CSV. Such a cell is written with a leading ``'``
(OWASP's advice), which spreadsheets show as the text itself; numbers (``-5``, ``+1.5e3``)
stay as they are.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet evaluates (see the module docstring)."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


__all__ = ["spreadsheet_safe"]
