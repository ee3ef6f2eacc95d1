"""``kg init``: a new data project (example data, an import list, a short README)."""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from kg.core.errors import ConfigError, Location, display_path
from kg.core.fileio import atomic_dir

#: Template file (inside ``kg/api/template/``) → its name in the project.
TEMPLATE = {
    "README.md": "README.md",
    "gitignore": ".gitignore",
    "imports.yaml": "imports.yaml",
    "data/sources.yaml": "data/sources.yaml",
    "data/example-reference.yaml": "data/example-reference.yaml",
    "data/assessments/xex-example.yaml": "data/assessments/xex-example.yaml",
}


def init_project(directory: Path) -> list[Path]:
    """Write a new data project into ``directory`` (created if missing) and list its files.

    ``kg build`` run inside it builds the example with kg's own ontology and reference data.

    Raises:
        ConfigError: when ``directory`` is a file or a directory that is not empty (nothing
            is overwritten).
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        what = "is not a directory" if not directory.is_dir() else "is not empty"
        raise ConfigError(
            f"{what}; kg init writes only into a new or empty directory",
            where=Location(display_path(directory)),
            hint="choose another DIR",
        )

    def fill(root: Path) -> None:
        template = resources.files("kg.api").joinpath("template")
        for source, target in TEMPLATE.items():
            path = root / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(template.joinpath(source).read_bytes())
            path.chmod(0o644)

    if not directory.exists():
        atomic_dir(directory, fill)
    else:  # an empty directory (perhaps a mount point) is filled in place, entry by entry
        staging = Path(tempfile.mkdtemp(prefix=".kg-init.", dir=directory))
        try:
            fill(staging)
            for entry in sorted(staging.iterdir()):
                os.replace(entry, directory / entry.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [directory / target for target in TEMPLATE.values()]


__all__ = ["TEMPLATE", "init_project"]
