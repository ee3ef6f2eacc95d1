"""The North Korea build: every fact of the source present, graphs separated, output stable."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from kg import pipeline
from kg.core import vocab as V
from kg.graph.build import build_graph
from kg.source.loader import load_sources
from kg.source.ontology import load_ontology
from kg.source.parse import parse_records

ROOT = Path(__file__).resolve().parents[2]
DATA, ONTOLOGY = ROOT / "data", ROOT / "ontology"
GOLDEN = Path(__file__).parents[1] / "golden" / "prk-essay.ttl"
PREFIXES = "\n".join(f"PREFIX {k}: <{v}>" for k, v in V.PREFIXES.items())
ESSAY = "tkd:source-essay-prk"
ASSESSMENT = "tkd:assessment-essay-prk_prk"


def ask(store: ox.Store, body: str) -> bool:
    result = store.query(f"{PREFIXES}\nASK {{ {body} }}", use_default_graph_as_union=True)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def claim(aspect: str, polarity: bool | None, locator: str, evidence: str = "stated") -> str:
    """A claim of the essay in the essay's graph; polarity None: not known (no tk:polarity)."""
    known = "" if polarity is None else f"tk:polarity {str(polarity).lower()} ;"
    status = "not-known" if polarity is None else evidence
    unknown = "" if polarity is not None else "FILTER NOT EXISTS { ?c tk:polarity ?p }"
    return f"""GRAPH tkg:source-essay-prk {{ ?c a tk:Claim ; tk:claimSubject tkd:country-prk ;
       tk:aspect tkv:aspect-{aspect} ; {known} tk:locator "{locator}" ;
       tk:evidenceStatus tkv:evidence-{status} ;
       tk:statedIn {ESSAY} ; tk:inAssessment {ASSESSMENT} . }} {unknown}"""


#: Each fact the source states, as a graph pattern that must match.
FACTS = {
    "source country": f"{ASSESSMENT} tk:profileRole tkv:role-source .",
    "derived source country": "tkd:country-prk a tk:SourceCountry .",
    "tier 3 by the essay author, not J/TIP": f"""{ASSESSMENT} tk:hasTierPlacement ?t ;
        tk:assessor tkd:agent-essay-author . ?t tk:tier tkv:tier-3 ; tk:locator "¶1" .
        tkd:agent-essay-author tk:issuesTiers false .""",
    "no deliberate effort": claim("significant-efforts", False, "¶1"),
    "main form: trafficking for forced labour": f"{ASSESSMENT} tk:principalForm"
    " tkv:form-labour-trafficking .",
    "prison camp forced labour is internal and state-imposed": """
        ?f a tk:InternalFlow ; tk:origin tkd:country-prk ; tk:destination tkd:country-prk ;
           tk:concernsForm ?form ; tk:locator "¶1" .
        ?form skos:broader+ tkv:form-state-imposed-forced-labour .""",
    "inhuman camp conditions": claim("state-forced-labour", True, "¶1"),
    "labour export facilitates": f"""?p a tk:StatePractice ; tk:policyEffect
        tkv:effect-facilitates-exploitation ; tk:appliesTo tkd:country-prk ;
        tk:statedIn {ESSAY} ; tk:locator "¶1" .""",
    "50,000 to Europe and Asia on one aggregate flow": f"""
        ?f a tk:CrossBorderFlow ; tk:origin tkd:country-prk ; tk:destination tkd:region-150,
           tkd:region-142 ; tk:isAggregate true ; tk:hasEstimate ?e ; tk:facilitatedBy ?p .
        ?e tk:pointValue 50000 ; tk:countUnit tkv:unit-trafficking-victims ;
           tk:estimateMethod tkv:method-unspecified ; tk:statedIn {ESSAY} .""",
    "China and Russia as component flows without a number": """
        ?agg tk:isAggregate true .
        ?cn tk:partOfFlow ?agg ; tk:destination tkd:country-chn .
        ?ru tk:partOfFlow ?agg ; tk:destination tkd:country-rus .
        FILTER NOT EXISTS { ?cn tk:hasEstimate ?x } FILTER NOT EXISTS { ?ru tk:hasEstimate ?y }""",
    "China and Russia derived as destinations": """tkd:country-chn a tk:DestinationCountry .
        tkd:country-rus a tk:DestinationCountry .""",
    "no law prohibits trafficking": claim("comprehensive-law", False, "¶2"),
    "no prosecutions": claim("prosecutions", False, "¶2"),
    "no data published": claim("data-published", False, "¶2"),
    "training: information hard to obtain (not known)": claim("official-training", None, "¶2"),
    "no training on prevention": claim("official-training", False, "¶4"),
    "laws declare trafficking illegal (kept)": claim("comprehensive-law", True, "¶3"),
    "no protection efforts": claim("victim-protection", False, "¶3"),
    "NGOs not permitted": claim("ngos-permitted", False, "¶3"),
    "victims imprisoned and executed": claim("victims-penalized", True, "¶3")
    + " ?p tk:policyEffect tkv:effect-penalizes-victims ; tk:locator '¶3' .",
    "no prevention": claim("prevention-efforts", False, "¶4"),
    "no awareness campaigns": claim("awareness-campaigns", False, "¶4"),
    "leavers treated as defectors": claim("exit-penalized", True, "¶4")
    + " ?p tk:policyEffect tkv:effect-penalizes-exit ; tk:locator '¶4' .",
    "officials torture and abuse victims, as reported": claim(
        "official-complicity", True, "¶4", "reported"
    ),
    "not recognised as a crime": claim("recognized-as-crime", False, "¶6"),
    "among the worst performers": claim("worst-performer", True, "¶6"),
    "the source is unverified": f"""{ESSAY} a tk:SourceDocument ;
        tk:reliability tkv:reliability-unverified ; tk:docType tkv:doc-derived-essay .""",
    "the curators' re-reading is theirs, not the essay's": """
        GRAPH tkg:curation-essay-prk { ?r a tk:CuratedClaim ;
          tk:aspect tkv:aspect-some-penal-provision ; tk:polarity true ;
          prov:wasDerivedFrom tkd:claim-essay-prk_prk_laws-exist ;
          prov:wasAttributedTo tkd:agent-kg-curators ; dcterms:date ?d ; tk:rationale ?why . }
        FILTER NOT EXISTS { ?r tk:statedIn ?any }""",
    "the law-status resolution is the curators'": """
        GRAPH tkg:curation-essay-prk { ?r a tk:Resolution ;
          prov:wasAttributedTo tkd:agent-kg-curators ; dcterms:date ?d ; tk:rationale ?why ;
          tk:preferredClaim tkd:claim-essay-prk_prk_no-law . }
        FILTER NOT EXISTS { ?r tk:statedIn ?any }
        FILTER NOT EXISTS { GRAPH tkg:source-essay-prk { ?r ?p ?o } }""",
    "labour export as state-imposed forced labour is a curator link": """
        GRAPH tkg:curation-essay-prk {
          tkd:policy-essay-prk_prk_labour-export tk:concernsForm
            tkv:form-state-imposed-forced-labour .
          ?l a tk:CuratorLink ; tk:linkSubject tkd:policy-essay-prk_prk_labour-export ;
             tk:addedForm tkv:form-state-imposed-forced-labour ;
             prov:wasAttributedTo tkd:agent-kg-curators ; tk:rationale ?why . }
        FILTER NOT EXISTS { GRAPH tkg:source-essay-prk {
          tkd:policy-essay-prk_prk_labour-export tk:concernsForm
            tkv:form-state-imposed-forced-labour } }""",
    "the essay does not say defection punishes victims": """
        FILTER NOT EXISTS { GRAPH tkg:source-essay-prk {
          tkd:policy-essay-prk_prk_exit-as-defection tk:policyEffect
            tkv:effect-penalizes-victims } }
        GRAPH tkg:curation-essay-prk {
          tkd:policy-essay-prk_prk_exit-as-defection tk:policyEffect
            tkv:effect-penalizes-victims } """,
    "every claim has a direction": """?c a tk:Claim .
        FILTER NOT EXISTS { ?x a tk:Claim . FILTER NOT EXISTS { ?x tk:direction ?d } }
        tkd:claim-essay-prk_prk_victims-punished tk:direction tkv:direction-harm-reported .
        tkd:claim-essay-prk_prk_no-prosecutions tk:direction tkv:direction-effort-missing .
        tkd:claim-essay-prk_prk_training-unknown tk:direction tkv:direction-not-known .""",
}

RECOMMENDATIONS = {
    "end forced labour in prison camps": "tk:concernsForm tkv:form-forced-labour-in-detention ;"
    " tk:actionType tkv:action-end-practice",
    "end punishment of repatriated victims": "tk:actionType tkv:action-stop-penalizing",
    "recognise trafficking as a crime": "tk:actionType tkv:action-recognize-as-crime",
    "cooperate for fair wages": "tk:actionType tkv:action-cooperate ;"
    " tk:pillar tkv:pillar-partnership",
    "become a party to the Palermo Protocol": "tk:addressesTreaty tkd:treaty-un-tip-protocol",
    "enact anti-trafficking legislation": "tk:actionType tkv:action-enact-law",
}


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_fact_present(shipped_build: pipeline.BuildResult, fact: str) -> None:
    assert ask(shipped_build.store, FACTS[fact]), fact


@pytest.mark.parametrize("rec", sorted(RECOMMENDATIONS))
def test_recommendation_present(shipped_build: pipeline.BuildResult, rec: str) -> None:
    body = f"""?r a tk:Recommendation ; tk:targetsCountry tkd:country-prk ;
        tk:inAssessment {ASSESSMENT} ; tk:statedIn {ESSAY} ; {RECOMMENDATIONS[rec]} ."""
    assert ask(shipped_build.store, body), rec


def test_six_recommendations(shipped_build: pipeline.BuildResult) -> None:
    rows = shipped_build.store.query(
        f"{PREFIXES} SELECT (COUNT(?r) AS ?n) {{ ?r a tk:Recommendation }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    assert [int(row["n"].value) for row in rows] == [6]  # type: ignore[union-attr]


def test_contradiction_is_two_claims_and_resolved(shipped_build: pipeline.BuildResult) -> None:
    body = """?neg tk:aspect tkv:aspect-comprehensive-law ; tk:polarity false ;
                   tk:claimSubject ?s ; tk:resolvedBy ?r .
              ?pos tk:aspect tkv:aspect-comprehensive-law ; tk:polarity true ;
                   tk:claimSubject ?s ; tk:resolvedBy ?r .
              ?r tk:preferredClaim ?neg . FILTER NOT EXISTS { ?r tk:preferredClaim ?pos }"""
    assert ask(shipped_build.store, body)


def test_every_fact_has_source_and_locator(shipped_build: pipeline.BuildResult) -> None:
    body = """?x tk:inAssessment ?a .
              FILTER NOT EXISTS { ?x a tk:CuratedClaim }
              FILTER NOT EXISTS { ?x tk:statedIn ?d . ?x tk:locator ?l }"""
    assert not ask(shipped_build.store, body)
    curated = """VALUES ?class { tk:CuratedClaim tk:Resolution tk:CuratorLink } ?x a ?class .
              FILTER (EXISTS { ?x tk:statedIn ?d }
                      || NOT EXISTS { ?x prov:wasAttributedTo ?who ; dcterms:date ?when ;
                                         tk:rationale ?why })"""
    assert not ask(shipped_build.store, curated)


def test_derived_classes_only_in_inferred_graph(shipped_build: pipeline.BuildResult) -> None:
    store = shipped_build.store
    for cls in ("DestinationCountry", "SourceCountry"):
        found = store.query(f"{PREFIXES} SELECT DISTINCT ?g {{ GRAPH ?g {{ ?c a tk:{cls} }} }}")
        assert isinstance(found, ox.QuerySolutions)
        assert {row["g"].value for row in found} == {V.GRAPH_INFERRED}  # type: ignore[union-attr]
    # An internal flow never makes a country its own destination.
    assert not ask(store, "tkd:country-prk a tk:DestinationCountry .")


def _essay_graph() -> rdflib.Graph:
    onto = load_ontology(ONTOLOGY)
    records = parse_records(load_sources(DATA), onto.vocabulary)
    built = build_graph(records)
    data = ox.serialize(
        [q.triple for q in built.quads if q.graph_name.value == V.source_graph("essay-prk")],
        format=ox.RdfFormat.N_TRIPLES,
    )
    return rdflib.Graph().parse(data=data, format="nt")


def test_golden_graph_is_isomorphic(update_golden: bool) -> None:
    graph = _essay_graph()
    if update_golden or not GOLDEN.exists():
        GOLDEN.parent.mkdir(exist_ok=True)
        for prefix, ns in V.PREFIXES.items():
            graph.bind(prefix, ns)
        graph.serialize(GOLDEN, format="turtle")
    golden = rdflib.Graph().parse(GOLDEN, format="turtle")
    iso_new, iso_old = to_isomorphic(graph), to_isomorphic(golden)
    if iso_new != iso_old:
        _both, only_new, only_old = graph_diff(iso_new, iso_old)
        pytest.fail(
            "graph differs from tests/golden/prk-essay.ttl (run pytest --update-golden if "
            f"intended)\n+ {sorted(only_new)[:10]}\n- {sorted(only_old)[:10]}"
        )


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    """Every file of a build; the on-disk store (RocksDB files carry their own ids and times)
    holds the same quads."""
    outputs, stores = [], []
    for name in ("a", "b"):
        settings = pipeline.Settings(data_dir=DATA, ontology_dir=ONTOLOGY, out_dir=tmp_path / name)
        pipeline.run(settings)
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir() if p.is_file()})
        stores.append(sorted(map(str, pipeline.open_build(tmp_path / name))))
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) >= set(pipeline.OUTPUTS)
    assert stores[0] == stores[1]
    written = ox.parse(path=tmp_path / "a" / "graph.nq", format=ox.RdfFormat.N_QUADS)
    assert stores[0] == sorted(map(str, written))  # blank nodes keep their labels too


def test_the_graph_does_not_depend_on_where_kg_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extraction activities were labelled with the YAML file's path as shown from the
    working directory ("Manual curation of /tmp/rv/data/assessments/…" or "…of data/…"), so
    the same data built from elsewhere, or with --data spelled otherwise, was another graph
    (and a push sent it again). Now the path below the data directory names it."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(DATA, project / "data")
    graphs = []
    for cwd, data in (
        (project, Path("data")),
        (tmp_path, project / "data"),
        (project / "data", Path(".")),
        (project / "data" / "assessments", Path("../../data")),
    ):
        monkeypatch.chdir(cwd)
        out = tmp_path / f"build-{len(graphs)}"
        pipeline.run(pipeline.Settings(data_dir=data, ontology_dir=ONTOLOGY, out_dir=out))
        graphs.append((out / "graph.nq").read_bytes())
    assert len(set(graphs)) == 1
    assert b"Manual curation of data/assessments/prk-essay.yaml" in graphs[0]


def test_outputs_parse_back_to_the_same_graph(shipped_build_dir: Path) -> None:
    ttl = rdflib.Graph().parse(shipped_build_dir / "graph.ttl", format="turtle")
    nt = rdflib.Graph().parse(shipped_build_dir / "graph.nt", format="nt")
    jsonld = rdflib.Graph().parse(shipped_build_dir / "graph.jsonld", format="json-ld")
    assert to_isomorphic(ttl) == to_isomorphic(nt) == to_isomorphic(jsonld)
    trig = rdflib.Dataset().parse(shipped_build_dir / "graph.trig", format="trig")
    names = {str(g.identifier) for g in trig.graphs() if len(g)}
    assert {V.GRAPH_ONTOLOGY, V.GRAPH_REFERENCE, V.GRAPH_INFERRED} <= names
    assert V.source_graph("essay-prk") in names
