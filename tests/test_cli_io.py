"""The command line's own rules: usage errors in one line, no silent overwrites (``--force``),
a closed pipe ends quietly, and memory needs stated before allocating."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecosystem import ParameterError
from ecosystem._errors import MemoryNeedError
from ecosystem._memory import available_memory, check_allocation, format_bytes
from ecosystem.cli import build_parser, main
from ecosystem.files import load

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    try:
        status = main([str(a) for a in argv])
    except SystemExit as stop:  # argparse's exits
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("argv", [
    [],
    ["no-such-command"],
    ["bullwhip", "--periods", "many"],
    ["bullwhip", "--sharing", "sometimes"],
    ["convert"],
    ["validate", "archetype", "--no-such-option"],
])
def test_usage_errors_are_one_line_with_a_pointer_to_help(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("ecobelt") and ": error: " in err
    assert err.rstrip().endswith("--help`)")


def test_the_pointer_names_the_subcommand(capsys):
    _, _, err = run(capsys, "bullwhip", "--periods", "many")
    assert err.startswith("ecobelt bullwhip: error: argument --periods: invalid int value")
    assert "(see `ecobelt bullwhip --help`)" in err


def test_every_command_accepts_force():
    parser = build_parser()
    commands = [a for a in parser._actions if a.dest == "command"][0].choices

    def leaves(p):
        subs = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"]
        if not subs:
            yield p
        for action in subs:
            for child in action.choices.values():
                yield from leaves(child)

    for _name, sub in commands.items():
        for leaf in leaves(sub):
            assert "--force" in leaf._option_string_actions, leaf.prog


def test_convert_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "belt.yaml"
    out.write_text("# my notes\n", encoding="utf-8")
    status, printed, err = run(capsys, "convert", "archetype", out)
    assert status == 2 and printed == ""
    assert err == f"ecobelt convert: error: {out} exists; pass --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "# my notes\n"
    assert run(capsys, "convert", "archetype", out, "--force")[0] == 0
    assert load(out).name


def test_convert_to_a_csv_pair_checks_both_files(tmp_path, capsys):
    (tmp_path / "belt.links.csv").write_text("mine\n", encoding="utf-8")
    status, _, err = run(capsys, "convert", "archetype", tmp_path / "belt.csv")
    assert status == 2 and "belt.links.csv exists; pass --force" in err
    assert not (tmp_path / "belt.members.csv").exists()


def test_convert_onto_its_own_input_needs_force(tmp_path, capsys):
    spec = tmp_path / "mine.yaml"
    assert run(capsys, "convert", "archetype", spec)[0] == 0
    text = "# a comment convert would drop\n" + spec.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    status, _, err = run(capsys, "convert", spec, spec)
    assert status == 2 and "exists; pass --force" in err
    assert spec.read_text(encoding="utf-8") == text


def test_output_options_are_checked_before_the_work(tmp_path, capsys):
    taken = tmp_path / "levels.csv"
    taken.write_text("keep\n", encoding="utf-8")
    status, out, err = run(capsys, "flows", "archetype", "--steady", "--csv", taken)
    assert status == 2 and out == "" and "levels.csv exists" in err
    assert taken.read_text(encoding="utf-8") == "keep\n"
    assert run(capsys, "flows", "archetype", "--steady", "--csv", taken, "--force")[0] == 0
    assert taken.read_text(encoding="utf-8").startswith("member")


def test_a_chart_needs_an_extension_matplotlib_writes(tmp_path, capsys):
    status, out, err = run(capsys, "beergame", "--plot", tmp_path / "p.txt")
    assert status == 2 and out == ""
    assert "cannot save a chart as" in err and ".png" in err and err.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_a_chart_is_written(tmp_path, capsys):
    status, out, _ = run(capsys, "beergame", "--plot", tmp_path / "p.svg")
    assert status == 0 and (tmp_path / "p.svg").read_text().lstrip().startswith("<?xml")
    assert [p.name for p in tmp_path.iterdir()] == ["p.svg"]


def test_output_into_a_missing_folder_is_one_line(tmp_path, capsys):
    status, _, err = run(capsys, "convert", "archetype", tmp_path / "no" / "such.json")
    assert status == 2 and "no folder" in err and err.count("\n") == 1


def test_a_closed_pipe_ends_quietly():
    # `ecobelt info ... | head -1`: the reader stops early (here: before any output); no
    # traceback, no error line
    shell = f"{sys.executable} -m ecosystem info archetype | true; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.stderr == ""
    assert result.returncode in (0, 1)


def test_check_allocation_states_the_need_and_the_fix(monkeypatch):
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", "1M")
    assert available_memory() == 2 ** 20
    check_allocation(2 ** 20, "exactly the limit", "nothing")
    with pytest.raises(MemoryNeedError) as caught:
        check_allocation(3 * 2 ** 20, "a 3 MiB array (periods)", "use fewer --periods")
    message = str(caught.value)
    assert message == ("a 3 MiB array (periods) needs 3.0 MiB but 1.0 MiB is available; "
                       "use fewer --periods")
    assert caught.value.needed == 3 * 2 ** 20 and caught.value.available == 2 ** 20
    assert isinstance(caught.value, ParameterError) and isinstance(caught.value, MemoryError)


def test_check_allocation_with_sizes_beyond_any_integer(monkeypatch):
    monkeypatch.delenv("ECOBELT_MEMORY_LIMIT", raising=False)
    with pytest.raises(MemoryNeedError, match="TiB but"):
        check_allocation(1e300, "a huge array", "use less")
    with pytest.raises(ParameterError, match="size to allocate"):
        check_allocation(float("nan"), "a nan array", "use less")


@pytest.mark.parametrize("text", ["lots", "-1", "0", "inf"])
def test_a_bad_memory_limit_is_a_parameter_error(monkeypatch, text):
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", text)
    with pytest.raises(ParameterError, match="ECOBELT_MEMORY_LIMIT"):
        available_memory()


def test_the_address_space_limit_lowers_the_memory_available():
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (2 ** 31, 2 ** 31)); "
            "from ecosystem._memory import available_memory; print(available_memory())")
    env = {k: v for k, v in os.environ.items() if k != "ECOBELT_MEMORY_LIMIT"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert 0 < int(result.stdout) < 2 ** 31, result.stderr


def test_format_bytes_by_hand():
    assert [format_bytes(n) for n in (0, 1023, 1024, 1536, 5 * 2 ** 30)] == \
        ["0 B", "1023 B", "1.0 KiB", "1.5 KiB", "5.0 GiB"]
