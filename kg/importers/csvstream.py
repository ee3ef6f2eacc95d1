"""Streaming CSV reading for importers: row by row, hashed, with progress and locations."""

from __future__ import annotations

import csv
import hashlib
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from kg.core.errors import ImportError_, Location, display_path, printable
from kg.importers.common import ByteProgress, ImportReport
from kg.importers.regular import kind_of, open_regular, refusal, unreadable

#: Bytes one line of a CSV file may hold (a dataset row is a few hundred).
MAX_LINE = 1 << 20
#: Bytes one record (a row, over several lines when a quoted field holds line breaks) may hold.
MAX_RECORD = 1 << 17
#: What a file whose lines end in bare carriage returns (old Mac line endings) is told.
CR_HINT = "save the file with LF or CR LF line endings; quote a field that holds a line break"


def _bare_cr(raw: bytes) -> bool:
    """True when a line read up to LF holds a carriage return that does not end it (CR LF)."""
    return b"\r" in raw.rstrip(b"\r\n")


def _csv_error(exc: csv.Error, where: Location) -> ImportError_:
    """A csv module error in words of the file, not of Python's API."""
    if "new-line character seen in unquoted field" in str(exc):
        return ImportError_(
            "a line ends in a bare carriage return (CR), or an unquoted field holds one",
            where=where,
            hint=CR_HINT,
        )
    return ImportError_(f"bad CSV: {exc}", where=where)


class CsvStream:
    """Read a CSV file row by row, hashing it and reporting progress as bytes are read."""

    def __init__(self, path: Path, required: Sequence[str], progress: ByteProgress):
        self.path, self.required, self.progress = path, tuple(required), progress
        self.name = display_path(path)
        self._sha = hashlib.sha256()
        self.header: list[str] = []
        self._pending = 0  # bytes of the record being read
        self._record_start = 1
        if printable(self.name) != self.name:  # the name goes into locators and the report
            raise ImportError_(
                f"the file name {printable(self.name)} holds a control or bidi character",
                hint="rename the file",
            )
        try:
            st = path.stat()  # never open what is not a regular file: a FIFO blocks (regular)
        except OSError as exc:
            raise unreadable(self.name, exc) from exc
        if stat.S_ISDIR(st.st_mode):
            raise ImportError_(
                "this is a directory, not a CSV file",
                where=Location(self.name),
                hint="give the dataset's CSV file, e.g. DIR/data.csv",
            )
        if not stat.S_ISREG(st.st_mode):
            raise refusal(self.name, kind_of(st.st_mode))
        self.total = st.st_size

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes read so far (the whole file once rows are exhausted)."""
        return self._sha.hexdigest()

    def where(self, line: int, column: str | None = None) -> Location:
        """The location of a row (and column) in the file."""
        col = self.header.index(column) + 1 if column in self.header else 1
        return Location(self.name, line, col)

    def _lines(self, stream: IO[bytes]) -> Iterator[str]:
        done = 0
        for number, raw in enumerate(iter(lambda: stream.readline(MAX_LINE + 1), b""), 1):
            if len(raw) > MAX_LINE:  # read no further: a file of one endless line is no CSV
                raise ImportError_(
                    f"line {number} is longer than {MAX_LINE:,} bytes",
                    where=Location(self.name, number, 1),
                    hint=f"lines end in bare CRs? {CR_HINT}"
                    if _bare_cr(raw)
                    else "is this the dataset's CSV file?",
                )
            if not self._pending:
                self._record_start = number
            self._pending += len(raw)
            if self._pending > MAX_RECORD:  # whatever csv.field_size_limit says (it is global)
                raise ImportError_(
                    f"a CSV record of more than {MAX_RECORD:,} bytes starts here",
                    where=Location(self.name, self._record_start, 1),
                    hint=f"lines end in bare CRs? {CR_HINT}"
                    if _bare_cr(raw)
                    else "a quote that is never closed? dataset rows are a few hundred bytes",
                )
            self._sha.update(raw)
            done += len(raw)
            if number == 1 and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ImportError_(
                    "file is UTF-16 (it starts with a UTF-16 byte order mark)",
                    where=Location(self.name, 1, 1),
                    hint="save the file as UTF-8",
                )
            try:
                # A UTF-8 byte order mark (Excel's "CSV UTF-8") is not part of the header.
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ImportError_(
                    f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    where=Location(self.name, number, exc.start + 1),
                    hint="save the file as UTF-8",
                ) from exc
            if number % 4096 == 0:
                self.progress(done, self.total)
        self.progress(done, self.total)

    def rows(self, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line number, row) for every well-formed data row; count the others."""
        with open_regular(self.path, self.name) as stream:
            reader = csv.reader(self._lines(stream))
            try:
                first = next(reader)
                self._pending = 0
            except StopIteration:
                raise ImportError_(
                    "file is empty", where=Location(self.name, 1, 1), hint="expected a CSV header"
                ) from None
            except csv.Error as exc:
                raise _csv_error(exc, Location(self.name, 1, 1)) from exc
            self.header = [h.strip() for h in first]
            missing = [c for c in self.required if c not in self.header]
            if missing:
                raise ImportError_(
                    f"missing column '{missing[0]}'",
                    where=Location(self.name, 1, 1),
                    hint=f"the header has: {', '.join(self.header)}",
                )
            width = len(self.header)
            while True:
                try:
                    cells = next(reader)
                    self._pending = 0
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise _csv_error(exc, Location(self.name, reader.line_num, 1)) from exc
                if not cells:
                    continue
                report.rows_read += 1
                if len(cells) != width:
                    report.skip(f"malformed row (not {width} fields)", f"line {reader.line_num}")
                    continue
                yield reader.line_num, dict(zip(self.header, cells, strict=True))
