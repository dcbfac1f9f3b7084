"""The belt simulation (ecosystem.simulation.run) against a plain Python per-member loop.

Engines and baseline, on the same belt in the same process: ``run`` with the compiled
period loop (numba, the ``fast`` extra), ``run`` with the whole-array engine
(``ECOBELT_NUMBA=0``, what runs without numba), and the same rules written as a plain
loop over periods, members and lanes (one replication at a time, timed on one or two
replications and scaled to the run's size). Printed: wall and CPU seconds and ns (CPU)
per member-period-replication (warm-up periods included) of each, the ratios, and the load
average; and the first compiled run of the process (numba compiling the loop, or loading
it from its cache) on its own line. Belts: the bundled ``cross_border_belt`` (52 periods x
1,000 replications) and a 10,000-firm ``industrial_belt`` (52 x 100).

compile_network is timed against the plain loop over networkx's links it replaced
(``tests/_network_reference.py``) on the 10k belt, and with ``--million`` on a 100k one.

Run: ``python benchmarks/bench_simulation.py [--quick] [--million [--threads 1,2]]``
(``--help`` for every option); ``--million`` adds ``industrial_belt(1_000_000)``, 52
periods x 10 replications, compiled engine only, with numba's threads (or each count
given; run it under ``flock /work/big.lock`` on a shared machine); ``--million-only`` runs
that alone, once per ``--warmup`` and ``--keep-series`` value given, each with the
process's peak resident memory over the run and the memory the run stated before it
started. The script passes ``keep_series`` only when asked, so it also times an older
checkout of the package (``PYTHONPATH=...``) as a baseline.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np
from _timing import header, load, timed

import networks
from ecosystem import simulation
from ecosystem.simulation import _compiled


def plain_loop(network, prices, demand: np.ndarray, lead: dict, window: int, z: float
               ) -> float:
    """One replication of the documented rules, member by member and lane by lane
    (moving-average order-up-to, proportional rationing, lanes in transit). Returns the
    members' total stock at the end (so the work cannot be skipped)."""
    n = network.n_members
    lanes = range(network.n_lanes)
    level = network.level
    periods = demand.shape[0]
    outs = {s: [e for e in lanes if network.lane_supplier[e] == s]
            for s in range(n + len(network.sources))}
    history = {i: [] for i in range(n)}
    position = {i: lead[i] * level[i] for i in range(n)}
    on_hand = {i: 0.0 for i in range(n)}
    owed = {e: 0.0 for e in lanes}
    arrivals: dict = {}
    order_of: dict = {}
    for t in range(periods):
        for i in range(n):
            received = 0.0
            for e in outs[i]:
                c = network.lane_customer[e]
                received += network.lane_share[e] * (demand[t, c - n] if c >= n
                                                     else order_of[(c, t)])
            history[i].append(received)
            recent = [history[i][s] if s >= 0 else level[i] for s in range(t - window + 1, t + 1)]
            mean = sum(recent) / window
            sd = math.sqrt(sum((x - mean) ** 2 for x in recent) / (window - 1))
            position[i] -= received
            order = max(lead[i] * mean + z * math.sqrt(lead[i]) * sd - position[i], 0.0)
            position[i] += order
            order_of[(i, t)] = order
        for e in lanes:
            c = network.lane_customer[e]
            if c < n:
                on_hand[c] += arrivals.pop((t, e), 0.0)
            owed[e] += network.lane_share[e] * (demand[t, c - n] if c >= n else order_of[(c, t)])
        for s, chosen in outs.items():
            need = sum(owed[e] for e in chosen)
            stock = on_hand[s] if s < n else math.inf
            ratio = 1.0 if need <= stock else stock / need
            for e in chosen:
                x = owed[e] * ratio
                owed[e] -= x
                if s < n:
                    on_hand[s] -= x
                key = (t + network.lane_transit[e] + 1, e)
                arrivals[key] = arrivals.get(key, 0.0) + x
    return sum(on_hand.values())


def engine(compiled: bool) -> None:
    """Choose the engine of the next runs (the switch users have)."""
    os.environ[_compiled.ENVIRONMENT_VARIABLE] = "1" if compiled else "0"


def peak_mib() -> float:
    """The process's peak resident memory so far."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(name: str, eco, periods: int, replications: int, sample: int,
          whole_array: bool = True) -> None:
    network = simulation.compile_network(eco)
    engine(True)
    fast = timed(simulation.run, eco, periods=periods, replications=replications, seed=1)
    warmup = fast.result.settings["warmup"]
    total = warmup + periods
    elements = network.n_members * total * replications
    print(f"{name}: {network.n_members} stocking members, {network.n_lanes} lanes, "
          f"{periods} + {warmup} warm-up periods x {replications} replications")
    ours = fast.cpu / elements * 1e9
    print(f"  compiled engine     {fast.wall:8.2f} s wall {fast.cpu:8.2f} s CPU  {ours:8.1f} ns "
          f"per member-period-replication; {load()}")
    if whole_array:
        engine(False)
        plain = timed(simulation.run, eco, periods=periods, replications=replications, seed=1)
        engine(True)
        numpy_ns = plain.cpu / elements * 1e9
        print(f"  whole-array engine  {plain.wall:8.2f} s wall {plain.cpu:8.2f} s CPU  "
              f"{numpy_ns:8.1f} ns  -> compiled is {numpy_ns / ours:.1f}x faster (CPU); "
              f"{load()}")
    if sample:
        rng = np.random.default_rng(1)
        demand = network.level[network.n_members:] * (
            1 + 0.2 * rng.standard_normal((total, network.n_markets)))
        lead = {i: int(v) for i, v in enumerate(network.lead_time)}
        prices = simulation.margin_split(network)
        baseline = timed(lambda: [plain_loop(network, prices, demand, lead, 5, 1.65)
                                  for _ in range(sample)]).scaled(replications / sample)
        theirs = baseline.cpu / elements * 1e9
        print(f"  plain loop (timed on {sample}, scaled) {baseline.cpu:8.1f} s CPU  "
              f"{theirs:8.1f} ns  -> compiled is {theirs / ours:.0f}x faster; {load()}")
    print(f"  peak resident memory of the process so far {peak_mib():.0f} MiB")


def compile_vs_previous(eco, name: str) -> None:
    """compile_network against the plain loop over networkx's links it replaced."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
    from _network_reference import reference_compile_network
    new = timed(simulation.compile_network, eco)
    old = timed(reference_compile_network, eco.copy())
    print(f"compile_network of {name}: {new.wall:.2f} s wall {new.cpu:.2f} s CPU; the previous "
          f"plain loop {old.wall:.2f} s wall {old.cpu:.2f} s CPU -> {old.cpu / new.cpu:.0f}x "
          f"(CPU); {load()}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer replications and a 1,000-firm belt instead of 10,000")
    parser.add_argument("--million", action="store_true",
                        help="add the 1M-member belt (52 x 10) and compile_network at 100k")
    parser.add_argument("--million-only", action="store_true",
                        help="only the 1M-member run (no small belts, no plain loops)")
    parser.add_argument("--threads", default="0",
                        help="numba thread counts of the 1M run, e.g. 1,2 (0: numba's)")
    parser.add_argument("--warmup", default="default",
                        help="warm-ups of the 1M run, e.g. default,176")
    parser.add_argument("--keep-series", default="default",
                        help="keep_series values of the 1M run, e.g. default,no")
    return parser.parse_args()


def resident() -> tuple[int, int]:
    """The process's resident and peak resident bytes (Linux)."""
    sizes = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                sizes[line[:5]] = int(line.split()[1]) * 1024
    return sizes["VmRSS"], sizes["VmHWM"]


def million(eco, warmup: str, keep: str) -> None:
    """One 1M-member run: times, the memory it stated and the peak it reached."""
    from ecosystem.simulation import _run
    options: dict = dict(periods=52, replications=10, seed=1)
    if warmup != "default":
        options["warmup"] = int(warmup)
    if keep != "default":
        options["keep_series"] = keep in ("yes", "true", "1")
    stated = []
    check = _run.check_allocation

    def record(need, what, fix):
        stated.append(need)
        check(need, what, fix)

    _run.check_allocation = record
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")  # the peak starts again from the current resident size
    except OSError:
        pass
    before = resident()[0]
    try:
        run = timed(simulation.run, eco, **options)
    finally:
        _run.check_allocation = check
    peak = resident()[1]
    network = run.result.network
    total = run.result.settings["warmup"] + 52
    ns = run.cpu / (network.n_members * total * 10) * 1e9
    print(f"industrial_belt(1_000_000) {options}: {network.n_members} stocking members, "
          f"{network.n_lanes} lanes, 52 + {run.result.settings['warmup']} warm-up periods x 10"
          f"\n  {run.wall:8.1f} s wall {run.cpu:8.1f} s CPU {ns:6.1f} ns per "
          f"member-period-replication; stated {stated[0] / 2 ** 30:.1f} GiB, peak over the "
          f"run {(peak - before) / 2 ** 30:.1f} GiB ({peak / 2 ** 30:.1f} GiB for the process, "
          f"belt included); {load()}", flush=True)


def set_threads(threads: int) -> None:
    if threads and _compiled.available():
        import numba
        numba.set_num_threads(threads)


def parallel_run(eco):
    """A short run on the parallel build, whatever the belt's size."""
    limit = _compiled._PARALLEL_FROM
    _compiled._PARALLEL_FROM = 0
    try:
        return simulation.run(eco, periods=4, replications=2, seed=1)
    finally:
        _compiled._PARALLEL_FROM = limit


def main() -> None:
    args = arguments()
    quick = args.quick
    print(header("belt simulation: ecosystem.simulation.run against a plain Python loop",
                 "scipy", "numba"))
    if not _compiled.available():
        print("numba is not installed: the compiled rows show the whole-array engine")
    engine(True)
    start = time.process_time()
    first = timed(simulation.run, networks.example("archetype"), periods=4, replications=2)
    print(f"first compiled run of the process (compiling or loading the cache): "
          f"{first.wall:.2f} s wall, {time.process_time() - start:.2f} s CPU")
    if args.million_only:
        with_threads = timed(parallel_run, networks.example("cross_border_belt"))
        print(f"first run of the parallel build: {with_threads.wall:.2f} s wall; {load()}")
        built = timed(networks.industrial_belt, 1_000_000, seed=1)
        print(f"industrial_belt(1_000_000) built in {built.wall:.1f} s wall {built.cpu:.1f} s "
              f"CPU; {load()}", flush=True)
        for threads in [int(x) for x in args.threads.split(",")]:
            set_threads(threads)
            for warmup in args.warmup.split(","):
                for keep in args.keep_series.split(","):
                    million(built.result, warmup, keep)
        return
    bench("cross_border_belt", networks.example("cross_border_belt"), 52,
          100 if quick else 1000, 2)
    size = 1000 if quick else 10_000
    bench(f"industrial_belt({size})", networks.industrial_belt(size, seed=1), 52,
          10 if quick else 100, 1)
    compile_vs_previous(networks.industrial_belt(size, seed=1), f"industrial_belt({size})")
    if args.million:
        compile_vs_previous(networks.industrial_belt(100_000, seed=1), "industrial_belt(100000)")
        built = timed(networks.industrial_belt, 1_000_000, seed=1)
        print(f"industrial_belt(1_000_000) built in {built.wall:.1f} s wall {built.cpu:.1f} s "
              f"CPU; {load()}")
        compiled = timed(simulation.compile_network, built.result)
        print(f"  compile_network {compiled.wall:.1f} s wall {compiled.cpu:.1f} s CPU "
              f"({compiled.result.n_members} stocking members, {compiled.result.n_lanes} lanes); "
              f"{load()}")
        del compiled
        start = time.process_time()
        with_threads = timed(parallel_run, networks.example("cross_border_belt"))
        print(f"first run of the parallel build (compiling or loading it from the cache): "
              f"{with_threads.wall:.2f} s wall, {time.process_time() - start:.2f} s CPU")
        for threads in [int(x) for x in args.threads.split(",")]:
            set_threads(threads)
            bench(f"industrial_belt(1_000_000), {threads} thread(s)", built.result, 52, 10, 0,
                  whole_array=False)
    print("stockpyl's network simulation is compared in bench_stockpyl.py (its own "
          "environment, base-stock policies only; see RESULTS.md).")


if __name__ == "__main__":
    main()
