"""Recommendations: found in a section or in a sentence, read into action types, pillars, forms
and treaties, never read as facts about the situation, drafted in the format of data/README.md.

Every text here is written for these tests (TIP-like wording, not copied from any report).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kg.extract.actions import read_item, treaty_names
from kg.extract.extractor import Extraction, extract
from kg.extract.gazetteer import Gazetteer
from kg.extract.recommend import MAX_ITEMS, find_recommendations
from kg.extract.segment import Sentence, segment
from tests.conftest import DATA
from tests.extract.scaling import LINEAR, growth, repeated

PROFILE = (
    "Kenya is a source country for men and women subjected to forced labor; Kenyan women are "
    "exploited in domestic servitude in Oman."
)


def treaties() -> list[tuple[str, str, str | None]]:
    doc = yaml.safe_load((DATA / "reference" / "treaties.yaml").read_text())
    return [(t["id"], t["title"], t.get("short_name")) for t in doc["treaties"]]


def run(g: Gazetteer, text: str) -> Extraction:
    return extract(text, "KEN", g, treaties=treaties())


def items(x: Extraction, text: str) -> list[str]:
    return [text[r.start : r.end] for r in x.recommendations]


SECTION = (
    """{heading}
• Increase efforts to identify forced labour victims among Burmese migrant workers.
• Train police and prosecutors; amend the penal code to criminalize child sex trafficking
- Become a party to the Palermo Protocol.
Vigorously investigate and prosecute labour traffickers,
including complicit officials.

PROSECUTION
"""
    + PROFILE
)

EXPECTED_ITEMS = [
    "Increase efforts to identify forced labour victims among Burmese migrant workers",
    "Train police and prosecutors",
    "amend the penal code to criminalize child sex trafficking",
    "Become a party to the Palermo Protocol",
    "Vigorously investigate and prosecute labour traffickers,\nincluding complicit officials",
]


@pytest.mark.parametrize(
    "heading",
    [
        "PRIORITIZED RECOMMENDATIONS:",
        "Prioritized Recommendations:",
        "PRIORITISED RECOMMENDATIONS",
        "Recommendations for Kenya:",
        "RECOMMENDATIONS",
        "Recommendations:",
    ],
)
def test_a_section_is_split_into_numbered_items(gazetteer: Gazetteer, heading: str) -> None:
    text = SECTION.format(heading=heading)
    x = run(gazetteer, text)
    assert items(x, text) == EXPECTED_ITEMS
    assert [r.ordinal for r in x.recommendations] == [1, 2, 3, 4, 5]
    for r in x.recommendations:
        assert re.fullmatch(rf"s\d+ \[{r.start}:{r.end}\]", r.locator)
        assert x.sentences[r.sentence - 1].start <= r.start < x.sentences[r.sentence - 1].end


def test_items_on_the_headings_line_are_read_too(gazetteer: Gazetteer) -> None:
    text = (
        "PRIORITIZED RECOMMENDATIONS: Screen migrants for forced labour indicators; adopt a "
        "national action plan • fund shelters for child victims\n\nThe government maintained "
        "efforts. " + PROFILE
    )
    x = run(gazetteer, text)
    assert items(x, text) == [
        "Screen migrants for forced labour indicators",
        "adopt a national action plan",
        "fund shelters for child victims",
    ]


def test_wrapped_lines_stay_one_item_and_plain_lines_are_items(gazetteer: Gazetteer) -> None:
    text = (
        "PRIORITIZED RECOMMENDATIONS:\n"
        "Increase efforts to identify forced labour victims among\n"
        "Burmese migrant workers and refer them to care. * Adopt a\n"
        "national action plan\n"
        "Fund shelters for child victims\n"
        "Screen Ugandan girls in\n"
        "Kenyan bars for sex trafficking indicators\n\n"
        "The government maintained efforts. " + PROFILE
    )
    x = run(gazetteer, text)
    assert items(x, text) == [
        "Increase efforts to identify forced labour victims among\n"
        "Burmese migrant workers and refer them to care",
        "Adopt a\nnational action plan",
        "Fund shelters for child victims",
        "Screen Ugandan girls in\nKenyan bars for sex trafficking indicators",
    ]
    got = x.summary()
    assert got == extract(PROFILE, "KEN", gazetteer).summary()  # the narrative after it counts
    assert "sex-trafficking" not in got["forms"]


def test_a_section_in_text_that_lost_its_line_breaks(gazetteer: Gazetteer) -> None:
    text = (
        "The government of Kenya made significant efforts to combat trafficking in persons. "
        "PRIORITIZED RECOMMENDATIONS: Increase efforts to identify forced "
        "labour victims among Burmese migrant workers. • Disseminate guidance on screening "
        "Ugandan girls in bars for sex trafficking. PROSECUTION " + PROFILE
    )
    x = run(gazetteer, text)
    assert items(x, text) == [
        "Increase efforts to identify forced labour victims among Burmese migrant workers",
        "Disseminate guidance on screening Ugandan girls in bars for sex trafficking",
    ]
    got = x.summary()
    assert got["origins"] == []
    assert "sex-trafficking" not in got["forms"]
    assert got["destinations"] == ["OMN"]  # the profile after the PROSECUTION heading counts


def test_items_without_bullets_one_a_line(gazetteer: Gazetteer) -> None:
    text = (
        "PRIORITIZED RECOMMENDATIONS:\n"
        "Disseminate guidance on victim identification.\n"
        "Expedite trafficking cases in the courts.\n"
        "Systematize data collection on prosecutions.\n"
        "The government convicted two traffickers. " + PROFILE
    )
    x = run(gazetteer, text)
    assert len(x.recommendations) == 3
    assert any(c.aspect == "prosecutions" and c.polarity for c in x.claims)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The government should increase funding for victim shelters.", 1),
        ("Authorities are urged to end the forced labour of conscripts.", 1),
        ("The ministry is strongly encouraged to fund shelters for victims.", 1),
        # past tense: what someone was urged to do is a fact about the past, not a request
        ("In 2019 donors were urged to fund shelters, and victims were exploited in Oman.", 0),
        ("Observers recommended that officials screen returnees for trafficking.", 1),
        ("The report urges the government to ratify ILO Convention No. 29.", 1),
        # a criticism of what happened, not a recommendation
        ("Victims who should have been screened were deported.", 0),
    ],
)
def test_recommendation_sentences(gazetteer: Gazetteer, sentence: str, expected: int) -> None:
    x = run(gazetteer, PROFILE + " " + sentence)
    assert len(x.recommendations) == expected
    assert all(r.ordinal is None for r in x.recommendations)


def test_a_recommendation_clause_starts_after_but(gazetteer: Gazetteer) -> None:
    text = (
        PROFILE + " The police identified 40 victims, but should increase efforts to identify "
        "forced labour victims among Burmese fishermen; and refer them to care."
    )
    x = run(gazetteer, text)
    (rec,) = x.recommendations
    assert text[rec.start : rec.end].startswith("should increase")
    assert text[rec.start : rec.end].endswith("refer them to care.")  # the joined item
    assert any(c.aspect == "victim-protection" and c.polarity for c in x.claims)


@pytest.mark.parametrize(
    ("item", "actions", "pillars"),
    [
        (
            "Vigorously investigate, prosecute and convict traffickers",
            ("other",),
            ("prosecution",),
        ),
        ("Amend the law to criminalize forced labour", ("enact-law",), ("prosecution",)),
        ("End the use of forced labour in state cotton harvests", ("end-practice",), None),
        (
            "Regulate recruitment agencies, including by eliminating fees charged to workers",
            ("end-practice",),
            ("prevention",),
        ),
        (
            "Ensure victims are not punished for unlawful acts traffickers compelled them to "
            "commit",
            ("stop-penalizing",),
            ("protection",),
        ),
        ("Cease detaining and deporting victims of trafficking", ("stop-penalizing",), None),
        ("Accede to the 2000 UN TIP Protocol", ("accede-to-treaty",), ("partnership",)),
        (
            "Work with source-country governments to reduce recruitment fees",
            ("cooperate",),
            ("prevention", "partnership"),
        ),
        (
            "Publicly acknowledge that trafficking exists in the country",
            ("recognize-as-crime",),
            ("prosecution",),
        ),
        (
            "Train judges and prosecutors on the anti-trafficking law",
            ("train-officials",),
            ("prosecution",),
        ),
        (
            "Proactively identify victims and refer them to shelters and services",
            ("protect-victims",),
            ("protection",),
        ),
        (
            "Train labour inspectors to identify victims of forced labour",
            ("train-officials", "protect-victims"),
            ("protection", "prevention"),
        ),
        (
            "Amend the anti-trafficking act to remove the force requirement in child cases",
            ("enact-law",),
            ("prosecution",),
        ),
        ("Allocate sufficient funding", ("other",), ("prevention",)),
    ],
)
def test_the_action_rule_table(
    item: str, actions: tuple[str, ...], pillars: tuple[str, ...] | None
) -> None:
    reading = read_item(item, treaty_names(treaties()))
    assert reading.actions == actions
    if pillars is not None:
        assert reading.pillars == pillars
    assert reading.pillar_guessed == (item == "Allocate sufficient funding")


@pytest.mark.parametrize(
    ("item", "treaty"),
    [
        ("Become a party to the Palermo Protocol", "un-tip-protocol"),
        ("Ratify the 2000 UN TIP Protocol", "un-tip-protocol"),
        ("Ratify ILO Convention No. 29 and its protocol", "ilo-c29"),
        ("Accede to the Forced Labor Convention", "ilo-c29"),
        ("Implement C182 on the worst forms of child labour", "ilo-c182"),
        ("Ratify ILO Convention 105", "ilo-c105"),
    ],
)
def test_treaties_are_named_from_the_reference_data(item: str, treaty: str) -> None:
    assert treaty in read_item(item, treaty_names(treaties())).treaties


def test_trafficking_crimes_are_not_forced_criminality() -> None:
    reading = read_item(
        "Investigate and prosecute trafficking crimes and seek adequate penalties",
        treaty_names(treaties()),
    )
    assert reading.forms == frozenset()


FULL = """RURITANIA: Tier 2

The Government of Kenya does not fully meet the minimum standards for the elimination of \
trafficking but is making significant efforts to do so.

PRIORITIZED RECOMMENDATIONS:
Increase efforts to identify victims among Burmese fishermen. * Prosecute trafficking crimes.

PROSECUTION
Authorities investigated 40 cases, compared with none in the previous reporting period.

TRAFFICKING PROFILE
Traffickers exploit Kenyan women in domestic servitude in Qatar.
"""


@pytest.mark.parametrize(
    ("heading", "tier"),
    [
        ("RURITANIA: Tier 2", "tier-2"),
        ("RURITANIA: TIER 3", "tier-3"),
        ("Ruritania (Tier 2 Watch List)", "tier-2wl"),
        ("RURITANIA: Special Case", "tier-special-case"),
    ],
)
def test_a_full_tip_country_narrative(gazetteer: Gazetteer, heading: str, tier: str) -> None:
    text = FULL.replace("RURITANIA: Tier 2", heading)
    x = run(gazetteer, text)
    got = x.summary()
    assert got["tier"] == tier  # the narrative's heading states the placement
    assert got["destinations"] == ["QAT"]
    assert got["origins"] == []
    assert got["forms"] == ["domestic-servitude", "forced-labour"]
    assert len(x.recommendations) == 2
    claims = {(c.aspect, c.polarity) for c in x.claims}
    assert ("prosecutions", True) in claims
    assert ("significant-efforts", True) in claims


def test_forms_are_read_from_the_item() -> None:
    reading = read_item(
        "End the recruitment of child soldiers and forced begging", treaty_names(treaties())
    )
    assert {"child-soldiering", "forced-begging"} <= reading.forms


WITH_RECOMMENDATIONS = [
    "PRIORITIZED RECOMMENDATIONS:\n• Increase efforts to identify forced labour victims among "
    "Burmese migrant workers.\n\n" + PROFILE,
    PROFILE + " The government should increase efforts to identify forced labour victims among "
    "Burmese migrant workers.",
    PROFILE + " Forced labour victims among Burmese migrants in Kenya should be identified.",
    PROFILE + " Officials are urged to prosecute Kenyan traffickers who exploit Ugandan girls in "
    "sex trafficking in Kenya and to protect Kenyan children forced to beg in Somalia.",
]


@pytest.mark.parametrize(
    "text", WITH_RECOMMENDATIONS, ids=["section", "should", "subject", "urged"]
)
def test_recommendations_are_not_facts(gazetteer: Gazetteer, text: str) -> None:
    x = run(gazetteer, text)
    assert x.recommendations
    alone = extract(PROFILE, "KEN", gazetteer).summary()
    got = x.summary()
    assert got == alone  # no role, form, flow, tier or year from the recommendation
    assert "MMR" not in got["origins"]
    assert "UGA" not in got["origins"]
    assert "SOM" not in got["destinations"]
    assert "sex-trafficking" not in got["forms"]
    assert "forced-begging" not in got["forms"]
    assert not [c for c in x.claims if c.aspect in ("prosecutions", "victim-protection")]


def test_the_same_words_as_a_finding_are_facts(gazetteer: Gazetteer) -> None:
    got = run(gazetteer, PROFILE + " Burmese migrant workers are subjected to forced labour in "
              "Kenya.").summary()  # fmt: skip
    assert "MMR" in got["origins"]


def test_a_stated_tier_is_not_taken_from_a_recommendation(gazetteer: Gazetteer) -> None:
    text = PROFILE + " The government should do more, or it may be downgraded to Tier 3."
    assert run(gazetteer, text).tier is None


@pytest.mark.parametrize(
    "text",
    [
        PROFILE + "\n\nPRIORITIZED RECOMMENDATIONS:",
        PROFILE + "\n\nPRIORITIZED RECOMMENDATIONS:\n\nPROSECUTION\nThe courts convicted two.",
        PROFILE + "\n\nRECOMMENDATIONS\n•\n• \n-\n•  ;  ;\n",
    ],
    ids=["heading-at-the-end", "heading-then-heading", "bullets-without-text"],
)
def test_a_heading_with_no_items_drafts_nothing_and_says_so(
    gazetteer: Gazetteer, text: str
) -> None:
    x = run(gazetteer, text)
    assert x.recommendations == []
    assert any("recommendations heading with no item" in n for n in x.notes)
    assert x.summary() == extract(PROFILE, "KEN", gazetteer).summary()


def test_a_huge_section_is_capped_and_noted(gazetteer: Gazetteer) -> None:
    bullets = "".join(f"• Train {n} more labour inspectors\n" for n in range(20_000))
    text = PROFILE + "\n\nPRIORITIZED RECOMMENDATIONS:\n" + bullets + "\nPROSECUTION\nNone."
    x = run(gazetteer, text)
    assert len(x.recommendations) == MAX_ITEMS
    assert [r.ordinal for r in x.recommendations] == list(range(1, MAX_ITEMS + 1))
    assert any(f"{20_000 - MAX_ITEMS} recommendations after the first" in n for n in x.notes)
    assert x.summary() == extract(PROFILE, "KEN", gazetteer).summary()


def test_a_huge_item_gets_a_bounded_paraphrase(gazetteer: Gazetteer) -> None:
    text = PROFILE + " The government should " + "train officials and " * 20_000 + "act."
    (rec,) = run(gazetteer, text).recommendations
    assert len(rec.text) <= 500
    assert "train officials" in rec.text


def test_many_should_sentences_stay_linear(gazetteer: Gazetteer) -> None:
    text = PROFILE + " " + "The government should fund shelters; " * 5_000
    x = run(gazetteer, text)
    assert len(x.recommendations) == MAX_ITEMS


def test_the_draft_lists_recommendations_in_the_data_format(
    gazetteer: Gazetteer, tmp_path: Path
) -> None:
    from kg.extract.draft import DraftOptions, draft_document, dump_draft

    text = SECTION.format(heading="PRIORITIZED RECOMMENDATIONS:")
    x = run(gazetteer, text)
    doc = yaml.safe_load(
        dump_draft(draft_document(x, gazetteer, DraftOptions("s", "unidentified-author", "t")))
    )
    recs = doc["recommendations"]
    assert [r["id"] for r in recs] == [f"rec-{n}" for n in range(1, 6)]
    for r in recs:
        assert set(r) <= {"id", "text", "ordinal", "actions", "pillars", "forms", "treaties",
                          "locator"}  # fmt: skip
        assert r["actions"]
        assert r["pillars"]
        assert r.get("forms") or r.get("treaties")
        assert r["text"].startswith("Asks the government to ")
        assert r["text"] not in text
    assert recs[3]["treaties"] == ["un-tip-protocol"]
    assert "forms" not in recs[3]
    assert recs[2]["actions"] == ["enact-law"]
    assert recs[2]["forms"] == ["child-sex-trafficking", "sex-trafficking"]
    assert recs[4]["actions"] == ["other"]
    assert recs[4]["pillars"] == ["prosecution"]
    # none of the recommendation's words became a fact
    assert "MMR" not in {f["origin"] for f in doc.get("flows", [])}


def test_many_recommendation_sentences_are_found_in_linear_time() -> None:
    """Each recommendation sentence copied the list of all the sentences after it (to see
    whether a semicolon joins the next ones to it)."""
    text = repeated("The government should prosecute traffickers and protect victims. ")

    def sentences(n: int) -> tuple[str, list[Sentence]]:
        t = text(n)
        return t, segment(t)

    def find(s: tuple[str, list[Sentence]]) -> None:
        find_recommendations(s[0], s[1], [])

    assert growth(find, sentences, 500_000) < LINEAR
    t, found = sentences(200)
    assert len(find_recommendations(t, found, []).spans) == len(found) == 3
