"""The maintained part of the gazetteer: only what neither the reference data nor a package has.

Country names, official and alternative names and ISO codes come from
``data/reference/countries.yaml``; demonyms from the ``countryinfo`` package; regions from
``data/reference/regions.yaml`` with West/East/Southeast variants made by rule. What is left is
listed here, each entry a reviewed decision (TIP Report usage), never a fuzzy guess.
"""

from __future__ import annotations

from typing import Final

from kg.extract.lexicon import words

#: Abbreviations and short forms the TIP Report uses that are not ISO codes or reference names.
COUNTRY_FORMS: Final[dict[str, str]] = {
    "PRC": "CHN",
    "ROK": "KOR",
    "UAE": "ARE",
    "U.A.E.": "ARE",
    "UK": "GBR",
    "U.K.": "GBR",
    "U.S.": "USA",
    "USA": "USA",
    "U.S.A.": "USA",
    "DRC": "COD",
    "CAR": "CAF",
    "Timor-Leste": "TLS",
    "Holy See": "VAT",
}

#: Demonyms countryinfo lacks or spells differently (it has one per country: "Laotian",
#: "Kirghiz", "Uzbekistani", "Argentinean" …). Plurals are made by rule from these.
DEMONYMS: Final[dict[str, tuple[str, ...]]] = {
    "ARG": ("Argentine", "Argentinian"),
    "AZE": ("Azeri",),
    "BIH": ("Bosnian and Herzegovinian",),
    "BWA": ("Batswana",),
    "CIV": ("Ivoirian",),
    "COM": ("Comorian",),
    "CPV": ("Cape Verdean", "Cabo Verdean"),
    "CUW": ("Curacaoan",),
    "DJI": ("Djiboutian",),
    "ECU": ("Ecuadorian",),
    "GBR": ("Briton",),
    "GHA": ("Ghanian",),
    "GNB": ("Bissau-Guinean",),
    "GNQ": ("Equatoguinean",),
    "KAZ": ("Kazakh",),
    "KGZ": ("Kyrgyz", "Kyrgyzstani"),
    "LAO": ("Lao",),
    "LSO": ("Basotho",),
    "MDV": ("Maldivian",),
    "MKD": ("North Macedonian",),
    "NPL": ("Nepali",),
    "PHL": ("Filipina",),
    "SAU": ("Saudi",),
    "SUR": ("Surinamese",),
    "TJK": ("Tajik", "Tajikistani"),
    "TLS": ("Timorese",),
    "TKM": ("Turkmenistani",),
    "TTO": ("Tobagonian",),
    "UZB": ("Uzbek",),
    "XKX": ("Kosovar", "Kosovan"),
}

#: Names and demonyms that name more than one country. Resolved only from context (the assessed
#: country, or exactly one of the candidates named elsewhere in the text), otherwise left out and
#: listed for the reviewer. ("Congolese" needs no entry: countryinfo gives it to both Congos.)
AMBIGUOUS_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "Congo": ("COD", "COG"),
    "Korea": ("KOR", "PRK"),
}
AMBIGUOUS_DEMONYMS: Final[dict[str, tuple[str, ...]]] = {
    "Korean": ("KOR", "PRK"),
}

#: Two-letter codes that are also English words; matched as codes nowhere.
CODE_STOPWORDS: Final = words(
    "AM AS AT BE BY DO GO HE ID IN IS IT ME MY NO OF ON OR SO TO UP WE AN AND ARE CAN"
)

#: Region names outside UN M49, with the M49 region id they equal, or None when none does
#: (such a mention is kept as a reviewer note, never forced into a region).
REGIONS: Final[dict[str, str | None]] = {
    "Latin America": "latin-america-and-the-caribbean",
    "Central Africa": "middle-africa",
    "North America": "northern-america",
    "Middle East": None,
    "Middle Eastern": None,
    "Gulf": None,
    "Gulf states": None,
    "Gulf States": None,
    "Persian Gulf": None,
    "Eurasia": None,
    "Eurasian": None,
    "Balkans": None,
    "Balkan": None,
    "European Union": None,
    "EU": None,
    "Northeast Asia": None,
    "former Soviet Union": None,
    "former Soviet": None,
    "Horn of Africa": None,
    "Mediterranean": None,
    "Pacific Islands": None,
    "Scandinavia": None,
    "Maghreb": None,
    "Gulf of Guinea": None,
    "Gulf of Aden": None,
    "Gulf of Thailand": None,
    "Gulf of Mexico": None,
    "Indian Ocean": None,
    "Arabian Peninsula": None,
}

#: Sub-national places that lie in one country only, named in TIP narratives as where people are
#: exploited ("the Russian Far East"). Kept tiny on purpose: nothing here is a guess.
PLACES_IN: Final[dict[str, str]] = {
    "Russian Far East": "RUS",
    "Xinjiang": "CHN",
}

__all__ = [
    "AMBIGUOUS_DEMONYMS",
    "AMBIGUOUS_NAMES",
    "CODE_STOPWORDS",
    "COUNTRY_FORMS",
    "DEMONYMS",
    "PLACES_IN",
    "REGIONS",
]
