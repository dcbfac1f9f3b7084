"""Alliance configurations, their comparison and sweeps (ecosystem.alliance)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import networks
from ecosystem import ParameterError, UnknownMemberError, benefit, bullwhip, flows
from ecosystem.alliance import (Alliance, apply, candidates, compare, evaluate, finish, greedy,
                                sweep)
from ecosystem.alliance._metrics import make_settings

MARGIN = 8.0


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def chain_members(belt):
    return bullwhip.chain_from(belt, "us_market").members


def test_apply_changes_a_copy_only(belt, chain_members):
    before = belt.copy()
    pair = chain_members[1:3]
    alliance = Alliance("pair", pair, cost_cut=0.5, technology_sharing=2.0,
                        shared_platform="finance")
    allied = apply(belt, alliance)
    assert belt == before
    assert allied != belt
    for u, v, key, data in belt.links(data=True):
        cost = data.get("unit_cost")
        if cost is None:
            continue
        expected = cost * 0.5 if u in pair and v in pair else cost
        assert allied.graph.edges[u, v, key]["unit_cost"] == pytest.approx(expected)
    assert allied.graph.has_edge(pair[0], pair[1], "technology")
    assert allied.graph.has_edge(pair[1], pair[0], "technology")
    platform = "pair platform"
    assert allied.member(platform)["role"] == "finance"
    assert {(platform, m, "capital") for m in pair} <= set(allied.links())
    assert allied.graph.graph["alliance"]["members"] == list(pair)
    assert all(allied.member(m)["alliance"] == "pair" for m in pair)
    assert apply(belt, None) == belt


@pytest.mark.parametrize("kwargs, match", [
    ({"members": ("a", "a")}, "distinct"),
    ({"members": ("a",), "cost_cut": 1.0}, "cost_cut"),
    ({"members": ("a",), "technology_sharing": -1.0}, "technology_sharing"),
    ({"members": ("a",), "shared_platform": "market"}, "shared_platform"),
])
def test_alliance_rejects_bad_levers(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        Alliance("x", **kwargs)


def test_unknown_members_and_keys(belt):
    with pytest.raises(UnknownMemberError, match="ghost"):
        apply(belt, Alliance("x", ("ghost",)))
    with pytest.raises(ParameterError, match="unknown alliance keys"):
        Alliance.from_dict({"name": "x", "members": ["a"], "discount": 0.1})
    assert Alliance.from_dict(Alliance("x", ("a", "b"), cost_cut=0.1).to_dict()) == \
        Alliance("x", ("a", "b"), cost_cut=0.1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=2, max_size=5), st.integers(1, 8),
       st.sets(st.integers(0, 4)), st.floats(-0.8, 0.8))
def test_sharing_never_raises_the_top_stage_ratio(lead_times, window, sharing, rho):
    """In the model's linear case (z = 0, returns allowed), giving more stages
    end-customer demand never raises the top stage's order variance ratio."""
    stages = len(lead_times)
    chain = bullwhip.SupplyChain(tuple(f"s{i}" for i in range(stages)), tuple(lead_times),
                                 market="m")
    shared = {f"s{i}" for i in sharing if i < stages}
    base = bullwhip.exact_ratio(chain, window=window, rho=rho).iloc[-1]
    allied = bullwhip.exact_ratio(chain, window=window, rho=rho,
                                  sharing=shared or "decentralized").iloc[-1]
    assert allied <= base * (1 + 1e-9)


def test_compare_baseline_row_equals_separate_metrics(belt, chain_members):
    table = compare(belt, [Alliance("chain", chain_members, cost_cut=0.2)],
                    market="us_market", margin=MARGIN)
    base = table.loc["baseline"]
    chain = bullwhip.chain_from(belt, "us_market")
    assert base["bullwhip_ratio"] == pytest.approx(bullwhip.exact_ratio(chain).iloc[-1])
    game = benefit.surplus_game(belt, list(chain_members), margin=MARGIN, outsiders="free")
    assert base["total_surplus"] == pytest.approx(game.grand_value)
    phi = benefit.shapley(game)
    assert all(base[f"shapley:{p}"] == pytest.approx(v) for p, v in phi.items())
    injections = {(m, "information"): 1.0 for m in belt.members(role="market")}
    assert base["throughput"] == pytest.approx(
        flows.steady_state(belt, injections).levels.to_numpy().sum())
    worst = flows.critical_members(belt, belt.members(role="platform"), top=1)
    assert base["resilience"] == pytest.approx(1 - worst["lost_share"].iloc[0])
    allied = table.loc["chain"]
    assert allied["bullwhip_ratio"] < base["bullwhip_ratio"]
    assert allied["total_surplus"] > base["total_surplus"]  # cheaper links on its own routes
    assert {"coordination", "pareto", "rank:total_surplus"} <= set(table.columns)


def test_finish_ranks_and_pareto_by_hand():
    rows = pd.DataFrame({
        "configuration": ["a", "b", "c"],
        "bullwhip_ratio": [2.0, 1.0, 3.0], "total_surplus": [10.0, 10.0, 5.0],
        "max_excess": [0.0, 0.0, 1.0], "niche_overlap": [0.2, 0.2, 0.3],
        "throughput": [5.0, 5.0, 4.0], "resilience": [0.9, 0.9, 0.8],
        "flow:cbec:logistics": [1.0, 2.0, 3.0], "flow:industry:logistics": [3.0, 2.0, 1.0]})
    done = finish(rows)
    # b is as good as a everywhere and better on bullwhip; c is dominated by both
    assert done["pareto"].tolist() == [False, True, False]
    assert done["rank:bullwhip_ratio"].tolist() == [2, 1, 3]
    assert done["rank:total_surplus"].tolist() == [1, 1, 3]
    assert done["coordination"].notna().all()


def test_candidates_and_greedy(belt, chain_members):
    firms = belt.members(role="cbec_enterprise")
    found = candidates(belt, firms, max_size=3, cost_cut=0.1)
    assert len(found) == 3 + 1  # three pairs and the triple
    assert all(a.cost_cut == 0.1 for a in found)
    path = greedy(belt, "total_surplus", list(chain_members), max_size=3,
                  levers={"cost_cut": 0.3}, market="us_market", margin=MARGIN)
    assert path.index[0] == "baseline" and path["step"].tolist() == list(range(len(path)))
    assert path["total_surplus"].iloc[1:].is_monotonic_increasing
    with pytest.raises(ParameterError, match="metric"):
        greedy(belt, "happiness")


def test_compare_errors(belt):
    with pytest.raises(ParameterError, match="margin"):
        compare(belt, [Alliance("x", ("beltlink",))])
    with pytest.raises(ParameterError, match="baseline"):
        compare(belt, [Alliance("baseline", ("beltlink",))], margin=MARGIN)
    with pytest.raises(UnknownMemberError, match="nowhere"):
        compare(belt, [Alliance("x", ("beltlink",))], market="nowhere", margin=MARGIN)


def _sweep(belt, chain_members, **backend):
    return sweep(belt, [Alliance("chain", chain_members[:3])],
                 parameters={"cost_cut": [0.0, 0.3], "window": [3]}, seeds=[0, 1],
                 market="us_market", margin=MARGIN, replications=50, periods=200,
                 progress=False, **backend)


def test_sweep_is_the_same_on_every_backend(belt, chain_members):
    serial = _sweep(belt, chain_members, processes=1)
    assert len(serial) == 2 * 2 * 2
    assert serial.groupby(["cost_cut", "seed"]).size().eq(2).all()
    one = serial[(serial["cost_cut"] == 0.3) & (serial["seed"] == 1)].set_index("configuration")
    direct = compare(belt, [Alliance("chain", chain_members[:3], cost_cut=0.3)], seed=1,
                     market="us_market", margin=MARGIN, window=3, replications=50, periods=200)
    pd.testing.assert_frame_equal(one.drop(columns=["cost_cut", "window", "seed"]), direct,
                                  check_like=True)
    pooled = _sweep(belt, chain_members, processes=2)
    pd.testing.assert_frame_equal(serial, pooled)
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = _sweep(belt, chain_members, scheduler=client)
    pd.testing.assert_frame_equal(serial, on_dask)
    with pytest.raises(ParameterError, match="cannot sweep"):
        sweep(belt, [], parameters={"colour": [1]}, margin=MARGIN)


def test_seeds_change_only_the_simulated_metric(belt, chain_members):
    settings_ = make_settings(belt, [Alliance("c", chain_members)], market="us_market",
                              margin=MARGIN, replications=50, periods=200)
    a, b = (evaluate(belt, None, settings_, seed) for seed in (0, 1))
    assert a["bullwhip_simulated"] != b["bullwhip_simulated"]
    assert {k: v for k, v in a.items() if k != "bullwhip_simulated"} == \
        {k: v for k, v in b.items() if k != "bullwhip_simulated"}
    assert np.isfinite(a["bullwhip_simulated"])
