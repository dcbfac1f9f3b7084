"""One grammar for every ``ecobelt`` command (ecosystem.cli._common), and a light start."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ecosystem.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
#: Options that stay repeatable because each value holds commas or colons of its own.
REPEATED_ON_PURPOSE = {"--subsystem", "--inject", "--cut", "--need", "--share", "--later"}


def leaf_parsers(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(command words, parser) of every runnable command, sub-models included."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield prefix, parser
        return
    for name, child in subparsers[0].choices.items():
        yield from leaf_parsers(child, prefix + (name,))


COMMANDS = list(leaf_parsers(build_parser()))


def shown_options(parser):
    return [a for a in parser._actions if a.option_strings and a.help != argparse.SUPPRESS
            and not isinstance(a, argparse._HelpAction)]


def test_the_command_line_starts_without_the_heavy_libraries():
    """``ecobelt --help`` imports every command module: none may load numpy & co."""
    code = ("import sys; from ecosystem.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('numpy', 'pandas', 'networkx', 'scipy', 'matplotlib', "
            "'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                         check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("extension", ["yaml", "json", "csv"])
def test_reading_and_checking_a_spec_loads_no_graph_library(extension, tmp_path):
    """``ecobelt validate`` keeps the members and links in columns: neither networkx nor
    scipy.sparse is imported until a graph or a matrix is asked for."""
    spec = tmp_path / f"belt.{extension}"
    main(["convert", "cross_border_belt", str(spec)])
    code = ("import sys; from ecosystem.cli import main; main(['validate', sys.argv[1]]); "
            "print(sorted(m for m in ('networkx', 'scipy.sparse') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(spec)], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


_NO_TABLES = ("print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))")


@pytest.mark.parametrize("how", ["command", "example", "load"])
def test_validating_the_bundled_belt_imports_neither_pandas_nor_pyarrow(how):
    """Reading a bundled spec, building the ecosystem and checking it (warnings too) need
    no table library: ``ecobelt validate industrial_belt`` starts without their import."""
    run = {"command": "from ecosystem.cli import main; assert main(['validate', "
                      "'industrial_belt']) == 0",
           "example": "import networks; e = networks.example('industrial_belt'); "
                      "e.validate(); assert e.problems(warnings=True) == []",
           "load": "import ecosystem; e = ecosystem.load('networks/examples/rural_cluster.yaml'); "
                   "assert e.validate().problems(warnings=True) == [] and len(e) == 67"}[how]
    out = subprocess.run([sys.executable, "-c", f"import sys; {run}; {_NO_TABLES}"],
                         capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_small_json_spec_is_validated_without_pandas(tmp_path):
    spec = tmp_path / "belt.json"
    main(["convert", "industrial_belt", str(spec)])
    code = ("import sys; from ecosystem.cli import main; main(['validate', sys.argv[1]]); "
            + _NO_TABLES)
    out = subprocess.run([sys.executable, "-c", code, str(spec)], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                         check=True).stdout
    assert out.strip().splitlines() == ["ok: 122 members, 1092 links", "[]"]


def test_every_command_is_covered():
    names = {" ".join(words) for words, _ in COMMANDS}
    assert {"validate", "info", "convert", "flows", "cascade", "niche", "benefit", "bullwhip",
            "beergame", "spillover", "segment", "convergence", "coupling", "compare", "html",
            "figure", "demo", "examples", "coevolve glv"} <= names


@pytest.mark.parametrize("words, parser", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_every_option_has_help(words, parser):
    missing = [a.option_strings[0] for a in shown_options(parser) if not a.help]
    assert not missing
    for action in parser._actions:
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
            assert action.help, f"{action.dest} of {' '.join(words)} has no help"


@pytest.mark.parametrize("words, parser", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_every_command_accepts_dash_o(words, parser):
    assert "-o" in parser._option_string_actions
    assert parser._option_string_actions["-o"] is parser._option_string_actions["--output"]


@pytest.mark.parametrize("words, parser", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_spec_positional_and_lists_with_commas(words, parser):
    for action in shown_options(parser):
        assert action.option_strings != ["--spec"], "the spec is positional"
        assert action.nargs not in ("+", "*"), f"{action.option_strings}: a comma list instead"
        if isinstance(action, argparse._AppendAction):
            assert action.option_strings[0] in REPEATED_ON_PURPOSE
    positionals = [a.dest for a in parser._actions if not a.option_strings
                   and not isinstance(a, argparse._SubParsersAction)]
    if "spec" in positionals:
        assert positionals[0] == "spec", "the spec comes first"


def test_distinct_meanings_have_distinct_names():
    """--top means one thing (members listed, flows) and --index none."""
    shown = {}
    for words, parser in COMMANDS:
        for action in shown_options(parser):
            for option in action.option_strings:
                shown.setdefault(option, []).append(" ".join(words))
    assert shown.get("--top") == ["flows"]
    assert "--index" not in shown


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == "ecobelt 0.1.0"


def test_comma_lists_and_repeats_are_the_same(capsys):
    assert main(["niche", "archetype", "--flows", "logistics,information"]) == 0
    commas = capsys.readouterr().out
    assert main(["niche", "archetype", "--flow", "logistics", "--flow", "information"]) == 0
    assert capsys.readouterr().out == commas
    assert "flows: logistics, information" in commas


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_analysis_tables_written_by_extension(tmp_path, capsys, extension):
    out = tmp_path / f"breadth.{extension}"
    assert main(["niche", "archetype", "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    table = pd.read_csv(out, index_col=0) if extension == "csv" else \
        pd.DataFrame(json.loads(out.read_text(encoding="utf-8"))).set_index("member")
    assert {"levins", "shannon"} <= set(table.columns) and len(table) > 5


def test_unknown_output_extension_fails_before_work(tmp_path, capsys):
    assert main(["info", "archetype", "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "x.xlsx: the extension says which format to write; use .csv or .json" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_list_cells_are_json_in_csv(tmp_path, capsys):
    assert main(["examples", "-o", str(tmp_path / "examples.csv")]) == 0
    table = pd.read_csv(tmp_path / "examples.csv", index_col=0)
    assert "cross_border_belt" in table.index


def test_bullwhip_spec_is_positional(tmp_path, capsys):
    assert main(["bullwhip", "cross_border_belt", "--replications", "20", "--periods", "100",
                 "-o", str(tmp_path / "r.csv")]) == 2
    assert "SPEC needs --market" in capsys.readouterr().err


def test_names_copied_for_a_light_start_agree_with_the_library():
    from ecosystem import niche
    from ecosystem.cli import niche as niche_cli
    from viz import _commands
    from viz.figures import FIGURE_KINDS

    assert set(niche_cli.CLI_INDICES) == {name for name, index in niche.OVERLAP_INDICES.items()
                                          if not index.needs_availability}
    assert niche_cli.NULL_ALGORITHM_NAMES == tuple(niche.NULL_ALGORITHMS)
    assert set(_commands.FIGURE_KIND_NAMES) == set(FIGURE_KINDS)
    from ecosystem import benefit
    from ecosystem.cli import benefit as benefit_cli
    assert benefit_cli.DEFAULT_OUTSIDERS == benefit.DEFAULT_OUTSIDERS


def test_only_the_command_run_gets_its_options():
    """A run builds one command's parser; the others are listed by name and help only."""
    parser = build_parser("niche")
    choices = parser._subparsers._group_actions[0].choices
    assert "--overlap-index" in choices["niche"]._option_string_actions
    assert "--market" not in choices["bullwhip"]._option_string_actions
    assert {"validate", "bullwhip"} <= set(choices)
