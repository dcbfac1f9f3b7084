"""Build ``networks.industrial_belt``, its four adjacencies, subgraph(half), copy() and the steady state: this tree against an earlier ecobelt.

Baseline: the same script run on an earlier ecobelt (``--baseline``, a git
commit; default ``6b640d9``, the last Ecosystem stored as a networkx
MultiDiGraph; ``797906d`` is the column store before the builders handed it
columns), checked out into a temporary ``git worktree`` and imported in
its own subprocess, so both sides run the same builder code of their time on
the same machine in the same run.

Every (implementation, size) runs in a fresh subprocess so that its peak
resident memory (``resource.getrusage``, growth over the process after
imports) is its own. Seconds are wall-clock with CPU in brackets; the load
average is printed before and after. ``--steady`` adds
``flows.steady_state`` (100 members injecting 1 unit of information each).
Run: ``python benchmarks/bench_build.py [--sizes 1000 10000 100000] [--steady]``
(1M members: ``flock /work/big.lock python benchmarks/bench_build.py --sizes 1000000``).
"""  # noqa: E501

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import header, load, timed

SIZES = (1_000, 10_000, 100_000)
MEMBERS_PER_FIRM = 1.025  # industrial_belt's default composition (see its Notes)
ROOT = Path(__file__).resolve().parent.parent
BASELINE = "6b640d9"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _child(target: int, seed: int, steady: bool) -> dict:
    import numpy as np

    from ecosystem import Flow, flows
    from networks import industrial_belt

    n_firms = round(target / MEMBERS_PER_FIRM)
    names = [f.value for f in Flow]
    before = _peak_mib()
    build = timed(industrial_belt, n_firms, seed=seed)
    eco = build.result
    adjacency = timed(lambda: [eco.adjacency(f) for f in names])
    members, links = len(eco), sum(m.nnz for m in adjacency.result)
    half = eco.members()[::2]
    subgraph = timed(eco.subgraph, half)
    part = (len(subgraph.result), sum(subgraph.result.adjacency(f).nnz for f in names))
    subgraph_s = [subgraph.wall, subgraph.cpu]
    del subgraph  # before the copy allocates
    copy = timed(eco.copy)
    assert len(copy.result) == members
    copy_s = [copy.wall, copy.cpu]
    del copy
    out = {"members": members, "links": links, "part": part,
           "build": [build.wall, build.cpu], "adjacency": [adjacency.wall, adjacency.cpu],
           "subgraph": subgraph_s, "copy": copy_s}
    if steady:
        rng = np.random.default_rng(seed)
        sources = list(rng.choice(eco.members(), size=min(100, members), replace=False))
        level = timed(flows.steady_state, eco, {(m, "information"): 1.0 for m in sources})
        out["steady"] = [level.wall, level.cpu]
    out["peak_mib"] = _peak_mib() - before
    return out


def _run(python_path: Path, size: int, seed: int, steady: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    out = subprocess.run([sys.executable, __file__, "--child", str(size), "--seed", str(seed)]
                         + (["--steady"] if steady else []),
                         check=True, capture_output=True, text=True, env=env, cwd=python_path)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--baseline", default=BASELINE, help="git commit of the baseline")
    parser.add_argument("--no-baseline", action="store_true", help="time this tree only")
    parser.add_argument("--steady", action="store_true", help="also time flows.steady_state")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.seed, args.steady)))
        return

    print(header(__doc__.splitlines()[0], "networkx", "scipy", "pandas"))
    print(f"seconds wall (CPU); peak MiB = growth of peak RSS; ratio = baseline "
          f"({args.baseline}) / this tree, wall (CPU)")
    parts = ["build", "adjacency", "subgraph", "copy"] + (["steady"] if args.steady else [])
    with tempfile.TemporaryDirectory(prefix="ecobelt-baseline-") as scratch:
        baseline = Path(scratch) / "tree"
        if not args.no_baseline:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline),
                            args.baseline], check=True, capture_output=True)
        try:
            for size in args.sizes:
                ours = _run(ROOT, size, args.seed, args.steady)
                theirs = None if args.no_baseline else _run(baseline, size, args.seed,
                                                            args.steady)
                print(f"\n{ours['members']:,} members, {ours['links']:,} links "
                      f"(half: {ours['part'][0]:,} members, {ours['part'][1]:,} links)")
                if theirs is not None:
                    assert (theirs["members"], theirs["links"]) == (ours["members"],
                                                                    ours["links"])
                    assert theirs["part"] == ours["part"]
                print(f"  {'':10} {'this tree':>15} {'baseline':>15} {'ratio':>15}")
                for part in parts + ["peak_mib"]:
                    def cell(result: dict | None, part: str = part) -> str:
                        if result is None:
                            return ""
                        if part == "peak_mib":
                            return f"{result[part]:.0f} MiB"
                        return f"{result[part][0]:.2f} ({result[part][1]:.2f})"
                    ratio = ""
                    if theirs is not None and part == "peak_mib":
                        ratio = f"{theirs[part] / ours[part]:.2f}x"
                    elif theirs is not None:
                        ratio = (f"{theirs[part][0] / ours[part][0]:.1f}x "
                                 f"({theirs[part][1] / ours[part][1]:.1f}x)")
                    print(f"  {part:10} {cell(ours):>15} {cell(theirs):>15} {ratio:>15}",
                          flush=True)
        finally:
            if not args.no_baseline:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(baseline)], capture_output=True)
    print(f"\nat the end: {load()}")


if __name__ == "__main__":
    main()
