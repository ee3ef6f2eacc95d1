"""Curated spellings that the reference names do not cover (used by :mod:`kg.countrymatch`).

Every entry is a reviewed decision, not a fuzzy guess: national-language names, demonyms and
typos found in the GLOTIP 2023 ``Category`` column and in the TIP tier table, plus non-ISO
codes of the imported datasets. Keys are written naturally; they are normalised on load.
Values the matcher should refuse (a number of victims inside the name, an ethnic group, an
ambiguous demonym) are deliberately absent or listed in :data:`AMBIGUOUS`.
"""

from __future__ import annotations

from typing import Final

#: Extra codes: historic ISO 3166-3 alpha-3 codes and non-standard dataset codes → alpha-3.
EXTRA_CODES: Final[dict[str, str]] = {
    "KOS": "XKX",  # TIP tier table (Kelley/Cho) code for Kosovo
    "YUG": "SCG",  # Yugoslavia (FRY) → Serbia and Montenegro, same entity until 2003
    "ROM": "ROU",  # Romania before 2002
    "ZAR": "COD",  # Zaire
    "TMP": "TLS",  # East Timor
}

#: Spellings → alpha-3, grouped by country (national languages, demonyms, typos).
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "ALB": ("Abania", "Albanian"),
    "AGO": ("Angolan", "Angolans"),
    "ANT": ("The former Netherlands Antilles",),
    "ARG": ("Argentino",),
    "ARM": ("Armenie",),
    "BEL": ("Belga",),
    "BEN": ("Benin Rep",),
    "BIH": ("Bosnia", "Bosnian", "Bosnia Erzegovina", "B & H"),
    "BLR": ("Belarussian", "Byelorussian", "Bielorrusia"),
    "BLZ": ("Belizean", "Beliceña"),
    "BRA": ("Brasil", "Barsil", "Brasilero", "Brasilera", "Brazilian", "Brésil", "Brésilien"),
    "BTN": ("Bhuatnese", "Bhutanese"),
    "CHN": ("Chino", "Chinois"),
    "CIV": ("Costa d'Avorio",),
    "CMR": ("Cameroonian", "Camerún"),
    "COD": ("Dem. Rep. of the Congo",),
    "COL": ("Colombiano", "Colombiana", "Columbia"),
    "CUB": ("Cubano",),
    "CZE": ("República Checa", "République tchèque"),
    "DEU": ("Alemana", "Alemania"),
    "DOM": (
        "Dominican Rebublic",
        "Dominican Rep",
        "R.Dominicana",
        "Rep. Dominicana",
        "República Dominicana",
        "Dominicana",
    ),
    "ERI": ("Eritrean", "Erithera"),
    "ESP": ("Spanish",),
    "ETH": ("Ethopia", "Etiopia", "Ethiopie"),
    "FRA": ("Francia", "Français"),
    "GEO": ("Georgian",),
    "GNQ": ("Guinea Ecuatorial",),
    "GHA": ("Ghanaian", "Gana"),
    "GIN": ("Guinea Conakry", "Guinée"),
    "GMB": ("Gambian",),
    "GTM": ("Guatemalan", "Guatemaltecos"),
    "HKG": ("China, Hong Kong SAR", "China, Hong Kong Special Administrative Region"),
    "HND": ("Honduranian", "Hodruanian", "Hondureña", "Hondureño"),
    "HRV": ("Croazia",),
    "HTI": ("Haitiano",),
    "HUN": ("Hungría", "Hongrie"),
    "IDN": ("Indonesian", "Indonésie"),
    "IND": ("Indian", "Indien"),
    "ITA": ("Italia", "Italien"),
    "KAZ": ("Kazahstan", "Kazakhistan", "Kazalhstan"),
    "KEN": ("Keniano",),
    "KGZ": ("Kirghiz", "Kirguizstán"),
    "KOR": ("South Korean", "Corea del Sur"),
    "LAO": ("Laos", "Lao People's Dem. Republic"),
    "LBN": ("Libanon",),
    "LBY": ("Lybia",),
    "LUX": ("Luxembourgeois",),
    "MAC": ("China, Macao Special Administrative Region",),
    "MAR": ("Moroco", "Morrocan", "Maroc", "Marruecos"),
    "MDA": ("Moldovan", "République de Moldavie"),
    "MDG": ("Madagascarian",),
    "MKD": ("Macedonian", "The former Yugoslav Republic of Macedonia"),
    "MMR": ("Burmese", "Myanmar Nation"),
    "MNE": ("Monte Negro",),
    "NER": ("Niger Rep",),
    "NLD": ("Pays-Bas", "Netherlands (Kingdom of the)", "Netherlands (own country)"),
    "PER": ("Peruano", "Peruana"),
    "PHL": ("Phillipines", "Filippine"),
    "POL": ("Polonia", "Pologne"),
    "PRT": ("Portugais",),
    "PRY": ("Paraguayo",),
    "ROU": ("Roumanie", "Roumain"),
    "RUS": ("Rusia", "Russie"),
    "SLE": ("Sierra Leonean",),
    "SLV": ("Salvadoreña",),
    "SUR": ("Surinam",),
    "SYR": ("Siria", "Syriah"),
    "THA": ("Thailande",),
    "TUN": ("Tunisa", "Tunisie"),
    "TWN": ("Taiwanese", "China, Taiwan Province of China"),
    "TZA": ("Tanzanian",),
    "UGA": ("Ugandan",),
    "UKR": ("Ucrania", "Ukrainien"),
    "VEN": ("Venezolano", "Venezolana"),
    "VNM": ("Vietnamese",),
    "XKX": ("Kosovo under UNSCR 1244", "Kosovo (under UNSC res. 1244)"),
    "ZAF": ("South African", "Sudafrica"),
    "ZMB": ("Zambian",),
}

#: Values that are not countries by design, by kind (see ``NonCountry`` kinds).
NOT_COUNTRIES: Final[dict[str, tuple[str, ...]]] = {
    "unknown": (
        "",
        "0",
        "-99",
        "Unknown",
        "Desconocido",
        "Desconocida",
        "Inconnu",
        "Inconnue",
        "No determinada",
        "No determinado",
        "No registra",
        "Sin determinar",
        "No information",
        "N/A",
        "Nationality",
        "Without",
        "Disputed",
    ),
    "own-country": ("Nationals", "Own country", "Ciudadanos de su país", "Citizens"),
    "abroad": ("Abroad",),
    # An ethnic group most of whose members are denied citizenship (not a country to map to).
    "stateless": ("Stateless", "Apatride", "Apátrida", "Rohingya"),
    "aggregate": (
        "Total",
        "Otros",
        "Others",
        "(especifique otras nacionalidades)",
        "Personnes de nationalité étrangère",
        "Africa others",
        "Asia others",
        "Europe others",
        "EU-28 others",
        "European Economic Area",
        "Americas",
        "Amercias",
        "Central africa",
        "Caribbean (Trinidad and Tobago, Barbados, etc)",
        "Other Countries (Dominica, Panama, French Guiana, Brazil, etc.)",
        "Former Yugoslavia",
        "Former Czechoslovakia",
        "Aruba/Curacao",
        # GLOTIP regional reporting codes (none is an ISO code; CAR is not CAF)
        "CAR",
        "CAS",
        "EEU",
        "MCA",
        "MCN",
        "SAF",
        "SAM",
    ),
}

#: Prefixes (normalised) that mark a regional aggregate, e.g. "M49 Region: Africa".
AGGREGATE_PREFIXES: Final = ("m49 region",)

#: Spellings that name more than one country; never resolved to either.
AMBIGUOUS: Final[dict[str, tuple[str, ...]]] = {
    "Congolese": ("COD", "COG"),
}
