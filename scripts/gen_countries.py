"""Generate data/reference/countries.yaml and regions.yaml from maintained packages.

Sources:
- ISO 3166-1 codes and names: ``pycountry`` (Debian iso-codes), current and selected historic
  entries that TIP-era datasets still use (Netherlands Antilles, Serbia and Montenegro).
- Common English names, alternate spellings, UN M49 sub-region and centroid: ``countryinfo``.
- UN M49 region codes: the UN Statistics Division "Standard country or area codes for
  statistical use (M49)", https://unstats.un.org/unsd/methodology/m49/ (table below).
- Kosovo uses the user-assigned code XKX/XK, as the TIP Report and the World Bank do.

Run: ``pip install -e '.[countries]' && python scripts/gen_countries.py``.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pycountry
import yaml
from countryinfo import all_countries

OUT = Path(__file__).resolve().parent.parent / "data" / "reference"

# UN M49 codes of the regions and sub-regions that countryinfo names (UNSD M49 standard).
M49: dict[str, tuple[str, str | None]] = {
    "World": ("001", None),
    "Africa": ("002", "001"),
    "Americas": ("019", "001"),
    "Asia": ("142", "001"),
    "Europe": ("150", "001"),
    "Oceania": ("009", "001"),
    "Northern Africa": ("015", "002"),
    "Sub-Saharan Africa": ("202", "002"),
    "Eastern Africa": ("014", "202"),
    "Middle Africa": ("017", "202"),
    "Southern Africa": ("018", "202"),
    "Western Africa": ("011", "202"),
    "Latin America and the Caribbean": ("419", "019"),
    "Caribbean": ("029", "419"),
    "Central America": ("013", "419"),
    "South America": ("005", "419"),
    "Northern America": ("021", "019"),
    "Central Asia": ("143", "142"),
    "Eastern Asia": ("030", "142"),
    "South-eastern Asia": ("035", "142"),
    "Southern Asia": ("034", "142"),
    "Western Asia": ("145", "142"),
    "Eastern Europe": ("151", "150"),
    "Northern Europe": ("154", "150"),
    "Southern Europe": ("039", "150"),
    "Western Europe": ("155", "150"),
    "Australia and New Zealand": ("053", "009"),
    "Melanesia": ("054", "009"),
    "Micronesia": ("057", "009"),
    "Polynesia": ("061", "009"),
}
ALIASES = {"South-Eastern Asia": "South-eastern Asia"}
HISTORIC = {"ANT", "SCG"}
# Names used by the US TIP Report (and other assessors) that the packages do not list.
EXTRA_NAMES = {
    "MMR": ["Burma"],
    "PRK": ["DPRK", "North Korea"],
    "CIV": ["Cote d'Ivoire", "Ivory Coast"],
    "CZE": ["Czech Republic"],
    "MKD": ["Macedonia"],
    "SWZ": ["Swaziland"],
    "CPV": ["Cape Verde"],
    "TLS": ["East Timor"],
    "COD": ["Congo (DRC)", "Congo, Democratic Republic of the"],
    "COG": ["Congo (ROC)", "Congo, Republic of the"],
    "TUR": ["Turkey"],
}
# English short names where both packages give a form analysts do not use.
NAME_OVERRIDES = {"RUS": "Russia", "VNM": "Vietnam", "SCG": "Serbia and Montenegro"}
KOSOVO = {
    "code": "XKX",
    "alpha2": "XK",
    "name": "Kosovo",
    "alt_names": ["Republic of Kosovo"],
    "region": "039",
    "lat": 42.6,
    "lon": 20.9,
}


def _subregion(info: dict[str, Any]) -> str | None:
    name = info.get("intermediateregion") or info.get("subregion") or ""
    if name == "Channel Islands":
        name = info.get("subregion") or ""
    name = ALIASES.get(name, name)
    return M49[name][0] if name in M49 else None


def _richness(info: dict[str, Any]) -> int:
    return int(bool(info.get("latlng"))) + int(bool(info.get("subregion")))


def _preferred_name(entry: Any, info: dict[str, Any]) -> str:
    """ISO's common or short name; countryinfo's when ISO inverts it ("Korea, Republic of")."""
    if entry.alpha_3 in NAME_OVERRIDES:
        return NAME_OVERRIDES[entry.alpha_3]
    iso: str = getattr(entry, "common_name", None) or entry.name
    if ("," in iso or "(" in iso) and info.get("name"):
        return str(info["name"])
    return iso


def countries() -> list[dict[str, Any]]:
    """Return one mapping per country, sorted by alpha-3 code."""
    infos = {}
    for item in all_countries():
        info = item.info()
        code = (info.get("ISO") or {}).get("alpha3")
        # countryinfo lists a few codes twice (GBR is also "Wales", without coordinates):
        # keep the entry that has coordinates and a region, else the first one.
        if code and (code not in infos or _richness(info) > _richness(infos[code])):
            infos[code] = info
    rows: dict[str, dict[str, Any]] = {}
    entries = [(c, False) for c in pycountry.countries]
    entries += [(c, True) for c in pycountry.historic_countries if c.alpha_3 in HISTORIC]
    for entry, historic in entries:
        code = entry.alpha_3
        info = infos.get(code, {})
        name = _preferred_name(entry, info)
        alts = [entry.name, getattr(entry, "common_name", None), *info.get("altSpellings", [])]
        alts += EXTRA_NAMES.get(code, [])
        official = getattr(entry, "official_name", None)
        seen = {name, official}
        alt_names = []
        for alt in alts:
            if alt and alt not in seen and len(alt) > 3 and alt.isascii():
                seen.add(alt)
                alt_names.append(alt)
        row: dict[str, Any] = {"code": code}
        if getattr(entry, "alpha_2", None) and not historic:
            row["alpha2"] = entry.alpha_2
        if getattr(entry, "numeric", None):
            row["numeric"] = entry.numeric
        row["name"] = name
        if official:
            row["official_name"] = official
        if alt_names:
            row["alt_names"] = alt_names
        region = _subregion(info)
        if region:
            row["region"] = region
        latlng = info.get("latlng")
        if latlng and len(latlng) == 2:
            row["lat"], row["lon"] = float(latlng[0]), float(latlng[1])
        rows[code] = row
    rows["XKX"] = KOSOVO
    return [rows[k] for k in sorted(rows)]


def regions() -> list[dict[str, Any]]:
    """Return the M49 regions, sorted by code."""
    out = []
    for name, (code, parent) in sorted(M49.items(), key=lambda kv: kv[1][0]):
        row: dict[str, Any] = {"id": name.lower().replace(" ", "-"), "m49": code, "name": name}
        if parent:
            row["parent"] = parent
        out.append(row)
    return out


def main() -> int:
    """Write both files."""
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = f"pycountry {version('pycountry')}, countryinfo {version('countryinfo')}"
    header = (
        "# Generated by scripts/gen_countries.py from {src}. Do not edit by hand:\n"
        "# change the script and run it again.\n"
    )
    for name, key, rows, src in (
        ("countries.yaml", "countries", countries(), stamp),
        ("regions.yaml", "regions", regions(), "the UN M49 standard"),
    ):
        text = yaml.safe_dump({key: rows}, sort_keys=False, allow_unicode=False, width=100)
        (OUT / name).write_text(header.format(src=src) + text)
        print(f"wrote {len(rows)} {key} to {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
