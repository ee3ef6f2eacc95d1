"""Stage 2, part 1: parse reference files (countries, regions, agents, treaties, sources)."""

from __future__ import annotations

import re

from kg.core.errors import Location, RecordError
from kg.core.vocab import looks_like_url
from kg.source.assessment import ASSESSMENT_KEYS, parse_assessment
from kg.source.draft import draft_sources
from kg.source.loader import SourceDoc
from kg.source.reader import Obj, next_year
from kg.source.records import (
    Agent,
    Country,
    Records,
    Region,
    Source,
    Treaty,
    Vocabulary,
    blame,
    ref,
    unique,
)

REFERENCE_KEYS = ("countries", "regions", "agents", "treaties", "sources")
_ALPHA3 = re.compile(r"^[A-Z]{3}$")
_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_M49 = re.compile(r"^[0-9]{3}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def parse_records(docs: list[SourceDoc], vocab: Vocabulary) -> Records:
    """Parse reference files first, then assessments, checking every reference.

    Raises:
        RecordError: with ``path:line:col`` for the first problem found.
    """
    records = Records()
    seen: dict[str, dict[str, Location]] = {k: {} for k in REFERENCE_KEYS}
    assessment_docs: list[SourceDoc] = []
    for doc in docs:
        if isinstance(doc.data, dict) and "assessment" in doc.data:
            assessment_docs.append(doc)
        else:
            _parse_reference(doc, records, vocab, seen)
    for item in draft_sources(assessment_docs):
        sid = str(item.data.get("id"))
        if sid not in records.sources:  # a reference definition wins over a draft's
            records.sources[sid] = _source(item, vocab)
    _check_reference(records)
    assessed: dict[tuple[str, str], Location] = {}
    for doc in assessment_docs:
        assessment = parse_assessment(doc, records, vocab)
        key = (assessment.source, assessment.country)
        if key in assessed:
            where, first = blame(assessed[key], assessment.where)
            raise RecordError(
                f"source '{key[0]}' already has an assessment of {key[1]}",
                where=where,
                hint=f"first at {first}",
            )
        assessed[key] = assessment.where
        records.assessments.append(assessment)
    return records


def _pattern(obj: Obj, key: str, pattern: re.Pattern[str], example: str) -> str | None:
    value = obj.string(key, required=False)
    if value is not None and not pattern.match(value):
        raise RecordError(
            f"'{key}' in {obj.what} must look like {example}, not '{value}'", where=obj.loc(key)
        )
    return value


def _parse_reference(
    doc: SourceDoc, records: Records, vocab: Vocabulary, seen: dict[str, dict[str, Location]]
) -> None:
    top = Obj(doc, (), "a data file", (*REFERENCE_KEYS, *ASSESSMENT_KEYS))
    extra = [k for k in top.data if k not in REFERENCE_KEYS]
    if extra:
        raise RecordError(
            f"'{extra[0]}' belongs in an assessment file, which needs an 'assessment' key",
            where=doc.loc((extra[0],), key=True),
            hint="see data/README.md",
        )
    for item in top.objs(
        "countries",
        "a country",
        ("code", "alpha2", "numeric", "name", "official_name", "alt_names", "region", "lat", "lon"),
    ):
        code = _pattern(item, "code", _ALPHA3, "an ISO 3166-1 alpha-3 code such as PRK")
        if code is None:
            item.req_string("code")
        assert code is not None
        unique(item, "code", seen["countries"], code, "country code")
        lat, lon = item.number("lat"), item.number("lon")
        for key, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
            if value is not None and not -bound <= value <= bound:
                raise RecordError(f"'{key}' must be within ±{bound}", where=item.loc(key))
        records.countries[code] = Country(
            code=code,
            alpha2=_pattern(item, "alpha2", _ALPHA2, "an ISO alpha-2 code such as KP"),
            numeric=_pattern(item, "numeric", re.compile(r"^[0-9]{3}$"), 'a code such as "408"'),
            name=item.req_string("name"),
            official_name=item.string("official_name", required=False),
            alt_names=tuple(item.str_list("alt_names")),
            region=_pattern(item, "region", _M49, 'an M49 code such as "030"'),
            lat=lat,
            lon=lon,
            where=item.loc(),
        )
    for item in top.objs("regions", "a region", ("id", "m49", "name", "parent")):
        rid = item.slug("id")
        assert rid is not None
        unique(item, "id", seen["regions"], rid, "region id")
        m49 = _pattern(item, "m49", _M49, 'an M49 code such as "150"')
        if m49 is None:
            item.req_string("m49")
        assert m49 is not None
        records.regions[rid] = Region(
            id=rid,
            m49=m49,
            name=item.req_string("name"),
            parent=_pattern(item, "parent", _M49, 'an M49 code such as "001"'),
            where=item.loc(),
        )
    for item in top.objs("agents", "an agent", ("id", "name", "issues_tiers", "homepage")):
        aid = item.slug("id")
        assert aid is not None
        unique(item, "id", seen["agents"], aid, "agent id")
        records.agents[aid] = Agent(
            id=aid,
            name=item.req_string("name"),
            issues_tiers=bool(item.boolean("issues_tiers")),
            homepage=item.url("homepage"),
            where=item.loc(),
        )
    for item in top.objs(
        "treaties", "a treaty", ("id", "title", "short_name", "adopted", "in_force")
    ):
        tid = item.slug("id")
        assert tid is not None
        unique(item, "id", seen["treaties"], tid, "treaty id")
        adopted, in_force = item.date("adopted"), item.date("in_force")
        if adopted is not None and in_force is not None and in_force < adopted:
            raise RecordError(
                f"'in_force' ({in_force}) is before 'adopted' ({adopted})",
                where=item.loc("in_force"),
                hint="a treaty enters into force after it is adopted",
            )
        records.treaties[tid] = Treaty(
            id=tid,
            title=item.req_string("title"),
            short_name=item.string("short_name", required=False),
            adopted=adopted,
            in_force=in_force,
            where=item.loc(),
        )
    source_keys = (
        "id", "title", "doc_type", "reliability", "publisher", "issued", "year", "license",
        "identifier", "sha256", "note",
    )  # fmt: skip
    for item in top.objs("sources", "a source", source_keys):
        sid = item.slug("id")
        assert sid is not None
        unique(item, "id", seen["sources"], sid, "source id")
        records.sources[sid] = _source(item, vocab)


def _source(item: Obj, vocab: Vocabulary) -> Source:
    sid = item.slug("id")
    assert sid is not None
    item.req_string("doc_type")
    item.req_string("reliability")
    return Source(
        id=sid,
        title=item.req_string("title"),
        doc_type=item.choice("doc_type", vocab["doc-types"], "document type"),
        reliability=item.choice("reliability", vocab["reliability-levels"], "reliability"),
        publisher=item.string("publisher", required=False),
        issued=item.date("issued"),
        year=item.integer("year", minimum=1900, maximum=next_year()),
        license=_license(item),
        identifier=item.string("identifier", required=False),
        sha256=_pattern(item, "sha256", _SHA256, "64 lower-case hex digits"),
        note=item.string("note", required=False),
        where=item.loc(),
    )


def _license(item: Obj) -> str | None:
    """A licence written as a URL (checked: it becomes an IRI) or in words (kept as text)."""
    text = item.string("license", required=False)
    if text is not None and looks_like_url(text):
        return item.url("license")
    return text


def _check_reference(records: Records) -> None:
    """Check references between reference records once every file is read."""
    m49s = {r.m49: r for r in records.regions.values()}
    for region in records.regions.values():
        if region.parent is not None and region.parent not in m49s:
            raise RecordError(f"unknown parent region '{region.parent}'", where=region.where)
    for country in records.countries.values():
        if country.region is not None and country.region not in m49s:
            raise RecordError(
                f"country {country.code} names unknown region '{country.region}'",
                where=country.where,
            )
    for source in records.sources.values():
        if source.publisher is not None and source.publisher not in records.agents:
            raise RecordError(
                f"source '{source.id}' names unknown publisher '{source.publisher}'",
                where=source.where,
                hint="add it to the agents list",
            )


__all__ = ["parse_records", "ref"]
