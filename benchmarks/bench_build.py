"""Build ``networks.industrial_belt``, its four adjacencies, subgraph(half), copy(), one edit of each kind and the steady state: this tree against an earlier ecobelt.

Baseline: the same script run on an earlier ecobelt (``--baseline``, a git
commit; default ``6b640d9``, the last Ecosystem stored as a networkx
MultiDiGraph; ``797906d`` is the column store before the builders handed it
columns), checked out into a temporary ``git worktree`` and imported in
its own subprocess, so both sides run the same builder code of their time on
the same machine in the same run.

Every (implementation, size) runs in a fresh subprocess so that its peak
resident memory (``resource.getrusage``, growth over the process after
imports) is its own.

The edits, on the built belt, one call each in this order: ``link`` of a new
link (the first call after the build), ``update_link`` of it, a second new
``link``, ``add_member``, ``update_member`` with a new attribute, ``unlink``
and ``remove`` of the new member; ``read`` is the ``adjacency`` of the edited
flow right after. Each shows its CPU seconds and its peak: the high-water mark
of resident memory during the call (reset before it through ``clear_refs``)
less the resident memory before it. Seconds are wall-clock with CPU in brackets; the load
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


def _resident_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _edits(eco) -> dict:
    """One edit of each kind on a big ecosystem (see the module docstring)."""
    members = eco.members()
    n, flow = len(members), "technology"
    layer = eco.adjacency(flow)
    free = [(i, j) for i in (n - 1, n - 2) for j in (0, 1) if layer[i, j] == 0][:2]
    assert len(free) == 2, "no two free cells for the new links"
    (u, v), (u2, v2) = [(members[i], members[j]) for i, j in free]
    steps = {"link": lambda: eco.link(u, v, flow, volume=1.0),
             "update_link": lambda: eco.update_link(u, v, flow, volume=2.0),
             "link 2": lambda: eco.link(u2, v2, flow, volume=1.0),
             "add_member": lambda: eco.add_member("bench-new", "supplier", size=1),
             "update_member": lambda: eco.update_member(members[0], bench_note="x"),
             "unlink": lambda: eco.unlink(u2, v2, flow),
             "remove": lambda: eco.remove("bench-new"),
             "read": lambda: eco.adjacency(flow)}
    out = {}
    for name, step in steps.items():
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # reset the high-water mark of resident memory
        before = _resident_mib("VmRSS")
        took = timed(step)
        out[name] = [took.cpu, max(0.0, _resident_mib("VmHWM") - before)]
    assert eco.adjacency(flow)[free[0]] == 2.0
    return out


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
    out["peak_mib"] = _peak_mib() - before  # the edits' own memory is measured apart
    out.update(_edits(eco))
    if steady:
        rng = np.random.default_rng(seed)
        sources = list(rng.choice(eco.members(), size=min(100, members), replace=False))
        level = timed(flows.steady_state, eco, {(m, "information"): 1.0 for m in sources})
        out["steady"] = [level.wall, level.cpu]
    return out


def _run(python_path: Path, size: int, seed: int, steady: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    out = subprocess.run([sys.executable, __file__, "--child", str(size), "--seed", str(seed)]
                         + (["--steady"] if steady else []),
                         check=True, capture_output=True, text=True, env=env, cwd=python_path)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ratio(baseline: float, ours: float, form: str, floor: float = 0.0001) -> str:
    # an edit of a few microseconds, or one that needs no new memory, reads as 0
    return form.format(baseline / ours) if ours >= floor else "-"


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
    edits = ["link", "update_link", "link 2", "add_member", "update_member", "unlink",
             "remove", "read"]
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
                print(f"  {'':13} {'this tree':>15} {'baseline':>15} {'ratio':>15}")
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
                    print(f"  {part:13} {cell(ours):>15} {cell(theirs):>15} {ratio:>15}",
                          flush=True)
                print("  one edit on the built belt: CPU s, peak MiB; ratio = baseline / "
                      "this tree, CPU, peak")
                for part in edits:
                    def edit(result: dict | None, part: str = part) -> str:
                        return "" if result is None else (f"{result[part][0]:.4f} "
                                                          f"{result[part][1]:5.0f}")
                    ratio = "" if theirs is None else (
                        _ratio(theirs[part][0], ours[part][0], "{:.1f}x") + " "
                        + _ratio(theirs[part][1], ours[part][1], "{:.1f}x", floor=1.0))
                    print(f"  {part:13} {edit(ours):>15} {edit(theirs):>15} {ratio:>15}",
                          flush=True)
        finally:
            if not args.no_baseline:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(baseline)], capture_output=True)
    print(f"\nat the end: {load()}")


if __name__ == "__main__":
    main()
