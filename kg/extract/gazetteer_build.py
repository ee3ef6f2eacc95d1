"""Build the gazetteer from the reference data, the countryinfo package and the maintained list.

Precedence when two sources give the same form: ambiguous forms, maintained forms, names,
demonyms, alternative names, codes, regions (see :mod:`kg.extract.gazetteer`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from kg.extract import names as N
from kg.extract.errors import ExtractError
from kg.extract.gazetteer import DOMINANCE, Entry, Gazetteer, plurals
from kg.extract.tokens import split_words
from kg.source.records import Country, Region


def _region_variants(name: str) -> list[str]:
    """ "Western Africa" → "West Africa"; "South-eastern Asia" → "Southeast Asia" …"""
    out = [name]
    swaps = {"Western ": "West ", "Eastern ": "East ", "Northern ": "North ", "Southern ": "South "}
    for long, short in swaps.items():
        if name.startswith(long):
            out.append(short + name[len(long) :])
    if name.startswith("South-eastern "):
        rest = name[len("South-eastern ") :]
        out += [
            f"Southeast {rest}",
            f"South-East {rest}",
            f"South East {rest}",
            f"Southeastern {rest}",
        ]
    if name.startswith("Sub-Saharan"):
        out += ["sub-Saharan Africa", "Sub-Saharan", "sub-Saharan"]
    return out


def _adjective(name: str) -> str | None:
    """ "West Africa" → "West African"; "Europe" → "European"."""
    if name.endswith("a"):
        return name + "n"
    if name.endswith("Europe"):
        return name + "an"
    return None


def _countryinfo() -> dict[str, tuple[str, list[str], int]]:
    """ISO3 → (English short name, demonyms, population) from the countryinfo package."""
    try:
        folder = resources.files("countryinfo") / "data"
    except ModuleNotFoundError as exc:  # pragma: no cover - a declared dependency
        raise ExtractError(
            "the countryinfo package is missing", hint="pip install countryinfo"
        ) from exc
    out: dict[str, tuple[str, list[str], int]] = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".json"):
            continue
        try:
            data = json.loads(item.read_text(encoding="utf-8"))
        except ValueError:
            continue  # the package ships a few non-country files
        code = (data.get("ISO") or {}).get("alpha3") if isinstance(data, dict) else None
        if not code:
            continue
        raw = data.get("demonym") or ""
        parts = [p.strip() for p in raw.replace("/", ",").split(",") if p.strip()]
        name = str(data.get("name") or "").removeprefix("The ")
        out[code] = (name, parts, int(data.get("population") or 0))
    return out


def build_gazetteer(countries: Iterable[Country], regions: Iterable[Region]) -> Gazetteer:
    """Make the gazetteer from reference countries and regions (see the module docstring).

    Precedence when two sources give the same form: ambiguous forms, maintained forms, names,
    demonyms, alternative names, codes, regions.
    """
    g = Gazetteer()
    known = {c.code: c for c in countries}
    g.countries = {code: c.name for code, c in known.items()}
    info = _countryinfo()
    for surface, codes in N.AMBIGUOUS_NAMES.items():
        g.add(surface, Entry("country", codes, None, surface))
    for surface, code in {**N.COUNTRY_FORMS, **N.PLACES_IN}.items():
        if code in known:
            g.add(surface, Entry("country", (code,), None, known[code].name))
    for c in known.values():
        extra = info.get(c.code, ("", [], 0))[0]
        for name in (c.name, c.official_name, extra):
            for form in _name_forms(name or ""):
                g.add(form, Entry("country", (c.code,), None, c.name))
    _add_demonyms(g, known, info)
    words: dict[str, set[str]] = {}
    for c in known.values():
        for w in split_words(c.name):
            words.setdefault(w, set()).add(c.code)
    for c in known.values():
        for name in c.alt_names:
            key = split_words(name)
            if len(key) == 1 and words.get(key[0], {c.code}) - {c.code}:
                continue  # "Island" (Iceland) is a word of other countries' names
            for form in _name_forms(name):
                g.add(form, Entry("country", (c.code,), None, c.name))
        for alpha in (c.code, c.alpha2):
            if alpha and alpha not in N.CODE_STOPWORDS:
                g.add(alpha, Entry("country", (c.code,), None, c.name))
    _add_regions(g, regions)
    return g.freeze()


def _add_demonyms(
    g: Gazetteer, known: dict[str, Country], info: dict[str, tuple[str, list[str], int]]
) -> None:
    demonyms: dict[str, set[str]] = {}
    for code, (_, parts, _) in sorted(info.items()):
        for d in parts:
            if code in known:
                demonyms.setdefault(d, set()).add(code)
    for surface, candidates in N.AMBIGUOUS_DEMONYMS.items():
        demonyms[surface] = set(candidates)
    for code, extra in N.DEMONYMS.items():
        for d in extra:
            if code in known:
                demonyms.setdefault(d, set()).add(code)
    for surface, codes in sorted(demonyms.items()):
        if split_words(surface) in g.forms:
            continue  # "Djibouti" is a name, not a demonym
        chosen = _dominant(codes, info)
        if len(chosen) == 1:
            g.demonyms.setdefault(chosen[0], surface)
        g.add(surface, Entry("demonym", chosen, None, surface))
        for plural in plurals(surface):
            g.add(plural, Entry("demonym", chosen, None, surface, plural=True))


def _add_regions(g: Gazetteer, regions: Iterable[Region]) -> None:
    named: list[tuple[str, str | None, str]] = []
    for r in regions:
        g.regions[r.id] = r.name
        named += [(form, r.id, r.name) for form in _region_variants(r.name)]
    for surface, rid in N.REGIONS.items():
        named.append((surface, rid, g.regions.get(rid, surface) if rid else surface))
    for surface, rid, label in named:
        g.add(surface, Entry("region", (), rid, label))
        adj = _adjective(surface)
        if adj:
            g.add(adj, Entry("region", (), rid, label))
            g.add(adj + "s", Entry("region", (), rid, label, plural=True))


def _name_forms(name: str) -> list[str]:
    """A reference name, its natural order ("Korea, Republic of"), and without "the"."""
    if not name:
        return []
    out = [name]
    if "," in name:
        head, _, tail = name.partition(",")
        out = [f"{tail.strip()} {head.strip()}"]
    more = []
    for form in out:
        if " the " in form:
            more.append(form.replace(" the ", " "))
        if " and " in form:
            more.append(form.replace(" and ", " & "))
        if "-" in form:
            more.append(form.replace("-", " "))
    return [f for f in out + more if f not in N.AMBIGUOUS_NAMES]


def _dominant(codes: set[str], info: dict[str, tuple[str, list[str], int]]) -> tuple[str, ...]:
    """One code when one candidate dwarfs the others in population, else all (ambiguous)."""
    if len(codes) == 1:
        return (next(iter(codes)),)
    ranked = sorted(codes, key=lambda c: (-info.get(c, ("", [], 0))[2], c))
    first, second = (info.get(c, ("", [], 0))[2] for c in ranked[:2])
    if first >= DOMINANCE * max(second, 1):
        return (ranked[0],)
    return tuple(sorted(codes))


def load_gazetteer(data_dir: Path) -> Gazetteer:
    """Read the reference countries and regions below ``data_dir`` and build the gazetteer."""
    from kg.source.loader import find_sources, read_yaml
    from kg.source.parse import parse_records

    docs = []
    for path in find_sources(data_dir):
        doc = read_yaml(path)
        if isinstance(doc.data, dict) and ({"countries", "regions"} & set(doc.data)):
            doc.data = {k: v for k, v in doc.data.items() if k in ("countries", "regions")}
            docs.append(doc)
    records = parse_records(docs, {})
    if not records.countries:
        raise ExtractError(
            f"no reference countries below {data_dir}", hint="pass --data with data/reference"
        )
    return build_gazetteer(records.countries.values(), records.regions.values())


__all__ = ["build_gazetteer", "load_gazetteer"]
