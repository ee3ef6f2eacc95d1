"""One meaning per option name across commands, the same way to choose what a command reads,
and examples (README and --help) written with the current spellings (issue 14 §6)."""

from __future__ import annotations

import itertools
import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.cli import options as O

ROOT = Path(__file__).resolve().parents[2]

#: Commands that read a graph, and the sources each accepts beyond --build/--data.
READERS = {
    "query": {"--graph", "--endpoint"},
    "serve": {"--graph"},
    "export": {"--graph"},
    "report": {"--graph", "--endpoint"},
    "viz flows": {"--graph", "--endpoint"},
    "push": set(),  # its --graph is the deprecated spelling of --named-graph for one release
}

#: Options whose help differs by command on purpose (same meaning, command-specific wording).
PER_COMMAND_HELP = {
    "--format": "the output format: each command lists its own choices",
    "--output": "the file written: each command says what it holds",
    "--out": "the directory written: a build, or an import's outputs",
    "--data": "the data directory to build: written by build, checked by validate, in memory "
    "for the readers",
    "--queries": "the named queries: run by query, offered on serve's page",
    "--year": "a report year: the flows viz draws, the year kg extract gives a draft (issue 13)",
    "--source": "a source id: the dataset a chart draws, the document kg extract drafts from",
    "--timeout": "how long one piece of work may take: a query (serve), a request (push)",
}


def commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, cmd in group.commands.items():
        out[f"{prefix}{name}"] = cmd
        if isinstance(cmd, click.Group):
            out.update(commands(cmd, f"{prefix}{name} "))
    return out


def options(cmd: click.Command) -> dict[str, click.Option]:
    return {o: p for p in cmd.params if isinstance(p, click.Option) for o in p.opts}


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_reader_takes_the_same_source_options(name: str) -> None:
    opts = options(commands()[name])
    assert opts["--build"].help == O.BUILD_HELP
    assert opts["--data"].help == O.DATA_HELP
    extra = {o for o in ("--graph", "--endpoint") if o in opts and not opts[o].hidden}
    assert extra == READERS[name]
    if "--graph" in extra:
        assert opts["--graph"].help == O.GRAPH_HELP


def test_one_meaning_per_option_name() -> None:
    helps: dict[str, set[str]] = {}
    for cmd in commands().values():
        for opt, param in options(cmd).items():
            if opt.startswith("--") and not param.hidden and opt != "--help":
                helps.setdefault(opt, set()).add(f"{param.help}")
    mixed = {o: h for o, h in helps.items() if len(h) > 1 and o not in PER_COMMAND_HELP}
    assert mixed == {}


#: The arguments each reader needs besides its source.
REQUIRED = {
    "query": ["tiers"],
    "serve": ["--get", "/"],
    "export": ["--format", "turtle"],
    "report": ["PRK"],
    "viz flows": ["-o", "x.svg"],
    "push": ["http://127.0.0.1:9/store"],
}


def test_two_sources_are_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    for name in READERS:
        args = [*name.split(), *REQUIRED[name], "--build", str(tmp_path), "--data", str(tmp_path)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (name, result.output)
        assert "give at most one of --build, --data" in result.stderr


def test_report_and_viz_take_the_country_the_same_way() -> None:
    for name in ("report", "viz flows"):
        args = [p for p in commands()[name].params if isinstance(p, click.Argument)]
        assert [a.name for a in args] == ["country"], name


def test_deprecated_origin_still_works_with_one_warning(
    runner: CliRunner, shipped_build_dir: Path, tmp_path: Path
) -> None:
    build = ["--build", str(shipped_build_dir)]
    new, old = tmp_path / "new.svg", tmp_path / "old.svg"
    now = runner.invoke(cli, ["viz", "flows", "PRK", *build, "-o", str(new)])
    before = runner.invoke(cli, ["viz", "flows", "--origin", "PRK", *build, "-o", str(old)])
    assert now.exit_code == before.exit_code == 0, before.output
    assert new.read_bytes() == old.read_bytes()
    assert before.stderr.splitlines()[0] == (
        "warning: kg viz flows --origin is deprecated and will be removed in the next release; "
        "write: kg viz flows PRK"
    )
    both = runner.invoke(cli, ["viz", "flows", "CHN", "--origin", "PRK", *build, "-o", "x.svg"])
    assert both.exit_code == 2


def _kg_commands(text: str) -> list[list[str]]:
    """Each ``kg …`` invocation in shell text, split into words (pipes, redirects, comments cut)."""
    found = []
    for line in text.splitlines():
        line = line.strip().removeprefix("$ ").strip()
        if not line.startswith("kg "):
            continue
        words = shlex.split(line, comments=True)
        while words:
            cut = next((i for i, w in enumerate(words) if w in ("|", "&&", ">", "&", ";")), None)
            part, words = (words, []) if cut is None else (words[:cut], words[cut + 1 :])
            if part and part[0] == "kg":
                found.append(part[1:])
            while words and words[0] != "kg":
                words = words[1:]
    return found


def _remaining(ctx: click.Context) -> list[str]:
    """What a group left for its subcommand (click 8.2 renamed ``protected_args``)."""
    protected = getattr(ctx, "_protected_args", None)
    if protected is None:
        protected = ctx.protected_args  # click < 8.2
    return [*protected, *ctx.args]


def _parse(args: list[str]) -> list[str]:
    """Parse ``kg ARGS`` as click would, without running it; return the hidden options used."""
    ctx = cli.make_context("kg", list(args), resilient_parsing=False)
    cmd: click.Command = cli
    hidden: list[str] = []
    while isinstance(cmd, click.Group):
        name, sub, rest = cmd.resolve_command(ctx, _remaining(ctx))
        assert sub is not None, name
        used = {o for p in sub.params if isinstance(p, click.Option) and p.hidden for o in p.opts}
        hidden += [a for a in rest if a.split("=")[0] in used]
        ctx = sub.make_context(name or "", rest, parent=ctx)
        cmd = sub
    return hidden


def _examples() -> list[tuple[str, list[str]]]:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:console|sh|bash)\n(.*?)```", readme, flags=re.S)
    out = [("README.md", args) for block in blocks for args in _kg_commands(block)]
    for name, cmd in commands().items():
        out += [(f"kg {name} --help", args) for args in _kg_commands(cmd.help or "")]
    return out


@pytest.mark.parametrize(
    ("where", "args"), _examples(), ids=[f"{w}: {' '.join(a)}"[:70] for w, a in _examples()]
)
def test_examples_parse_with_current_spellings(
    where: str, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # files an example reads (--graph FILE) exist here
    for option, value in itertools.pairwise(args):
        if option == "--graph" and "." in value:
            (tmp_path / value).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / value).touch()
    assert _parse(args) == [], f"{where}: kg {shlex.join(args)} uses a deprecated option"


#: Commands whose body is still longer than the style guide's 25 lines, with whose they are.
LONG_BODIES = {"serve": "kg/cli/serve.py (the serve owner's file this round)"}


def _command_bodies() -> dict[str, int]:
    """Each click command function in kg/cli → lines of its body after the docstring."""
    import ast

    sizes: dict[str, int] = {}
    for path in sorted((ROOT / "kg" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef) or not any(
                isinstance(d, ast.Call)
                and isinstance(d.func, ast.Attribute)
                and d.func.attr in ("command", "group")
                for d in node.decorator_list
            ):
                continue
            body = node.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            end = (body[-1].end_lineno or body[-1].lineno) if body else 0
            sizes[node.name] = end - body[0].lineno + 1 if body else 0
    return sizes


def test_command_bodies_are_adapters_of_at_most_25_lines() -> None:
    """docs/style.md: a command resolves inputs, makes one library call, renders, exits."""
    sizes = _command_bodies()
    assert {"export", "extract", "query", "build"} <= set(sizes)
    long = {name: n for name, n in sizes.items() if n > 25}
    assert set(long) == set(LONG_BODIES), long


def test_a_build_away_from_its_project_is_read_as_it_is(
    runner: CliRunner, shipped_build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--build DIR from a folder with no data/ reads the build; a --data that is given and
    missing is still an error."""
    monkeypatch.chdir(tmp_path)
    build = ["--build", str(shipped_build_dir)]
    tiers = runner.invoke(cli, ["query", "tiers", "--format", "csv", *build])
    assert tiers.exit_code == 0, tiers.output
    assert ",PRK," in tiers.stdout
    report = runner.invoke(cli, ["report", "PRK", *build, "-o", "prk.html"])
    assert report.exit_code == 0, report.output
    assert not (tmp_path / "build").exists()
    for args, env in (
        (["--data", "nope", "query", "tiers", *build], {}),
        (["query", "tiers", *build], {"KG_DATA": "nope"}),
        (["query", "tiers"], {}),  # no build here, and no data to make one from
    ):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith("Error: data directory ")
