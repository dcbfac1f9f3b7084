"""Alliance comparisons on the simulated belt, sweeps on each backend, and the cold demo.

0. ``compare`` of five configurations on ``cross_border_belt`` (200 replications), with
   and without the benefit distribution, against the previous ``compare`` (the static
   metrics, commit f6c3935, run in a child process from a checkout given by
   ``--old``); and the exact coalition table of an 8-member alliance on 2 processes.
1. ``ecosystem.alliance.sweep`` on ``networks.industrial_belt`` (cost cut x seeds x
   pairs of cross-border firms plus the baseline): local processes and a Dask
   LocalCluster of two worker processes, each against the named baseline, the
   same sweep run serially in this process (``processes=1``); the tables must
   be identical. Ratio = backend wall / serial wall.
2. ``ecobelt demo`` in a fresh process (imports included), as a user runs it,
   against the issue's budget of 60 s. CPU time is the child's
   (``RUSAGE_CHILDREN``).

Every line reports wall and CPU seconds and the load average (2 shared cores:
timings are noisy). Run: ``python benchmarks/bench_alliance.py [--firms 200] [--repeat 2]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import pandas as pd

from _timing import header, load, timed

DEMO_BUDGET = 60.0


def bench_sweep(firms: int) -> None:
    import networks
    from dask.distributed import LocalCluster

    from ecosystem.alliance import candidates, sweep

    eco = networks.industrial_belt(firms, seed=0)
    alliances = candidates(eco, eco.members(role="cbec_enterprise")[:3], max_size=2)
    plan = dict(parameters={"cost_cut": [0.0, 0.1, 0.2]}, seeds=[0, 1], replications=50,
                periods=52, progress=False)
    print(f"sweep: industrial_belt({firms}) = {len(eco)} members, "
          f"{eco.graph.number_of_edges()} links; {3 * 2 * (len(alliances) + 1)} rows, "
          f"{3 * 2} tasks (one comparison per cost cut and seed)")
    serial = timed(sweep, eco, alliances, processes=1, **plan)
    print(f"  serial (baseline)      wall {serial.wall:6.2f} s  cpu {serial.cpu:6.2f} s  {load()}")
    pooled = timed(sweep, eco, alliances, processes=2, **plan)
    pd.testing.assert_frame_equal(serial.result, pooled.result)
    print(f"  2 local processes      wall {pooled.wall:6.2f} s  cpu {pooled.cpu:6.2f} s "
          f"(parent)  ratio {pooled.wall / serial.wall:.2f}  {load()}")
    start = timed(LocalCluster, n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=None)
    with start.result as cluster:
        on_dask = timed(sweep, eco, alliances, scheduler=cluster.scheduler_address, **plan)
    pd.testing.assert_frame_equal(serial.result, on_dask.result)
    print(f"  Dask, 2 worker procs   wall {on_dask.wall:6.2f} s  cpu {on_dask.cpu:6.2f} s "
          f"(client)  ratio {on_dask.wall / serial.wall:.2f}  "
          f"(+{start.wall:.1f} s cluster start)  {load()}")
    print("  tables identical on every backend")


FIVE = """
from ecosystem.alliance import Alliance
A = [Alliance("sharing", ("beltlink", "silkroad", "oceancart")),
     Alliance("cost", ("riverbend", "maple", "beltlink", "globalmall"), cost_cut=0.3),
     Alliance("tech", ("riverbend", "beltlink", "globalmall"), technology_sharing=1.0),
     Alliance("platform", ("beltlink", "silkroad", "oceancart"), shared_platform="logistics"),
     Alliance("finance", ("knitline", "cozyfeet", "stride"), shared_platform="finance")]
"""


def bench_compare(old: str | None) -> None:
    import networks
    from ecosystem.alliance import Alliance, compare
    namespace: dict = {}
    exec(FIVE, namespace)
    eco = networks.example("cross_border_belt")
    print("compare: five configurations on cross_border_belt, 52 periods x 200 replications")
    plain = timed(compare, eco, namespace["A"], replications=200, benefit=False)
    print(f"  metrics only               wall {plain.wall:6.2f} s  cpu {plain.cpu:6.2f} s  {load()}")  # noqa: E501
    full = timed(compare, eco, namespace["A"], replications=200, processes=2)
    print(f"  with the alliance games    wall {full.wall:6.2f} s  cpu {full.cpu:6.2f} s (parent; "
          f"{3 * 7 + 15 + 7 + 7} coalitions on 2 processes)  {load()}")
    if old:
        code = FIVE + (
            "import time, networks\nfrom ecosystem.alliance import compare\n"
            "eco = networks.example('cross_border_belt')\nt = time.perf_counter()\n"
            "compare(eco, A)\nprint(time.perf_counter() - t)")
        env = dict(os.environ, PYTHONPATH=old)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, check=True)
        previous = float(done.stdout.split()[-1])
        print(f"  previous compare (static metrics, {old})  wall {previous:6.2f} s  ratio "
              f"new/previous: metrics only {plain.wall / previous:.2f}, with games "
              f"{full.wall / previous:.2f}  {load()}")
    eight = ("riverbend", "maple", "sunstep", "beltlink", "silkroad", "oceancart",
             "globalmall", "shopwave")
    table = timed(compare, eco, [Alliance("eight", eight, cost_cut=0.2)], replications=200,
                  processes=2)
    print(f"  exact coalition table of 8 members (255 simulations, 2 processes)  wall "
          f"{table.wall:6.2f} s  (target 30 s: ratio {table.wall / 30:.2f})  {load()}")


def bench_demo(repeat: int) -> None:
    for i in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "ecosystem", "demo", "-o", folder],
                                  capture_output=True, text=True, check=True)
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            files = len(os.listdir(folder))
        print(f"demo run {i + 1}: wall {wall:5.1f} s  cpu {cpu:5.1f} s  {files} files  "
              f"ratio to the {DEMO_BUDGET:.0f} s budget {wall / DEMO_BUDGET:.2f}  {load()}  "
              f"| {done.stdout.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--old", help="a checkout of commit f6c3935 (previous compare)")
    args = parser.parse_args()
    print(header(__doc__.splitlines()[0], "dask", "distributed"))
    bench_compare(args.old)
    bench_demo(args.repeat)
    bench_sweep(args.firms)


if __name__ == "__main__":
    main()
