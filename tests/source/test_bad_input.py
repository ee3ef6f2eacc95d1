"""Every kind of bad input gives one pinned line, exit code 1, and writes nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

INVALID = Path(__file__).parents[1] / "data" / "invalid"

BAD = "data/assessments/bad.yaml"
NEXT_YEAR = dt.date.today().year + 1
SMALL = (
    "is an exact count of identified victims below 10, which kg never publishes (censored or "
    "not) (write the band the source published instead, e.g. lower: 1, upper: 9, censored: "
    "true; or leave the number out)"
)
TAGS = "(write a plain value, quoting text; tags are rejected)"
CASES = {
    "duplicate_key": f"{BAD}:5:3: duplicate key 'country' (first defined at line 3)",
    "unknown_key": f"{BAD}:9:5: unknown key 'destnations' in a flow (did you mean 'destinations'?)",
    "wrong_type": f"{BAD}:12:14: 'value' in an estimate must be an integer, not a string "
    "(write numbers without quotes or thousands separators, e.g. 50000)",
    "unknown_country": f"{BAD}:9:25: unknown country code or region id 'CHM' (did you mean "
    "'CHE' (Switzerland), 'CHL' (Chile), 'CHN' (China), 'COM' (Comoros), 'CYM' (Cayman "
    "Islands) or 'KHM' (Cambodia)?)",
    "unknown_term": f"{BAD}:6:11: unknown tier 'tier-2-watch-list' (did you mean 'tier-2wl'?)",
    "unknown_victim_group": f"{BAD}:5:20: unknown victim group 'kids' (valid: adults, boys, "
    "children, girls, men, women)",
    "unknown_flow_victim_group": f"{BAD}:11:14: unknown victim group 'vulnerable-migrants' "
    "(valid: adults, boys, children, girls, men, women)",
    "dangling_reference": f"{BAD}:11:22: unknown policy 'labour-exports' "
    "(did you mean 'labour-export'?)",
    "alias_bomb": f"{BAD}:1:4: YAML anchor 'a' is not allowed "
    "(write the value out in full; anchors and aliases are rejected)",
    "syntax_error": f"{BAD}:4:4: 'assessor' is indented more than 'country' on line 3 "
    "(keys of one mapping start in the same column: put it in column 3)",
    "missing_key": f"{BAD}:6:5: a recommendation is missing required key 'pillars' "
    "(see data/README.md)",
    "unknown_source": f"{BAD}:2:11: unknown source 'essay-rus' (did you mean 'essay-prk'?)",
    "not_utf8": f"{BAD}:3:14: file is not valid UTF-8 (byte 0xfc) (save the file as UTF-8)",
    # issue 11, item 16: YAML errors in plain words, where the problem starts
    "multi_document": f"{BAD}:5:1: a second YAML document starts here; a kg data file holds one "
    "document (remove the '---' or '...' line, or move the rest into a file of its own)",
    "unclosed_quote": f"{BAD}:5:12: the quoted text that starts here is never closed "
    '(no matching ") (add the closing " at the end of the text)',
    "tab_indent": f"{BAD}:3:1: a tab is used for indentation; YAML indents with spaces only "
    "(replace the tab with spaces)",
    "colon_in_text": f"{BAD}:5:12: this text contains ': ', which YAML reads as a new key; quote "
    "text that holds ': ' (put the whole text in quotes, e.g. summary: \"…\")",
    "octal_number": f"{BAD}:12:14: '050000' is not a plain decimal number (YAML would read it as "
    "20480) (write digits only, without a leading zero, '_' or ':'; quote it if it is text)",
    "invalid_date": f"{BAD}:6:13: '2019-13-45' is not a valid date (month must be in 1..12) "
    "(write dates as YYYY-MM-DD)",
    # item 12: tags, control characters and bidi controls anywhere
    "python_tag": f"{BAD}:5:10: YAML tag '!!python/tuple' is not allowed {TAGS}",
    "custom_tag": f"{BAD}:7:7: YAML tag '!mytag' is not allowed {TAGS}",
    "control_character": f"{BAD}:5:12: text contains the control character U+001B (ESCAPE) "
    "(remove it; only tabs and line breaks may appear in text)",
    "bidi_override": f"{BAD}:6:9: text contains the invisible bidirectional control U+202E "
    "(RIGHT-TO-LEFT OVERRIDE), which can make it display as something else (remove it)",
    # item 12: accepted bad data
    "year_future": f"{BAD}:5:9: 'year' in the assessment must be between 1990 and {NEXT_YEAR}, "
    "not 3000 (the edition year of the report, written like 2019)",
    "flow_year": f"{BAD}:11:11: 'year' in a flow must be between 1990 and {NEXT_YEAR}, not 1066 "
    "(the year the flow refers to, written like 2019)",
    "part_of_self": f"{BAD}:11:14: flow 'f1' is part_of itself "
    "(part_of names the aggregate flow this one is a named part of)",
    "part_of_cycle": f"{BAD}:11:14: flows 'f1' → 'f2' → 'f1' are each part_of the next: a "
    "part_of cycle (part_of points from a part to the aggregate that holds it, never back)",
    "self_contradiction": f"{BAD}:10:19: claim 'no-law' contradicts itself "
    "('contradicts' links a claim to another claim)",
    "component_estimate": f"{BAD}:23:7: a flow that is part_of 'all-abroad' cannot have its own "
    "estimate: the figure would be counted twice, once here and once in the aggregate "
    "(keep the number on flow 'all-abroad' only, or remove part_of)",
    # item 11: no exact count of 1-9 identified victims, whatever the flags
    "small_count_censored": f"{BAD}:12:14: 'value: 3' {SMALL}",
    "small_count_band": f"{BAD}:12:14: 'lower: 7, upper: 7' {SMALL}",
    # item 13: a user value that becomes an IRI is checked where it is read
    "url_with_space": f"{BAD}:4:15: 'homepage' in an agent is not a valid URL: a space (U+0020) "
    "is not allowed in a URL (write an absolute URL such as https://example.org/page, with "
    "%20 for a space)",
}


def test_every_fixture_has_a_pinned_message() -> None:
    assert {p.stem for p in INVALID.glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line(case: str, sample_repo: Path, runner: CliRunner) -> None:
    shutil.copy(INVALID / f"{case}.yaml", sample_repo / BAD)
    result = runner.invoke(cli, ["build", "--out", "out"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {CASES[case]}\n"
    assert result.stdout == ""
    assert not (sample_repo / "out").exists()


def _tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (the build holds a store directory too) by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_failed_build_leaves_previous_build_intact(sample_repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 0
    before = _tree(sample_repo / "out")
    shutil.copy(INVALID / "unknown_key.yaml", sample_repo / BAD)
    assert runner.invoke(cli, ["build", "--out", "out"]).exit_code == 1
    after = _tree(sample_repo / "out")
    assert after == before


def test_traceback_flag_shows_the_stack(sample_repo: Path, runner: CliRunner) -> None:
    shutil.copy(INVALID / "unknown_key.yaml", sample_repo / BAD)
    result = runner.invoke(cli, ["--traceback", "validate"])
    assert result.exit_code == 1
    assert result.exception is not None
    assert "destnations" in str(result.exception)


def test_missing_data_directory(sample_repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--data", "nowhere", "validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: data directory nowhere does not exist "
        "(pass --data DIR, or start a project with 'kg init DIR')\n"
    )


def test_a_duplicate_is_blamed_on_the_file_written_last(
    sample_repo: Path, runner: CliRunner
) -> None:
    """Issue 11, item 15: a new file that repeats a shipped id is at fault, not the shipped
    file, even when its path sorts first; files of one checkout are ordered by path."""
    shipped = sample_repo / "data" / "reference" / "agents.yaml"
    added = sample_repo / "data" / "agents2.yaml"
    added.write_text("agents:\n  - id: us-dos-jtip\n    name: Another office\n")
    expected = (
        "Error: data/agents2.yaml:2:9: duplicate agent id 'us-dos-jtip' "
        "(first defined at data/reference/agents.yaml:3:9)\n"
    )
    for _ in range(2):  # the same answer every time
        result = runner.invoke(cli, ["validate"])
        assert result.exit_code == 1
        assert result.stderr == expected
    same = shipped.stat().st_mtime_ns
    os.utime(added, ns=(same, same))  # a fresh checkout: the later path is at fault
    result = runner.invoke(cli, ["validate"])
    assert result.stderr == (
        "Error: data/reference/agents.yaml:3:9: duplicate agent id 'us-dos-jtip' "
        "(first defined at data/agents2.yaml:2:9)\n"
    )


@pytest.mark.parametrize("depth", [65, 100, 990, 1500])
def test_deep_nesting_is_one_line_not_a_recursion_error(
    depth: int, sample_repo: Path, runner: CliRunner
) -> None:
    """The same line whatever libyaml's own limit (1000 levels in some builds, none in others):
    the first list too deep is at column 4 + 64."""
    (sample_repo / BAD).write_text("a: " + "[" * depth + "]" * depth + "\n")
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {BAD}:1:68: the data is nested more than 64 levels deep "
        "(kg data files are a few levels deep; see data/README.md)\n"
    )


@pytest.mark.parametrize("digits", [41, 5000, 100_000])
def test_a_huge_number_is_one_line(digits: int, sample_repo: Path, runner: CliRunner) -> None:
    """Python refuses to convert an integer of more than 4,300 digits; kg says so first."""
    (sample_repo / BAD).write_text("assessment:\n  year: " + "9" * digits + "\n")
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {BAD}:2:9: a number of {digits:,} characters is far too long "
        "(numbers in kg data are counts and years; quote it if it is text)\n"
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "  forms: [forced-labour, forced-labour]\n",
            f"{BAD}:5:26: 'forced-labour' is listed twice in 'forms' "
            "(first at item 1; list each once)",
        ),
        (
            "  forms:\n    - forced-labour\n    - Note: debt bondage too\n",
            f"{BAD}:7:7: 'forms[1]' in the assessment must be a string, not a mapping "
            "(text that holds ': ' must be quoted, e.g. \"Note: …\")",
        ),
    ],
)
def test_lists_hold_each_item_once_and_only_text(
    text: str, line: str, sample_repo: Path, runner: CliRunner
) -> None:
    head = "assessment:\n  source: essay-prk\n  country: RUS\n  assessor: essay-author\n"
    (sample_repo / BAD).write_text(head + text)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {line}\n"


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u200b", "ZERO WIDTH SPACE"),
        ("\u00ad", "SOFT HYPHEN"),
        ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
    ],
)
def test_an_invisible_character_in_a_url_is_one_line(
    char: str, name: str, sample_repo: Path, runner: CliRunner
) -> None:
    """https://exa\u200bmple.org/ displays as https://example.org/ but is another host."""
    text = f'agents:\n  - id: a2\n    name: A\n    homepage: "https://exa{char}mple.org/"\n'
    (sample_repo / BAD).write_text(text)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {BAD}:4:15: 'homepage' in an agent is not a valid URL: the invisible character "
        f"U+{ord(char):04X} ({name}) is not allowed in a URL: it makes the address look like "
        "another (write an absolute URL such as https://example.org/page, with %20 for a space)\n"
    )


def test_a_quoted_date_says_to_drop_the_quotes(sample_repo: Path, runner: CliRunner) -> None:
    text = (
        "sources:\n  - id: s2\n    title: T\n    doc_type: dataset\n"
        '    reliability: official\n    issued: "2019-01-01"\n'
    )
    (sample_repo / BAD).write_text(text)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {BAD}:6:13: 'issued' in a source must be a date, not the text '2019-01-01' "
        "(write the date without quotes as YYYY-MM-DD, a four-digit year, e.g. 2019-06-20)\n"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # YAML reads no timestamp with a five-digit year: it was "not a string" with a hint
        # to drop quotes that were not there.
        ("10000-01-01", "must be a date, not the text '10000-01-01' (write the date without"),
        ("2019-6-1", "must be a date, not the text '2019-6-1'"),
        ("|\n      2019-01-01\n      x", "must be a date, not the text '2019-01-01 x'"),
        # The offset's check in Python was shown as it is: "offset must be a timedelta
        # strictly between -timedelta(hours=24) and timedelta(hours=24), not …".
        ("2019-01-01T00:00:00+25:00", "'2019-01-01T00:00:00+25:00' is not a valid date (its time "
         "zone is more than 24 hours off) (write dates as YYYY-MM-DD)"),
    ],
)  # fmt: skip
def test_a_date_kg_cannot_read_is_named(
    sample_repo: Path, runner: CliRunner, written: str, said: str
) -> None:
    text = (
        "sources:\n  - id: s2\n    title: T\n    doc_type: dataset\n"
        f"    reliability: official\n    issued: {written}\n"
    )
    (sample_repo / BAD).write_text(text)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert said in result.stderr
