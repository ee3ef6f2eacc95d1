"""Who is exploited (issue 13 §2): victim groups stated in a narrative, with sentence numbers.

Every sentence below is written for these tests in the style of TIP narratives; none is taken
from a source."""

from __future__ import annotations

import re

import pytest

from kg.extract import victims
from kg.extract.clauses import Clause, read_clauses
from kg.extract.extractor import extract
from kg.extract.gazetteer import Gazetteer
from kg.extract.victims import clause_groups
from tests.extract.scaling import LINEAR, growth, repeated


def groups(g: Gazetteer, text: str) -> list[str]:
    return extract(text, "KEN", g).victim_groups()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The opening formula, in both orders of its list.
        (
            "Kenya is a source, transit, and destination country for men, women, and children "
            "subjected to forced labor and sex trafficking.",
            ["men", "women", "children"],
        ),
        (
            "Kenya is a destination country for adults and children subjected to forced labor.",
            ["children", "adults"],
        ),
        ("Women and girls are exploited in sex trafficking in coastal towns.", ["women", "girls"]),
        ("Traffickers force boys to herd cattle and to beg.", ["boys"]),
        ("Minors are forced into begging in the capital.", ["children"]),
        ("Teenage girls are sold into domestic servitude.", ["girls"]),
        (
            "Young women are lured abroad with false job offers and forced into prostitution.",
            ["women"],
        ),
        ("Female migrants are held in forced prostitution in bars.", ["women"]),
        ("Child sex trafficking occurs in tourist areas.", ["children"]),
        ("Armed groups recruit and use child soldiers.", ["children"]),
        # Past tense and "reportedly" state the fact.
        ("Men were reportedly held in debt bondage on fishing boats.", ["men"]),
        (
            "Trafficking is a problem in the north. Rebel factions conscript boys as young as "
            "twelve.",
            ["boys"],
        ),
        # A hedge on a role or on another item of the list does not hedge the group.
        (
            "Kenya is a source, destination, and possible transit country for men and women "
            "subjected to forced labor.",
            ["men", "women"],
        ),
        (
            "Somali, and possibly Ethiopian, adults and girls pass through Kenya for labor and "
            "sexual exploitation in Europe.",
            ["girls", "adults"],
        ),
        # Only the unhedged part of a sentence counts.
        (
            "Boys are forced to herd livestock and women and girls may be coerced into theft.",
            ["boys"],
        ),
        # A sentence joined by a semicolon and a second clause.
        (
            "Boys are subjected to forced labor in mines; girls are exploited in domestic "
            "servitude.",
            ["boys", "girls"],
        ),
    ],
)
def test_stated_groups_are_found(gazetteer: Gazetteer, text: str, expected: list[str]) -> None:
    assert groups(gazetteer, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Only vulnerable, at risk or susceptible: not victims.
        "Women and children displaced by floods are vulnerable to trafficking.",
        "Girls who leave school early are at high risk of sex trafficking.",
        "Unaccompanied minors remain susceptible to forced labor.",
        # Hedged: not stated as happening.
        "Children may be subjected to forced labor as beggars.",
        "Boys are allegedly forced to fight for armed groups.",
        # Offenders and recruiters are not victims.
        "Women recruiters deceive job seekers with offers of work abroad, and traffickers "
        "subject them to forced labor.",
        "Victims were recruited by men posing as employment agents and forced into labor.",
        # Abuse that the text does not call exploitation.
        "Trafficking is reported in the south. Girls are subjected to sexual abuse in schools.",
        # A trade whose scope the text says is unknown.
        "The extent of trafficking of men and women for forced labor is unknown.",
        # A group word that is not about people exploited.
        "The government opened shelters for women's groups and trafficking victims.",
        "Traffickers target young women in rural areas.",
    ],
)
def test_groups_that_are_not_victims(gazetteer: Gazetteer, text: str) -> None:
    assert groups(gazetteer, text) == []


def test_customers_are_not_victims(gazetteer: Gazetteer) -> None:
    """The men are customers; the girls, and the children of "child sex tourism", are
    exploited."""
    text = "Men from Europe travel to the coast for child sex tourism and exploit local girls."
    assert groups(gazetteer, text) == ["girls", "children"]


def test_risk_and_statement_in_one_sentence(gazetteer: Gazetteer) -> None:
    """A risk phrase masks its own group only: the stated group of the next clause stays."""
    text = (
        "Refugee women are vulnerable to sex trafficking, while boys are forced to work on farms."
    )
    assert groups(gazetteer, text) == ["boys"]


def test_sentence_numbers(gazetteer: Gazetteer) -> None:
    text = (
        "Kenya is a source country for men and women subjected to forced labor. Girls are "
        "exploited in sex trafficking. Traffickers also subject women to domestic servitude."
    )
    x = extract(text, "KEN", gazetteer)
    assert x.victims == {"men": [1], "women": [1, 3], "girls": [2]}


def test_victims_are_not_in_the_summary_json(gazetteer: Gazetteer) -> None:
    """Evaluation tools read exactly the keys of issue 13: no new key."""
    x = extract("Men are subjected to forced labor.", "KEN", gazetteer)
    assert set(x.summary()) == {
        "country", "roles", "forms", "destinations", "origins", "transit_to", "tier", "year",
    }  # fmt: skip


def test_a_recommendation_is_not_a_statement_of_who_is_exploited(gazetteer: Gazetteer) -> None:
    """A recommendation's words are never read as facts (kg.extract.recommend blanks them)."""
    text = (
        "Kenya is a source country for men subjected to forced labor. The government should "
        "identify girls exploited in sex trafficking and refer them to care."
    )
    assert groups(gazetteer, text) == ["men"]


@pytest.mark.parametrize(
    ("unit", "tail"),
    [
        # "extent" without "unknown": ".*" ran to the end of the line after each one
        ("men to a lesser extent, ", "and children."),
        # before a hedged clause, each group word copied the rest of the clause's tokens
        ("men and and and and and ", ", but children may be exploited."),
    ],
)
def test_groups_are_read_in_linear_time(gazetteer: Gazetteer, unit: str, tail: str) -> None:
    text = repeated(unit, "forced labor of ", tail)

    def clauses(n: int) -> list[Clause]:
        t = text(n)
        return read_clauses(t, 0, len(t), gazetteer)

    def read(clauses: list[Clause]) -> None:
        for n, c in enumerate(clauses):
            clause_groups(c, clauses[n + 1] if n + 1 < len(clauses) else None)

    assert growth(read, clauses, 40_000) < LINEAR
    assert clause_groups(clauses(100)[0])[0].group == "men"


def test_the_scope_is_unknown_only_on_the_same_line(gazetteer: Gazetteer) -> None:
    assert groups(gazetteer, "The extent of forced labor of men is unknown.") == []
    assert groups(gazetteer, "To a lesser extent, men are subjected to forced labor.") == ["men"]
    text = "To some extent men are subjected to forced labor\nunknown numbers of women are too"
    assert groups(gazetteer, text) == ["men", "women"]


def test_each_group_word_does_not_copy_the_rest_of_the_clause(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether "women" is followed by an offender's verb ("women who recruit …") was read on a
    copy of the rest of the clause, for every group word: 4 MB of "men, women, …" copied over
    a terabyte. The text read is now the clause itself, however many group words it has."""
    read: list[str] = []

    class Spy:
        def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
            read.append(text)
            return victims_verb.match(text, pos)

    victims_verb = victims._OFFENDER_VERB
    monkeypatch.setattr(victims, "_OFFENDER_VERB", Spy())
    text = "forced labor of " + "men, women, " * 500 + "and women who recruit girls."
    (clause,) = read_clauses(text, 0, len(text), gazetteer)
    assert [m.group for m in clause_groups(clause)].count("women") == 500  # the last recruits
    assert len(read) == 1001  # one look for each of "men" and "women"
    assert sum({id(t): len(t) for t in read}.values()) <= len(text)  # one text: no copies
