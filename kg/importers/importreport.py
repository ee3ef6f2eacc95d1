"""The report of an import: what it read, wrote and left out, and why, with examples; short
lines for a terminal (the largest reasons first) and every group in the report file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.core import vocab as V
from kg.core.errors import printable
from kg.source.countrymatch import NOT_COUNTRY_KINDS, REPAIRED, Resolution

#: Examples kept (and shown) per reason or group; the report file has every group.
EXAMPLES = 10
#: Reasons or groups shown per table on a terminal; the rest are counted in one line.
SHOWN = 10


@dataclass
class Tally:
    """A count with its examples: the first ``EXAMPLES`` distinct ones (shown on a terminal)
    and every later one (written to the report file only)."""

    count: int = 0
    examples: list[str] = field(default_factory=list)
    more: list[str] = field(default_factory=list)

    def add(self, example: str, n: int = 1) -> None:
        """Count ``n`` more and keep ``example``."""
        self.count += n
        if len(self.examples) < EXAMPLES:
            if example not in self.examples:
                self.examples.append(example)
        else:
            self.more.append(example)


@dataclass
class ImportReport:
    """What an import read, wrote and left out, and why."""

    kind: str
    source_id: str
    path: str
    rows_read: int = 0
    facts: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    triples: int = 0
    skipped: dict[str, Tally] = field(default_factory=dict)
    unmapped: dict[str, Tally] = field(default_factory=dict)
    not_countries: dict[str, Tally] = field(default_factory=dict)
    #: Values read as a country only after a repair (a leading number dropped, one edit).
    corrected: dict[str, Tally] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def skip(self, reason: str, example: str, n: int = 1) -> None:
        """Record ``n`` rows left out for ``reason``."""
        self.skipped.setdefault(reason, Tally()).add(example, n)

    def country(self, res: Resolution, role: str, line: int) -> str | None:
        """Return the code of a resolved country, or record why the value is not one."""
        shown = repr(res.value.strip())
        if res.code is not None:
            if res.how in REPAIRED:
                key = f"{role} {shown} read as {res.code} ({res.how})"
                self.corrected.setdefault(key, Tally()).add(f"line {line}")
            return res.code
        if res.kind in NOT_COUNTRY_KINDS:
            self.not_countries.setdefault(f"{role}: {res.kind}", Tally()).add(shown)
        else:
            detail = f" ({'/'.join(res.candidates)})" if res.candidates else ""
            self.unmapped.setdefault(f"{role} {shown}{detail}", Tally()).add(f"line {line}")
        return None

    @property
    def rows_skipped(self) -> int:
        """Rows that produced no fact (each row is counted under one reason)."""
        return sum(t.count for t in self.skipped.values())

    def lines(self) -> list[str]:
        """The report as short lines for a terminal: per table the largest ``SHOWN`` reasons
        or groups with up to ``EXAMPLES`` examples each, and one line for the rest (the
        report file, :meth:`as_dict`, lists them all)."""
        facts = ", ".join(f"{n} {k}" for k, n in sorted(self.facts.items())) or "none"
        out = [
            f"{self.kind} {self.path} → graph tkg:source-{V.slug(self.source_id)}: "
            f"{self.rows_read} rows read in {self.seconds:.2f} s, {self.triples} triples",
            f"  facts written: {facts}",
            f"  rows skipped: {self.rows_skipped}",
        ]
        # A count may name a value read from the file (a GEC code): never a raw control character.
        out[2:2] = [printable(f"  {k}: {n}") for k, n in sorted(self.counts.items())[:SHOWN]]
        if len(self.counts) > SHOWN:
            out.insert(2 + SHOWN, f"  … and {len(self.counts) - SHOWN} more counts")
        ranked = sorted(self.skipped.items(), key=lambda kv: (-kv[1].count, kv[0]))
        out.extend(_shown(ranked, "reasons", "rows", "; "))
        for title, table in (
            ("not countries", self.not_countries),
            ("unmapped", self.unmapped),
            ("read after a repair", self.corrected),
        ):
            total = sum(t.count for t in table.values())
            out.append(f"  {title}: {total} values in {len(table)} groups")
            ranked = sorted(table.items(), key=lambda kv: (-kv[1].count, kv[0]))
            out.extend(_shown(ranked, "groups", "values", ", "))
        out.extend(f"  note: {_clip(n)}" for n in self.notes[:SHOWN])
        if len(self.notes) > SHOWN:
            out.append(f"  … and {len(self.notes) - SHOWN} more notes")
        return out

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form of the report."""

        def table(d: dict[str, Tally]) -> dict[str, object]:
            return {
                k: {"count": t.count, "examples": t.examples + t.more} for k, t in sorted(d.items())
            }

        return {
            "kind": self.kind,
            "source_id": self.source_id,
            "path": self.path,
            "rows_read": self.rows_read,
            "rows_skipped": self.rows_skipped,
            "facts": dict(sorted(self.facts.items())),
            "counts": dict(sorted(self.counts.items())),
            "triples": self.triples,
            "skipped": table(self.skipped),
            "not_countries": table(self.not_countries),
            "unmapped": table(self.unmapped),
            "corrected": table(self.corrected),
            "notes": self.notes,
        }


def _shown(ranked: list[tuple[str, Tally]], what: str, unit: str, sep: str) -> list[str]:
    """The first ``SHOWN`` rows of a table, then one line counting the rest."""
    out = [
        f"    {t.count:>6}  {_clip(key)}  e.g. {_clip(sep.join(t.examples), 300)}"
        for key, t in ranked[:SHOWN]
    ]
    rest = ranked[SHOWN:]
    if rest:
        count = sum(t.count for _, t in rest)
        out.append(f"    … and {len(rest)} more {what} ({count} {unit}): see the report file")
    return out


def _clip(text: str, limit: int = 120) -> str:
    """One terminal line of at most ``limit`` characters, control characters escaped."""
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
