"""Writes are whole or nothing: a failure half-way leaves the previous file byte-identical.

Failures are injected three ways: a file-size limit (``ulimit -f``) in a child
process, which makes the operating system refuse the write part-way as a full
disk would; an exception raised by the writer after some output; and a failing
rename.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ecosystem import Ecosystem, SpecError
from ecosystem import _atomic
from ecosystem._csv import csv_paths
from ecosystem.files import load, save

FORMATS = ["yaml", "json", "csv", "graphml", "gexf"]
ROOT = Path(__file__).resolve().parents[1]


def small() -> Ecosystem:
    eco = Ecosystem("old", roles={"broker": "sub_core"})
    eco.add_member("m1", "manufacturer", employees=40)
    eco.add_member("b1", "broker")
    eco.link("b1", "m1", "information", volume=3.0)
    return eco


def targets(path: Path) -> list[Path]:
    return list(csv_paths(path)) if path.suffix == ".csv" else [path]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("extension", FORMATS)
def test_a_write_cut_short_by_the_disk_leaves_the_old_file(tmp_path, extension):
    path = tmp_path / f"belt.{extension}"
    save(small(), path)
    before = snapshot(tmp_path)
    # the child writes a large belt under a 20 kB file-size limit: the OS refuses part-way
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
        "import networks\n"
        "from ecosystem.cli import main\n"
        f"sys.exit(main(['convert', 'rural_cluster', {str(path)!r}, '--force']))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "File too large" in result.stderr
    assert snapshot(tmp_path) == before  # byte-identical, and no temporary file left
    assert load(path) == small()


def test_the_csv_pair_is_written_whole_before_either_file_is_replaced(tmp_path, monkeypatch):
    path = tmp_path / "belt.csv"
    save(small(), path)
    before = snapshot(tmp_path)
    from ecosystem import _csv
    calls = []

    def failing(real):
        def fail_on_the_links(target, *args):
            calls.append(target)
            written = real(target, *args)  # the members file is written in full first
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return written
        return fail_on_the_links

    # the writer from columns and the writer of records (graph-backed ecosystems)
    monkeypatch.setattr(_csv, "_write_table", failing(_csv._write_table))
    monkeypatch.setattr(_csv, "_write_columns", failing(_csv._write_columns))
    big = small()
    big.add_member("m2", "manufacturer")
    with pytest.raises(OSError, match="No space"):
        save(big, path)
    assert len(calls) == 2
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("extension", FORMATS + ["parquet"])
def test_a_failing_rename_leaves_the_old_file(tmp_path, monkeypatch, extension):
    path = tmp_path / f"belt.{extension}"
    save(small(), path)
    before = snapshot(tmp_path)
    renamed = []

    def replace(source, target):
        if renamed:  # the second file of a pair: the first was renamed already
            raise OSError(5, "Input/output error")
        renamed.append(target)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(_atomic.os, "replace", replace)
    with pytest.raises(OSError):
        save(Ecosystem("new"), path)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("extension", FORMATS)
def test_a_value_the_format_cannot_hold_leaves_the_old_file(tmp_path, extension):
    path = tmp_path / f"belt.{extension}"
    save(small(), path)
    before = snapshot(tmp_path)
    bad = small()
    bad.graph.nodes["m1"]["thing"] = object()  # no format can hold it
    with pytest.raises(SpecError):
        save(bad, path)
    assert snapshot(tmp_path) == before


def test_an_interrupt_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "belt.json"
    save(small(), path)
    before = snapshot(tmp_path)
    from ecosystem import _spec

    real, calls = _spec._row_text, []

    def interrupted(*args, **kwargs):  # Ctrl-C after the head and one member
        calls.append(1)
        if len(calls) > 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(_spec, "_row_text", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(small(), path)
    assert snapshot(tmp_path) == before


def test_permissions_of_the_replaced_file_are_kept(tmp_path):
    path = tmp_path / "belt.yaml"
    save(small(), path)
    os.chmod(path, 0o640)
    save(Ecosystem("new"), path)
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert load(path).name == "new"


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        save(small(), tmp_path / "new.json")
    finally:
        os.umask(mask)
    assert os.stat(tmp_path / "new.json").st_mode & 0o777 == 0o644


def test_matplotlib_sees_the_extension_of_the_target(tmp_path):
    # the temporary file keeps the target's suffix, so savefig picks the format from it
    with _atomic.atomic_path(tmp_path / "chart.svg") as temporary:
        assert temporary.suffix == ".svg" and temporary.parent == tmp_path
        temporary.write_text("<svg/>")
    assert (tmp_path / "chart.svg").read_text() == "<svg/>"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]


def test_atomic_open_refuses_modes_that_read_or_append(tmp_path):
    for mode in ("a", "r", "r+", "w+"):
        with pytest.raises(ValueError):
            with _atomic.atomic_open(tmp_path / "x", mode):
                pass
    assert not list(tmp_path.iterdir())


assert signal.SIGXFSZ  # the file-size test needs a POSIX system
