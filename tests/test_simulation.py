"""The belt simulation against the serial bullwhip model, a plain per-period loop, and its
conservation laws."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import networks
from ecosystem import Ecosystem, ParameterError, UnknownMemberError, bullwhip, simulation
from ecosystem.simulation import MarketDemand, Policy, ServiceRules, SimulationError, _run

from _belts import random_belts


def serial_chain(leads: list[int], source_lead: int = 1) -> Ecosystem:
    """shop <- plant <- mill <- ... <- yarn, shipping to one market 'us'."""
    eco = Ecosystem("serial")
    eco.add_member("us", "market", margin=6.0)
    names = [f"s{k}" for k in range(len(leads) + 1)]
    for k, name in enumerate(names):
        eco.add_member(name, "cbec_enterprise" if k == 0 and leads else "manufacturer")
    eco.link(names[0], "us", "logistics", lead_time=0, unit_cost=0.5)
    for k, lead in enumerate(leads):
        eco.link(names[k + 1], names[k], "logistics", lead_time=lead, unit_cost=0.1)
    eco.graph.nodes[names[-1]]["lead_time"] = source_lead
    return eco


def orders_table(result) -> np.ndarray:
    series = result.series("members")
    return series.pivot(index="period", columns="member", values="orders")[
        list(result.network.members)].to_numpy().T


@pytest.mark.parametrize("policy, kwargs", [
    (Policy("moving_average", window=5, z=1.0), dict(forecast="moving_average", window=5, z=1.0)),
    (Policy("moving_average", window=3, z=0.0), dict(forecast="moving_average", window=3)),
    (Policy("exponential_smoothing", alpha=0.3, z=0.5),
     dict(forecast="exponential_smoothing", alpha=0.3, z=0.5)),
])
@pytest.mark.parametrize("leads", [[2, 0, 3], [1], [0, 0, 0, 4]])
def test_serial_orders_equal_bullwhip_simulate(policy, kwargs, leads):
    """On a serial chain the members' orders are bullwhip.simulate's (no returns) to 1e-9."""
    demand = 100 + 10 * np.random.default_rng(len(leads)).standard_normal(250)
    eco = serial_chain(leads, source_lead=1)
    result = simulation.run(eco, demand=pd.DataFrame({"us": demand}), replications=1,
                            policy=policy)
    lead_times = [lead + 1 for lead in leads] + [2]
    assert result.members["lead_time"].tolist() == lead_times
    reference = bullwhip.simulate(len(lead_times), lead_time=lead_times, demand=demand,
                                  negative_orders=False, warmup=0, keep_series=True, **kwargs)
    np.testing.assert_allclose(orders_table(result), reference.orders[:, 0, :], atol=1e-9)


def test_serial_ratio_matches_chen_closed_form():
    """Chen, Drezner, Ryan & Simchi-Levi (2000): one stage, moving average over p = 5,
    L = 2 gives Var(q)/Var(D) = 1 + 2L/p + 2L^2/p^2 = 2.12. With a small coefficient of
    variation orders never go negative, so the closed form holds through the network."""
    eco = serial_chain([], source_lead=1)
    result = simulation.run(eco, demand=MarketDemand(cv=0.02), replications=200, periods=1000,
                            policy=Policy(window=5, z=0.0), seed=4)
    ratio = result.members.loc["s0", "bullwhip_ratio"]
    assert ratio == pytest.approx(bullwhip.chen_ratio(2, 5), rel=0.03)


# --------------------------------------------------------------- a plain per-period loop
def reference_loop(eco: Ecosystem, demand: dict[str, np.ndarray], window: int, z: float,
                   holding: float, backorder: float, capital_rate: float):
    """The documented rules, one member, lane and period at a time (no arrays)."""
    net = simulation.compile_network(eco)
    prices = simulation.margin_split(net)
    n, markets = net.n_members, net.markets
    periods = len(next(iter(demand.values())))
    lanes = range(net.n_lanes)
    # the steady state before period 0 sits at the first period's demand
    first = np.array([demand[m][0] for m in markets])
    level = dict(enumerate(np.concatenate([net.routing @ first, first])))
    lead = {i: int(net.lead_time[i]) for i in range(n)}
    history = {i: [] for i in range(n)}  # orders received
    position = {i: lead[i] * level[i] for i in range(n)}
    on_hand = {}
    for i in range(n):
        pipe = sum(net.lane_share[e] * level[i] * (net.lane_transit[e] + 1)
                   for e in lanes if net.lane_customer[e] == i)
        on_hand[i] = max(lead[i] * level[i] - pipe, 0.0)
    owed = {e: 0.0 for e in lanes}
    arrivals = {}
    for e in lanes:
        for lag in range(net.lane_transit[e] + 1):
            arrivals[(lag, e)] = net.lane_share[e] * level[net.lane_customer[e]]
    sell = {}
    for i in range(n):
        outs = [e for e in lanes if net.lane_supplier[e] == i]
        flows = [net.lane_share[e] * level[net.lane_customer[e]] for e in outs]
        sell[i] = sum(f * prices.lane[e] for f, e in zip(flows, outs)) / sum(flows)
    record = {"stock": np.zeros((periods, n)), "backlog": np.zeros((periods, n)),
              "orders": np.zeros((periods, n)), "profit": np.zeros(n)}
    shipped_lane = np.zeros((periods, net.n_lanes))
    order_of = {}
    for t in range(periods):
        # orders, customers first (members are numbered market-facing first)
        for i in range(n):
            received = sum(net.lane_share[e] * (
                demand[markets[net.lane_customer[e] - n]][t] if net.lane_customer[e] >= n
                else order_of[(net.lane_customer[e], t)])
                for e in lanes if net.lane_supplier[e] == i)
            history[i].append(received)
            recent = [history[i][s] if s >= 0 else level[i] for s in range(t - window + 1, t + 1)]
            mean = sum(recent) / window
            sd = math.sqrt(sum((x - mean) ** 2 for x in recent) / (window - 1)) if z else 0.0
            target = lead[i] * mean + z * math.sqrt(lead[i]) * sd
            position[i] -= received
            order = max(target - position[i], 0.0)
            position[i] += order
            order_of[(i, t)] = order
            record["orders"][t, i] = order
        for e in lanes:
            arrived = arrivals.pop((t, e), 0.0)
            if net.lane_customer[e] < n:
                on_hand[net.lane_customer[e]] += arrived
        for e in lanes:
            c = net.lane_customer[e]
            owed[e] += net.lane_share[e] * (demand[markets[c - n]][t] if c >= n
                                            else order_of[(c, t)])
        for s in range(n + len(net.sources)):
            outs = [e for e in lanes if net.lane_supplier[e] == s]
            need = sum(owed[e] for e in outs)
            stock = on_hand[s] if s < n else net.source_capacity[s - n]
            ratio = 1.0 if need <= stock else stock / need
            for e in outs:
                x = owed[e] * ratio
                owed[e] -= x
                shipped_lane[t, e] = x
                if s < n:
                    on_hand[s] -= x
                    record["profit"][s] += x * (prices.lane[e] - net.lane_fee[e])
                c = net.lane_customer[e]
                if c < n:
                    record["profit"][c] -= x * prices.lane[e]
                key = (t + net.lane_transit[e] + 1, e)
                arrivals[key] = arrivals.get(key, 0.0) + x
        for i in range(n):
            backlog = sum(owed[e] for e in lanes if net.lane_supplier[e] == i)
            record["stock"][t, i] = on_hand[i]
            record["backlog"][t, i] = backlog
            record["profit"][i] -= on_hand[i] * prices.value[i] * (holding + capital_rate) \
                + backlog * backorder * sell[i]
    record["profit"] /= periods
    return record, shipped_lane


def distribution_network() -> Ecosystem:
    eco = Ecosystem("distribution")
    eco.add_member("warehouse", "manufacturer")
    for k, (volume, margin) in enumerate([(40.0, 5.0), (25.0, 6.0), (15.0, 4.0)]):
        eco.add_member(f"shop{k}", "platform")
        eco.add_member(f"m{k}", "market", margin=margin)
        eco.link("warehouse", f"shop{k}", "logistics", volume=volume, lead_time=k,
                 unit_cost=0.2)
        eco.link(f"shop{k}", f"m{k}", "logistics", volume=volume, lead_time=1, unit_cost=0.5)
    eco.graph.nodes["warehouse"]["capacity"] = 70.0
    return eco


def assembly_network() -> Ecosystem:
    eco = Ecosystem("assembly")
    for member, role in [("yarn", "supplier"), ("dye", "supplier"), ("mill", "manufacturer")]:
        eco.add_member(member, role)
    eco.add_member("eu", "market", margin=7.0)
    eco.link("yarn", "mill", "logistics", volume=60.0, lead_time=2, unit_cost=0.1)
    eco.link("dye", "mill", "logistics", volume=40.0, lead_time=0, unit_cost=0.3)
    eco.link("mill", "eu", "logistics", volume=100.0, lead_time=3, unit_cost=1.0)
    eco.graph.nodes["dye"]["capacity"] = 45.0
    return eco


@pytest.mark.parametrize("build", [distribution_network, assembly_network])
def test_network_matches_plain_loop(build):
    """Stock, backlog, orders, lane shipments and profit equal a plain per-period loop
    written from the documented rules, period by period, including rationing by a short
    supplier and a capacity-limited outside source."""
    eco = build()
    rng = np.random.default_rng(11)
    markets = eco.members(role="market")
    volumes = eco.adjacency("logistics").sum(axis=0)
    index = eco.index()
    demand = {m: np.maximum(volumes[index[m]] * (1 + 0.35 * rng.standard_normal(120)), 0)
              for m in markets}
    result = simulation.run(eco, demand=pd.DataFrame(demand), replications=1,
                            policy=Policy(window=4, z=1.2), holding=0.01, backorder=0.05,
                            rules=ServiceRules(capital_rate=0.002))
    record, shipped = reference_loop(eco, demand, window=4, z=1.2, holding=0.01,
                                     backorder=0.05, capital_rate=0.002)
    series = result.series("members")
    for column in ("stock", "backlog", "orders"):
        table = series.pivot(index="period", columns="member", values=column)[
            list(result.network.members)].to_numpy()
        np.testing.assert_allclose(table, record[column], atol=1e-9, err_msg=column)
    np.testing.assert_allclose(result.lane_shipped, shipped, atol=1e-9)
    np.testing.assert_allclose(result.members["profit"], record["profit"], atol=1e-9)
    assert (record["backlog"] > 0).any()  # a short supplier rationed


# --------------------------------------------------------------- conservation on random belts
@pytest.mark.filterwarnings("ignore:bullwhip ratios are NaN")
@settings(max_examples=25, deadline=None)
@given(random_belts(), st.integers(0, 2**31), st.floats(0.0, 0.6))
def test_goods_and_money_are_conserved(eco, seed, cv):
    """Every period: goods received minus shipped is the change in stock; lanes deliver
    exactly what was dispatched after their transit; over the run, goods at the start plus
    what outside sources made equal goods delivered plus goods left; money paid equals money
    received; transport fees paid equal fees received."""
    result = simulation.run(eco, periods=30, replications=3, seed=seed, warmup=10,
                            demand=MarketDemand(cv=cv))
    members = result.series("members")
    for _, rows in members.groupby("member"):
        change = np.diff(rows["stock"].to_numpy())
        flow = (rows["received"] - rows["shipped"]).to_numpy()[1:]
        np.testing.assert_allclose(change, flow, atol=1e-8)
    transit = result.network.lane_transit + 1
    for e, lag in enumerate(transit):
        np.testing.assert_allclose(result.lane_arrived[lag:, e], result.lane_shipped[:-lag, e],
                                   atol=1e-8)
    b = result.balance
    np.testing.assert_allclose(b["initial_goods"] + b["source_output"],
                               b["delivered"] + b["final_goods"], rtol=1e-9)
    np.testing.assert_allclose(b["member_revenue"] + b["source_receipts"],
                               b["member_purchases"] + b["market_payments"], rtol=1e-9)
    np.testing.assert_allclose(b["member_fees"], b["carrier_fees"] + b["fees_to_environment"],
                               rtol=1e-9, atol=1e-9)
    carried = result.carriers["carried"].sum()
    cap = result.network.carrier_capacity
    assert np.all(result.carriers["carried"] <= cap + 1e-9)
    assert carried >= 0


def test_seeded_runs_are_identical_and_replications_independent():
    eco = networks.example("cross_border_belt")
    first = simulation.run(eco, replications=6, seed=7, periods=20)
    again = simulation.run(eco, replications=6, seed=7, periods=20)
    other = simulation.run(eco, replications=6, seed=8, periods=20)
    pd.testing.assert_frame_equal(first.members, again.members)
    assert not first.members["profit"].equals(other.members["profit"])
    profits = first.replications["total:member_profit"]
    assert len(np.unique(profits)) == len(profits)
    generator = simulation.run(eco, replications=6, seed=np.random.default_rng(7), periods=20)
    pd.testing.assert_frame_equal(first.members, generator.members)


@pytest.mark.parametrize("name", ["cross_border_belt", "archetype", "industrial_belt",
                                  "rural_cluster"])
def test_bundled_belts_every_member_profits(name):
    """At steady state under the default price rule every stocking member's mean profit is
    positive, and the markets get what they asked for."""
    eco = networks.example(name)
    result = simulation.run(eco, replications=40, seed=2)
    assert (result.members["profit"] > 0).all(), result.members["profit"].sort_values().head()
    demand = result.totals.loc["market_demand", "value"]
    assert result.totals.loc["delivered", "value"] == pytest.approx(demand, rel=0.05)


def test_units_label_every_metric():
    eco = networks.example("cross_border_belt")
    result = simulation.run(eco, replications=4, seed=0, periods=10)
    money, goods = result.units["money"], result.units["goods"]
    assert result.units["profit"] == f"{money} per {result.units['period']}"
    assert result.units["mean_stock"] == goods
    assert set(result.totals["unit"]) <= set(result.units.values()) | {"fraction"}
    text = str(result)
    assert "profit" in text and money in text
    assert isinstance(result.summary(), pd.DataFrame)


def test_sharing_lowers_upstream_order_variance():
    eco = serial_chain([1, 1, 1])
    kwargs = dict(replications=100, periods=200, seed=3, policy=Policy(z=1.0))
    alone = simulation.run(eco, **kwargs).members["bullwhip_ratio"]
    shared = simulation.run(eco, sharing="all", **kwargs).members["bullwhip_ratio"]
    assert shared["s3"] < 0.5 * alone["s3"]
    assert shared["s0"] == pytest.approx(alone["s0"])  # it sees end demand anyway


# --------------------------------------------------------------- bad input
def test_bad_input_names_the_member_link_or_market():
    eco = serial_chain([1])
    eco.add_member("eu", "market", margin=1.0)
    with pytest.raises(SimulationError, match="'eu' receives no goods"):
        simulation.run(eco)
    eco = serial_chain([1])
    eco.add_member("shop2", "platform")
    eco.link("shop2", "us", "logistics")
    with pytest.raises(SimulationError, match="'shop2' .* no supplier and no capacity"):
        simulation.run(eco)
    eco = serial_chain([1, 1])
    eco.link("s0", "s2", "logistics")
    with pytest.raises(SimulationError, match="cycle: s.* -> s"):
        simulation.run(eco)
    eco = serial_chain([1])
    eco.graph.edges["s1", "s0", "logistics"]["lead_time"] = -2
    with pytest.raises(SimulationError, match="lead_time of link s1 -> s0"):
        simulation.run(eco)
    eco = serial_chain([1])
    with pytest.raises(ParameterError, match="one column per market.*missing \\['us'\\]"):
        simulation.run(eco, demand=pd.DataFrame({"eu": [1.0, 2.0, 3.0]}))
    with pytest.raises(ParameterError, match="shape \\(replications, periods, markets\\)"):
        simulation.run(eco, demand=np.ones((3, 4)))
    with pytest.raises(UnknownMemberError, match="'ghost'"):
        simulation.run(eco, sharing=["ghost"])
    eco.graph.nodes["us"]["margin"] = -1.0
    with pytest.raises(ParameterError, match="margin of market 'us'"):
        simulation.run(eco)
    del eco.graph.nodes["us"]["margin"]
    with pytest.raises(SimulationError, match=r"markets \['us'\] have no 'margin'"):
        simulation.run(eco)


def test_cli_simulate_writes_the_member_table(tmp_path, capsys):
    from ecosystem.cli import main
    out = tmp_path / "members.csv"
    status = main(["simulate", "cross_border_belt", "--periods", "10", "--replications", "5",
                   "--share", "beltlink,riverbend", "--seed", "1", "-o", str(out)])
    assert status == 0
    table = pd.read_csv(out, index_col=0)
    assert table.loc["beltlink", "shares"] and not table.loc["maple", "shares"]
    text = capsys.readouterr().out
    assert "service level" in text and "bullwhip" in text
    assert main(["simulate", "cross_border_belt", "--share", "ghost"]) == 2


def test_constant_demand_warns_that_ratios_are_undefined():
    eco = serial_chain([1])
    with pytest.warns(RuntimeWarning, match="bullwhip ratios are NaN.*does not vary") as caught:
        result = simulation.run(eco, demand=MarketDemand(cv=0.0), replications=2, periods=5)
    # the caller's line, however many of the package's frames lie between (the alliance
    # module calls the network-level entry point directly)
    with pytest.warns(RuntimeWarning, match="bullwhip ratios are NaN") as inner:
        _run.simulate_network(simulation.compile_network(eco), periods=5, replications=2,
                              seed=0, demand=MarketDemand(cv=0.0), policy=None, sharing=(),
                              rules=ServiceRules(), price=None, holding=0.004,
                              backorder=0.02, warmup=None, confidence=0.95)
    assert {w.filename for w in [*caught, *inner]} == {__file__}
    assert result.members["bullwhip_ratio"].isna().all()
    assert (result.members["fill_rate"] == 1).all()


def test_memory_is_stated_before_it_is_spent(monkeypatch):
    from ecosystem._errors import MemoryNeedError
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", "1M")
    with pytest.raises(MemoryNeedError, match=r"^2 replication\(s\) of 3 members x .*fewer "
                                              r"periods"):
        simulation.run(serial_chain([1, 1]), periods=100_000, replications=2)
    # the whole-array engine's blocks are named
    from ecosystem.simulation import _compiled
    monkeypatch.setattr(_compiled, "available", lambda: False)
    monkeypatch.setattr(_run, "_BLOCK_ELEMENTS", 1000)
    with pytest.raises(MemoryNeedError, match=r"^300 replication\(s\) of 3 members x 1\d+ "
                                              r"periods \(a warm-up of \d+ included, in "
                                              r"blocks of \d+\)"):
        simulation.run(serial_chain([1, 1]), periods=10_000, replications=300)


def test_base_stock_passes_orders_on_and_keeps_z_periods_of_cover():
    """One member with L = 1 and S = (1 + 0.5) x 10, by hand: demand 10, 20, 10 gives stock
    5, 0, 5 and backlog 0, 5, 0 (the jump arrives one period late); on a distribution
    network every member orders exactly what it receives."""
    eco = serial_chain([], source_lead=0)
    result = simulation.run(eco, demand=pd.DataFrame({"us": [10.0, 20.0, 10.0]}),
                            replications=1, warmup=0, policy=Policy("constant", z=0.5))
    assert result.members.loc["s0", "lead_time"] == 1
    series = result.series("members")
    assert series["orders"].tolist() == [10.0, 20.0, 10.0]
    assert series["stock"].tolist() == [5.0, 0.0, 5.0]
    assert series["backlog"].tolist() == [0.0, 5.0, 0.0]

    eco = distribution_network()
    rng = np.random.default_rng(5)
    demand = pd.DataFrame({f"m{k}": 20 + 8 * rng.standard_normal(40).clip(-2, 2)
                           for k in range(3)})
    result = simulation.run(eco, demand=demand, replications=1, warmup=0,
                            policy=Policy("base_stock", z=1.0))
    orders = result.series("members").pivot(index="period", columns="member", values="orders")
    for k in range(3):
        np.testing.assert_allclose(orders[f"shop{k}"], demand[f"m{k}"], atol=1e-12)
    np.testing.assert_allclose(orders["warehouse"], demand.sum(axis=1), atol=1e-9)
    with pytest.raises(ParameterError, match="'bogus' is not one of.*base_stock"):
        Policy("bogus")


def test_every_error_and_warning_class_is_reachable_where_it_says_it_lives():
    """A class whose __module__ is 'ecosystem' must be an attribute of ecosystem, or pickled
    warnings (pytest-xdist, Dask workers) cannot be read back."""
    import ecosystem
    from ecosystem import _errors
    for name in _errors.__all__:
        cls = getattr(_errors, name)
        assert cls.__module__ == "ecosystem" and getattr(ecosystem, name) is cls


def test_market_demand_takes_seed_and_its_former_name_rng():
    demand = MarketDemand(cv=0.3)
    means = np.array([10.0, 4.0])
    new = demand.generate(means, 3, 5, seed=7)
    with pytest.warns(DeprecationWarning, match=r"generate\(rng=...\) is now generate\(seed"):
        old = demand.generate(means, 3, 5, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(new, old)
    with pytest.raises(ParameterError, match="seed must be a whole number >= 0"):
        simulation.run(serial_chain([1]), seed=-1)


_STEADY_METRICS = ("bullwhip_ratio", "fill_rate", "mean_stock", "mean_backlog",
                   "stock_variance", "throughput", "market:service_level",
                   "total:member_profit")


def _largest_z(short, long) -> float:
    """The largest |difference of means| / standard error over every member, market and
    metric of two independent runs (the two-sample z of each)."""
    largest = 0.0
    for key in _STEADY_METRICS:
        a, b = short.replications[key], long.replications[key]
        a, b = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
        error = np.sqrt(a.var(axis=-1, ddof=1) / a.shape[-1] + b.var(axis=-1, ddof=1)
                        / b.shape[-1])
        assert (error > 0).all(), key
        largest = max(largest, float(np.max(np.abs(a.mean(axis=-1) - b.mean(axis=-1))
                                            / error)))
    return largest


@pytest.mark.parametrize("eco, replications, memory", [
    (networks.example("cross_border_belt"), 1000, 42),
    (networks.industrial_belt(300, seed=1), 200, 41),
])
def test_default_warmup_measures_what_a_long_warmup_measures(eco, replications, memory):
    """The default warm-up (50 + the deepest chain's memory) and four times it give the same
    member, market and belt statistics within Monte Carlo error; no warm-up does not."""
    default = simulation.run(eco, periods=52, replications=replications, seed=1)
    warmup = default.settings["warmup"]
    assert warmup == 50 + memory  # window 5 and lead times summed along the deepest chain
    long = simulation.run(eco, periods=52, replications=replications, seed=2,
                          warmup=4 * warmup)
    none = simulation.run(eco, periods=52, replications=replications, seed=3, warmup=0)
    # about 100 (cross_border_belt) to 2,000 (300 firms) comparisons: the largest of that
    # many independent normal |z| passes 5 in about one run in 900 or fewer
    assert _largest_z(default, long) < 5
    assert _largest_z(none, long) > 6


@pytest.mark.parametrize("compiled", [True, False])
def test_keep_series_false_drops_only_the_member_and_lane_series(compiled, monkeypatch):
    """Without the per-period member and lane tables every other number is the same, bit for
    bit, on either engine; asking for the dropped series says how to keep them."""
    if not compiled:
        monkeypatch.setenv("ECOBELT_NUMBA", "0")
    eco = networks.example("cross_border_belt")
    options = dict(periods=20, replications=40, seed=3, warmup=7)
    full = simulation.run(eco, **options)
    lean = simulation.run(eco, **options, keep_series=False)
    for name in ("members", "markets", "carriers", "totals"):
        pd.testing.assert_frame_equal(getattr(full, name), getattr(lean, name))
    for part in ("replications", "balance"):
        kept, dropped = getattr(full, part), getattr(lean, part)
        assert kept.keys() == dropped.keys()
        for key in kept:
            assert np.array_equal(kept[key], dropped[key], equal_nan=True), key
    pd.testing.assert_frame_equal(full.series("markets"), lean.series("markets"))
    assert lean.period_member == {} and lean.lane_shipped.shape == (0, full.network.n_lanes)
    assert len(full.series("lanes")) == 20 * full.network.n_lanes
    for kind in ("members", "lanes"):
        with pytest.raises(ParameterError, match="keep_series=True"):
            lean.series(kind)
    with pytest.raises(ParameterError, match="keep_series must be True or False"):
        simulation.run(eco, periods=4, replications=2, keep_series="no")


_PEAK_SCRIPT = """
import json, sys
import networks
from ecosystem import simulation
from ecosystem.simulation import _run
eco = networks.industrial_belt(20000, seed=1)
simulation.run(networks.example("archetype"), periods=4, replications=2)  # loads the kernel
asked = []
_run.check_allocation = lambda need, what, fix: asked.append(need)
def status(key):
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) * 1024 for line in handle if line.startswith(key))
out = {}
for keep in (True, False):
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # the peak resident size starts again from the current one
    before = status("VmRSS:")
    simulation.run(eco, periods=52, replications=10, seed=0, keep_series=keep)
    out[str(keep)] = [asked[-1], status("VmHWM:") - before]
json.dump(out, sys.stdout)
"""


def test_memory_stated_covers_the_measured_peak():
    """The memory the check states before a run (20,000 firms, 52 periods x 10 replications,
    with and without the per-period tables) is at least the peak the run adds to the
    process's resident memory, and at most 1.8 times it (the statement counts the bytes
    allocated, and pages never written do not become resident)."""
    import json
    import os
    import subprocess
    import sys
    if not os.access("/proc/self/clear_refs", os.W_OK):
        pytest.skip("needs Linux's /proc/self/clear_refs to reset the peak resident size")
    done = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    for keep, (stated, peak) in json.loads(done.stdout).items():
        assert peak <= stated <= 1.8 * peak, (keep, stated / 2 ** 20, peak / 2 ** 20)


def test_memory_stated_counts_shipments_only_where_carriers_cap_them():
    """The compiled kernel keeps what each lane ships and what each supplier needs only while
    a capped carrier scales the shipments, so the statement for the bundled belt's uncapped
    carriers is lower by exactly those arrays (tile x (lanes + nodes) doubles), and a finite
    capacity brings them back."""
    from dataclasses import replace

    from ecosystem.simulation import _compiled
    from ecosystem.simulation._network import compile_network
    network = compile_network(networks.example("cross_border_belt"))
    policies = [Policy()] * network.n_members
    capped = replace(network, carrier_capacity=np.full(len(network.carriers), 50.0))
    assert not network.capped and capped.capped
    need = [_run._memory_need(net, policies, 52, 144, 10, 10, True, False)
            for net in (network, capped)]
    assert need[1] - need[0] == 8 * min(_compiled._TILE, 10) * (
        network.n_lanes + network.n_members + network.n_markets)


@pytest.mark.parametrize("members,markets,periods,reps", [
    (23, 4, 6, 3), (0, 3, 5, 2), (7, 1, 2, 1), (5, 3, 4, 0)])
def test_served_variance_is_the_variance_of_each_members_served_demand(
        members, markets, periods, reps):
    """Member by member and replication by replication, the sample variance over periods of
    the demand a member serves (its routing row times the markets' demand each period)."""
    rng = np.random.default_rng(members + 10 * markets)
    routing = rng.random((members, markets)) * (rng.random((members, markets)) < 0.6)
    demand = rng.normal(50.0, 9.0, (periods, markets, reps))
    got = _run._served_variance(routing, demand)
    assert got.shape == (members, reps)
    for i in range(members):
        for r in range(reps):
            served = [sum(routing[i, a] * demand[t, a, r] for a in range(markets))
                      for t in range(periods)]
            mean = sum(served) / periods
            expected = sum((x - mean) ** 2 for x in served) / max(periods - 1, 1)
            assert got[i, r] == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("pattern", ["one", "two", "equal but distinct", "none"])
def test_policy_codes_name_each_members_object(pattern):
    """Each member's code points at its own policy object among the distinct ones, each
    object once (a plain loop over the members)."""
    from ecosystem.simulation._orders import policy_codes
    a, b = Policy(), Policy("exponential_smoothing")
    members = {"one": [a] * 5, "two": [a, b, b, a, b], "equal but distinct":
               [Policy(), Policy(), a], "none": []}[pattern]
    distinct, code = policy_codes(members)
    seen: list = []
    for policy in members:
        if not any(policy is known for known in seen):
            seen.append(policy)
    assert len(distinct) == len(seen) and {id(x) for x in distinct} == {id(x) for x in seen}
    assert code.dtype == np.int64
    assert [distinct[k] is policy for k, policy in zip(code, members)] == [True] * len(members)


@pytest.mark.parametrize("engine,blocks", [("compiled", 1), ("whole-array", 1),
                                           ("whole-array", 10)])
@pytest.mark.parametrize("keep_series", [True, False])
def test_memory_stated_covers_the_allocated_peak(engine, blocks, keep_series, monkeypatch):
    """Where the tables over replications dominate (300 members, 2,000 replications), the
    memory stated before the run is at least the peak of what numpy allocates during it
    (tracemalloc), for both engines and for the whole-array engine's blocks joined."""
    import tracemalloc

    from ecosystem.simulation import _compiled
    if engine == "compiled" and not _compiled.available():
        pytest.skip("the compiled engine needs numba")
    if engine == "whole-array":
        monkeypatch.setattr(_compiled, "available", lambda: False)
    eco = networks.industrial_belt(300, seed=1)
    network = simulation.compile_network(eco)
    n_nodes = network.n_members + network.n_markets
    # blocks of 200 replications when 10 are asked for (20 periods)
    monkeypatch.setattr(_run, "_BLOCK_ELEMENTS", n_nodes * 20 * (2000 // blocks))
    simulation.run(eco, periods=10, replications=2, seed=1, warmup=10)  # loads the kernel
    stated = []
    monkeypatch.setattr(_run, "check_allocation", lambda need, what, fix: stated.append(need))
    tracemalloc.start()
    try:
        simulation.run(eco, periods=10, replications=2000, seed=1, warmup=10,
                       keep_series=keep_series)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= stated[-1], (stated[-1] / 2 ** 20, peak / 2 ** 20)
