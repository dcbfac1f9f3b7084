"""Benchmark: the flow steady state against a plain-Python networkx propagation loop.

Run ``python benchmarks/bench_flows.py`` (``--sizes 2000 10000`` for a quick
run). For each size it builds ``networks.industrial_belt(n_firms, seed=2026)``
(not timed against anything: reported only), then times

* ecobelt: :func:`ecosystem.flows.flow_model` (the model build: one pass over
  the links, four row-normalised CSR layers) and :func:`ecosystem.flows.steady_state`
  (spectral-radius certificate + one matrix-free BiCGSTAB solve), cold and
  best of 3 warm;
* the baseline: the same model written as a plain-Python loop over the
  networkx graph (per (member, flow) its outlets and volume shares, then the
  Neumann series pulse by pulse until a step adds less than 1e-11 of the total);

with the default conversion and damping and one unit of information (an order)
at every market, checks that both give the same levels and prints the ratio.
Then two lines that back design choices in ``ecosystem/flows/_solve.py``:
sparse LU against BiCGSTAB on mid-sized belts, and scipy's BiCGSTAB
(BLAS level-1 inner products) against ours on the largest belt.
"""

from __future__ import annotations

import argparse

import numpy as np
import scipy.sparse.linalg as sla

import networks
from _timing import header, load, timed
from ecosystem.flows import DEFAULT_CONVERSION, FLOWS, flow_model, steady_state
from ecosystem.flows._solve import solve_steady_state

SEED = 2026


def networkx_steady_state(graph, injections: dict, coupling, damping: float,
                          tol: float = 1e-11) -> tuple[dict, int]:
    """The baseline: sum the pulses ``A^k b`` one link at a time over the networkx graph.

    ``injections`` maps (member, flow) to an amount; returns the levels as the same kind
    of dict and the number of steps. Each (member, flow) first gets its list of
    (target, share of volume), so a step touches every active link once.
    """
    shares: dict = {}
    for source, target, flow, volume in graph.edges(keys=True, data="volume", default=1.0):
        shares.setdefault((source, flow), []).append((target, volume))
    for key, outlets in shares.items():
        sent = sum(volume for _, volume in outlets)
        shares[key] = [(target, volume / sent) for target, volume in outlets] if sent else []
    drives = {f: [(g, damping * coupling[f][g]) for g in FLOWS if coupling[f][g] > 0]
              for f in FLOWS}
    pulse = dict(injections)
    total = dict(injections)
    steps = 0
    while pulse:
        arrivals: dict = {}
        for (member, flow), amount in pulse.items():
            for target, share in shares.get((member, flow), ()):  # none: a sink, flow leaves
                key = (target, flow)
                arrivals[key] = arrivals.get(key, 0.0) + amount * share
        pulse = {}
        for (member, flow), amount in arrivals.items():
            for driven, weight in drives[flow]:
                key = (member, driven)
                pulse[key] = pulse.get(key, 0.0) + weight * amount
        for key, amount in pulse.items():
            total[key] = total.get(key, 0.0) + amount
        steps += 1
        if sum(pulse.values()) <= tol * sum(total.values()):
            break
    return total, steps


def bench_size(n_firms: int, baseline: bool) -> None:
    build = timed(networks.industrial_belt, n_firms, seed=SEED)
    eco = build.result
    links = eco.graph.number_of_edges()
    orders = {(m, "information"): 1.0 for m in eco.members(role="market")}
    print(f"\nindustrial_belt({n_firms:,}, seed={SEED}): {len(eco):,} members, {links:,} links; "
          f"graph built in {build.wall:.1f} s wall ({build.cpu:.1f} CPU), not counted; {load()}")
    cold_model = timed(flow_model, eco)
    model = cold_model.result
    cold_solve = timed(steady_state, model, orders)
    state = cold_solve.result
    warm_model = timed(flow_model, eco, repeat=3)
    warm_solve = timed(steady_state, model, orders, repeat=3)
    print(f"  ecobelt model build   cold {cold_model.wall:6.2f} s wall {cold_model.cpu:6.2f} CPU | "
          f"best of 3 {warm_model.wall:6.2f} wall {warm_model.cpu:6.2f} CPU")
    print(f"  ecobelt steady state  cold {cold_solve.wall:6.2f} s wall {cold_solve.cpu:6.2f} CPU | "
          f"best of 3 {warm_solve.wall:6.2f} wall {warm_solve.cpu:6.2f} CPU "
          f"(radius <= {state.spectral_bound:.3g})")
    ours_wall, ours_cpu = cold_model.wall + cold_solve.wall, cold_model.cpu + cold_solve.cpu
    print(f"  ecobelt build + solve cold {ours_wall:6.2f} s wall {ours_cpu:6.2f} CPU "
          f"(target < 5 s)  {load()}")
    if not baseline:
        return
    coupling = {f: {g: float(DEFAULT_CONVERSION.loc[f, g]) for g in FLOWS} for f in FLOWS}
    base = timed(networkx_steady_state, eco.graph, orders, coupling, model.damping)
    base_wall, base_cpu, (levels, steps) = base.wall, base.cpu, base.result
    reference = np.zeros((len(eco), len(FLOWS)))
    position = {m: i for i, m in enumerate(eco.graph)}
    for (member, flow), amount in levels.items():
        reference[position[member], FLOWS.index(flow)] = amount
    ours = state.levels.to_numpy()
    difference = np.abs(ours - reference).max() / np.abs(reference).max()
    assert difference < 1e-8, difference
    print(f"  networkx loop         {base_wall:6.2f} s wall {base_cpu:6.2f} CPU, {steps} steps; "
          f"max |diff| / max level {difference:.1e}")
    print(f"  ratio networkx / ecobelt (build + solve, cold): {base_wall / ours_wall:.1f}x wall, "
          f"{base_cpu / ours_cpu:.1f}x CPU  {load()}")


def bench_direct_against_iterative(sizes: list[int]) -> None:
    print(f"\nsparse LU (method='direct') against BiCGSTAB (method='iterative'), {load()}")
    for n_firms in sizes:
        eco = networks.industrial_belt(n_firms, seed=SEED)
        model = flow_model(eco)
        orders = {(m, "information"): 1.0 for m in eco.members(role="market")}
        direct = timed(steady_state, model, orders, method="direct")
        iterative = timed(steady_state, model, orders, method="iterative", repeat=3)
        diff = np.abs(direct.result.levels.to_numpy() - iterative.result.levels.to_numpy()).max()
        print(f"  {len(eco):>7,} members ({4 * len(eco):,} unknowns): LU {direct.wall:6.2f} s "
              f"wall {direct.cpu:6.2f} CPU; BiCGSTAB {iterative.wall:6.3f} wall "
              f"{iterative.cpu:6.3f} CPU; max |diff| {diff:.1e}")


def bench_scipy_bicgstab(n_firms: int) -> None:
    eco = networks.industrial_belt(n_firms, seed=SEED)
    model = flow_model(eco)
    rhs = np.ones(4 * len(eco))
    size = rhs.size
    system = sla.LinearOperator((size, size), matvec=lambda v: v - model.apply(v), dtype=float)
    ours = timed(solve_steady_state, model, rhs, "iterative", 1e-10, repeat=3)
    theirs = timed(lambda: sla.bicgstab(system, rhs, x0=rhs.copy(), rtol=1e-10, atol=0.0),
                   repeat=3)
    diff = np.abs(ours.result - theirs.result[0]).max() / ours.result.max()
    print(f"\nBiCGSTAB on {len(eco):,} members, 1 unit of every flow everywhere, best of 3 "
          f"({load()}): ours {ours.wall:.2f} s wall {ours.cpu:.2f} CPU; scipy.sparse.linalg."
          f"bicgstab {theirs.wall:.2f} wall {theirs.cpu:.2f} CPU; ratio "
          f"{theirs.wall / ours.wall:.1f}x wall {theirs.cpu / ours.cpu:.1f}x CPU; "
          f"max |diff| / max {diff:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="numbers of firms (default: 10000 100000)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the networkx loop (minutes at 100,000 firms)")
    parser.add_argument("--lu-sizes", type=int, nargs="*", default=[1_000, 5_000],
                        help="belts on which sparse LU is compared (default: 1000 5000)")
    args = parser.parse_args()
    print(header(__doc__.splitlines()[0], "scipy", "networkx"))
    for n_firms in args.sizes:
        bench_size(n_firms, baseline=not args.no_baseline)
    if args.lu_sizes:
        bench_direct_against_iterative(args.lu_sizes)
    bench_scipy_bicgstab(max(args.sizes))


if __name__ == "__main__":
    main()
