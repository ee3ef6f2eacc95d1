"""Tests for ontology/kg.ttl, ontology/vocab.ttl, ontology/shapes.ttl and ontology/context.jsonld.

The shape tests load kg.ttl + vocab.ttl + one fixture from tests/data/shapes/, close rdf:type over
rdfs:subClassOf with a SPARQL INSERT (as the pipeline's inferred graph does), and run pySHACL with
shapes.ttl. Each bad_<shape>.ttl must fail with exactly the listed (source shape, constraint
component) pairs, all belonging to the shape under test; good_minimal.ttl must conform.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SH, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DATA = Path(__file__).resolve().parents[1] / "data" / "shapes"

TK = Namespace("https://w3id.org/kg-tip/ontology#")
TKV = Namespace("https://w3id.org/kg-tip/vocab/")
TKS = Namespace("https://w3id.org/kg-tip/shapes#")

CLOSE_TYPES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { ?s a ?super }
WHERE { ?s a ?class . ?class rdfs:subClassOf+ ?super . FILTER (isIRI(?super)) }
"""

# --- the term contract (/tmp/terms.md) ---------------------------------------------------------

CLASSES = {
    "GeoArea", "Country", "Region", "DestinationCountry", "SourceCountry", "TransitCountry",
    "Agent", "SourceDocument", "ExtractionActivity", "Assessment", "TierPlacement",
    "TraffickingForm", "TraffickingFlow", "CrossBorderFlow", "InternalFlow", "Estimate",
    "CountryStatistic", "Policy", "Law", "BilateralAgreement", "StatePractice", "ActionPlan",
    "Recommendation", "Claim", "Resolution", "Treaty", "TreatyParticipation",
    "CuratedClaim", "CuratorLink", "CurationActivity", "RoleEvidence",
}  # fmt: skip
OBJECT_PROPERTIES = {
    "assessedCountry", "assessor", "publishedIn", "hasTierPlacement", "profileRole",
    "reportsForm", "principalForm", "tier", "tierChange", "origin", "destination", "transit",
    "isOriginOf", "isDestinationOf", "isTransitOf", "partOfFlow", "concernsForm", "hasEstimate",
    "facilitatedBy", "countUnit", "estimateMethod", "statedIn", "statisticOf", "indicator",
    "appliesTo", "party", "policyEffect", "treaty", "treatyAction", "inAssessment",
    "targetsCountry", "addressesPolicy", "addressesTreaty", "actionType", "pillar", "status",
    "repeats", "victimGroup", "claimSubject", "aspect", "claimObject", "section", "extractedBy",
    "supportedBy",
    "legalBasis", "evidenceStatus", "direction", "trueDirection", "falseDirection",
    "linkSubject", "addedForm", "addedEffect", "addedPolicy", "roleEvidence", "forRole",
    "evidenceSource", "partOfStatistic",
    "contradicts", "corroborates", "resolvedBy", "preferredClaim", "docType", "reliability",
    "inRegion", "wikidataItem", "appliedRule", "latestTierPlacement", "previousTier",
    "computedTierChange", "opposedBy", "restates", "reviewStatus", "reviewedBy",
}  # fmt: skip
DATATYPE_PROPERTIES = {
    "reportYear", "year", "consecutiveYearsOnWatchList", "waiverApplied",
    "governmentPolicyOrPattern", "isAggregate", "pointValue", "lowerBound", "upperBound",
    "censored", "ordinal", "polarity", "locator", "excerptSha256", "confidence", "iso3166Alpha2",
    "iso3166Alpha3", "iso3166Numeric", "m49Code", "latitude", "longitude", "rank", "issuesTiers",
    "sha256", "rationale", "provenanceGap", "sizeRank", "restatedReportYear",
    "previousReportYear", "textSha256", "flowCount", "sourceCount",
    "estimatedFlowCount", "allCensored", "largestEstimate",
}  # fmt: skip
SCHEMES: dict[str, set[str]] = {
    "forms": {
        "form-trafficking-in-persons", "form-forced-labour", "form-state-imposed-forced-labour",
        "form-forced-labour-in-detention", "form-debt-bondage", "form-domestic-servitude",
        "form-forced-child-labour", "form-forced-begging", "form-forced-criminality",
        "form-sex-trafficking", "form-child-sex-trafficking", "form-forced-marriage",
        "form-child-soldiering", "form-organ-removal", "form-slavery-practices",
        "form-labour-trafficking", "form-other-exploitation",
    },
    "tiers": {"tier-1", "tier-2", "tier-2wl", "tier-3", "tier-special-case"},
    "tier-changes": {
        "change-upgraded", "change-downgraded", "change-auto-downgraded", "change-remained",
        "change-first-ranked",
    },
    "pillars": {
        "pillar-prosecution", "pillar-protection", "pillar-prevention", "pillar-partnership",
    },
    "profile-roles": {"role-source", "role-transit", "role-destination", "role-internal"},
    "victim-groups": {
        "group-men", "group-women", "group-boys", "group-girls", "group-children", "group-adults",
    },
    "policy-effects": {
        "effect-criminalizes", "effect-partial-prohibition", "effect-protects", "effect-prevents",
        "effect-facilitates-exploitation", "effect-penalizes-victims", "effect-penalizes-exit",
    },
    "evidence-statuses": {
        "evidence-stated", "evidence-reported", "evidence-alleged", "evidence-confirmed",
        "evidence-estimated", "evidence-not-known",
    },
    "directions": {
        "direction-effort-made", "direction-effort-missing", "direction-harm-reported",
        "direction-harm-denied", "direction-fact-reported", "direction-fact-denied",
        "direction-not-known",
    },
    "aspects": {
        "aspect-comprehensive-law", "aspect-some-penal-provision", "aspect-prosecutions",
        "aspect-data-published", "aspect-official-training", "aspect-significant-efforts",
        "aspect-victim-protection", "aspect-ngos-permitted", "aspect-victims-penalized",
        "aspect-prevention-efforts", "aspect-awareness-campaigns", "aspect-exit-penalized",
        "aspect-official-complicity", "aspect-recognized-as-crime", "aspect-worst-performer",
        "aspect-state-forced-labour", "aspect-reported-as-described", "aspect-profile-role",
    },
    "action-types": {
        "action-enact-law", "action-end-practice", "action-accede-to-treaty", "action-cooperate",
        "action-stop-penalizing", "action-recognize-as-crime", "action-train-officials",
        "action-protect-victims", "action-other",
    },
    "rec-status": {
        "status-new", "status-repeated", "status-implemented", "status-partially-implemented",
        "status-not-implemented",
    },
    "count-units": {
        "unit-trafficking-victims", "unit-identified-victims", "unit-overseas-workers",
        "unit-detainees", "unit-persons-prosecuted", "unit-persons-convicted",
        "unit-persons-suspected",
    },
    "estimate-methods": {
        "method-unspecified", "method-official-statistic", "method-ngo-estimate", "method-survey",
        "method-aggregated-records",
    },
    "indicators": {
        "indicator-persons-prosecuted", "indicator-persons-convicted",
        "indicator-persons-suspected", "indicator-victims-detected",
    },
    "reliability-levels": {
        "reliability-official", "reliability-peer-reviewed", "reliability-ngo",
        "reliability-unverified",
    },
    "doc-types": {
        "doc-tip-report", "doc-dataset", "doc-derived-essay", "doc-ngo-report", "doc-academic",
        "doc-reference-work",
    },
    "treaty-actions": {
        "action-signature", "action-ratification", "action-accession", "action-acceptance",
        "action-approval", "action-succession",
    },
    "sections": {
        "section-summary", "section-recommendations", "section-prosecution",
        "section-protection", "section-prevention", "section-profile",
    },
    "rules": {
        "rule-latest-tier-placement", "rule-tier-change", "rule-opposed-claims",
        "rule-provenance-gaps", "rule-size-rank", "rule-role-evidence",
    },
    "review-statuses": {"review-unreviewed", "review-reviewed"},
}  # fmt: skip
ASPECT_PILLARS = {
    "aspect-comprehensive-law": "prosecution", "aspect-some-penal-provision": "prosecution",
    "aspect-prosecutions": "prosecution", "aspect-data-published": "partnership",
    "aspect-official-training": "prosecution", "aspect-significant-efforts": None,
    "aspect-victim-protection": "protection", "aspect-ngos-permitted": "protection",
    "aspect-victims-penalized": "protection", "aspect-prevention-efforts": "prevention",
    "aspect-awareness-campaigns": "prevention", "aspect-exit-penalized": "prevention",
    "aspect-official-complicity": "prosecution", "aspect-recognized-as-crime": "prosecution",
    "aspect-worst-performer": None, "aspect-state-forced-labour": "prevention",
    "aspect-reported-as-described": None, "aspect-profile-role": None,
}  # fmt: skip

# --- shape fixtures: (fixture stem, node shape, expected (source shape, component) pairs) -------

WARNING_SHAPES = {"WatchListStreakShape", "RestatementShape"}

SHAPE_CASES: list[tuple[str, str, set[tuple[str, str]]]] = [
    ("geoarea", "GeoAreaShape", {
        ("GeoAreaShape", "Xone"), ("GeoAreaShape-latitude", "MaxInclusive")}),
    ("country", "CountryShape", {
        ("CountryShape", "SPARQL"), ("CountryShape-alpha3", "Pattern"),
        ("CountryShape-label", "MinCount")}),
    ("region", "RegionShape", {("RegionShape-m49", "Pattern"), ("RegionShape-label", "MinCount")}),
    ("destinationcountry", "DestinationCountryShape", {
        ("DestinationCountryShape-flow", "QualifiedMinCount")}),
    ("sourcecountry", "SourceCountryShape", {("SourceCountryShape-flow", "QualifiedMinCount")}),
    ("transitcountry", "TransitCountryShape", {("TransitCountryShape-flow", "QualifiedMinCount")}),
    ("agent", "AgentShape", {
        ("AgentShape-label", "MinCount"), ("AgentShape-issuesTiers", "Datatype")}),
    ("sourcedocument", "SourceDocumentShape", {
        ("SourceDocumentShape-docType", "MinCount"), ("SourceDocumentShape-reliability", "In"),
        ("SourceDocumentShape-sha256", "Pattern")}),
    ("extractionactivity", "ExtractionActivityShape", {
        ("ExtractionActivityShape-label", "MinCount")}),
    ("assessment", "AssessmentShape", {
        ("AssessmentShape", "Or"), ("AssessmentShape", "SPARQL"),
        ("AssessmentShape-profileRole", "In"), ("AssessmentShape-victimGroup", "In")}),
    ("tierplacement", "TierPlacementShape", {
        ("TierPlacementShape", "SPARQL"), ("TierPlacementShape-restates", "Class"),
        ("TierPlacementShape-tier", "MaxCount"),
        ("TierPlacementShape-watchListYears", "MinInclusive"),
        ("TierPlacementShape-statedIn", "MinCount")}),
    ("watchliststreak", "WatchListStreakShape", {("WatchListStreakShape", "Or")}),
    ("restatement", "RestatementShape", {("RestatementShape", "SPARQL")}),
    ("reviewstatus", "ReviewStatusShape", {
        ("ReviewStatusShape-status", "In"), ("ReviewStatusShape-generatedBy", "MinCount")}),
    ("softwareagent", "SoftwareAgentShape", {
        ("SoftwareAgentShape-label", "MinCount"), ("SoftwareAgentShape-version", "Datatype")}),
    ("reviewedassessment", "ReviewedAssessmentShape", {
        ("ReviewedAssessmentShape-by", "MinCount"), ("ReviewedAssessmentShape-on", "Datatype"),
        ("ReviewedAssessmentShape-status", "MinCount")}),
    ("traffickingflow", "TraffickingFlowShape", {
        ("TraffickingFlowShape", "Xone"), ("TraffickingFlowShape", "SPARQL"),
        ("TraffickingFlowShape-statedIn", "MinCount"), ("TraffickingFlowShape-victimGroup", "In")}),
    ("crossborderflow", "CrossBorderFlowShape", {("CrossBorderFlowShape-destination", "Disjoint")}),
    ("internalflow", "InternalFlowShape", {("InternalFlowShape-destination", "Equals")}),
    ("estimate", "EstimateShape", {
        ("EstimateShape", "Or"), ("EstimateShape-bounds", "LessThanOrEquals"),
        ("EstimateShape-pointValue", "Datatype"), ("EstimateShape-pointValue", "MinInclusive"),
        ("EstimateShape-countUnit", "MinCount")}),
    ("smallcount", "SmallCountShape", {("SmallCountShape", "SPARQL")}),
    ("nopersons", "NoPersonsShape", {("NoPersonsShape-type", "MaxCount")}),
    ("countrystatistic", "CountryStatisticShape", {
        ("CountryStatisticShape-indicator", "In"), ("CountryStatisticShape-year", "MinCount"),
        ("CountryStatisticShape-estimate", "MinCount")}),
    ("policy", "PolicyShape", {
        ("PolicyShape", "Xone"), ("PolicyShape-effect", "MinCount"),
        ("PolicyShape-label", "MaxCount")}),
    ("law", "LawShape", {("LawShape-party", "MaxCount")}),
    ("bilateralagreement", "BilateralAgreementShape", {
        ("BilateralAgreementShape-party", "MinCount")}),
    ("statepractice", "StatePracticeShape", {("StatePracticeShape-party", "MaxCount")}),
    ("actionplan", "ActionPlanShape", {("ActionPlanShape-party", "MaxCount")}),
    ("recommendation", "RecommendationShape", {
        ("RecommendationShape", "Or"), ("RecommendationShape-pillar", "In"),
        ("RecommendationShape-description", "LanguageIn"),
        ("RecommendationShape-description", "MaxLength"),
        ("RecommendationShape-locator", "MinCount")}),
    ("treaty", "TreatyShape", {("TreatyShape-title", "MinCount")}),
    ("treatyparticipation", "TreatyParticipationShape", {
        ("TreatyParticipationShape-party", "MinCount"), ("TreatyParticipationShape-action", "In"),
        ("TreatyParticipationShape-date", "Datatype")}),
    ("claim", "ClaimShape", {
        ("ClaimShape", "SPARQL"), ("ClaimShape-confidence", "MaxInclusive"),
        ("ClaimShape-aspect", "In")}),
    ("curatedclaim", "CuratedClaimShape", {
        ("CuratedClaimShape-notStated", "MaxCount"), ("CuratedClaimShape-attributedTo", "MinCount"),
        ("CuratedClaimShape-rationale", "MinCount")}),
    ("roleevidence", "RoleEvidenceShape", {
        ("RoleEvidenceShape-role", "In"), ("RoleEvidenceShape-flows", "MinInclusive")}),
    ("curationactivity", "CurationActivityShape", {("CurationActivityShape-curator", "MinCount")}),
    ("curatorlink", "CuratorLinkShape", {
        ("CuratorLinkShape-notStated", "MaxCount"), ("CuratorLinkShape-attributedTo", "MinCount"),
        ("CuratorLinkShape-date", "MinCount"), ("CuratorLinkShape-subject", "MinCount")}),
    ("resolution", "ResolutionShape", {
        ("ResolutionShape-preferred", "Class"), ("ResolutionShape-rationale", "MinCount")}),
    ("supportedby", "SupportedByShape", {("SupportedByShape-claim", "Class")}),
    ("traffickingform", "TraffickingFormShape", {
        ("TraffickingFormShape-prefLabel", "QualifiedMinCount"),
        ("TraffickingFormShape-source", "MinCount"), ("TraffickingFormShape-scheme", "HasValue")}),
]  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


@cache
def _parsed(name: str) -> Graph:
    return Graph().parse(ONTOLOGY_DIR / name)


def ontology() -> Graph:
    return _parsed("kg.ttl")


def vocab() -> Graph:
    return _parsed("vocab.ttl")


def shapes() -> Graph:
    return _parsed("shapes.ttl")


def validate_fixture(fixture: Path) -> Graph:
    """Validate one fixture against the shapes and return the pySHACL report graph."""
    data = Graph()
    data += ontology()
    data += vocab()
    data.parse(fixture)
    data.update(CLOSE_TYPES)
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes(), advanced=True)
    return report


def parent_shape(shape: URIRef | BNode) -> URIRef | BNode:
    """Return the node shape that owns `shape` via sh:property, or `shape` itself."""
    owner = shapes().value(predicate=SH.property, object=shape)
    return owner if owner is not None else shape


def local(term: object) -> str:
    text = str(term)
    for ns in (str(TKS), str(SH)):
        text = text.removeprefix(ns)
    return text.removesuffix("ConstraintComponent")


def results(report: Graph) -> list[tuple[str, str, str, str]]:
    """List (source shape, component, severity, message) for every result in a report."""
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        rows.append(
            (
                local(report.value(result, SH.sourceShape)),
                local(report.value(result, SH.sourceConstraintComponent)),
                local(report.value(result, SH.resultSeverity)),
                str(report.value(result, SH.resultMessage)),
            )
        )
    return rows


def tk_terms(graph: Graph, kind: URIRef) -> set[str]:
    return {
        str(s).removeprefix(str(TK))
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(TK))
    }


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return [
        o
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en"
    ]


def concepts_in(scheme: str) -> set[str]:
    return {str(c).removeprefix(str(TKV)) for c in vocab().subjects(SKOS.inScheme, TKV[scheme])}


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kg.ttl", "vocab.ttl", "shapes.ttl"])
def test_turtle_parses(name: str) -> None:
    assert len(Graph().parse(ONTOLOGY_DIR / name)) > 0


def test_fixtures_parse() -> None:
    for path in sorted(SHAPES_DATA.glob("*.ttl")):
        assert len(Graph().parse(path)) > 0, path.name


# --- shapes against fixtures ---------------------------------------------------------------


def test_good_minimal_conforms() -> None:
    report = validate_fixture(SHAPES_DATA / "good_minimal.ttl")
    assert results(report) == []
    assert report.value(predicate=RDF.type, object=SH.ValidationReport) is not None
    assert (None, SH.conforms, Literal(True)) in report


@pytest.mark.parametrize(
    ("stem", "node_shape", "expected"), SHAPE_CASES, ids=[case[0] for case in SHAPE_CASES]
)
def test_bad_fixture_fails_for_intended_reason(
    stem: str, node_shape: str, expected: set[tuple[str, str]]
) -> None:
    report = validate_fixture(SHAPES_DATA / f"bad_{stem}.ttl")
    rows = results(report)
    assert rows, f"bad_{stem}.ttl unexpectedly conforms"
    # Every result comes from the shape under test (or one of its property shapes) ...
    owners = {
        local(parent_shape(report.value(r, SH.sourceShape)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert owners == {node_shape}, rows
    # ... with exactly the intended constraints, severities and a readable message.
    assert {(shape, component) for shape, component, _, _ in rows} == expected, rows
    severity = "Warning" if node_shape in WARNING_SHAPES else "Violation"
    assert {sev for _, _, sev, _ in rows} == {severity}
    assert all(len(message) > 20 for _, _, _, message in rows)


def test_every_node_shape_has_a_bad_fixture() -> None:
    node_shapes = {local(s) for s in shapes().subjects(RDF.type, SH.NodeShape)}
    assert node_shapes == {case[1] for case in SHAPE_CASES}
    fixtures = {p.stem.removeprefix("bad_") for p in SHAPES_DATA.glob("bad_*.ttl")}
    assert fixtures == {case[0] for case in SHAPE_CASES}


def test_every_contract_class_has_a_shape() -> None:
    targeted = {
        str(c).removeprefix(str(TK))
        for c in shapes().objects(None, SH.targetClass)
        if str(c).startswith(str(TK))
    }
    assert targeted == CLASSES


def test_person_nodes_are_violations() -> None:
    targets = set(shapes().objects(TKS.NoPersonsShape, SH.targetClass))
    assert targets == {
        URIRef("http://schema.org/Person"),
        URIRef("http://xmlns.com/foaf/0.1/Person"),
    }


# --- shapes file hygiene ---------------------------------------------------------------------


def _all_shapes(graph: Graph) -> set[URIRef | BNode]:
    found: set[URIRef | BNode] = set(graph.subjects(RDF.type, SH.NodeShape))
    found |= set(graph.subjects(RDF.type, SH.PropertyShape))
    found |= set(graph.subjects(SH.path, None))
    found |= set(graph.objects(None, SH.property))
    found |= set(graph.objects(None, SH.qualifiedValueShape))
    found |= set(graph.objects(None, SH["not"]))
    for logical in (SH["or"], SH["and"], SH.xone):
        for head in graph.objects(None, logical):
            found |= set(graph.items(head))
    return found


def test_every_shape_has_an_english_message() -> None:
    graph = shapes()
    missing = [s for s in _all_shapes(graph) if not english(graph, s, SH.message)]
    assert missing == []


def test_sparql_constraints_have_messages_and_prefixes() -> None:
    graph = shapes()
    for constraint in graph.objects(None, SH.sparql):
        assert english(graph, constraint, SH.message)
        assert graph.value(constraint, SH.prefixes) is not None
        assert "$this" in str(graph.value(constraint, SH.select))


def test_node_shapes_are_named_and_labelled() -> None:
    graph = shapes()
    for shape in graph.subjects(RDF.type, SH.NodeShape):
        assert isinstance(shape, URIRef), shape
        assert str(shape).startswith(str(TKS)), shape
        assert english(graph, shape, RDFS.label), shape
    for prop in graph.objects(None, SH.property):
        owner = graph.value(predicate=SH.property, object=prop)
        if (owner, RDF.type, SH.NodeShape) in graph:
            assert isinstance(prop, URIRef), f"property shape of {owner} is a blank node"
            assert str(prop).startswith(f"{owner}-"), prop
            assert english(graph, prop, SH.name), prop


def test_only_the_curators_warnings_are_warnings() -> None:
    severities = {(s, o) for s, o in shapes().subject_objects(SH.severity)}
    assert severities == {(TKS[name], SH.Warning) for name in WARNING_SHAPES}


def test_closed_lists_in_shapes_are_vocab_concepts() -> None:
    graph = shapes()
    for head in graph.objects(None, SH["in"]):
        for item in graph.items(head):
            assert (item, RDF.type, SKOS.Concept) in vocab(), item


# --- ontology ------------------------------------------------------------------------------


def test_ontology_header() -> None:
    graph = ontology()
    iri = URIRef("https://w3id.org/kg-tip/ontology")
    assert (iri, RDF.type, OWL.Ontology) in graph
    assert graph.value(iri, OWL.versionInfo) == Literal("0.1.0")
    assert graph.value(iri, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert english(graph, iri, DCTERMS.title)
    assert english(graph, iri, DCTERMS.description)


def test_ontology_declares_exactly_the_contract_terms() -> None:
    graph = ontology()
    assert tk_terms(graph, OWL.Class) == CLASSES
    assert tk_terms(graph, OWL.ObjectProperty) == OBJECT_PROPERTIES
    assert tk_terms(graph, OWL.DatatypeProperty) == DATATYPE_PROPERTIES
    assert tk_terms(graph, OWL.AnnotationProperty) == {"reviewedOn"}  # a date: see kg.ttl


def test_every_term_has_label_and_comment() -> None:
    graph = ontology()
    for name in CLASSES | OBJECT_PROPERTIES | DATATYPE_PROPERTIES:
        assert len(english(graph, TK[name], RDFS.label)) == 1, name
        assert len(english(graph, TK[name], RDFS.comment)) == 1, name


def test_every_property_has_domain_and_range_or_says_any() -> None:
    graph = ontology()
    for name in OBJECT_PROPERTIES | DATATYPE_PROPERTIES:
        comment = str(english(graph, TK[name], RDFS.comment)[0]).lower()
        for axis in (RDFS.domain, RDFS.range):
            if graph.value(TK[name], axis) is None:
                assert "any" in comment, f"{name} lacks {axis} and does not say 'any'"


def test_datatype_property_ranges_are_xsd() -> None:
    graph = ontology()
    for name in DATATYPE_PROPERTIES:
        assert str(graph.value(TK[name], RDFS.range)).startswith(str(XSD)), name


def test_no_owl_same_as_anywhere() -> None:
    for graph in (ontology(), vocab(), shapes()):
        for triple in graph:
            assert OWL.sameAs not in triple


def test_property_characteristics() -> None:
    graph = ontology()
    assert (TK.assessedCountry, RDF.type, OWL.FunctionalProperty) in graph
    assert (TK.contradicts, RDF.type, OWL.SymmetricProperty) in graph
    assert (TK.corroborates, RDF.type, OWL.SymmetricProperty) in graph
    assert graph.value(TK.isOriginOf, OWL.inverseOf) == TK.origin
    assert graph.value(TK.isDestinationOf, OWL.inverseOf) == TK.destination
    assert graph.value(TK.isTransitOf, OWL.inverseOf) == TK.transit
    assert (TK.CrossBorderFlow, OWL.disjointWith, TK.InternalFlow) in graph
    assert (TK.wikidataItem, RDFS.subPropertyOf, URIRef("http://schema.org/sameAs")) in graph


@pytest.mark.parametrize(
    ("derived", "inverse", "filler"),
    [
        ("DestinationCountry", "isDestinationOf", "CrossBorderFlow"),
        ("SourceCountry", "isOriginOf", "CrossBorderFlow"),
        ("TransitCountry", "isTransitOf", "TraffickingFlow"),
    ],
)
def test_derived_classes_are_defined_not_asserted(derived: str, inverse: str, filler: str) -> None:
    graph = ontology()
    query = """
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        ASK {
            ?cls owl:equivalentClass [ owl:intersectionOf ?list ] .
            ?list rdf:rest*/rdf:first ?country .
            ?list rdf:rest*/rdf:first [ owl:onProperty ?prop ; owl:someValuesFrom ?filler ] .
        }
    """
    bindings = {
        "cls": TK[derived],
        "country": TK.Country,
        "prop": TK[inverse],
        "filler": TK[filler],
    }
    assert graph.query(query, initBindings=bindings).askAnswer
    assert "derived by kg's rules" in str(english(graph, TK[derived], RDFS.comment)[0]).lower()


def test_owl_rl_reasoner_derives_role_classes() -> None:
    owlrl = pytest.importorskip("owlrl")
    data = Graph()
    data += ontology()
    data.parse(SHAPES_DATA / "good_minimal.ttl")
    for cls in ("DestinationCountry", "SourceCountry", "TransitCountry"):
        data.remove((None, RDF.type, TK[cls]))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(data)
    tkd = Namespace("https://w3id.org/kg-tip/id/")
    assert set(data.subjects(RDF.type, TK.DestinationCountry)) == {tkd["country-XAB"]}
    assert set(data.subjects(RDF.type, TK.SourceCountry)) == {tkd["country-XAA"]}
    assert set(data.subjects(RDF.type, TK.TransitCountry)) == {tkd["country-XAB"]}


# --- vocabularies ---------------------------------------------------------------------------


def test_vocab_has_exactly_the_contract_schemes_and_concepts() -> None:
    graph = vocab()
    schemes = {str(s).removeprefix(str(TKV)) for s in graph.subjects(RDF.type, SKOS.ConceptScheme)}
    assert schemes == set(SCHEMES)
    for scheme, members in SCHEMES.items():
        assert concepts_in(scheme) == members, scheme


def test_schemes_and_concepts_are_documented() -> None:
    graph = vocab()
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        assert english(graph, scheme, SKOS.prefLabel), scheme
        assert english(graph, scheme, SKOS.definition), scheme
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        assert len(list(graph.objects(concept, SKOS.inScheme))) == 1, concept
        assert len(english(graph, concept, SKOS.prefLabel)) == 1, concept
        assert english(graph, concept, SKOS.definition), concept


def test_top_concepts_are_consistent() -> None:
    graph = vocab()
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        scheme = graph.value(concept, SKOS.inScheme)
        broader = list(graph.objects(concept, SKOS.broader))
        is_top = (concept, SKOS.topConceptOf, scheme) in graph
        assert is_top == (not broader), concept
        assert is_top == ((scheme, SKOS.hasTopConcept, concept) in graph), concept
        for parent in broader:
            assert graph.value(parent, SKOS.inScheme) == scheme, concept


def test_pref_and_alt_labels_do_not_clash() -> None:
    graph = vocab()
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        pref = set(graph.objects(concept, SKOS.prefLabel))
        assert not pref & set(graph.objects(concept, SKOS.altLabel)), concept


def test_forms_have_definition_source_and_type() -> None:
    graph = vocab()
    forms = set(graph.subjects(SKOS.inScheme, TKV.forms))
    assert len(forms) >= 12
    assert forms == set(graph.subjects(RDF.type, TK.TraffickingForm))
    for form in forms:
        assert english(graph, form, SKOS.definition), form
        assert list(graph.objects(form, DCTERMS.source)), form


def test_form_hierarchy() -> None:
    graph = vocab()
    parents = {
        str(s).removeprefix(str(TKV)): str(o).removeprefix(str(TKV))
        for s, o in graph.subject_objects(SKOS.broader)
        if (s, SKOS.inScheme, TKV.forms) in graph
    }
    assert parents["form-forced-labour-in-detention"] == "form-state-imposed-forced-labour"
    assert parents["form-state-imposed-forced-labour"] == "form-forced-labour"
    assert parents["form-child-sex-trafficking"] == "form-sex-trafficking"
    for child in ("debt-bondage", "domestic-servitude", "forced-child-labour", "forced-begging",
                  "forced-criminality"):  # fmt: skip
        assert parents[f"form-{child}"] == "form-forced-labour"
    for child in ("labour-trafficking", "sex-trafficking", "forced-marriage", "child-soldiering",
                  "organ-removal", "slavery-practices", "other-exploitation"):  # fmt: skip
        assert parents[f"form-{child}"] == "form-trafficking-in-persons"


def test_forced_labour_and_trafficking_overlap_without_containing_each_other() -> None:
    """ILO C29 forced labour and Palermo trafficking are two families: labour trafficking is
    under trafficking and only related to forced labour; state-imposed forced labour is under
    forced labour and not under trafficking. Each family cites its instrument as a tk:Treaty."""
    graph = vocab()
    tops = set(graph.objects(TKV.forms, SKOS.hasTopConcept))
    assert tops == {TKV["form-trafficking-in-persons"], TKV["form-forced-labour"]}

    def ancestors(form: URIRef) -> set[URIRef]:
        return set(graph.transitive_objects(form, SKOS.broader)) - {form}

    assert TKV["form-forced-labour"] not in ancestors(TKV["form-labour-trafficking"])
    assert TKV["form-trafficking-in-persons"] not in ancestors(TKV["form-forced-labour"])
    assert TKV["form-trafficking-in-persons"] not in ancestors(
        TKV["form-forced-labour-in-detention"]
    )
    assert (TKV["form-labour-trafficking"], SKOS.related, TKV["form-forced-labour"]) in graph
    for concept in graph.subjects(SKOS.inScheme, TKV.forms):  # SKOS: related ∩ broader* = ∅
        for other in graph.objects(concept, SKOS.related):
            assert other not in ancestors(concept)
            assert concept not in ancestors(other)
    tkd = "https://w3id.org/kg-tip/id/"
    assert (TKV["form-forced-labour"], TK.legalBasis, URIRef(tkd + "treaty-ilo-c29")) in graph
    assert (
        TKV["form-trafficking-in-persons"],
        TK.legalBasis,
        URIRef(tkd + "treaty-un-tip-protocol"),
    ) in graph
    treaties = (ROOT / "data" / "reference" / "treaties.yaml").read_text(encoding="utf-8")
    for basis in set(graph.objects(None, TK.legalBasis)):
        assert f"id: {str(basis).removeprefix(tkd + 'treaty-')}\n" in treaties, basis


def test_form_notations_are_typed() -> None:
    graph = vocab()
    ctdc = {
        str(n): str(s).removeprefix(str(TKV))
        for s, n in graph.subject_objects(SKOS.notation)
        if n.datatype == TKV.ctdcField
    }
    assert ctdc["isForcedLabour"] == "form-labour-trafficking"
    assert ctdc["isForcedMarriage"] == "form-forced-marriage"
    assert ctdc["meansOfControlDebtBondage"] == "form-debt-bondage"
    assert len(ctdc) == 11
    for notation in graph.objects(None, SKOS.notation):
        assert notation.datatype in {TKV.ctdcField, TKV.htcdsValue}, notation
    for datatype in (TKV.ctdcField, TKV.htcdsValue):
        assert (datatype, RDF.type, RDFS.Datatype) in graph
        assert english(graph, datatype, RDFS.label)


def test_tiers_have_five_distinct_ranks() -> None:
    graph = vocab()
    tiers = set(graph.subjects(SKOS.inScheme, TKV.tiers))
    assert len(tiers) == 5
    ranks = [graph.value(t, TK.rank) for t in tiers]
    assert all(r is not None and r.datatype == XSD.integer for r in ranks)
    assert sorted(r.toPython() for r in ranks) == [1, 2, 3, 4, 5]
    assert graph.value(TKV["tier-2wl"], TK.rank).toPython() == 3
    alt = {str(a) for a in graph.objects(TKV["tier-2wl"], SKOS.altLabel)}
    assert "Watch List" in alt


def test_aspects_have_scope_notes_and_pillars() -> None:
    graph = vocab()
    for name, pillar in ASPECT_PILLARS.items():
        aspect = TKV[name]
        assert "true" in str(english(graph, aspect, SKOS.scopeNote)[0]), name
        expected = {TKV[f"pillar-{pillar}"]} if pillar else set()
        assert set(graph.objects(aspect, TK.pillar)) == expected, name


# --- JSON-LD context -----------------------------------------------------------------------


def _context() -> dict[str, object]:
    with (ONTOLOGY_DIR / "context.jsonld").open(encoding="utf-8") as handle:
        return json.load(handle)["@context"]


def test_context_declares_prefixes() -> None:
    context = _context()
    assert context["@version"] == 1.1
    for prefix in ("tk", "tkv", "tkd", "tkg", "skos", "prov", "dcterms", "schema", "rdfs", "xsd"):
        assert prefix in context


def test_context_terms_match_the_ontology() -> None:
    context = _context()
    for name in OBJECT_PROPERTIES:
        assert context[name] == {"@id": f"tk:{name}", "@type": "@id"}, name
    graph = ontology()
    for name in DATATYPE_PROPERTIES:
        term = context[name]
        assert isinstance(term, dict), name
        assert term["@id"] == f"tk:{name}", name
        xsd_range = str(graph.value(TK[name], RDFS.range)).removeprefix(str(XSD))
        assert term.get("@type", "xsd:string") == f"xsd:{xsd_range}", name


def test_context_round_trip() -> None:
    document = {
        "@context": _context(),
        "@graph": [
            {
                "id": "tkd:assessment-x",
                "type": "Assessment",
                "assessedCountry": "tkd:country-XAA",
                "reportYear": "2019",
            },
            {
                "id": "tkd:estimate-x",
                "type": "Estimate",
                "pointValue": 50000,
                "countUnit": "tkv:unit-trafficking-victims",
                "censored": False,
            },
            {"id": "tkd:claim-x", "confidence": "0.9", "description": "A paraphrase."},
        ],
    }
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    tkd = Namespace("https://w3id.org/kg-tip/id/")
    assert (tkd["assessment-x"], RDF.type, TK.Assessment) in graph
    assert (tkd["assessment-x"], TK.assessedCountry, tkd["country-XAA"]) in graph
    assert (tkd["assessment-x"], TK.reportYear, Literal("2019", datatype=XSD.integer)) in graph
    assert (tkd["estimate-x"], TK.pointValue, Literal(50000)) in graph
    assert (tkd["estimate-x"], TK.countUnit, TKV["unit-trafficking-victims"]) in graph
    assert (tkd["estimate-x"], TK.censored, Literal(False)) in graph
    assert (tkd["claim-x"], TK.confidence, Literal("0.9", datatype=XSD.decimal)) in graph
    assert (tkd["claim-x"], DCTERMS.description, Literal("A paraphrase.", lang="en")) in graph
