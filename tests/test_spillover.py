"""Knowledge spillover (ecosystem.spillover)."""

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings, strategies as st

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.spillover import (heat, independent_cascade, influence_maximization,
                                 linear_threshold, spillover_pool)

RUNS = 20000


def _eco(members, links, role="online_shop"):
    eco = Ecosystem()
    for m in members:
        eco.add_member(m, role)
    for source, target, flow, attrs in links:
        eco.link(source, target, flow, **attrs)
    return eco


def _close(estimate, p, runs=RUNS):
    """Within 4 standard errors of the exact probability."""
    return abs(estimate - p) <= 4 * np.sqrt(p * (1 - p) / runs) + 1e-12


def test_cascade_chain_and_diamond_exact():
    """Independent cascade (Kempe et al. 2003): a chain gives p^2; a diamond 1-(1-p^2)^2."""
    p = 0.4
    chain = _eco("abc", [("a", "b", "technology", {}), ("b", "c", "technology", {})])
    result = independent_cascade(chain, "a", probability=p, runs=RUNS, seed=0)
    assert _close(result.adoption["b"], p) and _close(result.adoption["c"], p * p)
    assert result.adoption["a"] == 1.0
    diamond = _eco("abcd", [("a", "b", "technology", {}), ("a", "c", "technology", {}),
                            ("b", "d", "information", {}), ("c", "d", "information", {})])
    result = independent_cascade(diamond, "a", probability=p, runs=RUNS, seed=1)
    assert _close(result.adoption["d"], 1 - (1 - p * p) ** 2)
    adopted_d = result.time_to_adopt["d"]
    assert adopted_d == pytest.approx(2.0)


def test_cascade_combines_flows_and_weighted_cascade():
    """Two flows on one pair are independent tries: 1-(1-0.5)(1-0.5) = 0.75.
    Weighted cascade: the chance is the link's share of the target's incoming volume."""
    eco = _eco("ab", [("a", "b", "technology", {"reliability": 0.5}),
                      ("a", "b", "information", {"reliability": 0.5})])
    result = independent_cascade(eco, "a", probability="reliability", runs=RUNS, seed=2)
    assert _close(result.adoption["b"], 0.75)
    shares = _eco("abv", [("a", "v", "technology", {"volume": 1.0}),
                          ("b", "v", "technology", {"volume": 3.0})])
    result = independent_cascade(shares, "a", runs=RUNS, seed=3)
    assert _close(result.adoption["v"], 0.25)


def test_linear_threshold_exact_shares():
    """Linear threshold: P(adopt) = share of adopting in-neighbours (uniform thresholds)."""
    eco = _eco("abv", [("a", "v", "technology", {"volume": 1.0}),
                       ("b", "v", "technology", {"volume": 3.0})])
    assert _close(linear_threshold(eco, "a", runs=RUNS, seed=4).adoption["v"], 0.25)
    assert _close(linear_threshold(eco, "b", runs=RUNS, seed=5).adoption["v"], 0.75)
    assert linear_threshold(eco, ["a", "b"], runs=100, seed=6).adoption["v"] == 1.0


def test_results_are_reproducible_and_summaries_consistent():
    rng = np.random.default_rng(0)
    members = [f"m{i}" for i in range(30)]
    links = {(members[i], members[j]) for i, j in rng.integers(0, 30, (90, 2)) if i != j}
    eco = _eco(members, [(s, t, "technology", {}) for s, t in sorted(links)])
    a = independent_cascade(eco, "m0", probability=0.3, runs=500, seed=9)
    b = independent_cascade(eco, "m0", probability=0.3, runs=500, seed=9)
    assert a.adoption.equals(b.adoption) and a.curve.equals(b.curve)
    assert np.all(np.diff(a.curve["all"]) >= 0)
    assert a.curve["all"].iloc[-1] == pytest.approx(a.adoption.mean())
    assert a.by_ring.loc["core", "reach"] == pytest.approx(a.adoption.mean())
    assert a.by_role.loc["online_shop", "p_reached"] == 1.0


def test_heat_matches_matrix_exponential():
    """x(t) = expm(-r t L) x0 with L = D_in - A^T, checked against scipy.linalg.expm."""
    rng = np.random.default_rng(1)
    members = [f"m{i}" for i in range(8)]
    eco = _eco(members, [])
    a = np.zeros((8, 8))
    for i, j in rng.integers(0, 8, (20, 2)):
        if i != j and a[i, j] == 0:
            a[i, j] = rng.uniform(0.5, 2)
            eco.link(members[i], members[j], "technology", volume=float(a[i, j]))
    x0 = rng.uniform(0, 1, 8)
    laplacian = np.diag(a.sum(axis=0)) - a.T
    levels = heat(eco, dict(zip(members, x0)), times=[0.7, 2.0], rate=1.3)
    for t in (0.7, 2.0):
        assert np.allclose(levels.loc[t].to_numpy(), scipy.linalg.expm(-1.3 * t * laplacian) @ x0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.floats(0.1, 5)),
                min_size=1, max_size=15), st.floats(0.1, 10))
def test_heat_keeps_a_uniform_level(edges, t):
    eco = _eco([f"m{i}" for i in range(6)], [])
    for i, j, w in edges:
        if i != j and not eco.graph.has_edge(f"m{i}", f"m{j}", "technology"):
            eco.link(f"m{i}", f"m{j}", "technology", volume=w)
    levels = heat(eco, {f"m{i}": 1.0 for i in range(6)}, times=[t])
    assert np.allclose(levels.to_numpy(), 1.0)


def test_influence_maximization_picks_the_hub():
    members = ["hub", "x"] + [f"s{i}" for i in range(6)]
    links = [("hub", f"s{i}", "technology", {}) for i in range(6)] + [("x", "s0", "technology", {})]
    eco = _eco(members, links)
    picks = influence_maximization(eco, 2, probability=0.8, runs=300, seed=1)
    assert picks.index[0] == "hub"
    assert list(picks.columns) == ["gain", "spread"]
    assert picks["spread"].is_monotonic_increasing


def test_spillover_pool_hand_computed():
    """Jaffe (1986): S_i = sum_j P_ij R_j; identical technology sources give P = 1."""
    eco = _eco(["lab", "a", "b", "c"], [("lab", "a", "technology", {"volume": 2.0}),
                                        ("lab", "b", "technology", {"volume": 5.0})])
    eco.graph.nodes["a"]["rd"] = 3.0
    eco.graph.nodes["b"]["rd"] = 4.0
    pool = spillover_pool(eco)
    assert pool.loc["a", "pool"] == pytest.approx(4.0)
    assert pool.loc["b", "pool"] == pytest.approx(3.0)
    assert np.isnan(pool.loc["c", "pool"])


def test_errors():
    eco = _eco("ab", [("a", "b", "technology", {})])
    with pytest.raises(UnknownMemberError, match="zz"):
        independent_cascade(eco, "zz")
    with pytest.raises(ParameterError, match="runs"):
        linear_threshold(eco, "a", runs=0)
    with pytest.raises(ParameterError, match="probability"):
        independent_cascade(eco, "a", probability=1.5)
    with pytest.raises(ParameterError, match="reliability"):
        independent_cascade(eco, "a", probability="reliability")
    with pytest.raises(ParameterError, match="rate"):
        heat(eco, "a", rate=0)
    with pytest.raises(ParameterError, match="flow"):
        heat(eco, "a", flows=["gossip"])
    with pytest.raises(ParameterError, match="seed"):
        independent_cascade(eco, [])
