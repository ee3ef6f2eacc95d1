"""The ``draft:`` block of a machine-extracted assessment file (data/README.md, "Machine-
extracted drafts"): which tool and version made it, from which text, and whether a person has
reviewed it. A draft may also define its own source, used when no reference file does."""

from __future__ import annotations

import datetime as dt
import json
import re

from kg.core.errors import Location, RecordError
from kg.source.loader import SourceDoc
from kg.source.reader import Obj
from kg.source.records import Draft, Records, ref

DRAFT_KEYS = (
    "extracted_by",
    "version",
    "text",
    "text_sha256",
    "review",
    "reviewer",
    "reviewed_on",
    "source",
    "evidence",
    "notes",
)
REVIEW_STATES = ("unreviewed", "reviewed")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]*$")


def parse_draft(top: Obj, records: Records) -> Draft | None:
    """Parse and check the ``draft:`` block of an assessment file, if it has one."""
    d = top.obj("draft", "the draft block", DRAFT_KEYS)
    if d is None:
        return None
    version = d.req_string("version")
    if not _VERSION.match(version):
        raise RecordError(
            f"'version' must look like 1.0.0, not '{version}'", where=d.loc("version")
        )
    sha = d.req_string("text_sha256")
    if not _SHA256.match(sha):
        raise RecordError(
            "'text_sha256' must be 64 lower-case hex digits", where=d.loc("text_sha256")
        )
    review = d.req_string("review")
    if review not in REVIEW_STATES:
        raise RecordError(
            f"unknown review state '{review}'",
            where=d.loc("review"),
            hint="valid: unreviewed, reviewed",
        )
    reviewer = ref(d, "reviewer", records.agents, "agent") if d.has("reviewer") else None
    reviewed_on = d.date("reviewed_on")
    if review == "reviewed" and (reviewer is None or reviewed_on is None):
        raise RecordError(
            "a reviewed draft needs 'reviewer' (an agent id) and 'reviewed_on' (a date)",
            where=d.loc("review"),
            hint="for example reviewer: kg-curators, reviewed_on: 2026-05-20",
        )
    if reviewed_on is not None and reviewed_on > dt.date(2100, 1, 1):
        raise RecordError("'reviewed_on' is not a plausible date", where=d.loc("reviewed_on"))
    evidence = d.obj(
        "evidence", "the draft's evidence", ("profile_roles", "forms", "victims", "year")
    )
    if evidence is not None:
        for key in ("profile_roles", "forms", "victims"):
            inner = evidence.obj(key, f"evidence.{key}", _keys(evidence, key))
            if inner is not None:
                for name in inner.data:
                    inner.string(name)
        evidence.string("year", required=False)
    return Draft(
        extracted_by=d.req_string("extracted_by"),
        version=version,
        text=d.string("text", required=False),
        text_sha256=sha,
        review=review,
        reviewer=reviewer,
        reviewed_on=reviewed_on,
        notes=tuple(d.str_list("notes")),
        where=d.loc(),
    )


def _keys(obj: Obj, key: str) -> tuple[str, ...]:
    value = obj.data.get(key)
    return tuple(str(k) for k in value) if isinstance(value, dict) else ()


def draft_sources(docs: list[SourceDoc]) -> list[Obj]:
    """The ``draft.source`` mappings of assessment files, identical repeats removed.

    Raises:
        RecordError: when two drafts define the same source id differently.
    """
    out: list[Obj] = []
    first: dict[str, tuple[str, Location]] = {}
    for doc in docs:
        draft = doc.data.get("draft") if isinstance(doc.data, dict) else None
        if not isinstance(draft, dict) or not isinstance(draft.get("source"), dict):
            continue
        item = Obj(
            doc,
            ("draft", "source"),
            "a draft's source",
            (
                "id",
                "title",
                "doc_type",
                "reliability",
                "publisher",
                "issued",
                "year",
                "license",
                "identifier",
                "sha256",
                "note",
            ),
        )
        sid = item.slug("id")
        assert sid is not None
        body = json.dumps(item.data, sort_keys=True, default=str)
        if sid in first:
            if first[sid][0] != body:
                raise RecordError(
                    f"draft source '{sid}' differs from its definition at {first[sid][1]}",
                    where=item.loc("id"),
                    hint="give each source one definition",
                )
            continue
        first[sid] = (body, item.loc())
        out.append(item)
    return out


__all__ = ["DRAFT_KEYS", "REVIEW_STATES", "draft_sources", "parse_draft"]
