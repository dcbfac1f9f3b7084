"""Alliance configurations and their comparison (ecosystem.alliance); sweeps and the CLI
are in test_alliance_sweep.py and test_alliance_cli.py."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import networks
from ecosystem import Ecosystem, ParameterError, UnknownMemberError, bullwhip
from ecosystem.alliance import (LEVERS, METRICS, Alliance, AllianceComparison, Belt, apply,
                                candidates, compare, greedy, greedy_path)
from ecosystem.simulation import MarketDemand, Policy

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


SMALL = dict(replications=30, periods=30, seed=3)


def serial_chain(lead_times, margin=6.0) -> Ecosystem:
    eco = Ecosystem("serial")
    eco.add_member("m", "market", margin=margin)
    names = [f"s{k}" for k in range(len(lead_times))]
    for k, name in enumerate(names):
        eco.add_member(name, "platform" if k == 0 else "manufacturer")
    eco.link(names[0], "m", "logistics", volume=100.0, lead_time=0, unit_cost=0.5)
    for k in range(1, len(names)):
        eco.link(names[k], names[k - 1], "logistics", volume=100.0, lead_time=lead_times[k],
                 unit_cost=0.2)
    eco.graph.nodes[names[-1]]["lead_time"] = lead_times[0]
    return eco


def test_comparison_is_a_result(belt, chain_members):
    pair = ("beltlink", "globalmall")
    result = compare(belt, [Alliance("pair", pair, cost_cut=0.2)], **SMALL)
    assert isinstance(result, AllianceComparison)
    assert list(result.metrics.index) == ["baseline", "pair"]
    assert set(METRICS) <= set(result.metrics.columns)
    assert set(result.units) == set(METRICS)
    assert result.units["belt_profit"] == "thousand CNY per week"
    assert list(result.allocation.columns) == list(pair)
    assert set(result.configured) == {"baseline", "pair"}
    assert result.configured["pair"].graph.graph["alliance"]["name"] == "pair"
    frame = result.to_frame()
    assert "diff_belt_profit_low" in frame.columns and "rank_belt_profit" in frame.columns
    assert isinstance(result.summary(), pd.DataFrame)
    text = str(result)
    assert "'pair'" in text and "paired interval" in text and "Pareto" in text


@settings(max_examples=6, deadline=None)
@given(st.data())
def test_rows_do_not_depend_on_the_other_rows(belt, data):
    """compare(eco, [A, B]) and compare(eco, [B]) give identical rows for B and the baseline."""
    firms = ["beltlink", "silkroad", "oceancart", "globalmall", "shopwave", "riverbend",
             "maple"]

    def alliance(name):
        members = tuple(data.draw(st.lists(st.sampled_from(firms), min_size=1, max_size=3,
                                           unique=True)))
        return Alliance(name, members, share_information=data.draw(st.booleans()),
                        cost_cut=data.draw(st.sampled_from([0.0, 0.3])),
                        technology_sharing=data.draw(st.sampled_from([0.0, 1.0])),
                        shared_platform=data.draw(st.sampled_from([None, "logistics",
                                                                   "finance"])))
    a, b = alliance("A"), alliance("B")
    both = compare(belt, [a, b], **SMALL)
    alone = compare(belt, [b], **SMALL)
    for name in ("baseline", "B"):
        pd.testing.assert_series_equal(both.metrics.loc[name], alone.metrics.loc[name])
        pd.testing.assert_series_equal(both.differences.loc[name],
                                       alone.differences.loc[name])
    pd.testing.assert_series_equal(both.allocation.loc["B", list(b.members)],
                                   alone.allocation.loc["B", list(b.members)])


def test_grand_coalition_value_is_the_simulated_gain_and_shapley_is_efficient(belt):
    alliance = Alliance("trio", ("riverbend", "beltlink", "globalmall"), cost_cut=0.3,
                        technology_sharing=1.0)
    result = compare(belt, [alliance], **SMALL)
    simulated = result.simulations["trio"].members["profit"] \
        - result.simulations["baseline"].members["profit"]
    gain = simulated[list(alliance.members)].sum()
    assert result.stability.loc["trio", "gain"] == pytest.approx(gain, rel=1e-12)
    assert result.allocation.loc["trio"].sum() == pytest.approx(gain, rel=1e-9)
    assert result.stability.loc["trio", "method"] == "exact"


def test_each_lever_moves_what_its_mechanism_predicts(belt):
    """Sharing lowers the allied members' order variance and raises the belt's profit; a
    cost cut raises allied profit and moves no goods; a shared logistics platform carries
    what it is handed and delivers no more."""
    exporters = ("beltlink", "silkroad", "oceancart")
    chain = ("riverbend", "maple", "beltlink", "globalmall")
    result = compare(belt, [Alliance("sharing", exporters),
                            Alliance("cost", chain, share_information=False, cost_cut=0.3),
                            Alliance("platform", exporters, share_information=False,
                                     shared_platform="logistics")],
                     replications=60, periods=52, seed=5)
    base, shared = result.simulations["baseline"], result.simulations["sharing"]
    assert (shared.members.loc[list(exporters), "order_variance"]
            < base.members.loc[list(exporters), "order_variance"]).all()
    assert result.differences.loc["sharing", "bullwhip_ratio_high"] < 0
    assert result.differences.loc["sharing", "belt_profit_low"] > 0
    cost = result.simulations["cost"]
    assert (cost.members.loc[list(chain), "profit"].sum()
            > base.members.loc[list(chain), "profit"].sum())
    pd.testing.assert_series_equal(cost.members["throughput"], base.members["throughput"])
    platform = result.simulations["platform"]
    carried = platform.carriers.loc["platform platform", "carried"]
    lanes = platform.network.lane_carrier == len(platform.network.carriers) - 1
    assert carried == pytest.approx(platform.lane_shipped[:, lanes].sum() / 60 / 52)
    balance = platform.balance
    np.testing.assert_allclose(balance["initial_goods"] + balance["source_output"],
                               balance["delivered"] + balance["final_goods"], rtol=1e-9)


def test_serial_sharing_effect_equals_the_closed_form_change():
    """On a serial chain, allying the upper stages with information sharing changes the top
    stage's order-variance ratio as the linear-filter exact ratio says (z = 0, orders never
    negative at a 2% coefficient of variation, so the chain is linear)."""
    eco = serial_chain([1, 1, 1, 1])
    policy = Policy(window=5, z=0.0)
    result = compare(eco, [Alliance("top", ("s2", "s3"))], replications=60, periods=1500,
                     seed=2, demand=MarketDemand(cv=0.02), policy=policy, benefit=False)
    chain = bullwhip.SupplyChain(("s0", "s1", "s2", "s3"), (2, 2, 2, 2), market="m")
    assert result.simulations["baseline"].members["lead_time"].tolist() == [2, 2, 2, 2]
    exact_base = bullwhip.exact_ratio(chain, window=5).iloc[-1]
    exact_top = bullwhip.exact_ratio(chain, window=5, sharing={"s2", "s3"}).iloc[-1]
    simulated = {name: result.simulations[name].members.loc["s3", "bullwhip_ratio"]
                 for name in ("baseline", "top")}
    assert simulated["baseline"] == pytest.approx(exact_base, rel=0.05)
    assert simulated["top"] == pytest.approx(exact_top, rel=0.05)
    assert simulated["baseline"] - simulated["top"] == pytest.approx(exact_base - exact_top,
                                                                     rel=0.08)


@st.composite
def small_belts(draw):
    eco = Ecosystem("random")
    makers = [f"f{k}" for k in range(draw(st.integers(1, 3)))]
    shops = [f"c{k}" for k in range(draw(st.integers(1, 3)))]
    for name in makers:
        eco.add_member(name, "manufacturer")
    for name in shops:
        eco.add_member(name, "cbec_enterprise")
        for maker in draw(st.lists(st.sampled_from(makers), min_size=1, unique=True)):
            eco.link(maker, name, "logistics", volume=draw(st.floats(1, 30)),
                     lead_time=draw(st.integers(0, 2)), unit_cost=draw(st.floats(0, 1)))
    eco.add_member("air", "logistics")
    eco.add_member("m", "market", margin=5.0)
    eco.link("air", "m", "logistics", volume=30.0, lead_time=1, unit_cost=1.0)
    for shop in shops:
        eco.link(shop, "air", "logistics", volume=draw(st.floats(1, 30)), unit_cost=0.3)
    return eco


@settings(max_examples=10, deadline=None)
@given(small_belts(), st.data())
def test_goods_are_conserved_under_every_lever(eco, data):
    """Whatever levers an alliance pulls, goods delivered to markets never exceed what the
    producers made (plus the goods in the belt at the start), and money balances."""
    members = tuple(data.draw(st.lists(st.sampled_from(sorted(eco)), min_size=1, max_size=3,
                                       unique=True)))
    alliance = Alliance("a", members, share_information=data.draw(st.booleans()),
                        cost_cut=data.draw(st.floats(0, 0.9)),
                        technology_sharing=data.draw(st.sampled_from([0.0, 1.0])),
                        shared_platform=data.draw(st.sampled_from([None, "finance",
                                                                   "technology"])))
    belt = Belt.build(eco, replications=4, periods=20, seed=1)
    result = belt.simulate(alliance)
    b = result.balance
    assert np.all(b["delivered"] <= b["initial_goods"] + b["source_output"] + 1e-9)
    np.testing.assert_allclose(b["initial_goods"] + b["source_output"],
                               b["delivered"] + b["final_goods"], rtol=1e-9)
    np.testing.assert_allclose(b["member_revenue"] + b["source_receipts"],
                               b["member_purchases"] + b["market_payments"], rtol=1e-9)


def test_levers_are_one_record_each():
    fields = set(Alliance.__dataclass_fields__)
    assert set(LEVERS) <= fields
    assert all(lever.acts_on for lever in LEVERS.values())


def test_bad_input_is_one_clear_error(belt):
    with pytest.raises(UnknownMemberError, match="no member 'ghost'"):
        compare(belt, [Alliance("x", ("ghost",))], **SMALL)
    with pytest.raises(ParameterError, match="needs a lane to serve"):
        compare(belt, [Alliance("x", ("county_bank",), shared_platform="logistics")], **SMALL)
    with pytest.raises(ParameterError, match="cost_cut must be in"):
        Alliance("x", ("beltlink",), cost_cut=1.5)
    with pytest.raises(ParameterError, match="exclude every allied member"):
        compare(belt, [Alliance("x", ("beltlink",))], players=["silkroad"], **SMALL)
    with pytest.raises(ParameterError, match="distinct and not 'baseline'"):
        compare(belt, [Alliance("baseline", ("beltlink",))], **SMALL)
    with pytest.raises(ParameterError, match="platform_lead_time"):
        Alliance("x", ("beltlink",), platform_lead_time=-1)


def test_candidates_are_every_subset(belt):
    found = candidates(belt, ["beltlink", "silkroad", "globalmall"], max_size=3, cost_cut=0.1)
    assert [a.name for a in found] == ["beltlink+silkroad", "beltlink+globalmall",
                                       "silkroad+globalmall", "beltlink+silkroad+globalmall"]
    assert all(a.cost_cut == 0.1 for a in found)


def test_greedy_only_improves(belt):
    members = ["beltlink", "silkroad", "globalmall"]
    table = greedy(belt, "belt_profit", members, max_size=3, levers={"cost_cut": 0.3},
                   **SMALL)
    assert table["belt_profit"].is_monotonic_increasing
    path = greedy_path(belt, "belt_profit", members, max_size=3, levers={"cost_cut": 0.3},
                       **SMALL)
    assert [a.name for a in path] == table["alliance"].tolist()[1:]
    with pytest.raises(ParameterError, match="metric must be one of"):
        greedy(belt, "happiness", members)


def test_the_readme_simulation_example_runs(tmp_path, monkeypatch):
    from pathlib import Path
    import re
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    code = next(b for b in blocks if "simulation.run" in b)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert list(result.metrics.index) == ["baseline", "sharing", "cost cut"]
    assert result.differences.loc["cost cut", "belt_profit_low"] > 0
    assert namespace["run"].units["profit"] == "thousand CNY per week"


def test_findings_say_unchanged_where_nothing_moved_and_enough_digits_elsewhere(belt):
    """A cost cut moves no goods, so its sentence leaves the bullwhip ratio and the service
    level where they were; information sharing moves both, and each pair of numbers the
    sentence gives differs as printed and matches the metrics table."""
    exporters = ("beltlink", "silkroad", "oceancart")
    result = compare(belt, [Alliance("cost", exporters, share_information=False, cost_cut=0.3),
                            Alliance("sharing", exporters)], **SMALL)
    cost, sharing = result.findings()[:2]
    base = result.metrics.loc["baseline"]
    assert f"leaves the belt's bullwhip ratio at {base['bullwhip_ratio']:.3g};" in cost
    assert f"leaves the service level at {base['service_level']:.1%}" in cost
    moved = result.metrics.loc["sharing"]
    assert moved["bullwhip_ratio"] != base["bullwhip_ratio"]
    bullwhip = re.search(r"bullwhip ratio from (\S+) to (\S+) \(", sharing)
    assert bullwhip and bullwhip[1] != bullwhip[2]
    assert float(bullwhip[1]) == pytest.approx(base["bullwhip_ratio"], rel=1e-2)
    assert float(bullwhip[2]) == pytest.approx(moved["bullwhip_ratio"], rel=1e-2)
    if moved["service_level"] != base["service_level"]:
        level = re.search(r"service level of (\S+)% against (\S+)%", sharing)
        assert level and level[1] != level[2]
        assert float(level[1]) / 100 == pytest.approx(moved["service_level"], abs=5e-4)
