"""Knowledge spillover (ecosystem.spillover): closed forms, invariants, heat, Jaffe pool, CLI.

Exact probabilities of the cascade and threshold models on small graphs are in
test_spillover_exact.py (brute-force enumeration of live-edge graphs).
"""

import io

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from hypothesis import given, settings, strategies as st

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.cli import main
from ecosystem.spillover import _heat
from ecosystem.spillover import (heat, independent_cascade, influence_maximization, laplacian,
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
    """Within 5 standard errors of the exact probability."""
    return abs(estimate - p) <= 5 * np.sqrt(p * (1 - p) / runs) + 1e-12


# a random directed graph on up to 7 members, links in either flow, volumes > 0
graphs = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.sampled_from(
    ["technology", "information"]), st.floats(0.1, 5.0)), min_size=0, max_size=20)


def _graph_eco(links, roles=("online_shop", "logistics", "research")):
    eco = Ecosystem()
    for i in range(7):
        eco.add_member(f"m{i}", roles[i % len(roles)])
    for u, v, flow, w in links:
        if not eco.graph.has_edge(f"m{u}", f"m{v}", flow):
            eco.link(f"m{u}", f"m{v}", flow, volume=w)
    return eco


def test_cascade_chain_and_diamond_closed_forms():
    """Independent cascade (Kempe et al. 2003): a chain gives p^2; a diamond 1-(1-p^2)^2,
    reached at step 2."""
    p = 0.4
    chain = _eco("abc", [("a", "b", "technology", {}), ("b", "c", "technology", {})])
    result = independent_cascade(chain, "a", probability=p, replications=RUNS, seed=0)
    assert _close(result.adoption["b"], p) and _close(result.adoption["c"], p * p)
    assert result.adoption["a"] == 1.0 and result.time_to_adopt["a"] == 0.0
    diamond = _eco("abcd", [("a", "b", "technology", {}), ("a", "c", "technology", {}),
                            ("b", "d", "information", {}), ("c", "d", "information", {})])
    result = independent_cascade(diamond, "a", probability=p, replications=RUNS, seed=1)
    assert _close(result.adoption["d"], 1 - (1 - p * p) ** 2)
    assert result.time_to_adopt["d"] == 2.0


def test_cascade_two_flows_on_one_pair_are_two_tries():
    """A number or an attribute is a chance per link: two flows on one pair give
    1 - (1 - p)^2. Weighted cascade: the pair's share of the target's incoming volume."""
    both = [("a", "b", "technology", {"reliability": 0.5, "volume": 1.0}),
            ("a", "b", "information", {"reliability": 0.5, "volume": 1.0})]
    eco = _eco("abc", both + [("c", "b", "technology", {"volume": 2.0, "reliability": 0.0})])
    assert _close(independent_cascade(eco, "a", probability="reliability", replications=RUNS,
                                      seed=2).adoption["b"], 0.75)
    assert _close(independent_cascade(eco, "a", probability=0.5, replications=RUNS,
                                      seed=3).adoption["b"], 0.75)
    assert _close(independent_cascade(eco, "a", replications=RUNS, seed=4).adoption["b"], 0.5)
    only_tech = independent_cascade(eco, "a", flows="technology", probability=0.5,
                                    replications=RUNS, seed=5)
    assert _close(only_tech.adoption["b"], 0.5)


def test_linear_threshold_exact_shares():
    """Linear threshold: P(adopt) = share of adopting in-neighbours (uniform thresholds)."""
    eco = _eco("abv", [("a", "v", "technology", {"volume": 1.0}),
                       ("b", "v", "technology", {"volume": 3.0})])
    assert _close(linear_threshold(eco, "a", replications=RUNS, seed=4).adoption["v"], 0.25)
    assert _close(linear_threshold(eco, "b", replications=RUNS, seed=5).adoption["v"], 0.75)
    assert linear_threshold(eco, ["a", "b"], replications=100, seed=6).adoption["v"] == 1.0
    unweighted = linear_threshold(eco, "a", weight="no_such_attribute", replications=RUNS, seed=7)
    assert _close(unweighted.adoption["v"], 0.5)  # missing weights count 1


@settings(max_examples=40)
@given(graphs, st.sets(st.integers(0, 6), min_size=1, max_size=3))
def test_sure_cascade_is_breadth_first_search(links, seeds):
    """With probability 1 every reachable member adopts, at its shortest-path distance."""
    eco = _graph_eco(links)
    names = [f"m{s}" for s in sorted(seeds)]
    result = independent_cascade(eco, names, probability=1.0, replications=3, seed=0)
    graph = nx.DiGraph([(u, v) for u, v, _ in eco.graph.edges(keys=True) if u != v])
    graph.add_nodes_from(eco.graph)
    distance = nx.multi_source_dijkstra_path_length(graph, set(names))
    expected = pd.Series({m: float(m in distance) for m in eco.graph})
    pd.testing.assert_series_equal(result.adoption, expected, check_names=False)
    times = pd.Series({m: float(distance[m]) if m in distance else np.nan for m in eco.graph})
    pd.testing.assert_series_equal(result.time_to_adopt, times, check_names=False)
    assert len(result.curve) == max(distance.values()) + 1
    nothing = independent_cascade(eco, names, probability=0.0, replications=3, seed=0)
    assert nothing.expected_spread == len(names)


@settings(max_examples=40)
@given(graphs, st.sets(st.integers(0, 6), min_size=1, max_size=3), st.integers(0, 2**16))
def test_threshold_lies_between_full_in_closure_and_reachability(links, seeds, seed):
    """Linear threshold: a member all of whose in-neighbours adopted surely adopts (shares add
    to 1 > threshold); a member the seeds cannot reach never does."""
    eco = _graph_eco(links)
    names = {f"m{s}" for s in seeds}
    result = linear_threshold(eco, sorted(names), replications=50, seed=seed)
    graph = nx.DiGraph([(u, v) for u, v, _ in eco.graph.edges(keys=True) if u != v])
    graph.add_nodes_from(eco.graph)
    surely = set(names)
    grew = True
    while grew:
        grown = {v for v in graph if graph.in_degree(v) and set(graph.predecessors(v)) <= surely}
        grew = not grown <= surely
        surely |= grown
    reachable = set(names).union(*(nx.descendants(graph, s) for s in names))
    assert (result.adoption[sorted(surely)] == 1.0).all()
    assert (result.adoption.drop(sorted(reachable)) == 0.0).all()


@settings(max_examples=30)
@given(graphs, st.integers(0, 6), st.sampled_from(["cascade", "threshold"]))
def test_summaries_are_consistent(links, source, model):
    """The curve rises from the seeds' share to the mean adoption; a ring's reach is the mean
    adoption of its members; p_reached is at least the largest adoption in the group."""
    eco = _graph_eco(links)
    run = independent_cascade if model == "cascade" else linear_threshold
    result = run(eco, f"m{source}", replications=200, seed=1)
    curve = result.curve["all"].to_numpy()
    assert curve[0] == pytest.approx(1 / 7) and np.all(np.diff(curve) >= -1e-12)
    assert curve[-1] == pytest.approx(result.adoption.mean())
    rings = pd.Series({m: d["ring"] for m, d in eco.graph.nodes(data=True)})
    roles = pd.Series({m: d["role"] for m, d in eco.graph.nodes(data=True)})
    for labels, table in ((rings, result.by_ring()), (roles, result.by_role())):
        mean = result.adoption.groupby(labels).mean()
        pd.testing.assert_series_equal(table["reach"], mean.rename("reach"), check_names=False)
        assert (table["p_reached"] >= result.adoption.groupby(labels).max() - 1e-12).all()
        assert (table["members"] == labels.value_counts().reindex(table.index)).all()
    for ring in result.curve.columns.drop("all"):
        assert result.curve[ring].iloc[-1] == pytest.approx(result.by_ring().loc[ring, "reach"])
    assert result.curve_by_role.index.equals(result.curve.index)
    pd.testing.assert_series_equal(result.curve_by_role.iloc[-1], result.by_role()["reach"],
                                   check_names=False)


def test_reproducible_with_a_seed_or_a_generator_and_over_chunks():
    rng = np.random.default_rng(0)
    members = [f"m{i}" for i in range(30)]
    links = {(members[i], members[j]) for i, j in rng.integers(0, 30, (90, 2)) if i != j}
    eco = _eco(members, [(s, t, "technology", {}) for s, t in sorted(links)])
    a = independent_cascade(eco, "m0", probability=0.3, replications=500, seed=9)
    b = independent_cascade(eco, "m0", probability=0.3, replications=500,
                            seed=np.random.default_rng(9))
    assert a.adoption.equals(b.adoption) and a.curve.equals(b.curve)
    c = independent_cascade(eco, "m0", probability=0.3, replications=500, seed=10)
    assert not a.adoption.equals(c.adoption)
    # 40,000 runs of 30 members span more than one chunk of simulated cells
    many = linear_threshold(eco, "m0", replications=40_000, seed=1)
    few = linear_threshold(eco, "m0", replications=2_000, seed=2)
    assert np.abs(many.adoption - few.adoption).max() < 0.06


def test_heat_matches_matrix_exponential():
    """x(t) = expm(-r t L) x0 with L = D_in - A^T over the summed layers, against
    scipy.linalg.expm; times in any order, with repeats."""
    rng = np.random.default_rng(1)
    members = [f"m{i}" for i in range(8)]
    eco = _eco(members, [])
    a = np.zeros((8, 8))
    for i, j in rng.integers(0, 8, (24, 2)):
        flow = ["technology", "information"][int(rng.integers(2))]
        if i != j and not eco.graph.has_edge(members[i], members[j], flow):
            w = rng.uniform(0.5, 2)
            a[i, j] += w
            eco.link(members[i], members[j], flow, volume=float(w))
    x0 = rng.uniform(0, 1, 8)
    lap = np.diag(a.sum(axis=0)) - a.T
    assert np.allclose(laplacian(eco).toarray(), lap)
    times = [2.0, 0.7, 0.0, 2.0]
    levels = heat(eco, dict(zip(members, x0)), times=times, rate=1.3)
    assert levels.index.tolist() == times
    for k, t in enumerate(times):
        assert np.allclose(levels.iloc[k].to_numpy(), scipy.linalg.expm(-1.3 * t * lap) @ x0,
                           atol=1e-12)


def test_heat_stiff_volumes_and_normalized_laplacian_against_expm():
    """Volumes from 1 to 10^5 make ||L|| t large (the implicit-integrator path); the
    normalized Laplacian I' - W^T uses in-shares. Both against scipy.linalg.expm."""
    rng = np.random.default_rng(4)
    members = [f"m{i}" for i in range(12)]
    eco = _eco(members, [])
    a = np.zeros((12, 12))
    for i, j in rng.integers(0, 12, (40, 2)):
        if i != j and a[i, j] == 0:
            a[i, j] = 10 ** rng.uniform(0, 5)
            eco.link(members[i], members[j], "technology", volume=float(a[i, j]))
    x0 = rng.uniform(-1, 1, 12)
    start = dict(zip(members, x0))
    lap = np.diag(a.sum(axis=0)) - a.T
    times = [0.0, 0.3, 4.0]
    # these volumes do take the stiff path; the normalized Laplacian below does not
    assert _heat._norm_bound(-laplacian(eco).tocsc()) * 4.0 > _heat._STIFF
    assert _heat._norm_bound(-laplacian(eco, normalized=True).tocsc()) * 4.0 < _heat._STIFF
    levels = heat(eco, start, times=times)
    for k, t in enumerate(times):
        assert np.allclose(levels.iloc[k].to_numpy(), scipy.linalg.expm(-t * lap) @ x0,
                           rtol=0, atol=1e-8)
    incoming = a.sum(axis=0)
    shares = np.divide(a, incoming, out=np.zeros_like(a), where=incoming > 0)
    normalized = np.diag((incoming > 0).astype(float)) - shares.T
    assert np.allclose(laplacian(eco, normalized=True).toarray(), normalized)
    levels = heat(eco, start, times=times, normalized=True, rate=0.7)
    for k, t in enumerate(times):
        assert np.allclose(levels.iloc[k].to_numpy(),
                           scipy.linalg.expm(-0.7 * t * normalized) @ x0, rtol=0, atol=1e-12)
    # the normalized levels do not depend on the volumes' units
    thousandfold = _eco(members, [(u, v, "technology", {"volume": d["volume"] * 1000})
                                  for u, v, d in eco.graph.edges(data=True)])
    assert np.allclose(heat(thousandfold, start, times=times, normalized=True, rate=0.7),
                       levels, rtol=0, atol=1e-12)


@settings(max_examples=30)
@given(graphs, st.lists(st.floats(-5, 5), min_size=7, max_size=7), st.floats(0.01, 20))
def test_heat_maximum_principle_and_uniform_level(links, x0, t):
    """Levels stay within [min x0, max x0]; a uniform level stays put."""
    eco = _graph_eco(links)
    start = {f"m{i}": x for i, x in enumerate(x0)}
    levels = heat(eco, start, times=[t]).to_numpy()
    assert levels.min() >= min(x0) - 1e-9 and levels.max() <= max(x0) + 1e-9
    assert np.allclose(heat(eco, dict.fromkeys(start, 2.5), times=[t]).to_numpy(), 2.5)


@settings(max_examples=30)
@given(graphs, st.floats(0.01, 10))
def test_heat_conserves_the_total_on_two_way_links(links, t):
    """With every link matched by an equal one back (a symmetric layer), L is symmetric and
    its columns sum to 0: the total level is conserved."""
    eco = _graph_eco([])
    for u, v, _, w in links:
        if u != v and not eco.graph.has_edge(f"m{u}", f"m{v}", "technology"):
            eco.link(f"m{u}", f"m{v}", "technology", volume=w)
            eco.link(f"m{v}", f"m{u}", "technology", volume=w)
    levels = heat(eco, ["m0", "m3"], times=[t], flows="technology")
    assert levels.to_numpy().sum() == pytest.approx(2.0)


def test_heat_does_not_depend_on_numpys_global_random_state():
    """scipy's 1-norm estimator draws from numpy's global generator. On this pair the
    estimate of ||L^p||_1 is 0 for every +-1 vector with equal entries (the columns cancel):
    the levels once came out NaN or wrong for some global seeds."""
    eco = _graph_eco([])
    eco.link("m0", "m2", "technology", volume=630.9)
    eco.link("m2", "m0", "technology", volume=630.9)
    # the exact bound: ||L||_1 = 2 x 630.9 and L^p = 2^(p-1) L, so min_p is p = 1
    assert _heat._norm_bound(-laplacian(eco).tocsc()) == pytest.approx(2 * 630.9)
    runs = []
    for seed in range(6):
        np.random.seed(seed)
        runs.append(heat(eco, ["m0", "m3"], times=[0.3, 5.28], flows="technology").to_numpy())
        after = np.random.random()
        np.random.seed(seed)
        assert after == np.random.random()  # the caller's global state is put back
    assert all(np.array_equal(runs[0], run) for run in runs)
    # m0 and m2 share their level at once (rate 1261.8); m3 has no link and keeps its 1
    expected = np.array([0.5, 0.0, 0.5, 1.0, 0.0, 0.0, 0.0])
    assert np.allclose(runs[0], [expected, expected], rtol=0, atol=1e-9)


def test_spillover_pool_against_jaffes_formula():
    """Jaffe (1986): S_i = sum_{j != i} P_ij R_j with P_ij = F_i.F_j / sqrt(F_i.F_i F_j.F_j),
    F_i the member's technology inflows by source; computed here by hand."""
    eco = _eco(["lab", "uni", "a", "b", "c", "d"], [
        ("lab", "a", "technology", {"volume": 2.0}), ("lab", "b", "technology", {"volume": 1.0}),
        ("uni", "b", "technology", {"volume": 3.0}), ("uni", "c", "technology", {"volume": 4.0}),
        ("lab", "d", "information", {"volume": 9.0})])
    for member, rd in {"a": 3.0, "b": 4.0, "c": 5.0, "d": 7.0, "lab": 11.0}.items():
        eco.graph.nodes[member]["rd"] = rd
    pool = spillover_pool(eco)
    f = {"a": np.array([2.0, 0.0]), "b": np.array([1.0, 3.0]), "c": np.array([0.0, 4.0])}
    rd = {"a": 3.0, "b": 4.0, "c": 5.0}

    def proximity(i, j):
        return f[i] @ f[j] / np.sqrt((f[i] @ f[i]) * (f[j] @ f[j]))

    for i in f:
        expected = sum(proximity(i, j) * rd[j] for j in f if j != i)
        assert pool.loc[i, "pool"] == pytest.approx(expected)
    assert pool.loc["a", "pool"] == pytest.approx(4 / np.sqrt(10))  # P_ac = 0
    # no technology inflow: no proximity, so no pool, and d's research reaches nobody
    assert pool.loc[["lab", "uni", "d"], "pool"].isna().all()
    assert pool["research"].tolist() == [11.0, 0.0, 3.0, 4.0, 5.0, 7.0]
    # the information layer as well gives d a profile (lab's information), but information
    # and technology are different resources in different units (never added): d's profile
    # shares no column with the others, so d's pool is 0 and theirs unchanged
    both = spillover_pool(eco, flow=["technology", "information"])
    assert both.loc["d", "pool"] == 0.0
    assert both.loc["a", "pool"] == pytest.approx(4 / np.sqrt(10))


@settings(max_examples=30)
@given(st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3), min_size=2, max_size=6),
       st.lists(st.floats(0, 10), min_size=6, max_size=6), st.floats(0.1, 10))
def test_spillover_pool_properties(rows, effort, scale):
    """The pool is linear in R, unchanged when a member's profile is scaled (proximity uses
    shares only), and 0 for everyone when R is 0."""
    table = pd.DataFrame(rows, index=[f"m{i}" for i in range(len(rows))], columns=list("xyz"),
                         dtype=float)
    eco = _eco(list(table.index), [])
    research = dict(zip(table.index, effort))
    base = spillover_pool(eco, research, technology=table)["pool"]
    has = table.sum(axis=1) > 0
    assert base[has].notna().all() and base[~has].isna().all()
    doubled = spillover_pool(eco, {m: 2 * r for m, r in research.items()}, technology=table)
    assert np.allclose(doubled["pool"][has], 2 * base[has])
    scaled = table.copy()
    scaled.iloc[0] *= scale
    assert np.allclose(spillover_pool(eco, research, technology=scaled)["pool"][has],
                       base[has])
    zero = spillover_pool(eco, dict.fromkeys(table.index, 0.0), technology=table)
    assert (zero["pool"][has] == 0).all()


def test_influence_maximization_picks_the_hub_then_the_other_branch():
    members = ["hub", "x", "y"] + [f"s{i}" for i in range(6)] + ["t0", "t1"]
    links = ([("hub", f"s{i}", "technology", {}) for i in range(6)]
             + [("x", "s0", "technology", {}), ("y", "t0", "technology", {}),
                ("y", "t1", "technology", {})])
    eco = _eco(members, links)
    picks = influence_maximization(eco, 2, probability=1.0, replications=10, seed=1)
    assert list(picks.index) == ["hub", "y"]
    assert picks["gain"].tolist() == [7.0, 3.0] and picks["spread"].tolist() == [7.0, 10.0]
    only = influence_maximization(eco, 1, members=["x", "y"], probability=1.0, replications=5)
    assert list(only.index) == ["y"]


def test_errors():
    eco = _eco("ab", [("a", "b", "technology", {})])
    with pytest.raises(UnknownMemberError, match="zz"):
        independent_cascade(eco, "zz")
    with pytest.raises(ParameterError, match="at least one starting member"):
        independent_cascade(eco, [])
    with pytest.raises(ParameterError, match="replications must be a positive integer"):
        linear_threshold(eco, "a", replications=0)
    with pytest.raises(ParameterError, match="max_steps"):
        linear_threshold(eco, "a", max_steps=-1)
    with pytest.raises(ParameterError, match="probability"):
        independent_cascade(eco, "a", probability=1.5)
    with pytest.raises(ParameterError, match="'reliability'.*'a' -> 'b' has no value"):
        independent_cascade(eco, "a", probability="reliability")
    with pytest.raises(ParameterError, match="at least one flow"):
        independent_cascade(eco, "a", flows=[])
    with pytest.raises(ParameterError, match="flow 'gossip'"):
        heat(eco, "a", flows=["gossip"])
    with pytest.raises(ParameterError, match="rate"):
        heat(eco, "a", rate=0)
    with pytest.raises(ParameterError, match="times"):
        heat(eco, "a", times=[-1.0])
    with pytest.raises(ParameterError, match="initial level of 'a'"):
        heat(eco, {"a": float("nan")})
    with pytest.raises(UnknownMemberError, match="zz"):
        heat(eco, {"zz": 1.0})
    eco.graph.edges["a", "b", "technology"]["volume"] = -1.0
    with pytest.raises(ParameterError, match="volume=-1.0"):
        linear_threshold(eco, "a")
    eco.graph.edges["a", "b", "technology"]["volume"] = 1.0
    with pytest.raises(ParameterError, match="k must be"):
        influence_maximization(eco, 0)
    with pytest.raises(ParameterError, match="only 1 candidate"):
        influence_maximization(eco, 2)
    with pytest.raises(UnknownMemberError, match="zz"):
        influence_maximization(eco, 1, members=["zz"])
    with pytest.raises(ParameterError, match="model"):
        influence_maximization(eco, 1, model="sir")
    with pytest.raises(ParameterError, match="weight="):
        influence_maximization(eco, 1, model="linear_threshold", probability=0.3)
    with pytest.raises(UnknownMemberError, match="zz"):
        spillover_pool(eco, {"zz": 1.0})
    with pytest.raises(ParameterError, match="'a' has -2"):
        spillover_pool(eco, {"a": -2.0})
    with pytest.raises(ParameterError, match="negative"):
        spillover_pool(eco, {"a": 1.0}, technology=pd.DataFrame({"x": [-1.0]}, index=["a"]))


@pytest.fixture
def cluster_spec(tmp_path):
    eco = Ecosystem("cluster")
    eco.add_member("lab", "research")
    for member, rd in {"a": 1.0, "b": 2.0, "c": 3.0}.items():
        eco.add_member(member, "online_shop", rd=rd)
    for source, target, flow, trust in [("lab", "a", "technology", 1.0),
                                        ("a", "b", "information", 3.0),
                                        ("lab", "c", "technology", 1.0),
                                        ("c", "b", "information", 1.0)]:
        eco.link(source, target, flow, volume=1.0, trust=trust)
    path = tmp_path / "cluster.yaml"
    eco.save(str(path))
    return str(path)


def test_cli_cascade_threshold_heat_top_and_pool(cluster_spec, capsys):
    assert main(["spillover", cluster_spec, "--from", "lab", "--probability", "1",
                 "--replications", "10", "--curve", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "expected adopters: 4.00 of 4 (10 replications)" in out
    assert "time_to_reach" in out and "online_shop" in out and "research" in out
    assert "step" in out and "lab" in out.split("gain")[1]
    assert out.count("online_shop") == 2  # by_role and the role curves
    # the earlier spellings of --model and --replications still work
    assert main(["spillover", cluster_spec, "--from", "a,c", "--model", "threshold",
                 "--runs", "10", "--max-steps", "1"]) == 0
    assert "expected adopters: 3.00 of 4" in capsys.readouterr().out  # a and c: all b's inflow
    # b's inflow by trust is 3/4 from a (by volume it would be 1/2): 1 + 0.75 adopters
    assert main(["spillover", cluster_spec, "--from", "a", "--model", "linear_threshold",
                 "--weight", "trust", "--replications", "20000", "--seed", "1"]) == 0
    adopters = float(capsys.readouterr().out.split("expected adopters: ")[1].split()[0])
    assert adopters == pytest.approx(1.75, abs=0.02)
    assert main(["spillover", cluster_spec, "--from", "lab", "--model", "heat",
                 "--times", "0,1", "--rate", "2"]) == 0
    out = capsys.readouterr().out
    assert f"{1 - np.exp(-2):.4g}" in out  # a and c: 1 - exp(-r t)
    assert main(["spillover", cluster_spec, "--pool", "rd"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), sep=r"\s+")
    # a and c share lab, so P = 1 and a's pool is R_c = 3, c's R_a = 1; b and lab use no technology
    assert table["pool"].to_dict() == pytest.approx({"lab": np.nan, "a": 3.0, "b": np.nan,
                                                     "c": 1.0}, nan_ok=True)


def test_cli_reports_bad_input(cluster_spec, capsys):
    assert main(["spillover", cluster_spec, "--from", "ghost"]) != 0
    assert "ghost" in capsys.readouterr().err
    assert main(["spillover", cluster_spec]) != 0
    assert "--from" in capsys.readouterr().err
