"""Queries written for pyoxigraph's planner give the rows of their plain formulations.

Some of kg's internal queries are phrased so that pyoxigraph seeks one country's facts instead of
hashing the whole store's answer to a UNION branch of several triples (``victims``, ``claims``,
``pillars``, ``flow_classes``: seconds to milliseconds on the 5M on-disk store, ``bench/``).
Each is run here beside the plain query it replaces, bound to every country and unbound, on the
rich graph with victim groups added where the plain query finds them and where it must not (a
group on a fact of an assessment that is not a flow), and the rows must be the same multiset.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from flowdata import assessed_countries, subjects

from kg.network.resolve import QUERIES as NETWORK
from kg.report.dossier import QUERIES as DOSSIER
from kg.viz.series import QUERIES as CHARTS

PREFIXES = """PREFIX tk: <https://w3id.org/kg-tip/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

PLAIN_VICTIMS = """SELECT ?country ?assessment ?fact ?group ?groupLabel WHERE {
  { ?assessment tk:victimGroup ?group ; tk:assessedCountry ?country . BIND (?assessment AS ?fact) }
  UNION
  { ?fact tk:victimGroup ?group ; tk:inAssessment ?assessment ; a tk:TraffickingFlow .
    ?assessment tk:assessedCountry ?country . }
  OPTIONAL { ?group skos:prefLabel ?groupLabel }
}"""

PLAIN_PILLARS = """SELECT ?pillar ?kind ?item ?label ?polarity ?year ?assessorName ?sourceTitle
       ?locator WHERE {
  ?assessment tk:assessedCountry ?country .
  { ?item tk:inAssessment ?assessment ; tk:aspect ?aspect . ?aspect tk:pillar ?pillar .
    BIND ("finding" AS ?kind)
    OPTIONAL { ?aspect skos:prefLabel ?label } OPTIONAL { ?item tk:polarity ?polarity } }
  UNION
  { ?item tk:inAssessment ?assessment ; a tk:Recommendation ; tk:pillar ?pillar .
    BIND ("recommendation" AS ?kind) OPTIONAL { ?item dcterms:description ?label } }
  OPTIONAL { ?item tk:locator ?locator }
  OPTIONAL { ?assessment tk:reportYear ?year }
  OPTIONAL { ?assessment tk:assessor/rdfs:label ?assessorName }
  OPTIONAL { ?assessment tk:publishedIn/dcterms:title ?sourceTitle }
}"""

FLOWS = "SELECT ?f WHERE { ?f a tk:TraffickingFlow }"
ASSESSMENTS = "SELECT ?a WHERE { ?a a tk:Assessment }"

PLAIN_FLOW_CLASSES = """SELECT ?flow ?class WHERE {
  VALUES ?class { tk:CrossBorderFlow tk:InternalFlow } ?flow a ?class .
}"""

#: The plain form of claims.rq's first pattern; the rest of the query is the same.
CLAIMS_SUBJECT = (
    "{ ?claim tk:claimSubject ?country } UNION { ?claim tk:claimSubject/tk:appliesTo ?country }"
)
PLAIN_CLAIMS_SUBJECT = (
    "{ ?claim tk:claimSubject ?country } UNION { ?p tk:appliesTo ?country . "
    "?claim tk:claimSubject ?p }"
)


@pytest.fixture(scope="module")
def graph(victims_graph: ox.Store) -> ox.Store:
    """The rich graph with victim groups where the plain query finds them and where it must
    not (``flowdata.with_victim_groups``)."""
    return victims_graph


def _rows(store: ox.Store, query: str) -> Counter[str]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    data = result.serialize(format=ox.QueryResultsFormat.TSV) or b""
    return Counter(row for row in data.decode().split("\n")[1:] if row)


def _bind(text: str, country: str) -> str:
    at = text.index("WHERE {") + len("WHERE {")
    return f"{text[:at]} VALUES ?country {{ <{country}> }}{text[at:]}"


def _unordered(text: str) -> str:
    return text.split("\nORDER BY", 1)[0]


CASES = {
    "victims": (DOSSIER, PREFIXES + PLAIN_VICTIMS, True),
    "claims": (DOSSIER, None, True),
    "pillars": (CHARTS, PREFIXES + PLAIN_PILLARS, False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_country_and_the_whole_store(graph: ox.Store, name: str) -> None:
    library, plain, unbound = CASES[name]
    shipped = _unordered(library.load(name))
    if plain is None:  # claims: the same query with its plain first pattern
        assert CLAIMS_SUBJECT in shipped
        plain = shipped.replace(CLAIMS_SUBJECT, PLAIN_CLAIMS_SUBJECT)
    found = 0
    for country in assessed_countries(graph):
        expected = _rows(graph, _bind(plain, country))
        assert _rows(graph, _bind(shipped, country)) == expected, country
        found += sum(expected.values())
    assert found  # the graph has rows for the query to find
    if unbound:  # read for every country at once by kg serve's index
        assert _rows(graph, shipped) == _rows(graph, plain)


def test_victim_groups_of_other_facts_are_not_listed(graph: ox.Store) -> None:
    rows = _rows(graph, _unordered(DOSSIER.load("victims")))
    facts = {row.split("\t")[2] for row in rows}
    flows = {f"<{f.value}>" for f in subjects(graph, FLOWS)}
    assessments = {f"<{a.value}>" for a in subjects(graph, ASSESSMENTS)}
    assert facts & flows
    assert facts & assessments
    assert facts <= flows | assessments


def test_flow_classes_chosen_and_all(graph: ox.Store) -> None:
    every = _rows(graph, PREFIXES + PLAIN_FLOW_CLASSES)
    assert _rows(graph, NETWORK.load("flow_classes")) == every
    flows = sorted(row.split("\t")[0] for row in every)[::7]
    values = "VALUES ?flow { " + " ".join(flows) + " }"
    chosen = Counter(row for row in every if row.split("\t")[0] in set(flows))
    text = NETWORK.load("flow_classes").replace("WHERE {", "WHERE { " + values, 1)
    assert _rows(graph, text) == chosen
