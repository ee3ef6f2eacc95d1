"""Which malloc the on-disk store's helper starts with (kg.core.allocator): a faster one the
system has, unless the user chose (KG_STORE_MALLOC) or preloads a library already."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Literal

import pytest

from kg.core import allocator
from kg.core.allocator import CANDIDATES, ENV, in_use, loadable, preload
from kg.core.errors import KGError


def elf(machine: bytes | None = None, elf_class: int | None = None, kind: int = 3) -> bytes:
    """The start of an ELF file like this interpreter's (a shared object, ``kind`` 3), or for
    another ``machine`` (``e_machine``, two bytes) or ``elf_class`` (1: 32-bit, 2: 64-bit)."""
    header = bytearray(Path("/proc/self/exe").read_bytes()[:64])
    order: Literal["little", "big"] = "little" if header[5] == 1 else "big"
    header[16:18] = kind.to_bytes(2, order)
    if machine is not None:
        header[18:20] = machine
    if elf_class is not None:
        header[4] = elf_class
    return bytes(header)


@pytest.fixture
def libs(tmp_path: Path) -> list[Path]:
    """Two library directories: the first holds mimalloc, the second jemalloc and tcmalloc."""
    first, second = tmp_path / "usr-local-lib", tmp_path / "usr-lib"
    for directory, names in ((first, ["libmimalloc.so.2"]), (second, list(CANDIDATES))):
        directory.mkdir()
        for name in names:
            (directory / name).write_bytes(elf())
    return [first, second]


@pytest.fixture(autouse=True)
def linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(platform, "libc_ver", lambda *_: ("glibc", "2.36"))


def test_the_first_candidate_wins_over_the_first_directory(libs: list[Path]) -> None:
    assert preload({}, libs) == str(libs[1] / "libjemalloc.so.2")
    (libs[1] / "libjemalloc.so.2").unlink()
    assert preload({}, libs) == str(libs[0] / "libmimalloc.so.2")


def test_none_found_is_the_systems_malloc(tmp_path: Path) -> None:
    assert preload({}, [tmp_path]) is None
    (tmp_path / "libjemalloc.so.2").mkdir()  # not a file
    assert preload({}, [tmp_path]) is None


def test_the_user_chooses(libs: list[Path], tmp_path: Path) -> None:
    assert preload({ENV: "system"}, libs) is None
    mine = tmp_path / "libmine.so"
    mine.write_bytes(elf())
    assert preload({ENV: str(mine)}, libs) == str(mine.resolve())
    with pytest.raises(KGError, match=f"{ENV} names .*nowhere.so, which is not a file") as err:
        preload({ENV: str(tmp_path / "nowhere.so")}, libs)
    assert "system" in (err.value.hint or "")


def test_a_preload_the_user_set_is_left_alone(libs: list[Path]) -> None:
    assert preload({"LD_PRELOAD": "/opt/libfaketime.so"}, libs) is None
    assert preload({"LD_PRELOAD": "  "}, libs) == str(libs[1] / "libjemalloc.so.2")


def test_only_on_linux(libs: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert preload({}, libs) is None
    assert preload({ENV: "/usr/lib/libjemalloc.so.2"}, libs) is None


def test_only_a_library_for_this_machine(libs: list[Path], tmp_path: Path) -> None:
    """A 32-bit Python on a 64-bit system, say: the loader would refuse the library."""
    jemalloc = libs[1] / "libjemalloc.so.2"
    for header in (elf(machine=b"\xb7\x00"), elf(elf_class=1), elf(kind=2), b"#!/bin/sh\n"):
        jemalloc.write_bytes(header)
        assert not loadable(jemalloc)
        assert preload({}, libs) == str(libs[0] / "libmimalloc.so.2")
        with pytest.raises(KGError, match="not a library for this machine"):
            preload({ENV: str(jemalloc)}, libs)
    jemalloc.write_bytes(elf())
    assert loadable(jemalloc)
    assert not loadable(tmp_path / "absent.so")


def test_not_the_systems_libraries_without_glibc(
    libs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under musl (Alpine, say) /usr/lib may hold glibc builds: only a library the user names."""
    monkeypatch.setattr(platform, "libc_ver", lambda *_: ("", ""))
    assert preload({}, libs) is None
    assert preload({ENV: str(libs[0] / "libmimalloc.so.2")}, libs) is not None


def test_the_systems_directories() -> None:
    dirs = [str(p) for p in allocator.library_dirs()]
    assert dirs[0] == "/usr/local/lib"
    assert {"/usr/lib", "/lib"} <= set(dirs)
    assert all(Path(p).is_absolute() for p in dirs)


def test_in_use_reads_the_mapped_files(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text(
        "7f0-7f1 r-xp 00000000 08:01 12 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
        "7f2-7f3 r-xp 00000000 08:01 13 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n"
        "7f4-7f5 rw-p 00000000 00:00 0 [heap]\n"
    )
    assert in_use(maps) == "libjemalloc.so.2"
    maps.write_text("7f0-7f1 r-xp 00000000 08:01 12 /usr/lib/x86_64-linux-gnu/libc.so.6\n")
    assert in_use(maps) == "system"
    assert in_use(tmp_path / "absent") == "system"
    if not os.environ.get("LD_PRELOAD"):  # the tests' own process: the C library's malloc
        assert in_use() == "system"
