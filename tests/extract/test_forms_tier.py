"""Forms (most specific, with coarse parents), the tier and report year, effort findings."""

from __future__ import annotations

import pytest

from kg.extract.efforts import find_claims
from kg.extract.extractor import extract
from kg.extract.forms import clause_forms, with_parents
from kg.extract.gazetteer import Gazetteer
from kg.extract.segment import segment
from kg.extract.tier import find_tier, find_year, tier_name


def forms(g: Gazetteer, text: str) -> list[str]:
    return extract(text, "KEN", g).summary()["forms"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("men are subjected to forced labor", {"forced-labour"}),
        ("women are forced into prostitution", {"sex-trafficking"}),
        (
            "men, women, and children are subjected to forced labor and sex trafficking",
            {"forced-labour", "sex-trafficking", "forced-child-labour", "child-sex-trafficking"},
        ),
        (
            "migrant domestic workers face conditions of forced labor",
            {"forced-labour", "domestic-servitude"},
        ),
        ("workers are held in debt bondage", {"forced-labour", "debt-bondage"}),
        (
            "foreigners are subjected to forced labor to pay off travel debts",
            {"forced-labour", "debt-bondage"},
        ),
        ("gangs force boys to beg", {"forced-labour", "forced-begging", "forced-child-labour"}),
        (
            "adults are forced into theft and drug transport",
            {"forced-labour", "forced-criminality"},
        ),
        ("girls are sold into forced marriages", {"forced-marriage"}),
        ("armed groups recruit children as combatants and spies", {"child-soldiering"}),
        ("girls were forced to donate a kidney", {"organ-removal"}),
        (
            "state-sponsored forced labor of detainees continues in prison camps",
            {"forced-labour", "state-imposed-forced-labour", "forced-labour-in-detention"},
        ),
        ("some communities practise hereditary slavery", {"slavery-practices"}),
    ],
)
def test_clause_forms(text: str, expected: set[str]) -> None:
    assert clause_forms(text, domestic_work="domestic" in text) == expected


def test_context_words_need_force() -> None:
    assert clause_forms("criminal groups run begging rings and organized crime groups") == set()
    assert clause_forms("children beg in the streets") == set()


def test_summary_forms_add_coarse_parents_only(gazetteer: Gazetteer) -> None:
    found = forms(gazetteer, "migrants are recruited from detention centers as forced laborers")
    assert found == ["forced-labour", "forced-labour-in-detention"]
    assert "state-imposed-forced-labour" in with_parents({"forced-labour-in-detention"})


def test_hedged_forms_are_left_out(gazetteer: Gazetteer) -> None:
    text = "women are forced into prostitution; children may be subjected to forced labor"
    assert forms(gazetteer, text) == ["sex-trafficking"]


def test_a_hedged_conjunct_does_not_hedge_the_statement_before_it(gazetteer: Gazetteer) -> None:
    text = "children are forced to beg and adults may be coerced into crime"
    assert "forced-begging" in forms(gazetteer, text)
    assert "forced-criminality" not in forms(gazetteer, text)


def test_tier_names() -> None:
    assert tier_name("Tier 2 Watch List") == "tier-2wl"
    assert tier_name("Tier 3") == "tier-3"
    assert tier_name("Special Case") == "tier-special-case"
    assert tier_name("Tier 1") == "tier-1"
    assert tier_name("Tier 3 Watch List") is None


def test_tier_from_an_opening_paragraph_with_its_year() -> None:
    text = (
        "Tier 2 Watch List — the government is making significant efforts; it was granted a "
        "waiver and remained on the Tier 2 Watch List for a third consecutive year (2022)\n\n"
        "Men are subjected to forced labor."
    )
    sentences = segment(text)
    tier = find_tier(sentences)
    assert tier is not None
    found = (tier.tier, tier.sentence, tier.waiver, tier.watch_list_years)
    assert found == ("tier-2wl", 1, True, 3)
    assert find_year(text, sentences, 1) == (2022, 2)
    assert find_year(text, sentences) is None


def test_a_tier_named_as_a_threat_is_not_a_placement() -> None:
    text = "Ruritania was granted a waiver from an otherwise required downgrade to Tier 3"
    assert find_tier(segment(text)) is None


def test_placed_on_a_tier_and_a_report_year() -> None:
    text = "Ruritania is placed on Tier 3 in the 2024 Trafficking in Persons Report."
    sentences = segment(text)
    tier = find_tier(sentences)
    assert tier is not None
    assert tier.tier == "tier-3"
    assert find_year(text, sentences) == (2024, 1)


def test_the_report_named_in_the_placement_sentence_gives_the_year(gazetteer: Gazetteer) -> None:
    labour = "Men are subjected to forced labor in Ruritania. "
    text = labour + (
        "Ruritania was downgraded to Tier 3 in the 2021 report. Officials cited the 2019 report "
        "when they drafted a plan."
    )
    x = extract(text, "KEN", gazetteer)
    assert (x.summary()["tier"], x.summary()["year"]) == ("tier-3", 2021)
    # a report of some year named anywhere else dates nothing
    other = labour + "Ruritania remained on Tier 2. Officials cited the 2019 report in a plan."
    assert extract(other, "KEN", gazetteer).summary()["year"] is None
    # a reporting period is not the report's year
    period = labour + "Ruritania remained on Tier 2 during the 2019 reporting period."
    assert extract(period, "KEN", gazetteer).summary()["year"] is None


def test_a_trailing_year_in_a_narrative_without_a_tier_is_no_report_year(
    gazetteer: Gazetteer,
) -> None:
    text = "Men are subjected to forced labor; about a third of cases cross borders (2012)"
    x = extract(text, "KEN", gazetteer)
    assert x.summary()["tier"] is None
    assert x.summary()["year"] is None


def test_effort_findings_with_polarity() -> None:
    text = (
        "Tier 3 — the government does not fully meet the minimum standards and is not making "
        "significant efforts to do so; authorities did not report prosecuting any traffickers; "
        "the government trained officials and ran an awareness campaign; officials were "
        "complicit in trafficking (2023)"
    )
    found = {(c.aspect, c.polarity) for c in find_claims(segment(text), 1)}
    assert {
        ("significant-efforts", False),
        ("prosecutions", False),
        ("official-training", True),
        ("awareness-campaigns", True),
        ("official-complicity", True),
    } <= found


def test_doubt_is_kept_unknown_reported_alleged() -> None:
    text = (
        "Tier 3 — the government does not fully meet the minimum standards and is not making "
        "significant efforts to do so; information on the training of officials is hard to "
        "obtain; it is reported that officials torture returned victims and victims were "
        "punished for crimes; senior officials allegedly were complicit in trafficking; "
        "authorities reportedly identified five victims (2023)"
    )
    found = {(c.aspect, c.polarity, c.evidence) for c in find_claims(segment(text), 1)}
    assert {
        ("significant-efforts", False, None),  # stated plainly
        ("official-training", None, None),  # not known: neither true nor false
        ("victims-penalized", True, "reported"),
        ("official-complicity", True, "alleged"),
        ("victim-protection", True, "reported"),
    } <= found
    unknown = next(c for c in find_claims(segment(text), 1) if c.polarity is None)
    assert unknown.summary.startswith("Whether officials were trained")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "were reported" is how TIP says there were none: a plain statement, not a hedge
        ("the government did not prosecute traffickers, and no convictions were reported",
         ("prosecutions", False, None)),
        # "alleged traffickers" names suspects: the prosecution itself is stated
        ("authorities prosecuted and convicted more alleged traffickers",
         ("prosecutions", True, None)),
        # an allegation about the crime does not hedge the effort against it
        ("Quranic teachers have not been prosecuted for allegedly forcing child begging",
         ("prosecutions", False, None)),
        # the lack of data is itself the finding about data; what it hides is not known
        ("limited anti-trafficking data makes it difficult to assess law enforcement efforts "
         "to prosecute traffickers",
         ("data-published", False, None)),
        ("limited anti-trafficking data makes it difficult to assess law enforcement efforts "
         "to prosecute traffickers",
         ("prosecutions", None, None)),
        # an estimate qualifies a number, not the finding that the campaign ran
        ("the government ran an awareness campaign that reached an estimated 3,000 people",
         ("awareness-campaigns", True, None)),
        # a report hedge at the head of the clause covers the finding after it
        ("according to NGO reports, victims were punished by the police for prostitution",
         ("victims-penalized", True, "reported")),
    ],
)  # fmt: skip
def test_hedges_that_are_not_doubt(
    text: str, expected: tuple[str, bool | None, str | None]
) -> None:
    found = {(c.aspect, c.polarity, c.evidence) for c in find_claims(segment(text), 1)}
    assert expected in found
