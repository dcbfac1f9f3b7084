"""Start time of the ``ecobelt`` command line: today's code against a baseline revision.

Each timing is a whole process, ``python -m ecosystem ARGS``, with ``PYTHONPATH``
pointing at this checkout or at the baseline revision unpacked into a temporary
folder (``git archive``), run alternately so that both see the same load. The
interpreter is the one running this script (not a shim such as pyenv's, which
adds its own start-up). ``python -c pass`` is timed too: the floor no command
can go below. Reported: the median and the best wall seconds of ``--repeat`` runs.

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


def once(arguments: list[str], path: Path | None) -> float:
    environment = dict(os.environ)
    if path is None:
        environment.pop("PYTHONPATH", None)
    else:
        environment["PYTHONPATH"] = str(path)
    # python -m puts the working folder first on sys.path: run inside the copy timed
    start = time.perf_counter()
    subprocess.run([sys.executable, *arguments], env=environment, check=True, cwd=path,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(arguments: list[str], paths: dict[str, Path | None], repeat: int) -> dict:
    times: dict[str, list[float]] = {name: [] for name in paths}
    for name, path in list(paths.items()):  # once each first: byte-compiled files written
        try:
            once(arguments, path)
        except subprocess.CalledProcessError:  # a command the baseline does not have
            paths = {k: v for k, v in paths.items() if k != name}
            times[name] = [float("nan")]
    for _ in range(repeat):
        for name, path in paths.items():
            times[name].append(once(arguments, path))
    return {name: (statistics.median(values), min(values)) for name, values in times.items()}


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
        print(f"python -c pass: median {floor[0]:.3f} s, best {floor[1]:.3f} s")
        sys.path.insert(0, str(ROOT))
        from ecosystem.cli import build_parser
        commands = args.commands.split(",") if args.commands else sorted(
            build_parser()._subparsers._group_actions[0].choices)
        cases = [["--help"]] + [[c, "--help"] for c in commands] + \
            [["validate", "cross_border_belt"]]
        print(f"{'command':<34} {'today (median / best)':>22} {'baseline':>18} {'ratio':>6}")
        for case in cases:
            result = compare(["-m", "ecosystem", *case], paths, args.repeat)
            (today, best), (before, before_best) = result["today"], result["baseline"]
            print(f"{' '.join(case):<34} {today:>10.3f} / {best:.3f} s "
                  f"{before:>8.3f} / {before_best:.3f} s {before / today:>5.1f}x")
    print(load())


if __name__ == "__main__":
    main()
