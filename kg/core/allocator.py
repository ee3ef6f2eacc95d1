"""The memory allocator of the on-disk store's helper process (``kg.core.ondisk``): a faster
malloc than the C library's when the system has one.

pyoxigraph's bulk loader keeps every index key of a batch as its own heap block, sorts them and
frees them; under glibc's malloc, allocating and freeing them takes about a third of the
helper's CPU (``perf``: ``_int_free``, ``unlink_chunk``, ``malloc``, ``malloc_consolidate``).
With jemalloc, mimalloc or tcmalloc instead, the same load of the 1M synthetic build's
N-Quads takes 4.0-4.2 s of CPU against 5.2-5.5 s, the whole 1M build 1.0-1.8 s less, and on
two cores it took 5 % longer than without a store instead of 10 % (six builds of each, in
one sitting: ``bench/RESULTS.md``). glibc's own tunables do not come near
(``GLIBC_TUNABLES``: ``mxfast``, ``tcache_count``, ``arena_max``, ``trim_threshold``: within
noise). The helper is a process of its own, so it can start with such a library preloaded
(``LD_PRELOAD``) while the build's process keeps the system's.

``KG_STORE_MALLOC`` chooses: the path of a shared library to preload, or ``system`` for the C
library's malloc; unset, the first of ``CANDIDATES`` found in the system's library
directories (Debian: ``apt install libjemalloc2``), else the C library's. Either way the
library must be an ELF shared object for the interpreter's own machine (class, byte order and
architecture: a 32-bit Python on a 64-bit system skips the 64-bit one), and the system's
libraries are looked for only under glibc (a musl Python would be handed a glibc build). A
``LD_PRELOAD`` the user set is left as it is. Only on Linux: elsewhere the helper always runs
with the system's malloc.
"""

from __future__ import annotations

import platform
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from pathlib import Path

from kg.core.errors import KGError

ENV = "KG_STORE_MALLOC"
#: The libraries looked for, in order (their Debian packages: libjemalloc2, libmimalloc2.0 or
#: libmimalloc3, libtcmalloc-minimal4).
CANDIDATES = (
    "libjemalloc.so.2",
    "libmimalloc.so.2",
    "libmimalloc.so.3",
    "libtcmalloc_minimal.so.4",
)
#: What ``in_use`` looks for in a process's mapped files.
_KNOWN = ("jemalloc", "mimalloc", "tcmalloc")


def library_dirs() -> list[Path]:
    """The system's library directories, most specific first (no ``LD_LIBRARY_PATH``)."""
    arch = sysconfig.get_config_var("MULTIARCH") or ""
    names = ["/usr/local/lib", f"/usr/lib/{arch}", f"/lib/{arch}"] if arch else ["/usr/local/lib"]
    return [Path(p) for p in (*names, "/usr/lib64", "/lib64", "/usr/lib", "/lib")]


def preload(environ: Mapping[str, str], dirs: Sequence[Path] | None = None) -> str | None:
    """The library the helper should start with preloaded (None: the system's malloc).

    Raises:
        KGError: ``KG_STORE_MALLOC`` names something that is not a file, or not a shared
            library for this machine (``loadable``).
    """
    if not sys.platform.startswith("linux") or environ.get("LD_PRELOAD", "").strip():
        return None
    choice = environ.get(ENV, "").strip()
    if choice == "system":
        return None
    if choice:
        hint = "set it to a malloc library (libjemalloc.so.2, say) or to 'system'"
        if not Path(choice).is_file():
            raise KGError(f"{ENV} names {choice}, which is not a file", hint=hint)
        if not loadable(Path(choice)):
            raise KGError(f"{ENV} names {choice}, not a library for this machine", hint=hint)
        return str(Path(choice).resolve())
    if platform.libc_ver()[0] != "glibc":
        return None
    for name in CANDIDATES:
        for directory in library_dirs() if dirs is None else dirs:
            if (directory / name).is_file() and loadable(directory / name):
                return str(directory / name)
    return None


def _elf_header(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(20)
    except OSError:
        return b""


def loadable(library: Path, executable: Path = Path("/proc/self/exe")) -> bool:
    """Whether ``library`` is an ELF shared object for the machine ``executable`` (this
    interpreter) runs on: the same class, byte order and architecture (``e_machine``)."""
    mine, theirs = _elf_header(executable), _elf_header(library)
    if len(theirs) < 20 or not theirs.startswith(b"\x7fELF") or len(mine) < 20:
        return False
    e_type = theirs[16:18] if theirs[5] == 1 else theirs[17:15:-1]  # little- or big-endian
    shared = e_type == b"\x03\x00"  # ET_DYN
    return shared and theirs[4:6] == mine[4:6] and theirs[18:20] == mine[18:20]


def in_use(maps: Path = Path("/proc/self/maps")) -> str:
    """The malloc library mapped into this process (``libjemalloc.so.2``, say), or
    ``system`` (none of those ``preload`` chooses, or no ``/proc``)."""
    try:
        text = maps.read_text()
    except OSError:
        return "system"
    for line in text.splitlines():
        name = line.rsplit("/", 1)[-1] if "/" in line else ""
        if any(known in name for known in _KNOWN):
            return name
    return "system"


__all__ = ["CANDIDATES", "ENV", "in_use", "library_dirs", "loadable", "preload"]
