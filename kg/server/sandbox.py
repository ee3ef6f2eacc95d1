"""The second barrier: query worker processes that cannot open a network connection.

The guard (:mod:`kg.server.guard`) refuses ``SERVICE``; this makes a miss harmless. Before a
worker loads the store, :func:`confine` applies two independent Linux mechanisms, each enough
on its own:

* a **seccomp filter** (installed with ``prctl``/``seccomp(2)`` through ctypes, no library
  needed) that makes ``socket``, ``socketpair``, ``connect``, ``bind``, ``listen``,
  ``accept`` and io_uring fail with EACCES (and kills the process on a foreign syscall ABI):
  no TCP, UDP, Unix-socket or netlink connection, so no HTTP request and no DNS lookup;
* a **network namespace** (``unshare(CLONE_NEWUSER | CLONE_NEWNET)``, or ``CLONE_NEWNET``
  alone with CAP_SYS_ADMIN): the worker sees only a loopback interface that is down.

Workers only talk to the server over a socket pair made before they start. Either mechanism
can be unavailable (not Linux; seccomp needs Linux 3.17 on x86-64 or aarch64; user namespaces
can be disabled by ``kernel.unprivileged_userns_clone=0``, AppArmor, or a container's seccomp
profile): :func:`confine` reports what it applied and why not, and ``kg serve`` warns at
start-up when a worker is not confined.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
import sys
from dataclasses import dataclass

_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 1, 1
_EACCES = 13

# (audit arch, seccomp syscall number, denied syscalls, x32 bit) per machine.
_ARCHES: dict[str, tuple[int, int, tuple[int, ...], bool]] = {
    # socket socketpair connect bind listen accept accept4 io_uring_setup/enter/register
    "x86_64": (0xC000003E, 317, (41, 53, 42, 49, 50, 43, 288, 425, 426, 427), True),
    "aarch64": (0xC00000B7, 277, (198, 199, 203, 200, 201, 202, 242, 425, 426, 427), False),
}

# Classic BPF opcodes.
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_ERRNO, _RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000


@dataclass(frozen=True)
class Confinement:
    """What :func:`confine` applied to this process, and why the rest is missing."""

    seccomp: bool
    netns: bool
    missing: tuple[str, ...] = ()

    @property
    def confined(self) -> bool:
        """True when at least one barrier is in place."""
        return self.seccomp or self.netns

    def describe(self) -> str:
        """One line for the start-up message."""
        barriers = (("seccomp filter", self.seccomp), ("network namespace", self.netns))
        parts = [name for name, on in barriers if on]
        text = " + ".join(parts) if parts else "NONE"
        return text + (f" (unavailable: {'; '.join(self.missing)})" if self.missing else "")


def seccomp_program(machine: str) -> bytes:
    """The BPF program that denies network syscalls on ``machine`` (``x86_64``/``aarch64``)."""
    arch, _, denied, x32 = _ARCHES[machine]
    n = len(denied)
    first_check = 4 if x32 else 3
    allow = first_check + n
    deny, kill = allow + 1, allow + 2
    code: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 0, kill - 2, arch),
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if x32:
        code.append((_JGE_K, deny - 4, 0, 0x40000000))  # the x32 ABI: refuse it all
    for i, number in enumerate(denied):
        code.append((_JEQ_K, deny - (first_check + i) - 1, 0, number))
    code += [(_RET_K, 0, 0, _RET_ALLOW), (_RET_K, 0, 0, _RET_ERRNO | _EACCES)]
    code.append((_RET_K, 0, 0, _RET_KILL_PROCESS))
    return b"".join(struct.pack("=HBBI", op, jt, jf, k) for op, jt, jf, k in code)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _install_seccomp() -> str | None:
    machine = platform.machine()
    if not sys.platform.startswith("linux") or machine not in _ARCHES:
        return f"seccomp filter: not written for {sys.platform}/{machine}"
    libc = _libc()
    program = seccomp_program(machine)
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = _SockFprog(len(program) // 8, ctypes.addressof(buffer))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"seccomp filter: no_new_privs: {os.strerror(ctypes.get_errno())}"
    syscall_nr = _ARCHES[machine][1]
    flags = _SECCOMP_FILTER_FLAG_TSYNC  # every thread of the process, now and later
    if libc.syscall(syscall_nr, _SECCOMP_SET_MODE_FILTER, flags, ctypes.byref(prog)) != 0:
        return f"seccomp filter: {os.strerror(ctypes.get_errno())}"
    return None


def _enter_network_namespace() -> str | None:
    if not sys.platform.startswith("linux"):
        return f"network namespace: not on {sys.platform}"
    libc = _libc()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        return None
    first = os.strerror(ctypes.get_errno())
    if libc.unshare(_CLONE_NEWNET) == 0:  # root with CAP_SYS_ADMIN, no user namespaces
        return None
    return f"network namespace: {first} (user namespaces disabled or not allowed here)"


def confine(seccomp: bool = True, netns: bool = True) -> Confinement:
    """Cut this process off the network (call it single-threaded, before loading data).

    Never raises: what cannot be applied is reported in :class:`Confinement`.
    """
    missing = []
    in_ns = False
    if netns:
        reason = _enter_network_namespace()  # before seccomp, which forbids nothing it needs
        in_ns = reason is None
        if reason:
            missing.append(reason)
    filtered = False
    if seccomp:
        reason = _install_seccomp()
        filtered = reason is None
        if reason:
            missing.append(reason)
    return Confinement(filtered, in_ns, tuple(missing))


__all__ = ["Confinement", "confine", "seccomp_program"]
