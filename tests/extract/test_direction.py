"""Who is exploited where: nationals abroad, foreigners in the country, transit; victims versus
offenders, customers and people only "vulnerable"; hedges; ambiguous names. Sentences written
for these tests in the style of TIP narratives."""

from __future__ import annotations

from typing import Any

import pytest

from kg.extract.clauses import Clause, read_clauses
from kg.extract.direction import clause_findings
from kg.extract.extractor import extract
from kg.extract.gazetteer import Gazetteer
from tests.extract.scaling import LINEAR, growth, repeated


def summary(g: Gazetteer, text: str, country: str = "KEN") -> dict[str, Any]:
    return extract(text, country, g).summary()


def test_nationals_exploited_abroad_give_destinations_and_the_source_role(g: Gazetteer) -> None:
    s = summary(g, "Kenyan women are subjected to domestic servitude in Oman, Qatar, and Lebanon.")
    assert s["destinations"] == ["LBN", "OMN", "QAT"]
    assert s["origins"] == []
    assert "source" in s["roles"]


def test_foreign_victims_in_the_country_give_origins_and_the_destination_role(
    g: Gazetteer,
) -> None:
    s = summary(g, "women from Uganda and Tanzania are forced into prostitution in Kenya")
    assert s["origins"] == ["TZA", "UGA"]
    assert s["destinations"] == []
    assert "destination" in s["roles"]


def test_a_demonym_of_victims_is_an_origin_when_no_place_is_named(g: Gazetteer) -> None:
    s = summary(g, "Ethiopian and Somali children are exploited in forced begging")
    assert s["origins"] == ["ETH", "SOM"]


def test_offenders_and_customers_are_not_victims_origins(g: Gazetteer) -> None:
    text = (
        "Chinese-owned factories exploit local workers in forced labor; "
        "Indian traffickers lure girls into prostitution; "
        "men from Germany and Italy travel to Kenya for child sex tourism"
    )
    s = summary(g, text)
    assert s["origins"] == []
    assert s["destinations"] == []


def test_people_only_vulnerable_or_at_risk_are_not_counted(g: Gazetteer) -> None:
    text = (
        "Somali refugees are vulnerable to sex trafficking; "
        "migrants from Burundi are at high risk of forced labor in agriculture, construction, "
        "and commercial sex"
    )
    s = summary(g, text)
    assert s["origins"] == []
    assert s["forms"] == []


def test_vulnerable_and_then_exploited_counts(g: Gazetteer) -> None:
    text = "Rwandan migrants are vulnerable to labor trafficking and are exploited in Kenya"
    assert summary(g, text)["origins"] == ["RWA"]


def test_hedged_statements_are_left_out(g: Gazetteer) -> None:
    text = (
        "Kenyan women may be sold into forced marriage in Sudan; "
        "allegations have been made that Kenyans are forced to work in Yemen; "
        "Kenyan boys are exploited in Tanzania and possibly Malawi"
    )
    s = summary(g, text)
    assert s["destinations"] == ["TZA"]
    assert "forced-marriage" not in s["forms"]


def test_a_hedged_role_in_a_role_sentence(g: Gazetteer) -> None:
    text = "Kenya is a source, destination, and possible transit country for women in forced labor"
    assert summary(g, text)["roles"] == ["source", "destination"]
    text = "Kenya is a presumed source and transit country for men subjected to forced labor"
    assert summary(g, text)["roles"] == []


def test_transit_onward_destinations(g: Gazetteer) -> None:
    text = (
        "traffickers use Kenya as a transit point for victims exploited in Oman and Qatar; "
        "Eritrean women transit Kenya en route to Libya and are subsequently forced into "
        "domestic servitude"
    )
    s = summary(g, text)
    assert s["transit_to"] == ["LBY", "OMN", "QAT"]
    assert s["origins"] == []
    assert "transit" in s["roles"]


@pytest.mark.parametrize(
    "text",
    [
        "Kenya is a transit country for Ethiopian men who are exploited in forced labor in "
        "South Africa",
        "Kenya is primarily a transit country for Ethiopian migrants subjected to forced labor "
        "in South Africa",
        "Kenya also serves as a transit point for Ethiopian men forced to labor in South Africa",
    ],
)
def test_a_transit_country_for_people_exploited_further_on(g: Gazetteer, text: str) -> None:
    """ "X is a transit country for <nationals> exploited in Y": Y is onward, the nationals
    are not victims exploited in X, and X is not a destination."""
    s = summary(g, text)
    assert (s["roles"], s["origins"], s["transit_to"]) == (["transit"], [], ["ZAF"])


def test_own_nationals_transiting_another_country(g: Gazetteer) -> None:
    """Kenyans passing through Ethiopia on the way to Qatar: Kenya is their source and Qatar
    where they are exploited; the transit country is Ethiopia, not Kenya."""
    text = "Some Kenyan migrants transit Ethiopia en route to Qatar and are exploited there"
    s = summary(g, text)
    assert (s["roles"], s["destinations"], s["transit_to"]) == (["source"], ["QAT"], [])


def test_some_exploited_here_others_taken_through(g: Gazetteer) -> None:
    text = (
        "some Vietnamese women are subjected to sex trafficking in Kenya while others are "
        "trafficked through Kenya to neighboring countries, particularly Tanzania"
    )
    s = summary(g, text)
    assert s["origins"] == ["VNM"]
    assert s["transit_to"] == ["TZA"]


def test_exploitation_on_the_way_makes_the_travellers_an_origin(g: Gazetteer) -> None:
    text = "Ethiopian migrants being smuggled to Europe often are subjected to forced labor"
    s = summary(g, text)
    assert s["origins"] == ["ETH"]
    assert s["transit_to"] == []  # Europe is a region, not a country


def test_where_people_live_is_not_where_they_are_exploited(g: Gazetteer) -> None:
    text = (
        "some Kenyans living in refugee camps, particularly in Uganda, are kidnapped and forced "
        "to work in Sudan"
    )
    assert summary(g, text)["destinations"] == ["SDN"]


def test_the_opening_formula_of_newer_texts(g: Gazetteer) -> None:
    text = "human traffickers exploit domestic and foreign victims in Kenya and Kenyans abroad"
    s = summary(g, text)
    assert s["roles"] == ["source", "destination", "internal"]


def test_named_destinations_of_nationals(g: Gazetteer) -> None:
    text = (
        "Kenyans are forced to work abroad; Oman is the primary trafficking destination, "
        "followed by Qatar and, to a lesser extent, Jordan"
    )
    assert summary(g, text)["destinations"] == ["JOR", "OMN", "QAT"]


def test_an_ambiguous_nationality_is_left_out_and_noted(g: Gazetteer) -> None:
    x = extract("Congolese migrants are subjected to forced labor in mines", "KEN", g)
    assert x.summary()["origins"] == []
    assert any("Congolese" in n and "COD or COG" in n for n in x.notes)


def test_an_ambiguous_nationality_is_resolved_by_the_text(g: Gazetteer) -> None:
    text = (
        "Kenyan women are exploited in the Democratic Republic of the Congo; "
        "Congolese men are forced to work in Kenyan mines"
    )
    assert summary(g, text)["origins"] == ["COD"]
    own = "Congolese children are forced into domestic servitude in Angola"
    assert summary(g, own, "COG")["destinations"] == ["AGO"]


def test_traffickers_nationality_does_not_make_their_victims_nationals(g: Gazetteer) -> None:
    text = "traffickers from Kenya exploit victims in the Netherlands"
    assert summary(g, text)["destinations"] == []


@pytest.fixture
def g(gazetteer: Gazetteer) -> Gazetteer:
    return gazetteer


def test_a_clause_with_many_role_words_is_read_in_linear_time(g: Gazetteer) -> None:
    """Each role word ("a source country") was checked for a hedge before it by a regex
    searched from the start of the clause: a 1 MB sentence of them took over two minutes."""
    text = repeated("Thailand is a source country for men and children subjected to forced labor ")

    def clauses(n: int) -> list[Clause]:
        t = text(n)
        return read_clauses(t, 0, len(t), g)

    def findings(clauses: list[Clause]) -> None:
        for c in clauses:
            clause_findings(c, "THA", 1, set())

    assert growth(findings, clauses, 10_000) < LINEAR
    assert clause_findings(clauses(200)[0], "THA", 1, set())[0][0].code == "source"
