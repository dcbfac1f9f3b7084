"""Benchmark ecosystem.benefit against coopgame-py (Rust) and plain itertools code.

Run: python benchmarks/bench_benefit.py   (needs `pip install coopgame-py`, import name
`coopgame`; about 2 minutes). Prints one table: time of ecobelt, of the baseline, and
their ratio (baseline / ecobelt, so > 1 means ecobelt is faster). Baselines marked
"extrapolated" were timed on a sample of coalitions and scaled to all of them.
"""

from __future__ import annotations

import itertools
import math
import time

import networkx as nx
import numpy as np
import scipy.sparse as sp

import coopgame

from ecosystem import Ecosystem
from ecosystem.benefit import (Game, myerson, nucleolus, owen, shapley, shapley_estimate,
                               surplus_game, surplus_routes, synergy_game)
from ecosystem.benefit._bits import subset_sum

ROWS = []


def timed(fn, repeat=3):
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def record(task, ours, baseline_name, theirs, note=""):
    ratio = theirs / ours if theirs and ours else float("nan")
    ROWS.append((task, ours, baseline_name, theirs, ratio, note))
    print(f"{task:<46} ecobelt {ours:9.4f}s  {baseline_name:<22} "
          f"{theirs if theirs is not None else float('nan'):9.4f}s  ratio {ratio:8.1f}  {note}",
          flush=True)


def itertools_shapley(values, n):
    """Plain Python: sum over coalitions without i of w(|S|) (v(S + i) - v(S))."""
    weight = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    phi = [0.0] * n
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for size in range(n):
            for members in itertools.combinations(others, size):
                mask = sum(1 << j for j in members)
                phi[i] += weight[size] * (values[mask | 1 << i] - values[mask])
    return phi


def random_table(n, seed=0):
    values = np.random.default_rng(seed).random(1 << n)
    values[0] = 0.0
    return values


def bench_exact_shapley():
    for n in (16, 20):
        values = random_table(n)
        game = Game(range(n), values)
        ours, phi = timed(lambda: shapley(game))
        cg = coopgame.Game(values[1:].tolist())
        theirs, ref = timed(lambda: coopgame.shapley(cg))
        assert np.allclose(phi.to_numpy(), ref)
        record(f"exact Shapley from table, n={n}", ours, "coopgame.shapley", theirs)
        plain_values = values.tolist()
        t_plain, ref2 = timed(lambda: itertools_shapley(plain_values, n), repeat=1)
        assert np.allclose(phi.to_numpy(), ref2)
        record(f"exact Shapley from table, n={n}", ours, "itertools", t_plain)
    for n in (24, 26):
        values = random_table(n, seed=1)
        game = Game(range(n), values)
        ours, phi = timed(lambda: shapley(game), repeat=1)
        assert abs(phi.sum() - values[-1]) < 1e-6
        record(f"exact Shapley from table, n={n} ({values.nbytes >> 20} MiB)", ours,
               "(none)", None)
        del game, values


def bench_nucleolus():
    rng = np.random.default_rng(3)
    n = 16
    w = rng.random(n) * 10
    square = subset_sum(w) ** 2 / 10  # convex: supermodular, many excess levels
    unanimity = np.zeros(1 << n)
    unanimity[rng.integers(1, 1 << n, 300)] = rng.random(300)
    from ecosystem.benefit._bits import zeta_subsets
    unanimity = zeta_subsets(unanimity, n) + subset_sum(w)  # convex: sum of unanimity games
    for label, values in (("convex (w(S)^2)", square), ("convex (unanimity sum)", unanimity)):
        game = Game(range(n), values)
        ours, x = timed(lambda: nucleolus(game), repeat=2)
        cg = coopgame.Game(values[1:].tolist())
        theirs, ref = timed(lambda: coopgame.nucleolus(cg)["allocation"], repeat=2)
        assert np.allclose(x.to_numpy(), ref, atol=1e-6), (x.to_numpy(), ref)
        record(f"nucleolus n=16 {label}", ours, "coopgame.nucleolus", theirs,
               f"{len(x.attrs['levels'])} LP levels, Kohlberg-checked")


def chain_ecosystem(n_members, seed=0):
    """Suppliers -> cross-border firms -> platforms/carriers -> 2 markets, n members."""
    rng = np.random.default_rng(seed)
    eco = Ecosystem("bench")
    tiers = {"supplier": n_members * 2 // 5, "cbec_enterprise": n_members // 5,
             "platform": n_members // 10, "logistics": n_members // 10}
    tiers["market"] = n_members - sum(tiers.values())
    names = {}
    for role, count in tiers.items():
        names[role] = [f"{role[:3]}{k}" for k in range(count)]
        for m in names[role]:
            eco.add_member(m, role)
    for s in names["supplier"]:
        for f in rng.choice(names["cbec_enterprise"], 2, replace=False):
            eco.link(s, f, "logistics", volume=float(rng.integers(1, 20)))
    for f in names["cbec_enterprise"]:
        for p in rng.choice(names["platform"] + names["logistics"], 2, replace=False):
            eco.link(f, p, "logistics", volume=float(rng.integers(1, 20)), unit_cost=0.1)
            eco.link(p, f, "information", volume=float(rng.integers(1, 5)))
    for p in names["platform"] + names["logistics"]:
        for mk in names["market"]:
            eco.link(p, mk, "logistics", volume=float(rng.integers(1, 20)))
    return eco


def bench_graph_tables():
    eco = chain_ecosystem(20)
    n = len(eco)
    ours, game = timed(lambda: synergy_game(eco))
    graph = nx.Graph()
    graph.add_nodes_from(eco.members())
    for u, v, _, d in eco.links(data=True):
        w = graph.edges[u, v]["weight"] if graph.has_edge(u, v) else 0.0
        graph.add_edge(u, v, weight=w + d["volume"])
    members = eco.members()
    sample = np.random.default_rng(0).integers(0, 1 << n, 20_000)
    start = time.perf_counter()
    for mask in sample:  # the baseline: one networkx call per coalition
        graph.subgraph([members[i] for i in range(n) if mask >> i & 1]).size(weight="weight")
    per = (time.perf_counter() - start) / len(sample)
    record("synergy game table, n=20 (all 2^20 coalitions)", ours,
           "networkx per coalition", per * (1 << n), "extrapolated from 20,000")
    routes = surplus_routes(eco, margin=2.0)
    ours, game = timed(lambda: surplus_game(eco, margin=2.0))
    route_sets = [(frozenset(p), v) for p, v in zip(routes["path"], routes["value"])]
    start = time.perf_counter()
    for mask in sample[:5000]:  # the baseline: test every route against each coalition
        coalition = {members[i] for i in range(n) if mask >> i & 1}
        sum(v for p, v in route_sets if p <= coalition)
    per = (time.perf_counter() - start) / 5000
    record(f"surplus game table, n=20 ({len(routes)} routes)", ours,
           "itertools per coalition", per * (1 << n), "extrapolated from 5,000")
    ours, phi = timed(lambda: myerson(game, eco, flow="logistics"), repeat=1)
    edges = [(members.index(u), members.index(v)) for u, v, _ in eco.links(flow="logistics")]
    cg = coopgame.Game(game.values[1:].tolist())
    theirs, ref = timed(lambda: coopgame.myerson(cg, edges), repeat=1)
    assert np.allclose(phi.to_numpy(), ref, atol=1e-8)
    record("Myerson value, surplus game n=20", ours, "coopgame.myerson", theirs)
    unions = [list(range(k, min(k + 4, n))) for k in range(0, n, 4)]
    ours, phi = timed(lambda: owen(game, [[members[i] for i in u] for u in unions]))
    theirs, ref = timed(lambda: coopgame.owen(cg, unions))
    assert np.allclose(phi.to_numpy(), ref, atol=1e-8)
    record("Owen value, n=20, 5 unions of 4", ours, "coopgame.owen", theirs)


def bench_sampling():
    n = 1000
    rng = np.random.default_rng(7)
    dense = np.triu(rng.random((n, n)) * (rng.random((n, n)) < 0.01), 1)
    weight = sp.csr_array(dense + dense.T)

    def v(inside):
        x = inside.astype(float)
        return 0.5 * ((weight @ x.T).T * x).sum(axis=1)

    game = Game.from_function(range(n), v, vectorized=True, exact=False)
    exact = weight.sum(axis=1) / 2  # closed form: half the incident weights
    start = time.perf_counter()
    est = shapley_estimate(game, "permutation", tolerance=0.1, max_samples=400, seed=0)
    ours = time.perf_counter() - start
    within = np.mean(np.abs(est.value.to_numpy() - exact) <= 3 * est.stderr.to_numpy() + 1e-12)
    per_perm = ours / est.samples
    fn = coopgame.FunctionGame(n, lambda s: float(v(np.isin(np.arange(n), s)[None, :])[0]))
    start = time.perf_counter()
    coopgame.shapley_sampling(fn, 3, seed=0)
    theirs_per = (time.perf_counter() - start) / 3
    record(f"sampled Shapley, n=1000 synergy, {est.samples} perms", ours,
           "coopgame FunctionGame", theirs_per * est.samples,
           f"max stderr {est.stderr.max():.3f}, {within:.0%} within 3 s.e.; baseline "
           "extrapolated from 3 perms")
    quota_weights = rng.integers(1, 100, n).astype(float)
    quota = quota_weights.sum() / 2
    voting = Game.from_function(range(n), lambda m: ((m * quota_weights).sum(axis=1) >= quota)
                                .astype(float), vectorized=True, exact=False)
    start = time.perf_counter()
    vote = shapley_estimate(voting, "permutation", tolerance=2e-4, max_samples=3000, seed=0)
    ours = time.perf_counter() - start
    fn = coopgame.FunctionGame(n, lambda s: float(quota_weights[list(s)].sum() >= quota))
    start = time.perf_counter()
    coopgame.shapley_sampling(fn, 3, seed=0)
    theirs_per = (time.perf_counter() - start) / 3
    record(f"sampled Shapley, n=1000 weighted voting, {vote.samples} perms", ours,
           "coopgame FunctionGame", theirs_per * vote.samples,
           f"max stderr {vote.stderr.max():.2e}, sum {vote.value.sum():.3f}; baseline "
           "extrapolated from 3 perms")
    n = 60
    small = Game.from_function(range(n), lambda m: v(np.pad(m, ((0, 0), (0, 1000 - n)))),
                               vectorized=True, exact=False)
    start = time.perf_counter()
    strat = shapley_estimate(small, "stratified", tolerance=0.01, max_samples=200, seed=0)
    record(f"stratified Shapley, n=60, {strat.samples} per size",
           time.perf_counter() - start, "(none)", None,
           f"max stderr {strat.stderr.max():.4f}")


if __name__ == "__main__":
    print("ecosystem.benefit benchmark (ratio = baseline time / ecobelt time)")
    bench_exact_shapley()
    bench_nucleolus()
    bench_graph_tables()
    bench_sampling()
    print("\n| task | ecobelt (s) | baseline | baseline (s) | ratio | note |")
    print("|---|---|---|---|---|---|")
    for task, ours, name, theirs, ratio, note in ROWS:
        theirs_text = "" if theirs is None else f"{theirs:.4g}"
        ratio_text = "" if theirs is None else f"{ratio:.3g}"
        print(f"| {task} | {ours:.4g} | {name} | {theirs_text} | {ratio_text} | {note} |")
