"""Cascade and threshold models against exact probabilities from brute-force enumeration.

Kempe, Kleinberg & Tardos (2003), Claim 2.3 and Theorem 2.5: the independent
cascade is a random "live-edge" graph in which each link is live with its
probability, independently; the linear threshold model is one in which each
member keeps at most one incoming link, link (u, v) with probability w_uv. In
both, a member adopts at step t exactly when its distance from the seeds over
live links is t. On graphs of a few members every live-edge graph can be
listed with its probability, which gives every quantity a Diffusion reports
exactly: its mean, and its variance for the Monte Carlo tolerance.

The oracle below is written from those definitions alone (itertools and a
breadth-first search over the listed links), sharing no code with
ecosystem.spillover.
"""

import itertools
import math
from collections import deque

import numpy as np
import pytest

from ecosystem import Ecosystem
from ecosystem.spillover import independent_cascade, influence_maximization, linear_threshold

RUNS = 20_000
FLOWS = ("technology", "information")
ROLES = [("online_shop", "core"), ("logistics", "sub_core"), ("research", "outer"),
         ("supplier", "core")]


def _random_case(seed, n=6, n_links=9):
    """A small ecosystem with mixed roles, some pairs joined by both flows."""
    rng = np.random.default_rng(seed)
    eco = Ecosystem()
    members = [f"m{i}" for i in range(n)]
    for i, m in enumerate(members):
        eco.add_member(m, ROLES[(i + seed) % len(ROLES)][0])
    links = set()
    while len(links) < n_links:
        u, v = rng.choice(n, 2, replace=False)
        links.add((members[u], members[v], FLOWS[rng.integers(2)]))
    for u, v, flow in sorted(links):
        eco.link(u, v, flow, volume=float(rng.integers(1, 5)),
                 reliability=float(rng.choice([0.2, 0.5, 0.7, 1.0])))
    return eco


def _distances(n, live, seeds):
    """BFS distances from the seeds over (u, v) pairs of member positions; inf if unreached."""
    out = [[] for _ in range(n)]
    for u, v in live:
        out[u].append(v)
    dist = [math.inf] * n
    queue = deque()
    for s in seeds:
        dist[s] = 0
        queue.append(s)
    while queue:
        u = queue.popleft()
        for v in out[u]:
            if dist[v] == math.inf:
                dist[v] = dist[u] + 1
                queue.append(v)
    return np.array(dist, dtype=float)


def _ic_outcomes(links):
    """(probability, live pairs) for every subset of the links (u, v, p)."""
    for pattern in itertools.product([False, True], repeat=len(links)):
        prob = 1.0
        live = []
        for on, (u, v, p) in zip(pattern, links):
            prob *= p if on else 1 - p
            if on:
                live.append((u, v))
        if prob > 0:
            yield prob, live


def _lt_outcomes(shares, n):
    """(probability, live pairs): each member keeps one incoming pair by its share, or none."""
    options = []
    for v in range(n):
        incoming = [(u, w) for (u, t), w in shares.items() if t == v]
        options.append([(None, 1 - sum(w for _, w in incoming))] + incoming)
    for choice in itertools.product(*options):
        prob = 1.0
        live = []
        for v, (u, w) in enumerate(choice):
            prob *= w
            if u is not None:
                live.append((u, v))
        if prob > 1e-15:
            yield prob, live


def _observables(dist, rings, roles, horizon):
    """Every quantity a Diffusion estimates, as one flat dict for one live-edge outcome."""
    adopted = np.isfinite(dist)
    values = {}
    for i in range(dist.size):
        values[("adoption", i)] = float(adopted[i])
        values[("step_x_adopted", i)] = dist[i] if adopted[i] else 0.0
    for t in range(horizon + 1):
        by_t = dist <= t
        values[("curve", "all", t)] = by_t.mean()
        for ring in set(rings):
            values[("curve", ring, t)] = by_t[rings == ring].mean()
        for role in set(roles):
            values[("role curve", role, t)] = by_t[roles == role].mean()
    for kind, labels in (("ring", rings), ("role", roles)):
        for label in set(labels):
            inside = labels == label
            values[(kind, label, "reach")] = adopted[inside].mean()
            values[(kind, label, "p_reached")] = float(adopted[inside].any())
            values[(kind, label, "first_x_reached")] = (dist[inside].min()
                                                        if adopted[inside].any() else 0.0)
    return values


def _exact(eco, outcomes, seeds, max_steps=None):
    """Exact mean and variance of every observable over the enumerated outcomes."""
    members = list(eco.graph)
    n = len(members)
    rings = np.array([eco.graph.nodes[m]["ring"] for m in members])
    roles = np.array([eco.graph.nodes[m]["role"] for m in members])
    first, second = {}, {}
    for prob, live in outcomes:
        dist = _distances(n, live, [members.index(s) for s in seeds])
        if max_steps is not None:
            dist[dist > max_steps] = math.inf
        for key, x in _observables(dist, rings, roles, n).items():
            first[key] = first.get(key, 0.0) + prob * x
            second[key] = second.get(key, 0.0) + prob * x * x
    return {key: (first[key], max(second[key] - first[key] ** 2, 0.0)) for key in first}


def _estimates(eco, result):
    """The same observables as estimated by a Diffusion."""
    members = list(eco.graph)
    values = {}
    for i, m in enumerate(members):
        values[("adoption", i)] = result.adoption[m]
        values[("step_x_adopted", i)] = (0.0 if result.adoption[m] == 0
                                         else result.time_to_adopt[m] * result.adoption[m])
    for name, table in (("curve", result.curve), ("role curve", result.curve_by_role)):
        curve = table.reindex(range(len(members) + 1)).ffill()
        for column in curve.columns:
            for t in curve.index:
                values[(name, column, t)] = curve.loc[t, column]
    for kind, table in (("ring", result.by_ring()), ("role", result.by_role())):
        for label, row in table.iterrows():
            values[(kind, label, "reach")] = row["reach"]
            values[(kind, label, "p_reached")] = row["p_reached"]
            values[(kind, label, "first_x_reached")] = (0.0 if row["p_reached"] == 0 else
                                                        row["time_to_reach"] * row["p_reached"])
    return values


def _assert_matches(exact, estimates, runs=RUNS):
    """Every estimate within 5 standard errors of the exact mean (exactly, if the variance is 0)."""
    assert set(exact) == set(estimates)
    worst = max(abs(estimates[key] - mean) / (np.sqrt(var / runs) + 1e-9)
                for key, (mean, var) in exact.items())
    for key, (mean, var) in exact.items():
        assert abs(estimates[key] - mean) <= 5 * np.sqrt(var / runs) + 1e-9, (key, mean,
                                                                             estimates[key], worst)


def _ic_links(eco, probability):
    """The (u, v, p) links the oracle flips: one per link, or one per pair (weighted cascade)."""
    members = list(eco.graph)
    edges = [(members.index(u), members.index(v), d) for u, v, d in eco.graph.edges(data=True)]
    if probability != "weighted_cascade":
        return [(u, v, probability if isinstance(probability, float) else d[probability])
                for u, v, d in edges]
    pair, incoming = {}, {}
    for u, v, d in edges:
        pair[(u, v)] = pair.get((u, v), 0.0) + d["volume"]
        incoming[v] = incoming.get(v, 0.0) + d["volume"]
    return [(u, v, w / incoming[v]) for (u, v), w in pair.items()]


def _lt_shares(eco):
    members = list(eco.graph)
    pair, incoming = {}, {}
    for u, v, d in eco.graph.edges(data=True):
        key = (members.index(u), members.index(v))
        pair[key] = pair.get(key, 0.0) + d["volume"]
        incoming[key[1]] = incoming.get(key[1], 0.0) + d["volume"]
    return {key: w / incoming[key[1]] for key, w in pair.items()}


@pytest.mark.parametrize("case", range(4))
@pytest.mark.parametrize("probability", [0.4, "reliability", "weighted_cascade"])
def test_independent_cascade_matches_enumeration(case, probability):
    """Independent cascade (Kempe et al. 2003, Claim 2.3): adoption, curves per ring and role,
    time to adopt, reach / p_reached / time_to_reach per ring and role, all against the exact
    values."""
    eco = _random_case(case)
    seeds = ["m0"] if case % 2 else ["m0", "m3"]
    exact = _exact(eco, _ic_outcomes(_ic_links(eco, probability)), seeds)
    result = independent_cascade(eco, seeds, flows=FLOWS, probability=probability,
                                 replications=RUNS, seed=case)
    _assert_matches(exact, _estimates(eco, result))


@pytest.mark.parametrize("case", range(4))
def test_linear_threshold_matches_enumeration(case):
    """Linear threshold (Kempe et al. 2003, Theorem 2.5) against the exact live-edge values."""
    eco = _random_case(10 + case)
    seeds = ["m1"] if case % 2 else ["m1", "m4"]
    exact = _exact(eco, _lt_outcomes(_lt_shares(eco), len(eco)), seeds)
    result = linear_threshold(eco, seeds, flows=FLOWS, replications=RUNS, seed=case)
    _assert_matches(exact, _estimates(eco, result))


def test_max_steps_cuts_the_spread_at_that_distance():
    """With max_steps = 1 only members at live distance <= 1 adopt."""
    eco = _random_case(3)
    exact = _exact(eco, _ic_outcomes(_ic_links(eco, 0.6)), ["m0"], max_steps=1)
    result = independent_cascade(eco, "m0", flows=FLOWS, probability=0.6, replications=RUNS,
                                 max_steps=1, seed=7)
    _assert_matches(exact, _estimates(eco, result))
    exact = _exact(eco, _lt_outcomes(_lt_shares(eco), len(eco)), ["m0"], max_steps=1)
    result = linear_threshold(eco, "m0", flows=FLOWS, replications=RUNS, max_steps=1, seed=8)
    _assert_matches(exact, _estimates(eco, result))


def test_the_oracle_itself_on_hand_computed_cases():
    """The enumeration reproduces two textbook values: a diamond a->{b,c}->d with p on every
    link gives P(d) = 1 - (1 - p^2)^2; threshold shares 1/4, 3/4 give P(v | a) = 1/4."""
    p = 0.3
    links = [(0, 1, p), (0, 2, p), (1, 3, p), (2, 3, p)]
    diamond = Ecosystem()
    for m in "abcd":
        diamond.add_member(m, "online_shop")
    exact = _exact(diamond, _ic_outcomes(links), ["a"])
    assert exact[("adoption", 3)][0] == pytest.approx(1 - (1 - p * p) ** 2)
    assert exact[("step_x_adopted", 3)][0] == pytest.approx(2 * (1 - (1 - p * p) ** 2))
    pair = Ecosystem()
    for m in "abv":
        pair.add_member(m, "online_shop")
    exact = _exact(pair, _lt_outcomes({(0, 2): 0.25, (1, 2): 0.75}, 3), ["a"])
    assert exact[("adoption", 2)][0] == pytest.approx(0.25)


def _exact_spread(eco, outcomes, seeds):
    return _exact(eco, outcomes, seeds)[("curve", "all", len(eco))][0] * len(eco)


@pytest.mark.parametrize("model", ["independent_cascade", "linear_threshold"])
def test_influence_maximization_is_the_exact_greedy(model):
    """Greedy seeding (Kempe et al. 2003, §2): the first pick maximises the exact expected
    spread, the second the exact marginal gain; reported spreads match the exact values."""
    eco = _random_case(21, n=7, n_links=10)
    members = list(eco.graph)
    if model == "independent_cascade":
        outcomes = list(_ic_outcomes(_ic_links(eco, 0.5)))
        options = {"probability": 0.5}
    else:
        outcomes = list(_lt_outcomes(_lt_shares(eco), len(eco)))
        options = {}
    single = {m: _exact_spread(eco, outcomes, [m]) for m in members}
    best = max(single, key=single.get)
    pairs = {m: _exact_spread(eco, outcomes, [best, m]) for m in members if m != best}
    second = max(pairs, key=pairs.get)
    # the test is only meaningful if the exact greedy choices are clear of Monte Carlo noise
    runs = 20_000
    assert sorted(single.values())[-1] - sorted(single.values())[-2] > 0.05
    assert sorted(pairs.values())[-1] - sorted(pairs.values())[-2] > 0.05
    picks = influence_maximization(eco, 2, model=model, members=members, replications=runs,
                                   seed=1, flows=FLOWS, **options)
    assert list(picks.index) == [best, second]
    assert picks["spread"].tolist() == pytest.approx([single[best], pairs[second]], abs=0.05)
    assert picks["gain"].sum() == pytest.approx(picks["spread"].iloc[-1])


def test_influence_maximization_with_a_step_limit():
    """With max_steps the score is the exact spread within that many steps, for each prefix of
    the chosen members."""
    eco = _random_case(5)
    members = list(eco.graph)
    outcomes = list(_ic_outcomes(_ic_links(eco, 0.7)))

    def within_one_step(seeds):
        return _exact(eco, outcomes, seeds, max_steps=1)[("curve", "all", len(eco))][0] * len(eco)

    single = {m: within_one_step([m]) for m in members}
    picks = influence_maximization(eco, 2, members=members, probability=0.7, max_steps=1,
                                   replications=20_000, flows=FLOWS)
    first, second = picks.index
    assert single[first] == pytest.approx(max(single.values()), abs=0.05)
    assert picks["spread"].tolist() == pytest.approx(
        [single[first], within_one_step([first, second])], abs=0.05)
    assert picks["gain"].cumsum().tolist() == pytest.approx(picks["spread"].tolist())


def test_threshold_live_edges_skip_members_with_zero_incoming_weight():
    """A member whose incoming links all weigh 0 keeps no live link and never adopts; the
    member next to it keeps its exact shares (b's spread is 1 + 1/2)."""
    eco = Ecosystem()
    for m in ["a", "b", "c", "v", "w"]:
        eco.add_member(m, "online_shop")
    eco.link("a", "v", "technology", volume=0.0)
    eco.link("b", "w", "technology", volume=1.0)
    eco.link("c", "w", "technology", volume=1.0)
    picks = influence_maximization(eco, 1, model="linear_threshold", members=["b"],
                                   replications=20_000, seed=3)
    assert picks["spread"].iloc[0] == pytest.approx(1.5, abs=5 * np.sqrt(0.25 / 20_000))
    assert linear_threshold(eco, "a", replications=1000, seed=0).adoption["v"] == 0.0
