"""The gazetteer: reference names, codes, countryinfo demonyms, the maintained list, regions."""

from __future__ import annotations

import csv

import pytest

from kg.extract.gazetteer import Gazetteer, plurals
from kg.extract.tokens import tokenize
from tests.conftest import SHARED_DATA, needs_shared_data


def hits(g: Gazetteer, text: str) -> list[tuple[str, str, tuple[str, ...], str | None]]:
    found = g.find(tokenize(text))
    return [(m.surface, m.entry.kind, m.entry.codes, m.entry.region) for m in found]


def codes(g: Gazetteer, text: str) -> list[tuple[str, ...]]:
    return [m.entry.codes for m in g.find(tokenize(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guinea-Bissau", ("GNB",)),
        ("Guinea", ("GIN",)),
        ("Equatorial Guinea", ("GNQ",)),
        ("Papua New Guinea", ("PNG",)),
        ("South Sudan", ("SSD",)),
        ("Sudan", ("SDN",)),
        ("Niger", ("NER",)),
        ("Nigeria", ("NGA",)),
        ("the DPRK", ("PRK",)),
        ("the PRC", ("CHN",)),
        ("the UAE", ("ARE",)),
        ("the U.S.", ("USA",)),
        ("the UK", ("GBR",)),
        ("Burma", ("MMR",)),
        ("Côte d’Ivoire", ("CIV",)),
        ("Cote d'Ivoire", ("CIV",)),
        ("Curaçao", ("CUW",)),
        ("Trinidad & Tobago", ("TTO",)),
        ("Democratic Republic of Congo", ("COD",)),
        ("Timor Leste", ("TLS",)),
        ("Brunei", ("BRN",)),
    ],
)
def test_country_names(gazetteer: Gazetteer, text: str, expected: tuple[str, ...]) -> None:
    assert codes(gazetteer, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected", "plural"),
    [
        ("Burmese", ("MMR",), False),
        ("Lao", ("LAO",), False),
        ("Bolivians", ("BOL",), True),
        ("Kyrgyz", ("KGZ",), False),
        ("Filipinas", ("PHL",), True),
        ("Bissau-Guinean", ("GNB",), False),
        ("Nigerien", ("NER",), False),
        ("Nigerian", ("NGA",), False),
        ("South Sudanese", ("SSD",), False),
        ("French", ("FRA",), False),  # France, not Réunion: over fifty times more populous
        ("Dominican", ("DOM",), False),
        ("Congolese", ("COD", "COG"), False),  # two countries of similar size: ambiguous
        ("Korean", ("KOR", "PRK"), False),
    ],
)
def test_demonyms(gazetteer: Gazetteer, text: str, expected: tuple[str, ...], plural: bool) -> None:
    [(surface, kind, found, _)] = hits(gazetteer, text)
    assert kind == "demonym"
    assert found == expected
    assert gazetteer.forms[tuple(surface.split(" "))].plural is plural


def test_ambiguous_names_are_kept_ambiguous(gazetteer: Gazetteer) -> None:
    assert codes(gazetteer, "Congo") == [("COD", "COG")]
    assert codes(gazetteer, "Korea") == [("KOR", "PRK")]


REGION_TEXT = "West Africa, Southeast Asian, sub-Saharan Africa, the Middle East, Europeans"


def test_regions_and_their_variants(gazetteer: Gazetteer) -> None:
    found = {
        surface: region
        for surface, kind, _, region in hits(gazetteer, REGION_TEXT)
        if kind == "region"
    }
    assert found == {
        "West Africa": "western-africa",
        "Southeast Asian": "south-eastern-asia",
        "sub - Saharan Africa": "sub-saharan-africa",
        "Middle East": None,
        "Europeans": "europe",
    }


def test_a_region_variant_never_hides_a_country(gazetteer: Gazetteer) -> None:
    assert codes(gazetteer, "South Africa") == [("ZAF",)]
    assert hits(gazetteer, "South African")[0][1] == "demonym"


def test_generic_words_of_native_names_are_not_countries(gazetteer: Gazetteer) -> None:
    assert hits(gazetteer, "Rodrigues Island") == []


def test_codes_in_an_all_caps_heading_are_not_countries(gazetteer: Gazetteer) -> None:
    assert codes(gazetteer, "TRAFFICKING PROFILE CAN BE READ") == []
    assert codes(gazetteer, "victims in the US") == [("USA",)]


def test_plurals_by_rule() -> None:
    assert plurals("Bolivian") == ("Bolivians",)
    assert plurals("Chinese") == ("Chinese",)
    assert plurals("Kyrgyz") == ("Kyrgyz",)
    assert plurals("Turkmen") == ("Turkmen",)


def test_every_reference_country_has_a_name_and_most_have_a_demonym(gazetteer: Gazetteer) -> None:
    named = {e.codes[0] for e in gazetteer.forms.values() if e.kind == "country" and e.codes}
    assert set(gazetteer.countries) <= named | {"ATA"}
    assert len(gazetteer.demonyms) > 200


@needs_shared_data
def test_countrycode_english_names_resolve_to_their_iso3(gazetteer: Gazetteer) -> None:
    """An independent list (R countrycode's English names) against the gazetteer."""
    path = SHARED_DATA / "country_centroids" / "countrycode_codelist_without_cldr.csv"
    wrong = []
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            iso3, name = row["iso3c"], row["country.name.en"]
            if not iso3 or iso3 not in gazetteer.countries or not name:
                continue
            tokens = tokenize(name)
            for m in gazetteer.find(tokens):
                whole = m.first == 0 and m.last == len(tokens)
                if whole and m.entry.kind != "region" and iso3 not in m.entry.codes:
                    wrong.append((name, iso3, m.surface, m.entry.codes))
    assert wrong == []
