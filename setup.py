"""Build hook: ship the repository's ontology/, queries/ and data/reference/ inside the wheel.

The folders stay at the top of the repository; a wheel carries copies in ``kg/_resources/``,
which ``kg.core.resources.shipped`` reads with importlib.resources. An editable install reads
the repository's folders themselves, so nothing is copied for it. Everything else about the
package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent

#: Package resource → (repository folder, files copied).
RESOURCES = {
    "ontology": ("ontology", ("*.ttl", "*.jsonld")),
    "queries": ("queries", ("*.rq",)),
    "reference": ("data/reference", ("*.yaml",)),
}


class BuildWithResources(build_py):
    """``build_py`` that also copies the shipped resources into ``kg/_resources/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name, (folder, patterns) in RESOURCES.items():
            target = Path(self.build_lib, "kg", "_resources", name)
            target.mkdir(parents=True, exist_ok=True)
            files = sorted({f for pattern in patterns for f in (ROOT / folder).glob(pattern)})
            if not files:
                raise SystemExit(f"setup.py: no {patterns} files in {folder}/")
            for source in files:
                shutil.copyfile(source, target / source.name)


setup(cmdclass={"build_py": BuildWithResources})
