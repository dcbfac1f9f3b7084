"""Start time of the ``ecobelt`` command line: today's code against a baseline revision.

Each timing is a whole process, ``python -m ecosystem ARGS``, with ``PYTHONPATH``
pointing at this checkout or at the baseline revision unpacked into a temporary
folder (``git archive``), run alternately so that both see the same load. The
interpreter is the one running this script (not a shim such as pyenv's, which
adds its own start-up). ``python -c pass`` is timed too: the floor no command
can go below. Reported: the median and the best wall seconds of ``--repeat`` runs, and
the median CPU seconds (user + system: the figure to read when the machine is busy).

Commands: ``--help``, ``COMMAND --help`` for every subcommand (the start of each
command: its parser built, nothing run), and ``validate cross_border_belt`` and
``validate industrial_belt`` (a small piece of work: the spec read and checked).
The imports of the libraries alone (``python -c "import numpy"``, ``yaml``,
``pandas``) are timed as context.

Both trees are copied into a temporary folder without their ``__pycache__``, and
each is timed without byte-compiled files of its own (``PYTHONDONTWRITEBYTECODE``
set, as some machines set it: every start compiles ecobelt's modules) and with them
(written by a first run that is not counted); ``--bytecode`` picks one. The
libraries keep the byte-compiled files they were installed with either way.

Run: ``python benchmarks/bench_cli.py [--baseline REV] [--repeat 7] [--bytecode both]``
(the default baseline is f6c3935, the revision before the analyses were imported
on demand).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from _timing import header, load

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ecosystem", "networks", "viz")


def copy_checkout(folder: Path) -> Path:
    """The Python packages of this checkout (as they are, edits included) copied into
    ``folder``, without byte-compiled files."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, folder / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def unpack(revision: str, folder: Path) -> Path:
    """The Python packages of ``revision`` unpacked into ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, *PACKAGES],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def once(arguments: list[str], path: Path | None, bytecode: bool = True
         ) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh process; ``bytecode``: whether it
    may write (and so the next runs read) byte-compiled files."""
    environment = dict(os.environ)
    if bytecode:
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    if path is None:
        environment.pop("PYTHONPATH", None)
    else:
        environment["PYTHONPATH"] = str(path)
    # python -m puts the working folder first on sys.path: run inside the copy timed
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *arguments], env=environment, cwd=path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), arguments)
    return wall, usage.ru_utime + usage.ru_stime


def compare(arguments: list[str], paths: dict[str, Path | None], repeat: int,
            bytecode: bool = True) -> dict:
    """Per name: (median wall, best wall, median CPU) over ``repeat`` runs."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
    for name, path in list(paths.items()):  # once each first: byte-compiled files written
        try:
            once(arguments, path, bytecode)
        except subprocess.CalledProcessError:  # a command the baseline does not have
            paths = {k: v for k, v in paths.items() if k != name}
            times[name] = [(float("nan"), float("nan"))]
    for _ in range(repeat):
        for name, path in paths.items():
            times[name].append(once(arguments, path, bytecode))
    return {name: (statistics.median(w for w, _ in values), min(w for w, _ in values),
                   statistics.median(c for _, c in values)) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="f6c3935", help="the revision to compare with")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each (default 7)")
    parser.add_argument("--commands", default=None,
                        help="comma-separated subcommands whose --help is timed (default: "
                             "every one)")
    parser.add_argument("--bytecode", choices=("both", "with", "without"), default="both",
                        help="time the trees with byte-compiled files, without, or both "
                             "(default)")
    args = parser.parse_args()
    print(header(f"ecobelt start time: this checkout against {args.baseline}"))
    print(f"interpreter: {sys.executable}")
    for name, code in (("python -c pass", "pass"), ("import numpy", "import numpy"),
                       ("import yaml", "import yaml"), ("import pandas", "import pandas")):
        floor = compare(["-c", code], {"python": None}, args.repeat)["python"]
        print(f"{name}: median {floor[0]:.3f} s, best {floor[1]:.3f} s, CPU median "
              f"{floor[2]:.3f} s")
    sys.path.insert(0, str(ROOT))
    from ecosystem.cli import build_parser
    commands = args.commands.split(",") if args.commands else sorted(
        build_parser()._subparsers._group_actions[0].choices)
    cases = [["--help"]] + [[c, "--help"] for c in commands] + \
        [["validate", "cross_border_belt"], ["validate", "industrial_belt"]]
    modes = {"both": (False, True), "with": (True,), "without": (False,)}[args.bytecode]
    for bytecode in modes:  # each in fresh copies, which hold no byte-compiled files
        with tempfile.TemporaryDirectory() as tmp:
            paths = {"today": copy_checkout(Path(tmp) / "today"),
                     "baseline": unpack(args.baseline, Path(tmp) / "baseline")}
            print(f"\n{'with' if bytecode else 'without'} byte-compiled files of ecobelt; "
                  + load())
            print(f"{'command':<34} {'today wall (median / best), CPU':>32} "
                  f"{'baseline':>28} {'ratio wall, CPU':>16}")
            for case in cases:
                result = compare(["-m", "ecosystem", *case], paths, args.repeat, bytecode)
                (today, best, cpu), (before, before_best, before_cpu) = (result["today"],
                                                                         result["baseline"])
                print(f"{' '.join(case):<34} {today:>8.3f} / {best:.3f} s, {cpu:.3f} s "
                      f"{before:>8.3f} / {before_best:.3f} s, {before_cpu:.3f} s "
                      f"{before / today:>6.1f}x, {before_cpu / cpu:.1f}x")
    print(load())


if __name__ == "__main__":
    main()
