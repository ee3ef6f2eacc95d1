"""The store's ``WWW-Authenticate`` challenge is hostile input (whoever answers at the endpoint
writes it): every header value parses without an exception, in time linear in its length; a
challenge written from parameters parses back to them; and the Digest answer to any challenge
is either a header the store can check (RFC 7616, computed here independently) that never
holds the password, or one line saying what kg lacks."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.errors import RemoteError
from kg.remote.auth import Credentials, Digest, parse_challenges

CREDS = Credentials(user="pusher", password="pw-s3cr3t")
TARGET = "/store?graph=https%3A%2F%2Fw3id.org%2Fkg-tip%2Fgraph%2Fsource"
BODY = b"<http://e/s> <http://e/p> <http://e/o> .\n"
HASHES: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-256": hashlib.sha256,
    "SHA-512-256": lambda data: hashlib.new("sha512_256", data),
}
TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: What an HTTP client hands over of a header: bytes decoded as ISO-8859-1, no line breaks.
WIRE = st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\r\n")
token = st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=12)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fields(header: str) -> dict[str, str]:
    """The parameters of a Digest ``Authorization`` value (as a store would read them)."""
    assert header.startswith("Digest ")
    found = re.findall(r'([a-z]+)=("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)', header[7:])
    return {k: re.sub(r"\\(.)", r"\1", v[1:-1]) if v.startswith('"') else v for k, v in found}


def expected_response(ch: dict[str, str], got: dict[str, str]) -> str:
    """RFC 7616 §3.4.1, from the challenge and the client's nonce and count."""
    algorithm = ch.get("algorithm", "MD5")
    name = algorithm.upper().removesuffix("-SESS")

    def h(data: str | bytes) -> str:
        return str(HASHES[name](data.encode() if isinstance(data, str) else data).hexdigest())

    realm, nonce = ch.get("realm", ""), ch.get("nonce", "")
    ha1 = h(f"{CREDS.user}:{realm}:{CREDS.password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{got['cnonce']}")
    qop = got.get("qop")
    ha2 = h(f"PUT:{TARGET}:{h(BODY)}") if qop == "auth-int" else h(f"PUT:{TARGET}")
    if qop is None:
        return h(f"{ha1}:{nonce}:{ha2}")
    return h(f"{ha1}:{nonce}:{got['nc']}:{got['cnonce']}:{qop}:{ha2}")


def check_answer(ch: dict[str, str]) -> None:
    try:
        header = Digest(ch).header(CREDS, "PUT", TARGET, BODY)
    except RemoteError as exc:
        (line,) = str(exc).splitlines()  # one line, whatever the store sent
        assert len(line) < 200
        assert line.startswith("the store asks for Digest")
        return
    header.encode("latin-1")  # http.client sends header values as ISO-8859-1
    assert CREDS.password not in header
    got = fields(header)
    assert got["username"] == CREDS.user
    assert got["uri"] == TARGET
    assert got["nonce"] == ch.get("nonce", "")
    assert got["realm"] == ch.get("realm", "")
    if "opaque" in ch:
        assert got["opaque"] == ch["opaque"]
    assert got["response"] == expected_response(ch, got)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=WIRE, max_size=400))
def test_any_header_value_parses(value: str) -> None:
    for scheme, params in parse_challenges(value):
        assert scheme
        assert scheme == scheme.lower()
        if scheme == "digest":
            check_answer(params)


@st.composite
def challenges(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    params: dict[str, str] = {
        "realm": draw(st.text(alphabet=WIRE, max_size=30)),
        "nonce": draw(st.text(alphabet=WIRE, max_size=30)),
    }
    algorithm = draw(
        st.sampled_from(["MD5", "SHA-256", "SHA-512-256", "md5-sess", "SHA-256-sess", "SHA-1"])
    )
    if draw(st.booleans()):
        params["algorithm"] = algorithm
    if draw(st.booleans()):
        params["qop"] = draw(st.sampled_from(["auth", "auth-int", "auth,auth-int", "x-other"]))
    if draw(st.booleans()):
        params["opaque"] = draw(st.text(alphabet=WIRE, max_size=30))
    extra = draw(st.dictionaries(token.map(str.lower), token, max_size=3))
    params.update({k: v for k, v in extra.items() if k not in params})
    order = draw(st.permutations(sorted(params)))
    quote_all = draw(st.booleans())
    parts = []
    for key in order:
        value = params[key]
        bare = quote_all is False and re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", value)
        parts.append(f"{key}={value if bare else quoted(value)}")
    separator = draw(st.sampled_from([", ", ",", " , ", ",\t"]))
    return "Digest " + separator.join(parts), params


@settings(max_examples=500, deadline=None)
@given(challenges(), st.sampled_from(["", 'Basic realm="x", ', 'Bearer realm="y", ']))
def test_a_written_challenge_parses_back(made: tuple[str, dict[str, str]], before: str) -> None:
    value, params = made
    parsed = dict(parse_challenges(before + value))
    assert parsed["digest"] == params
    check_answer(parsed["digest"])


@pytest.mark.parametrize(
    "value",
    [
        'Digest realm="' + "a" * 200_000,
        'Digest realm="' + "\\a" * 100_000 + '"',
        "Digest " + "a=b, " * 40_000,
        "Digest a" + "=" * 200_000,
        "Digest " + "," * 200_000,
        "a " * 100_000,
        ('Digest a="' + '\\"' * 30_000 + " ") * 3,
    ],
    ids=["unterminated", "escapes", "many-params", "equals", "commas", "schemes", "nested-quotes"],
)
def test_a_long_hostile_header_is_read_in_linear_time(value: str) -> None:
    """A backtracking pattern would take minutes on one of these; each takes milliseconds."""
    started = time.process_time()
    parse_challenges(value)
    assert time.process_time() - started < 5  # generous: milliseconds on this machine


def test_a_challenge_with_control_characters_is_shown_escaped() -> None:
    (challenge,) = parse_challenges('Digest nonce="n", algorithm="MD5\x1b[2J\x07"')
    with pytest.raises(RemoteError) as caught:
        Digest(challenge[1]).header(CREDS, "PUT", TARGET, BODY)
    assert "\x1b" not in str(caught.value)
    assert "MD5\\x1b[2J\\x07" in str(caught.value)
