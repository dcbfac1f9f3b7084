"""Benchmark ecosystem.benefit against coopgame-py (Rust) and plain itertools / networkx code.

Run: sh benchmarks/peers.sh, then .venv-peers/bin/python benchmarks/bench_benefit.py (needs
coopgame-py, import name `coopgame`, which peers.sh installs in its own environment, never the
project's; about 4 minutes on the 2-core machine). Every row times
ecobelt and its baseline in this process, wall and CPU seconds (time.process_time), best of
a few runs, and prints the ratio baseline / ecobelt (> 1: ecobelt is faster). Baselines
marked "extrapolated" were timed on a sample of coalitions and scaled to all of them.
Results are checked against the baseline before they are timed. The kernels use
elementwise numpy (no BLAS products), so BLAS threads are left as they are.
"""

from __future__ import annotations

import itertools
import math
import resource

import networkx as nx
import numpy as np
import scipy.sparse as sp

from _timing import Timing, header, load, timed
from ecosystem import Ecosystem
from ecosystem.benefit import (Game, banzhaf, least_core, myerson, nucleolus, owen, shapley,
                               shapley_estimate, sharing_game, surplus_game, surplus_routes,
                               synergy_game)
from ecosystem.benefit._bits import popcount, subset_sum, zeta_subsets

try:
    import coopgame
except ImportError:  # benchmark-only dependency: without it its rows run ecobelt alone
    coopgame = None

ROWS = []
NO_COOPGAME = "coopgame-py not installed: baseline skipped"


def record(task, ours: Timing, baseline_name="(none)", theirs: Timing | None = None, note=""):
    ROWS.append((task, ours, baseline_name, theirs, note))
    ratio = "" if theirs is None else (f"ratio {theirs.wall / ours.wall:8.2f} wall "
                                       f"{theirs.cpu / max(ours.cpu, 1e-6):8.2f} cpu")
    base = "" if theirs is None else f"{theirs.wall:9.4f}s ({theirs.cpu:.4f} cpu)"
    print(f"{task:<52} ecobelt {ours.wall:8.4f}s ({ours.cpu:.4f} cpu)  {baseline_name:<24} "
          f"{base} {ratio}  {note}", flush=True)


def against_coopgame(task, ours: Timing, solver: str, values, check, repeat=3, note="",
                     **options):
    """Time ``coopgame.<solver>`` on the table ``values``, check its answer, record the row."""
    if coopgame is None:
        record(task, ours, note=f"{note}; {NO_COOPGAME}" if note else NO_COOPGAME)
        return
    game = coopgame.Game(values[1:].tolist())
    theirs = timed(getattr(coopgame, solver), game, repeat=repeat, **options)
    assert check(theirs.result), (task, theirs.result)
    record(task, ours, f"coopgame.{solver}", theirs, note)


def random_table(n, seed=0):
    values = np.random.default_rng(seed).random(1 << n)
    values[0] = 0.0
    return values


# ------------------------------------------------------------------ exact values
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


def bench_exact_values():
    for n in (16, 20):
        values = random_table(n)
        game = Game(range(n), values)
        ours = timed(shapley, game, repeat=3)
        phi = ours.result.to_numpy()
        against_coopgame(f"exact Shapley from table, n={n}", ours, "shapley", values,
                         lambda ref: np.allclose(phi, ref))
        slow = timed(itertools_shapley, values.tolist(), n)
        assert np.allclose(phi, slow.result)
        record(f"exact Shapley from table, n={n}", ours, "itertools", slow)
        ours = timed(banzhaf, game, repeat=3)
        beta = ours.result.to_numpy()
        against_coopgame(f"Banzhaf from table, n={n}", ours, "banzhaf", values,
                         lambda ref: np.allclose(beta, ref))
    for n in (24, 26):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        values = random_table(n, seed=1)
        game = Game(range(n), values)
        ours = timed(shapley, game, repeat=2)
        assert abs(ours.result.sum() - values[-1]) < 1e-6
        peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) >> 10
        record(f"exact Shapley from table, n={n} ({values.nbytes >> 20} MiB table)", ours,
               note=f"peak RSS growth {peak} MiB (table included)")
        del game, values, ours


# ------------------------------------------------------------------ nucleolus, least core
def nucleolus_games(n=16, seed=3):
    rng = np.random.default_rng(seed)
    size = popcount(np.arange(1 << n, dtype=np.int64)).astype(float)
    w = rng.random(n) * 10
    unanimity = np.zeros(1 << n)
    unanimity[rng.integers(1, 1 << n, 300)] = rng.random(300)
    unanimity = zeta_subsets(unanimity, n) + subset_sum(w)
    random = rng.random(1 << n) * size
    random[0], random[-1] = 0.0, n  # v(N) = n: imputations exist
    votes = rng.integers(1, 10, n).astype(float)
    claims = rng.integers(1, 100, n).astype(float)
    left = subset_sum(np.r_[np.ones(7), np.zeros(n - 7)])
    return {"convex w(S)^2": subset_sum(w) ** 2 / 10,
            "convex unanimity sum": unanimity,
            "random v(S) ~ U(0, |S|)": random,
            "weighted voting (quota half)": (subset_sum(votes) >= votes.sum() / 2) * 1.0,
            "bankruptcy, estate 40% of claims": np.maximum(
                0.0, 0.4 * claims.sum() - (claims.sum() - subset_sum(claims))),
            "glove market 7 left / 9 right": np.minimum(left, size - left)}


def bench_nucleolus():
    for label, values in nucleolus_games().items():
        game = Game(range(16), values)
        ours = timed(nucleolus, game, repeat=2)
        x = ours.result.to_numpy()
        against_coopgame(f"nucleolus n=16 {label}", ours, "nucleolus", values,
                         lambda ref: np.allclose(x, ref["allocation"], atol=1e-6), repeat=2,
                         note=f"{len(ours.result.attrs['levels'])} LP levels, Kohlberg-checked")
    values = nucleolus_games()["random v(S) ~ U(0, |S|)"]
    game = Game(range(16), values)
    ours = timed(least_core, game, imputations=True, repeat=3)
    epsilon = ours.result.epsilon

    def same_epsilon(ref):
        return abs(epsilon - (ref["epsilon"] if isinstance(ref, dict) else ref[0])) < 1e-6

    against_coopgame("least core over imputations, n=16 random", ours, "least_core", values,
                     same_epsilon)


# ------------------------------------------------------------------ graph games
def chain_ecosystem(n_members, seed=0):
    """Suppliers -> cross-border firms -> platforms/carriers -> markets, n members."""
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


def networkx_max_flow_value(eco, coalition, margin):
    """One coalition's max-flow surplus with networkx (every route here is profitable).
    Costs go in as integer cents: networkx's network simplex needs integer weights."""
    graph = nx.DiGraph()
    for u, v, _, d in eco.links(flow="logistics", data=True):
        if u in coalition and v in coalition:
            graph.add_edge(u, v, capacity=d.get("capacity", d["volume"]),
                           weight=round(100 * d.get("unit_cost", 0.0)))
    for m in coalition:
        role = eco.member(m)["role"]
        if role == "supplier" and m in graph:
            graph.add_edge("source", m)
        if role == "market" and m in graph:
            graph.add_edge(m, "sink")
    if "source" not in graph or "sink" not in graph:
        return 0.0
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    return margin * sum(flow["source"].values()) - nx.cost_of_flow(graph, flow) / 100


def bench_graph_games():
    eco = chain_ecosystem(20)
    n = len(eco)
    members = eco.members()
    sample = np.random.default_rng(0).integers(0, 1 << n, 20_000)
    ours = timed(synergy_game, eco, repeat=3)
    graph = nx.Graph()
    graph.add_nodes_from(members)
    for u, v, _, d in eco.links(data=True):
        w = graph.edges[u, v]["weight"] if graph.has_edge(u, v) else 0.0
        graph.add_edge(u, v, weight=w + d["volume"])

    def networkx_synergy():
        for mask in sample:  # the baseline: one networkx call per coalition
            graph.subgraph([members[i] for i in range(n) if mask >> i & 1]).size(weight="weight")

    record("synergy game table, n=20 (all 2^20 coalitions)", ours, "networkx per coalition",
           timed(networkx_synergy).scaled((1 << n) / len(sample)), "extrapolated from 20,000")
    routes = surplus_routes(eco, margin=2.0)
    ours = timed(surplus_game, eco, margin=2.0, repeat=3)
    game = ours.result
    route_sets = [(frozenset(p), v) for p, v in zip(routes["path"], routes["value"])]

    def itertools_surplus():
        for mask in sample[:5000]:  # the baseline: test every route against each coalition
            coalition = {members[i] for i in range(n) if mask >> i & 1}
            sum(v for p, v in route_sets if p <= coalition)

    record(f"surplus game table, n=20 ({len(routes)} routes)", ours,
           "itertools per coalition", timed(itertools_surplus).scaled((1 << n) / 5000),
           "extrapolated from 5,000")
    for size in (12, 16, 20):
        small = chain_ecosystem(size)
        ours = timed(surplus_game, small, margin=2.0, routing="max_flow")
        names = small.members()
        picks = np.random.default_rng(1).integers(0, 1 << size, 200)

        def networkx_max_flows():
            for mask in picks:  # the baseline: one networkx min-cost max-flow per coalition
                coalition = {names[i] for i in range(size) if mask >> i & 1}
                expected = networkx_max_flow_value(small, coalition, 2.0)
                assert abs(ours.result.values[mask] - expected) < 1e-6, (coalition, expected)

        record(f"max-flow surplus table, n={size}", ours, "networkx per coalition",
               timed(networkx_max_flows).scaled((1 << size) / len(picks)),
               "extrapolated from 200 (values checked)")
    bench_sharing_game()
    ours = timed(myerson, game, eco, flow="logistics", repeat=2)
    phi = ours.result.to_numpy()
    edges = [(members.index(u), members.index(v)) for u, v, _ in eco.links(flow="logistics")]
    against_coopgame("Myerson value, surplus game n=20", ours, "myerson", game.values,
                     lambda ref: np.allclose(phi, ref, atol=1e-8), repeat=2, edges=edges)
    for sizes in ((4, 4, 4, 4, 4), (16, 4)):
        bounds = np.cumsum((0,) + sizes)
        unions = [list(range(a, b)) for a, b in zip(bounds, bounds[1:])]
        ours = timed(owen, game, [[members[i] for i in u] for u in unions], repeat=3)
        phi = ours.result.to_numpy()
        against_coopgame(f"Owen value, n=20, unions of {'+'.join(map(str, sizes))}", ours,
                         "owen", game.values, lambda ref: np.allclose(phi, ref, atol=1e-8),
                         unions=unions)


def bench_sharing_game(stages=10):
    """The information-sharing game: one exact bullwhip cost per coalition either way."""
    from ecosystem import bullwhip
    options = dict(lead_time=2, window=4, sigma=10.0)
    ours = timed(sharing_game, stages, **options)
    picks = np.random.default_rng(2).integers(1, 1 << stages, 100)

    def savings_per_coalition():
        for mask in picks:  # the baseline: bullwhip.sharing_savings per coalition
            coalition = {k + 1 for k in range(stages) if mask >> k & 1}
            value = bullwhip.sharing_savings(stages, coalition, **options)
            assert abs(ours.result.values[mask] - value) < 1e-9 * max(1.0, abs(value))

    record(f"sharing game table, {stages} stages", ours, "sharing_savings per coalition",
           timed(savings_per_coalition).scaled((1 << stages) / len(picks)),
           "extrapolated from 100 (values checked)")


# ------------------------------------------------------------------ sampling
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
    ours = timed(shapley_estimate, game, "permutation", tol=0.1, replications=400, seed=0)
    est = ours.result
    within = np.mean(np.abs(est.value.to_numpy() - exact) <= 3 * est.stderr.to_numpy() + 1e-12)
    sampled_against_coopgame(
        f"sampled Shapley, n=1000 synergy, {est.samples} perms", ours, n,
        lambda s: float(v(np.isin(np.arange(n), s)[None, :])[0]),
        f"max stderr {est.stderr.max():.3f}, {within:.0%} within 3 s.e. of the closed form")
    quota_weights = rng.integers(1, 100, n).astype(float)
    quota = quota_weights.sum() / 2
    voting = Game.from_function(range(n), lambda m: ((m * quota_weights).sum(axis=1) >= quota)
                                .astype(float), vectorized=True, exact=False)
    ours = timed(shapley_estimate, voting, "permutation", tol=2e-4, replications=3000,
                 seed=0)
    vote = ours.result
    sampled_against_coopgame(
        f"sampled Shapley, n=1000 weighted voting, {vote.samples} perms", ours, n,
        lambda s: float(quota_weights[list(s)].sum() >= quota),
        f"max stderr {vote.stderr.max():.2e}, sum {vote.value.sum():.3f}")
    n = 60
    small = Game.from_function(range(n), lambda m: v(np.pad(m, ((0, 0), (0, 1000 - n)))),
                               vectorized=True, exact=False)
    ours = timed(shapley_estimate, small, "stratified", tol=0.01, replications=200, seed=0)
    strat = ours.result
    record(f"stratified Shapley, n=60, {strat.samples} per size", ours,
           note=f"max stderr {strat.stderr.max():.4f}")


def sampled_against_coopgame(task, ours: Timing, n, value, note):
    """coopgame's permutation sampling on a Python value function, timed on 3 permutations
    and extrapolated to as many as ecobelt drew."""
    if coopgame is None:
        record(task, ours, note=f"{note}; {NO_COOPGAME}")
        return
    game = coopgame.FunctionGame(n, value)
    per = timed(coopgame.shapley_sampling, game, 3, seed=0)
    record(task, ours, "coopgame FunctionGame", per.scaled(ours.result.samples / 3),
           f"{note}; baseline extrapolated from 3 perms")


if __name__ == "__main__":
    print(header("ecosystem.benefit benchmark", "scipy", "networkx", "coopgame-py"))
    if coopgame is None:
        print(f"{NO_COOPGAME} (sh benchmarks/peers.sh, then run with .venv-peers/bin/python): "
              "ecobelt's rows only")
    bench_exact_values()
    bench_nucleolus()
    bench_graph_games()
    bench_sampling()
    print(f"at the end: {load()}")
    print("\n| task | ecobelt s wall (CPU) | baseline | baseline s wall (CPU) | "
          "baseline / ecobelt wall (CPU) | note |")
    print("|---|---|---|---|---|---|")
    for task, ours, name, theirs, note in ROWS:
        base = "-" if theirs is None else f"{theirs.wall:.4g} ({theirs.cpu:.4g})"
        ratio = "-" if theirs is None else (f"{theirs.wall / ours.wall:.3g} "
                                            f"({theirs.cpu / max(ours.cpu, 1e-6):.3g})")
        print(f"| {task} | {ours.wall:.4g} ({ours.cpu:.4g}) | {name} | {base} | {ratio} | "
              f"{note} |")
