"""``kg extract``: the draft, the JSON summary, the Factbook mode, and bad input (one line,
exit 1, nothing written)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.core.errors import ExitCode

TEXT = (
    "Ruritanian women are subjected to sex trafficking in Thailand; "
    "men from Nepal are forced to work in Malaysia; children are forced to beg"
)
KEYS = ["country", "roles", "forms", "destinations", "origins", "transit_to", "tier", "year"]


def run(runner: CliRunner, *args: str) -> object:
    return runner.invoke(cli, ["extract", *args])


@pytest.fixture
def narrative(sample_repo: Path) -> Path:
    path = sample_repo / "narrative.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_summary_json_is_one_object_with_the_issue_keys(runner: CliRunner, narrative: Path) -> None:
    result = run(runner, "narrative.txt", "--country", "MYS", "--summary", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert list(summary) == KEYS
    assert summary["country"] == "MYS"
    assert summary["origins"] == ["NPL"]
    assert summary["tier"] is None
    assert summary["year"] is None


def test_the_draft_goes_to_a_file_and_builds(runner: CliRunner, narrative: Path) -> None:
    target = Path("data/assessments/mys-draft.yaml")
    result = run(runner, "narrative.txt", "--country", "mys", "--year", "2020", "-o", str(target))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert "wrote data/assessments/mys-draft.yaml" in result.stderr  # type: ignore[attr-defined]
    text = target.read_text()
    assert "review: unreviewed" in text
    assert "year: 2020" in text
    built = runner.invoke(cli, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output
    assert built.stderr.rstrip().endswith("conforms")


def test_the_draft_to_stdout_by_default(runner: CliRunner, narrative: Path) -> None:
    result = run(runner, "narrative.txt", "--country", "MYS")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Machine-extracted draft")  # type: ignore[attr-defined]


def test_a_known_source_gives_its_publisher_as_assessor(runner: CliRunner, narrative: Path) -> None:
    result = run(runner, "narrative.txt", "--country", "MYS", "--source", "essay-prk")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "assessor: essay-author" in result.stdout  # type: ignore[attr-defined]
    assert "  source:\n" not in result.stdout  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "narrative.txt:1:1: the text is empty"),
        (b"   \n\n  ", "narrative.txt:1:1: the text is empty"),
        (b"forced labor\x00\x01\x02", "narrative.txt:1:13: the file is binary (a NUL byte)"),
        (b"forced labor \xff\xfe here", "narrative.txt:1:14: the file is not UTF-8 text"),
        (b"The weather was mild and the harvest good.", "is not a trafficking narrative"),
        (
            "\ufeffforced labor".encode("utf-16-le"),
            "narrative.txt:1:1: the file is UTF-16 text (save it as UTF-8)",
        ),
        ("forced labor in Malaysia".encode("utf-16-be"), "the file is UTF-16 text"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "the file is binary (a NUL byte)"),
    ],
)
def test_bad_files_are_one_line_and_write_nothing(
    runner: CliRunner, sample_repo: Path, content: bytes, message: str
) -> None:
    (sample_repo / "narrative.txt").write_bytes(content)
    result = run(runner, "narrative.txt", "--country", "MYS", "-o", "draft.yaml")
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err
    assert not (sample_repo / "draft.yaml").exists()


def test_an_unknown_country_is_one_line(runner: CliRunner, narrative: Path) -> None:
    result = run(runner, "narrative.txt", "--country", "XYZ", "--summary", "json")
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith("Error: unknown country code 'XYZ'")  # type: ignore[attr-defined]
    assert result.stderr.count("\n") == 1  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]


def test_a_missing_file_is_one_line(runner: CliRunner, sample_repo: Path) -> None:
    result = run(runner, "nowhere.txt", "--country", "MYS")
    assert result.exit_code == ExitCode.ERROR
    assert "nowhere.txt: cannot read the file" in result.stderr  # type: ignore[attr-defined]


def test_usage_errors(runner: CliRunner, narrative: Path) -> None:
    assert run(runner, "narrative.txt").exit_code == ExitCode.USAGE
    assert run(runner, "--factbook", "x.csv").exit_code == ExitCode.USAGE


def test_help_has_an_example(runner: CliRunner) -> None:
    result = run(runner, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert "kg extract narrative.txt --country THA" in result.stdout


def write_factbook(path: Path) -> None:
    columns = [
        "gec",
        "country_name",
        "first_seen_date",
        "first_seen_commit",
        "tier_rating_text",
        "current_situation_text",
    ]
    rows = [
        [
            "rs",
            "Russia",
            "2020-11-24",
            "a" * 40,
            "Tier 3 — the government does not make significant efforts (2020)",
            "Russian women are forced into prostitution in Turkey",
        ],
        [
            "rs",
            "Russia",
            "2021-06-15",
            "b" * 40,
            "Tier 3 — no efforts (2021)",
            "Russian men are subjected to forced labor in Qatar",
        ],
        ["xx", "", "2020-11-24", "a" * 40, "", "victims of forced labor worldwide"],
        ["ch", "China", "2020-11-24", "a" * 40, "Tier 3 (2020)", ""],
    ]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        writer.writerows(rows)


def test_factbook_mode_writes_one_draft_per_text_version(
    runner: CliRunner, sample_repo: Path
) -> None:
    write_factbook(sample_repo / "history.csv")
    result = run(runner, "--factbook", "history.csv", "-o", "drafts")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    names = sorted(p.name for p in (sample_repo / "drafts").iterdir())
    assert names == [
        "rus-factbook-2020-11-24-aaaaaaa.yaml",
        "rus-factbook-2021-06-15-bbbbbbb.yaml",
    ]
    assert "not a country, skipped: xx" in result.stderr  # type: ignore[attr-defined]
    first = (sample_repo / "drafts" / names[0]).read_text()
    assert "tier: tier-3" in first
    assert "destinations: [TUR]" in first
    again = run(runner, "--factbook", "history.csv", "-o", "drafts")
    assert again.exit_code == 0
    assert (sample_repo / "drafts" / names[0]).read_text() == first
    for name in names:
        (sample_repo / "drafts" / name).rename(sample_repo / "data" / "assessments" / name)
    built = runner.invoke(cli, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output


def test_factbook_mode_refuses_another_csv(runner: CliRunner, sample_repo: Path) -> None:
    (sample_repo / "other.csv").write_text("a,b\n1,2\n")
    result = run(runner, "--factbook", "other.csv", "-o", "drafts")
    assert result.exit_code == ExitCode.ERROR
    assert "not a Factbook history file" in result.stderr  # type: ignore[attr-defined]
    assert not (sample_repo / "drafts").exists()


def test_factbook_mode_takes_the_folder_too(runner: CliRunner, sample_repo: Path) -> None:
    (sample_repo / "factbook_tip").mkdir()
    write_factbook(sample_repo / "factbook_tip" / "factbook_tip_history.csv")
    write_factbook(sample_repo / "history.csv")
    assert run(runner, "--factbook", "factbook_tip", "-o", "a").exit_code == 0
    assert run(runner, "--factbook", "history.csv", "-o", "b").exit_code == 0
    names = sorted(p.name for p in (sample_repo / "a").iterdir())
    assert len(names) == 2
    for name in names:
        text = (sample_repo / "a" / name).read_text()
        assert "text: factbook_tip_history.csv#rs@" in text
        assert (
            text.replace("factbook_tip_history.csv#", "history.csv#")
            == (sample_repo / "b" / name).read_text()
        )
    empty = run(runner, "--factbook", "data", "-o", "c")
    assert empty.exit_code == ExitCode.ERROR
    assert empty.stderr == (  # type: ignore[attr-defined]
        "Error: data/factbook_tip_history.csv: cannot read the file (No such file or directory)\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"gec,country_name\nrs,Russ\xe9a\n", "history.csv:2:8: the file is not UTF-8 text"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\xd0\x80\x99", "history.csv:1:13: the file is not UTF-8"),
        (b"", "history.csv:1:1: not a Factbook history file (no column 'gec')"),
    ],
)
def test_factbook_mode_bad_files_are_one_line(
    runner: CliRunner, sample_repo: Path, content: bytes, message: str
) -> None:
    (sample_repo / "history.csv").write_bytes(content)
    result = run(runner, "--factbook", "history.csv", "-o", "drafts")
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith(f"Error: {message}")  # type: ignore[attr-defined]
    assert result.stderr.count("\n") == 1  # type: ignore[attr-defined]
    assert not (sample_repo / "drafts").exists()


def test_factbook_mode_refuses_a_file_as_the_output(runner: CliRunner, sample_repo: Path) -> None:
    write_factbook(sample_repo / "history.csv")
    (sample_repo / "taken").write_text("mine")
    result = run(runner, "--factbook", "history.csv", "-o", "taken")
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (  # type: ignore[attr-defined]
        "Error: taken: is a file, not a directory (give -o a directory)\n"
    )
    assert (sample_repo / "taken").read_text() == "mine"


def test_factbook_mode_leaves_the_csv_field_limit_as_it_was(
    runner: CliRunner, sample_repo: Path
) -> None:
    """The csv module's field limit is process-wide: the importers refuse huge fields by it."""
    before = csv.field_size_limit()
    write_factbook(sample_repo / "history.csv")
    assert run(runner, "--factbook", "history.csv", "-o", "drafts").exit_code == 0
    (sample_repo / "other.csv").write_text("a,b\n1,2\n")
    assert run(runner, "--factbook", "other.csv", "-o", "x").exit_code == ExitCode.ERROR
    assert csv.field_size_limit() == before
