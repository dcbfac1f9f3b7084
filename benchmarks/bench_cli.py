"""Start time of the ``ecobelt`` command line: today's code against a baseline revision.

Each timing is a whole process, ``python -m ecosystem ARGS``, with ``PYTHONPATH``
pointing at this checkout or at the baseline revision unpacked into a temporary
folder (``git archive``), run alternately so that both see the same load. The
interpreter is the one running this script (not a shim such as pyenv's, which
adds its own start-up). ``python -c pass`` is timed too: the floor no command
can go below. Reported: the median and the best wall seconds of ``--repeat`` runs, and
the median CPU seconds (user + system: the figure to read when the machine is busy).

Commands: ``--help``, ``COMMAND --help`` for every subcommand (the start of each
command: its parser built, nothing run), and ``validate cross_border_belt`` (a
small piece of work: the spec read and checked).

Run: ``python benchmarks/bench_cli.py [--baseline REV] [--repeat 7]``
(the default baseline is f6c3935, the revision before the analyses were imported
on demand).
"""

from __future__ import annotations

import argparse
import os
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


def unpack(revision: str, folder: Path) -> Path:
    """The Python packages of ``revision`` unpacked into ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "ecosystem",
                              "networks", "viz"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def once(arguments: list[str], path: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh process."""
    environment = dict(os.environ)
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


def compare(arguments: list[str], paths: dict[str, Path | None], repeat: int) -> dict:
    """Per name: (median wall, best wall, median CPU) over ``repeat`` runs."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
    for name, path in list(paths.items()):  # once each first: byte-compiled files written
        try:
            once(arguments, path)
        except subprocess.CalledProcessError:  # a command the baseline does not have
            paths = {k: v for k, v in paths.items() if k != name}
            times[name] = [(float("nan"), float("nan"))]
    for _ in range(repeat):
        for name, path in paths.items():
            times[name].append(once(arguments, path))
    return {name: (statistics.median(w for w, _ in values), min(w for w, _ in values),
                   statistics.median(c for _, c in values)) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="f6c3935", help="the revision to compare with")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each (default 7)")
    parser.add_argument("--commands", default=None,
                        help="comma-separated subcommands whose --help is timed (default: "
                             "every one)")
    args = parser.parse_args()
    print(header(f"ecobelt start time: this checkout against {args.baseline}"))
    print(f"interpreter: {sys.executable}")
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"today": ROOT, "baseline": unpack(args.baseline, Path(tmp))}
        floor = compare(["-c", "pass"], {"python": None}, args.repeat)["python"]
        print(f"python -c pass: median {floor[0]:.3f} s, best {floor[1]:.3f} s, CPU median "
              f"{floor[2]:.3f} s")
        sys.path.insert(0, str(ROOT))
        from ecosystem.cli import build_parser
        commands = args.commands.split(",") if args.commands else sorted(
            build_parser()._subparsers._group_actions[0].choices)
        cases = [["--help"]] + [[c, "--help"] for c in commands] + \
            [["validate", "cross_border_belt"]]
        print(f"{'command':<34} {'today wall (median / best), CPU':>32} "
              f"{'baseline':>28} {'ratio wall, CPU':>16}")
        for case in cases:
            result = compare(["-m", "ecosystem", *case], paths, args.repeat)
            (today, best, cpu), (before, before_best, before_cpu) = (result["today"],
                                                                     result["baseline"])
            print(f"{' '.join(case):<34} {today:>8.3f} / {best:.3f} s, {cpu:.3f} s "
                  f"{before:>8.3f} / {before_best:.3f} s, {before_cpu:.3f} s "
                  f"{before / today:>6.1f}x, {before_cpu / cpu:.1f}x")
    print(load())


if __name__ == "__main__":
    main()
