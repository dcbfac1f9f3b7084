"""``ecobelt compare``: alliance configurations from YAML, a sweep, one-line errors."""

import pandas as pd
import pytest

import networks
from ecosystem.alliance import Alliance, candidates, compare, greedy_path
from ecosystem.cli import main

OPTIONS = "replications: 20\nperiods: 20\n"
ALLIANCES = """\
alliances:
  - {name: export chain, members: [beltlink, riverbend], cost_cut: 0.15}
candidates: {members: [silkroad, oceancart, globalmall], max_size: 2, technology_sharing: 2.0}
greedy: {metric: belt_profit, members: [beltlink, silkroad, globalmall], max_size: 3,
         cost_cut: 0.1}
""" + OPTIONS


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_writes_the_table_of_every_configuration(tmp_path, capsys):
    spec = write(tmp_path, "alliances.yaml", ALLIANCES)
    out_csv = tmp_path / "results.csv"
    status, out, err = run(capsys, "compare", "cross_border_belt", spec, "-o", out_csv)
    assert status == 0, err
    assert f"wrote {out_csv}" in out
    table = pd.read_csv(out_csv, index_col="configuration")
    belt = networks.example("cross_border_belt")
    options = dict(replications=20, periods=20)
    path = greedy_path(belt, "belt_profit", ["beltlink", "silkroad", "globalmall"],
                       max_size=3, levers={"cost_cut": 0.1}, **options)
    alliances = [Alliance("export chain", ("beltlink", "riverbend"), cost_cut=0.15),
                 *candidates(belt, ["silkroad", "oceancart", "globalmall"],
                             technology_sharing=2.0), *path]
    expected = compare(belt, alliances, **options).to_frame()
    assert list(table.index) == list(expected.index)
    assert "paired interval" in out and "Shapley split" in out
    numbers = expected.select_dtypes("number").columns
    pd.testing.assert_frame_equal(table[numbers], expected[numbers], check_dtype=False)


def test_compare_sweep(tmp_path, capsys):
    spec = write(tmp_path, "alliances.yaml",
                 "alliances: [{name: pair, members: [beltlink, riverbend]}]\n" + OPTIONS)
    plan = write(tmp_path, "sweep.yaml",
                 "parameters: {cost_cut: [0.0, 0.2]}\nseeds: [3, 4]\nprocesses: 1\n")
    out_csv = tmp_path / "sweep.csv"
    status, _, err = run(capsys, "compare", "cross_border_belt", spec, "--sweep", plan,
                         "-o", out_csv)
    assert status == 0, err
    assert err.endswith("8/8\n")  # the progress bar
    table = pd.read_csv(out_csv)
    assert len(table) == 8
    assert sorted(set(table["seed"])) == [3, 4] and sorted(set(table["cost_cut"])) == [0.0, 0.2]


@pytest.mark.parametrize("text, message", [
    ("alliances: [{name: x, members: [beltlink], discount: 0.1}]\n", "alliances[0]"),
    ("alliances: [{name: x, members: [ghost]}]\n", "ghost"),
    ("colour: red\n", "unknown keys"),
    ("periods: 8\n", "no alliances"),
    ("candidates: {max_sise: 2}\n", "unknown alliance levers"),
    ("greedy: {metric: happiness}\n", "metric"),
    ("greedy: 3\n", "mapping"),
    ("alliances: [x]\n", "mapping"),
    ("alliances: [{name: x, members: [beltlink]}\n", "not valid YAML"),
])
def test_compare_errors_are_one_line(tmp_path, capsys, text, message):
    spec = write(tmp_path, "alliances.yaml", text)
    status, out, err = run(capsys, "compare", "cross_border_belt", spec)
    assert status == 2
    assert err.startswith("ecobelt compare: error:") and err.count("\n") == 1
    assert message in err


def test_unknown_sweep_key(tmp_path, capsys):
    spec = write(tmp_path, "alliances.yaml",
                 "alliances: [{name: x, members: [beltlink]}]\n" + OPTIONS)
    plan = write(tmp_path, "sweep.yaml", "paramters: {cost_cut: [0.1]}\n")
    status, _, err = run(capsys, "compare", "cross_border_belt", spec, "--sweep", plan)
    assert status == 2 and "unknown keys" in err
