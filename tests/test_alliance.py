"""Alliance configurations and their comparison (ecosystem.alliance); sweeps and the CLI
are in test_alliance_sweep.py and test_alliance_cli.py."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import networks
from ecosystem import Ecosystem, ParameterError, UnknownMemberError, benefit, bullwhip, flows, niche
from ecosystem.alliance import (Alliance, Settings, apply, candidates, compare, evaluate, finish,
                                greedy, greedy_path)

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
    ({"members": ("a",), "cost_cut": "0.1"}, "cost_cut"),
    ({"members": ("a",), "platform_volume": float("nan")}, "platform_volume"),
    ({"members": ("a",), "share_information": "yes"}, "share_information"),
    ({"members": ()}, "at least one"),
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
    assert Alliance.from_dict({"name": "x", "members": "beltlink"}).members == ("beltlink",)
    with pytest.raises(ParameterError, match="no lever"):
        Alliance("x", ("a",)).with_(discount=0.1)
    with pytest.raises(ParameterError, match="already exists"):
        apply(apply(belt, Alliance("x", ("beltlink",), shared_platform="finance")),
              Alliance("x", ("silkroad",), shared_platform="logistics"))


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
    assert base["critical_platform"] == worst.index[0]
    report = benefit.stability(game, phi)
    assert base["max_excess"] == pytest.approx(report.max_excess)
    assert base["in_core"] == report.in_core
    use = niche.resource_matrix(belt, members=list(chain_members), direction="out",
                                drop_empty=True)
    pairs = niche.overlap(use, "pianka").to_numpy()
    assert base["niche_overlap"] == pytest.approx(pairs[~np.eye(len(pairs), dtype=bool)].mean())
    run = bullwhip.simulate(chain, replications=200, periods=400, seed=0)
    assert base["bullwhip_simulated"] == pytest.approx(run.summary["order_ratio"].iloc[-1])
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


def test_candidates_are_every_subset(belt):
    firms = belt.members(role="cbec_enterprise") + belt.members(role="platform")
    found = candidates(belt, max_size=3, cost_cut=0.1)  # default pool: the core enterprises
    assert len(found) == 15 + 20  # C(6, 2) pairs and C(6, 3) triples
    assert {frozenset(a.members) for a in found} == \
        {frozenset(g) for k in (2, 3) for g in itertools.combinations(firms, k)}
    assert all(a.cost_cut == 0.1 for a in found)
    assert len(candidates(belt, firms[:3], min_size=1, max_size=9)) == 3 + 3 + 1
    with pytest.raises(ParameterError, match="unknown alliance levers"):
        candidates(belt, discount=0.1)
    with pytest.raises(ParameterError, match="min_size"):
        candidates(belt, min_size=3, max_size=2)


def test_greedy_starts_from_the_best_pair_and_only_improves(belt, chain_members):
    pool = list(chain_members[:4])
    options = dict(market="us_market", margin=MARGIN, replications=20, periods=60)
    path = greedy(belt, "total_surplus", pool, max_size=3, levers={"cost_cut": 0.3}, **options)
    assert path.index[0] == "baseline" and path["step"].tolist() == list(range(len(path)))
    assert path["total_surplus"].iloc[1:].is_monotonic_increasing
    pairs = compare(belt, [a for a in candidates(belt, pool, cost_cut=0.3)], players=pool,
                    **options)
    best = pairs.drop(index="baseline")["total_surplus"].max()
    assert path["total_surplus"].iloc[1] == pytest.approx(best)
    alliances = greedy_path(belt, "total_surplus", pool, max_size=3, levers={"cost_cut": 0.3},
                            **options)
    assert [a.name for a in alliances] == list(path.index[1:])
    assert all(a.cost_cut == 0.3 for a in alliances)
    # minimising: the first pair of a bullwhip search has the smallest ratio of all pairs
    low = greedy(belt, "bullwhip_ratio", pool, max_size=2, **options)
    assert low["bullwhip_ratio"].iloc[1] == pytest.approx(
        compare(belt, candidates(belt, pool), players=pool, **options)["bullwhip_ratio"].min())


@pytest.mark.parametrize("kwargs, match", [
    ({"metric": "happiness"}, "metric"),
    ({"metric": "coordination"}, "metric"),
    ({"members": ["beltlink"]}, "at least two"),
    ({"max_size": 1}, "max_size"),
    ({"levers": {"discount": 0.1}}, "unknown alliance levers"),
    ({"members": ["beltlink", "ghost"]}, "ghost"),
])
def test_greedy_errors(belt, kwargs, match):
    with pytest.raises((ParameterError, UnknownMemberError), match=match):
        greedy(belt, margin=MARGIN, **kwargs)


def test_compare_errors(belt):
    no_margins = belt.copy()
    for market in no_margins.members(role="market"):
        del no_margins.graph.nodes[market]["margin"]
    with pytest.raises(ParameterError, match="margin"):
        compare(no_margins, [Alliance("x", ("beltlink",))])
    with pytest.raises(ParameterError, match="baseline"):
        compare(belt, [Alliance("baseline", ("beltlink",))], margin=MARGIN)
    with pytest.raises(UnknownMemberError, match="nowhere"):
        compare(belt, [Alliance("x", ("beltlink",))], market="nowhere", margin=MARGIN)
    with pytest.raises(ParameterError, match="unknown comparison options"):
        compare(belt, [Alliance("x", ("beltlink",))], margin=MARGIN, windw=3)
    with pytest.raises(ParameterError, match="not an Alliance"):
        compare(belt, [{"name": "x", "members": ["beltlink"]}], margin=MARGIN)
    with pytest.raises(ParameterError, match="distinct"):
        compare(belt, [Alliance("x", ("beltlink",)), Alliance("x", ("silkroad",))],
                margin=MARGIN)


def _linear_chain(lead_times) -> Ecosystem:
    """A supplier -> ... -> market chain with the given logistics lead times."""
    eco = Ecosystem("chain")
    stages = [f"s{i}" for i in range(len(lead_times))]
    for member in stages:
        eco.add_member(member, "manufacturer")
    eco.add_member("m", "market", margin=5.0)
    for source, target, lead in zip(stages, stages[1:] + ["m"], lead_times):
        eco.link(source, target, "logistics", volume=10.0, unit_cost=1.0, lead_time=lead)
    return eco


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=2, max_size=4), st.integers(1, 6),
       st.data())
def test_information_sharing_lever_never_raises_the_top_stage_ratio(lead_times, window, data):
    """Through the Alliance lever: allying any subset of a linear chain with
    ``share_information`` never raises the exact top-stage ratio of the model's
    linear case above the no-alliance baseline, and without sharing (no cost
    or technology lever either) the ratio is the baseline's."""
    eco = _linear_chain(lead_times)
    stages = [f"s{i}" for i in range(len(lead_times))]
    members = tuple(data.draw(st.lists(st.sampled_from(stages), min_size=1, unique=True)))
    config = Settings(players=members, market="m", margin=5.0, window=window,
                      replications=10, periods=40)
    base = evaluate(eco, None, config)["bullwhip_ratio"]
    shared = evaluate(eco, Alliance("a", members), config)["bullwhip_ratio"]
    silent = evaluate(eco, Alliance("a", members, share_information=False), config)
    assert shared <= base * (1 + 1e-9)
    assert silent["bullwhip_ratio"] == pytest.approx(base)
