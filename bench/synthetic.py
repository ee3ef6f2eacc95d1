"""A synthetic corpus shaped like the real data, at any size (for the benchmark harness).

``generate(root, triples)`` writes, below ``root``:

* ``data/`` — a data directory ``kg build`` reads: the shipped reference files (countries,
  regions, agents, treaties), synthetic source documents and essay-style assessment files
  (tiers, flows with estimates, state practices, claims with a contradiction and its
  resolution, recommendations) — about a tenth of the triples;
* ``imports/*.nq`` — what the importers produce, one named graph per dataset: yearly J/TIP
  assessments with tier placements, cross-border flows citizenship → detecting country per
  year and form with estimates in identified victims (small counts only as censored bands
  1–4, as the importers publish "<5"), and country statistics (persons prosecuted/convicted).

Everything conforms to ``ontology/shapes.ttl``; the same seed gives the same bytes.
"""

from __future__ import annotations

import copy
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.core import vocab as V

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ESSAY = DATA / "assessments" / "prk-essay.yaml"

#: Named sizes accepted by ``python -m bench --sizes``.
SIZES = {"5k": 5_000, "20k": 20_000, "100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}
#: Rough triples per unit (asserted + inferred), used to split a target size.
PER_ESSAY, PER_TIER, PER_FLOW, PER_STAT = 560, 13.2, 16.5, 12.5
#: Ontology, vocabularies, reference data and what the rules derive from them.
BASE = 5_870
FORMS = ("forced-labour", "sex-trafficking", "forced-criminality", "domestic-servitude",
         "forced-marriage", "child-sex-trafficking", "forced-begging", "debt-bondage")  # fmt: skip
TIERS = ("tier-1", "tier-2", "tier-2wl", "tier-3", "tier-special-case")
YEARS = tuple(range(2001, 2025))
#: Statistics years reach back far enough to scale linearly to 5M triples. Tier placements
#: keep the real span: the duplicate-assessment constraint compares all years of a country.
SYNTH_YEARS = tuple(range(1900, 2025))
INDICATORS = ("persons-prosecuted", "persons-convicted", "persons-suspected")
FLOWS_PER_SOURCE = 50_000

XSD_INT, XSD_YEAR, XSD_BOOL = (f"<{V.XSD}{t}>" for t in ("integer", "integer", "boolean"))
RDF_TYPE, RDFS_LABEL = f"<{V.RDF}type>", f"<{V.RDFS}label>"
DC = {k: f"<{V.DCTERMS}{k}>" for k in ("title", "publisher", "issued")}


def parse_size(text: str) -> int:
    """``100k`` → 100000, ``1M`` → 1000000, or a plain number."""
    if text in SIZES:
        return SIZES[text]
    scale = {"k": 1_000, "K": 1_000, "M": 1_000_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_name(triples: int) -> str:
    """The short name of a size: 100000 → ``100k``."""
    if triples >= 1_000_000 and triples % 1_000_000 == 0:
        return f"{triples // 1_000_000}M"
    return f"{triples // 1000}k" if triples % 1000 == 0 else str(triples)


@dataclass
class Corpus:
    """A generated corpus: a data directory and the imported N-Quads files."""

    root: Path
    target: int
    data_dir: Path
    nquads: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _tk(local: str) -> str:
    return f"<{V.TK}{local}>"


def _node(kind: str, *key: str | int) -> str:
    return f"<{V.mint_iri(kind, *key)}>"


def _concept(local: str) -> str:
    return f"<{V.TKV}{local}>"


def _int(n: int) -> str:
    return f'"{n}"^^{XSD_INT}'


def _year(y: int) -> str:
    return f'"{y:04d}"^^{XSD_YEAR}'


def _en(text: str) -> str:
    return f'"{text}"@en'


class _Writer:
    """Collects the N-Quads lines of one named graph; writes them sorted, as ``kg import``."""

    def __init__(self, path: Path, source_id: str) -> None:
        self.path, self.graph = path, f"<{V.source_graph(source_id)}>"
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.graph} .\n")

    def close(self) -> None:
        self.lines.sort()
        self.path.write_text("".join(self.lines), encoding="utf-8")


def _source_doc(w: _Writer, sid: str, title: str, doc_type: str, publisher: str) -> str:
    doc = _node("source", sid)
    w.add(doc, RDF_TYPE, _tk("SourceDocument"))
    w.add(doc, DC["title"], _en(title))
    w.add(doc, _tk("docType"), _concept(doc_type))
    w.add(doc, _tk("reliability"), _concept("reliability-official"))
    w.add(doc, DC["publisher"], _node("agent", publisher))
    return doc


def _estimate(w: _Writer, node: str, rng: random.Random, unit: str, doc: str) -> None:
    w.add(node, RDF_TYPE, _tk("Estimate"))
    if rng.random() < 0.25:  # published as "<5": a censored band, never an exact small count
        w.add(node, _tk("lowerBound"), _int(1))
        w.add(node, _tk("upperBound"), _int(4))
        w.add(node, _tk("censored"), f'"true"^^{XSD_BOOL}')
    else:
        w.add(node, _tk("pointValue"), _int(int(rng.lognormvariate(3.5, 1.3)) + 10))
    w.add(node, _tk("countUnit"), _concept(unit))
    w.add(node, _tk("estimateMethod"), _concept("method-official-statistic"))
    w.add(node, _tk("statedIn"), doc)


def _tiers(path: Path, codes: list[str], n: int, rng: random.Random) -> int:
    w = _Writer(path, "synth-tiers")
    pairs = [(c, y) for y in reversed(YEARS) for c in codes][:n]
    docs = {
        y: _source_doc(w, f"synth-tip-{y}", f"Synthetic TIP Report {y}", "doc-tip-report",
                       "us-dos-jtip")
        for y in sorted({y for _, y in pairs})
    }  # fmt: skip
    for code, year in pairs:
        key = (f"synth-tip-{year}", code)
        a, t = _node("assessment", *key), _node("tier", *key)
        w.add(a, RDF_TYPE, _tk("Assessment"))
        w.add(a, RDFS_LABEL, _en(f"{code}, TIP Report {year}"))
        w.add(a, _tk("assessedCountry"), _node("country", code))
        w.add(a, _tk("assessor"), _node("agent", "us-dos-jtip"))
        w.add(a, _tk("publishedIn"), docs[year])
        w.add(a, _tk("reportYear"), _year(year))
        w.add(a, _tk("hasTierPlacement"), t)
        w.add(t, RDF_TYPE, _tk("TierPlacement"))
        w.add(t, _tk("tier"), _concept(rng.choice(TIERS)))
        w.add(t, _tk("statedIn"), docs[year])
        w.add(t, _tk("locator"), f'"{code} {year}"')
        w.add(t, _tk("consecutiveYearsOnWatchList"), _int(rng.randint(0, 2)))
    w.close()
    return len(pairs)


def _flows(path: Path, sid: str, codes: list[str], n: int, rng: random.Random) -> None:
    w = _Writer(path, sid)
    doc = _source_doc(w, sid, f"Synthetic detected-victims dataset {sid}", "doc-dataset", "unodc")
    seen: set[tuple[str, str, int, str]] = set()
    while len(seen) < n:
        key = (rng.choice(codes), rng.choice(codes), rng.choice(YEARS), rng.choice(FORMS))
        if key[0] == key[1] or key in seen:
            continue
        seen.add(key)
        f, e = _node("flow", sid, *key), _node("estimate", sid, *key)
        w.add(f, RDF_TYPE, _tk("CrossBorderFlow"))
        w.add(f, _tk("origin"), _node("country", key[0]))
        w.add(f, _tk("destination"), _node("country", key[1]))
        w.add(f, _tk("concernsForm"), _concept(f"form-{key[3]}"))
        w.add(f, _tk("year"), _year(key[2]))
        w.add(f, _tk("statedIn"), doc)
        w.add(f, _tk("locator"), f'"row {len(seen)}"')
        w.add(f, _tk("hasEstimate"), e)
        _estimate(w, e, rng, "unit-identified-victims", doc)
    w.close()


def _stats(path: Path, codes: list[str], n: int, rng: random.Random) -> None:
    w = _Writer(path, "synth-stats")
    doc = _source_doc(w, "synth-stats", "Synthetic criminal-justice statistics", "doc-dataset",
                      "unodc")  # fmt: skip
    combos = [(c, i, y) for y in SYNTH_YEARS for i in INDICATORS for c in codes]
    rng.shuffle(combos)
    for code, ind, year in combos[:n]:
        s, e = (
            _node("statistic", "synth-stats", code, ind, year),
            _node("estimate", "synth-stats", "statistic", code, ind, year),
        )
        w.add(s, RDF_TYPE, _tk("CountryStatistic"))
        w.add(s, _tk("statisticOf"), _node("country", code))
        w.add(s, _tk("indicator"), _concept(f"indicator-{ind}"))
        w.add(s, _tk("year"), _year(year))
        w.add(s, _tk("statedIn"), doc)
        w.add(s, _tk("locator"), f'"{code} {ind} {year}"')
        w.add(s, _tk("hasEstimate"), e)
        _estimate(w, e, rng, f"unit-{ind}", doc)
    w.close()


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _essays(data: Path, codes: list[str], n: int, rng: random.Random) -> None:
    template = yaml.load(ESSAY.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    inside = _codes_inside("150", "142")  # a part of the Europe-and-Asia flow lies inside it
    sources: list[dict[str, Any]] = []
    (data / "assessments").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        code, year = codes[i % len(codes)], 1990 + i // len(codes)
        sid = f"synth-essay-{i:05d}"
        sources.append({"id": sid, "title": f"Synthetic essay {i} on {code}",
                        "doc_type": "derived-essay", "reliability": "unverified",
                        "publisher": "essay-author"})  # fmt: skip
        doc = copy.deepcopy(template)
        doc["assessment"].update(source=sid, country=code, year=year)
        doc["assessment"]["tier"]["tier"] = rng.choice(TIERS)
        others = [c for c in rng.sample(inside, 3) if c != code][:2]
        for flow in doc["flows"]:
            flow["origin"] = code
            if flow["kind"] == "internal":
                flow["destinations"] = [code]
            elif "part_of" in flow:
                flow["destinations"] = [others.pop()]
            if "estimate" in flow:
                flow["estimate"]["value"] = rng.randint(1000, 90000)
        for policy in doc["policies"]:
            policy["applies_to"] = [code]
        for claim in doc["claims"]:
            if claim["subject"] == "PRK":
                claim["subject"] = code
        path = data / "assessments" / f"{sid}.yaml"
        path.write_text(yaml.dump(doc, Dumper=_NoAliases, sort_keys=False, allow_unicode=True))
    text = yaml.dump({"sources": sources}, Dumper=_NoAliases, sort_keys=False)
    (data / "sources.yaml").write_text(text)


def _codes_inside(*m49: str) -> list[str]:
    """The countries inside the regions with these M49 codes (reference data)."""
    ref = DATA / "reference"
    countries = yaml.load((ref / "countries.yaml").read_text(), Loader=yaml.CSafeLoader)
    regions = yaml.load((ref / "regions.yaml").read_text(), Loader=yaml.CSafeLoader)
    parent = {r["m49"]: r.get("parent") for r in regions["regions"]}

    def within(code: str | None) -> bool:
        while code is not None:
            if code in m49:
                return True
            code = parent.get(code)
        return False

    return sorted(c["code"] for c in countries["countries"] if within(c.get("region")))


def _country_codes() -> list[str]:
    data = yaml.load((DATA / "reference" / "countries.yaml").read_text(), Loader=yaml.CSafeLoader)
    return sorted(c["code"] for c in data["countries"])


def generate(root: Path, triples: int, *, seed: int = 5) -> Corpus:
    """Write a corpus of about ``triples`` triples (asserted + inferred) below ``root``."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    data = root / "data"
    shutil.copytree(DATA / "reference", data / "reference")
    (root / "imports").mkdir(parents=True)
    codes = _country_codes()
    budget = max(triples - BASE, 1_000)
    essays = max(1, round(budget * 0.1 / PER_ESSAY))
    tiers = min(round(budget * 0.1 / PER_TIER), len(codes) * len(YEARS))
    stats = min(round(budget * 0.15 / PER_STAT), len(codes) * len(SYNTH_YEARS) * len(INDICATORS))
    rest = budget - essays * PER_ESSAY - tiers * PER_TIER - stats * PER_STAT
    flows = max(1, round(rest / PER_FLOW))
    corpus = Corpus(root, triples, data)
    _essays(data, codes, essays, rng)
    corpus.nquads.append(root / "imports" / "synth-tiers.nq")
    _tiers(corpus.nquads[-1], codes, tiers, rng)
    corpus.nquads.append(root / "imports" / "synth-stats.nq")
    _stats(corpus.nquads[-1], codes, stats, rng)
    for k, chunk in enumerate(_chunks(flows, FLOWS_PER_SOURCE)):
        sid = f"synth-flows-{k + 1}"
        corpus.nquads.append(root / "imports" / f"{sid}.nq")
        _flows(corpus.nquads[-1], sid, codes, chunk, rng)
    corpus.counts = {"essays": essays, "tier assessments": tiers, "statistics": stats,
                     "flows": flows}  # fmt: skip
    return corpus


def _chunks(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(total, size)
        total -= size
