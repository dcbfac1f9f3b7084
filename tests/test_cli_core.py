"""The core ``ecobelt`` subcommands: validate, info and convert. Errors print one line on
stderr and exit with status 2, never a traceback."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecosystem.cli import main
from ecosystem.files import load

SPEC = """\
ecobelt: 1
name: tiny
description: two firms and a platform
roles: {broker: sub_core}
members:
  - {id: m1, role: manufacturer, name: "Yiwu Socks Co.", employees: 40}
  - {id: s1, role: supplier}
  - {id: p1, role: platform}
  - {id: b1, role: broker}
links:
  - {source: s1, target: m1, flow: logistics, volume: 50.0}
  - {source: m1, target: p1, flow: logistics, volume: 40.0, lead_time: 2}
  - {source: p1, target: m1, flow: information, volume: 8}
  - {source: b1, target: m1, flow: capital}
"""


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_ok(spec, capsys):
    assert run(capsys, "validate", spec) == (0, "ok: 4 members, 4 links\n", "")


def test_info_prints_the_summary(spec, capsys):
    status, out, err = run(capsys, "info", spec)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[:2] == ["tiny: 4 members, 4 links", "two firms and a platform"]
    rows, kind = {}, None
    assert lines[3] == ("volume per period of each flow, in its own unit: information in "
                        "messages; logistics in units of goods; capital in units of money; "
                        "technology in service days")
    assert lines[4].split() == ["members", "links", "information", "logistics", "capital",
                                "technology"]
    for line in lines[6:]:  # the index prints each kind once, on its first row
        cells = line.split()
        kind = kind if line.startswith(" ") else cells.pop(0)
        rows[kind, cells[0]] = cells[1:]
    assert rows[("ring", "core")] == ["3", "3", "8", "90", "0", "0"]
    assert rows[("flow", "logistics")] == ["0", "2", "0", "90", "0", "0"]
    assert ("role", "broker") in rows and ("ring", "outer") in rows


def test_info_nonzero_leaves_out_empty_rows(spec, capsys):
    status, out, _ = run(capsys, "info", spec, "--nonzero")
    assert status == 0
    rows = [line.split()[0] for line in out.splitlines()[6:]]
    assert "outer" not in out and "technology" not in rows and "broker" in out


@pytest.mark.parametrize("extension", ["json", "csv", "graphml", "gexf", "yml"])
def test_convert_to_every_format(spec, tmp_path, capsys, extension):
    out_path = tmp_path / f"converted.{extension}"
    status, out, err = run(capsys, "convert", spec, out_path)
    assert (status, err) == (0, "")
    if extension == "csv":  # the message names every file written
        stem = tmp_path / "converted"
        written = f"{stem}.members.csv, {stem}.links.csv and {stem}.meta.json"
    else:
        written = str(out_path)
    assert out == f"wrote {written}: 4 members, 4 links\n"
    assert load(out_path) == load(spec)


def test_convert_with_explicit_format(spec, tmp_path, capsys):
    out_path = tmp_path / "converted.txt"
    assert run(capsys, "convert", spec, out_path, "--format", "json")[0] == 0
    assert load(out_path, format="json") == load(spec)


def test_validate_a_csv_pair_and_graphml(spec, tmp_path, capsys):
    run(capsys, "convert", spec, tmp_path / "belt.csv")
    run(capsys, "convert", spec, tmp_path / "belt.graphml")
    for name in ("belt.members.csv", "belt.links.csv", "belt.graphml"):
        assert run(capsys, "validate", tmp_path / name) == (0, "ok: 4 members, 4 links\n", "")


def test_bundled_example_by_name(capsys):
    status, out, _ = run(capsys, "validate", "archetype")
    assert status == 0 and out.startswith("ok: ")


@pytest.mark.parametrize("change, message", [
    (("target: m1, flow: information", "target: p9, flow: information"),
     r"links[2].target: no member with this id (a dangling link) (got 'p9')"),
    (("role: supplier", "role: wizard"), "members[1].role: unknown role; declare it"),
    (("flow: capital", "flow: money"), "links[3].flow: flow must be one of"),
    (("volume: 8", "volume: -8"), "links[2].volume: volume must be a finite number >= 0"),
    (("volume: 8", "volume: .nan"), "links[2].volume: volume must be a finite number >= 0"),
    (("id: b1", "id: m1"), "members[3].id: duplicate member id (first at members[0].id)"),
    (("ecobelt: 1", "ecobelt: 3"), "ecobelt: unsupported schema version"),
    (("ecobelt: 1", "nodes: []"), "nodes: unknown top-level key"),
    (("name: tiny", "name: [tiny"), "line 3, column 12: malformed YAML"),
    (("roles: {broker: sub_core}", "roles: [broker]"), "roles: roles must be a mapping"),
])
def test_errors_are_one_line_and_exit_2(spec, capsys, change, message):
    spec.write_text(SPEC.replace(*change, 1), encoding="utf-8")
    for command in (["validate"], ["info"], ["convert"]):
        argv = command + [spec] + ([spec.with_suffix(".json")] if command == ["convert"] else [])
        status, out, err = run(capsys, *argv)
        assert (status, out) == (2, "")
        assert err.count("\n") == 1 and "Traceback" not in err
        assert err.startswith(f"ecobelt {command[0]}: error: {spec}: ")
        assert message in err


def test_unknown_spec_name(capsys):
    status, out, err = run(capsys, "validate", "no_such_spec")
    assert (status, out) == (2, "")
    assert err == ("ecobelt validate: error: no file 'no_such_spec' and no bundled example of "
                   "that name (`ecobelt examples` lists them)\n")


def test_missing_file_path(tmp_path, capsys):
    status, out, err = run(capsys, "info", tmp_path / "absent.yaml")
    assert (status, out) == (2, "") and err.count("\n") == 1 and "Traceback" not in err
    assert "absent.yaml" in err


def test_convert_to_an_unknown_extension(spec, tmp_path, capsys):
    status, _, err = run(capsys, "convert", spec, tmp_path / "out.xml")
    assert status == 2
    assert "cannot tell the format from the extension" in err and err.count("\n") == 1


def test_convert_into_a_missing_folder(spec, tmp_path, capsys):
    status, _, err = run(capsys, "convert", spec, tmp_path / "no" / "such" / "out.json")
    assert status == 2 and err.startswith("ecobelt convert: error: ") and err.count("\n") == 1


def test_ecobelt_validate_checks_after_loading(tmp_path, capsys):
    """A GraphML file from elsewhere with a bad ring is caught like a spec."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_node("a", role="supplier", ring="middle")
    path = tmp_path / "foreign.graphml"
    nx.write_graphml(graph, path)
    status, _, err = run(capsys, "validate", path)
    assert status == 2 and "node 'a'.ring: ring must be one of: core, sub_core, outer" in err


# the console script of the Python running the tests, even when its folder is not on PATH
ECOBELT = shutil.which("ecobelt", path=os.pathsep.join(
    [str(Path(sys.executable).parent), os.environ.get("PATH", "")])) or "ecobelt"


@pytest.mark.parametrize("launcher", [[ECOBELT], [sys.executable, "-m", "ecosystem"]])
def test_console_script_and_module(spec, launcher):
    good = subprocess.run(launcher + ["validate", str(spec)], capture_output=True, text=True,
                          timeout=120)
    assert (good.returncode, good.stdout) == (0, "ok: 4 members, 4 links\n")
    spec.write_text(SPEC.replace("flow: capital", "flow: money"), encoding="utf-8")
    bad = subprocess.run(launcher + ["info", str(spec)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    assert "links[3].flow: flow must be one of" in bad.stderr


def test_help_lists_the_core_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("validate", "info", "convert"):
        assert command in out


# --------------------------------------------------------------- README and CI
ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_exactly_the_readme_test_command():
    """.ci/run installs from scratch and runs the README's second set-up command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", setup, re.S)
    assert len(commands) == 2
    install, test_command = commands[1].split(" && ")
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#")]
    linters = re.findall(r"`(ruff check \.|mypy)`", readme)
    assert linters == ["ruff check .", "mypy"]
    assert ci[-3:] == [test_command, *linters]
    assert any(line.endswith(f"pip install -q -e {install.split()[-1]}") for line in ci)


def test_readme_python_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)  # the example saves toy.yaml
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert load(tmp_path / "toy.yaml").members() == ["sockco", "shopx", "mall", "us", "express"]


def test_a_broken_add_on_leaves_the_other_commands_working(spec, capsys, monkeypatch):
    import ecosystem.cli as cli

    class Broken:
        value = "broken_addon._commands"

        def load(self):
            raise ImportError("No module named 'broken_addon'")

    real = cli.entry_points
    monkeypatch.setattr(cli, "entry_points",
                        lambda group: [*real(group=group), Broken()])
    status, out, err = run(capsys, "examples")  # a command an add-on adds
    assert status == 0 and "cross_border_belt" in out
    assert err == ("ecobelt: warning: the commands of broken_addon._commands are unavailable: "
                   "ImportError: No module named 'broken_addon'\n")
    # a built-in command does not read the add-ons at all
    assert run(capsys, "validate", spec) == (0, "ok: 4 members, 4 links\n", "")
