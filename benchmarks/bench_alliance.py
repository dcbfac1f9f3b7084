"""Alliance sweeps on each backend, and the cold ``ecobelt demo``.

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
    plan = dict(parameters={"cost_cut": [0.0, 0.1, 0.2]}, seeds=[0, 1], margin=8.0,
                replications=100, periods=300, progress=False)
    print(f"sweep: industrial_belt({firms}) = {len(eco)} members, "
          f"{eco.graph.number_of_edges()} links; {3 * 2 * (len(alliances) + 1)} rows, "
          f"{3 * len(alliances) + 1} tasks (one per configuration, both seeds; one baseline)")
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
    args = parser.parse_args()
    print(header(__doc__.splitlines()[0], "dask", "distributed"))
    bench_demo(args.repeat)
    bench_sweep(args.firms)


if __name__ == "__main__":
    main()
