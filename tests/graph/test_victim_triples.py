"""Who is exploited (issue 13 §2): ``victims`` on an assessment and on a flow become exactly the
``tk:victimGroup`` triples to concepts of ``tkv:victim-groups``, and the scheme's hierarchy lets
a query for children find girls."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import pipeline
from kg.core import vocab as V
from kg.graph.build import build_graph
from kg.source.loader import load_sources
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records

ROOT = Path(__file__).resolve().parents[2]
DATA, ONTOLOGY = ROOT / "data", ROOT / "ontology"

#: Paraphrased, TIP-like: not taken from any source.
WITH_VICTIMS = """\
assessment:
  source: essay-prk
  country: THA
  assessor: essay-author
  profile_roles: [source, destination]
  victims: [men, women, children]
flows:
  - id: girls-to-malaysia
    kind: cross-border
    origin: THA
    destinations: [MYS]
    forms: [sex-trafficking]
    victims: [girls]
    locator: ¶2
  - id: from-myanmar
    kind: cross-border
    origin: MMR
    destinations: [THA]
    forms: [labour-trafficking]
    locator: ¶3
"""

A = V.TKD + "assessment-essay-prk_tha"
TK_VG = V.TK + "victimGroup"


def _group(name: str) -> str:
    return V.TKV + "group-" + name


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("victims") / "data"
    shutil.copytree(DATA, root)
    (root / "assessments" / "tha.yaml").write_text(WITH_VICTIMS, encoding="utf-8")
    return root


def test_victim_groups_become_exactly_these_triples(data_dir: Path) -> None:
    onto = load_ontology(ONTOLOGY)
    records = parse_records(load_sources(data_dir), onto.vocabulary)
    built = build_graph(records)
    found = {(q.subject.value, q.object.value) for q in built.quads if q.predicate.value == TK_VG}
    flow = next(
        q.subject.value for q in built.quads if q.subject.value.endswith("girls-to-malaysia")
    )
    assert found == {
        (A, _group("men")),
        (A, _group("women")),
        (A, _group("children")),
        (flow, _group("girls")),
    }
    # Every victim-group triple is in the source's graph, beside the fact it belongs to.
    graphs = {q.graph_name.value for q in built.quads if q.predicate.value == TK_VG}
    assert graphs == {V.source_graph("essay-prk")}


def test_the_essay_states_no_victim_group() -> None:
    """The North Korea essay speaks of citizens and labourers only: nothing is invented."""
    onto = load_ontology(ONTOLOGY)
    records = parse_records(load_sources(DATA), onto.vocabulary)
    assert all(not a.victims and all(not f.victims for f in a.flows) for a in records.assessments)


def test_children_are_found_through_the_hierarchy(data_dir: Path, tmp_path: Path) -> None:
    settings = pipeline.Settings(data_dir=data_dir, ontology_dir=ONTOLOGY, out_dir=tmp_path / "b")
    result = pipeline.run(settings)
    assert result.report.conforms
    prefixes = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())
    rows = result.store.query(
        f"""{prefixes}
        SELECT ?fact ?group WHERE {{
            ?fact tk:victimGroup ?group . ?group skos:broader* tkv:group-children .
        }} ORDER BY ?fact ?group""",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    got = [(str(r["fact"].value).rsplit("-", 1)[-1], r["group"].value) for r in rows]
    assert got == [("prk_tha", _group("children")), ("malaysia", _group("girls"))]
