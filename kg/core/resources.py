"""Where kg's shipped resources are: the ontology, the named queries and the reference data.

A wheel carries them inside the package (``kg/_resources/``, copied there at build time from the
repository's ``ontology/``, ``queries/`` and ``data/reference/`` by ``setup.py``); an editable
install or a source checkout reads the repository's own folders. A project folder may add to or
override them (see ``kg.query.named.query_dirs`` and ``kg.source.loader.find_sources``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from kg.core.errors import ConfigError

Resource = Literal["ontology", "queries", "reference"]

#: Each resource's folder in the repository (what setup.py copies into the wheel).
CHECKOUT: Final[dict[str, str]] = {
    "ontology": "ontology",
    "queries": "queries",
    "reference": "data/reference",
}


def shipped(name: Resource) -> Path:
    """The directory of a shipped resource, in the installed package or in the checkout.

    Raises:
        ConfigError: when the installation lacks it (a broken install, not a user mistake).
    """
    # kg is a regular package on disk (importlib.resources would say the same, at a cost)
    packaged = Path(__file__).resolve().parents[1] / "_resources" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / CHECKOUT[name]
    if checkout.is_dir():
        return checkout
    raise ConfigError(
        f"kg's shipped {name} files are missing from this installation",
        hint="reinstall kg-tip",
    )


__all__ = ["CHECKOUT", "Resource", "shipped"]
