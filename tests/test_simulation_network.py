"""compile_network (array operations over the ecosystem's columns) against the plain loop over
networkx's links it replaced, on random belts with carriers handing goods to carriers, ``to``
destinations, given shares, idle members and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest
from _belts import random_belts
from _network_reference import reference_compile_network
from hypothesis import given, settings
from hypothesis import strategies as st

import networks
from ecosystem import Ecosystem, simulation
from ecosystem.simulation import SimulationError
from ecosystem.simulation import _read
from ecosystem.simulation._network import _group_sums

_STOCK = ("supplier", "producer", "manufacturer", "cbec_enterprise", "platform", "online_shop")


def chaotic_belt(seed: int) -> Ecosystem:
    """A random goods network: stocking members, carriers (some chained, some in a loop),
    markets, now and then a member of another role, with random attributes (mostly valid)."""
    rng = np.random.default_rng(seed)
    eco = Ecosystem("chaos")
    stock = [f"s{k}" for k in range(rng.integers(1, 7))]
    carriers = [f"c{k}" for k in range(rng.integers(0, 4))]
    markets = [f"m{k}" for k in range(rng.integers(0, 3) + (rng.random() < 0.95))]
    others = ["bank"] if rng.random() < 0.05 else []

    def maybe(values, p=0.5):
        return values[rng.integers(len(values))] if rng.random() < p else None

    for s in stock:
        extra = {}
        if rng.random() < 0.4:
            extra["capacity"] = maybe([10.0, 25, 0.0, -1.0 if rng.random() < 0.1 else 5.0], 1)
        if rng.random() < 0.3:
            extra["lead_time"] = maybe([0, 1, 2, 1.5 if rng.random() < 0.1 else 3], 1)
        eco.add_member(s, _STOCK[rng.integers(len(_STOCK))], **extra)
    for c in carriers:
        extra = {"capacity": maybe([30.0, 100.0, -2.0 if rng.random() < 0.1 else 50.0], 1)} \
            if rng.random() < 0.3 else {}
        eco.add_member(c, "logistics", **extra)
    for m in markets:
        eco.add_member(m, "market", margin=2.0)
    for o in others:
        eco.add_member(o, "finance")
    senders = stock + carriers + (others if rng.random() < 0.5 else []) \
        + (markets[:1] if rng.random() < 0.03 else [])
    receivers = stock + carriers + markets + others
    everyone = stock + carriers + markets + others
    # half the networks are tidy: goods move one way (up a random rank), every market is
    # served, 'to' names some of the carrier's destinations
    tidy = rng.random() < 0.5
    rank = {member: rng.random() for member in everyone}
    rank.update({m: 2.0 for m in markets})
    pairs = set()
    for _ in range(rng.integers(1, 3 * len(everyone) + 2)):
        u = senders[rng.integers(len(senders))]
        v = receivers[rng.integers(len(receivers))]
        if (u == v and rng.random() < 0.9) or (tidy and rank[u] >= rank[v]):
            continue
        pairs.add((u, v))
    if tidy:
        pairs.update((stock[rng.integers(len(stock))], m) for m in markets)
        pairs.update((c, markets[rng.integers(len(markets))]) for c in carriers if markets)
    bad = []
    for u, v in sorted(sorted(pairs), key=lambda _: rng.random()):
        data = {}
        value = maybe([0, 1, 2, 3, 1])
        if value is not None:
            data["lead_time"] = value
        value = maybe([0.0, 0.25, 1.5, 3, 1.0])
        if value is not None:
            data["unit_cost"] = value
        value = maybe([0.0, 1.0, 7.5, 20, 33.3, 4.0], 0.8)
        if value is not None:
            data["volume"] = value
        if rng.random() < (0.03 if tidy else 0.15):
            data["share"] = maybe([0.2, 0.5, 1.0, 0.7, -0.1 if rng.random() < 0.1 else 0.3], 1)
        if v in carriers and not tidy and rng.random() < 0.4:
            pool = markets + stock + carriers + (["ghost"] if rng.random() < 0.05 else [])
            picks = [pool[i] for i in rng.integers(len(pool), size=rng.integers(1, 4))]
            form = rng.integers(5)
            data["to"] = (picks[0] if form == 0 else list(picks) if form == 1 else
                          tuple(picks) if form == 2 else
                          {p: float(rng.choice([0.0, 3.0, 10.0])) for p in picks} if form == 3
                          else [] if rng.random() < 0.3 else 42)
        eco.link(u, v, "logistics", **data)
        # what a hand-edited graph may hold (eco.link refuses it)
        if rng.random() < (0.01 if tidy else 0.04):
            name = ("lead_time", "unit_cost", "volume")[rng.integers(3)]
            bad.append((u, v, name, [-1, 0.5, "lots", -2.0, float("nan")][rng.integers(5)]))
    if rng.random() < 0.3:
        eco.link(stock[0], everyone[rng.integers(len(everyone))], "information", volume=1.0)
    if tidy:
        for member in stock:
            if not any(w == member for _, w in pairs) and rng.random() < 0.8:
                eco.update_member(member, capacity=40.0)
    store = eco._columns()
    index = store.index()
    for u, v in sorted(pairs):
        outs = [w for x, w in sorted(pairs) if x == v]
        if not tidy or v not in carriers or not outs or rng.random() < 0.5:
            continue
        picks = [outs[i] for i in rng.integers(len(outs), size=rng.integers(1, 3))]
        form = rng.integers(3)
        to = picks[0] if form == 0 else list(picks) if form == 1 else \
            {p: float(rng.choice([0.0, 3.0, 10.0])) + 1.0 for p in picks}
        store.set_link(store.link_row(index[u], index[v], 1), {"to": to})
    for u, v, name, value in bad:
        store.set_link(store.link_row(index[u], index[v], 1), {name: value})
    return eco


def outcome(compile, eco):
    try:
        return compile(eco)
    except SimulationError as error:
        text = str(error)
        # which cycle networkx names depends on its walk; the rest of the message is fixed
        return ("error", text.split(":")[0] if "go round a cycle" in text else text)


def assert_same(ours, theirs):
    if isinstance(theirs, tuple):
        assert ours == theirs
        return
    assert not isinstance(ours, tuple), ours
    for name in theirs.__dataclass_fields__:
        if name == "ecosystem":
            continue
        a, b = getattr(ours, name), getattr(theirs, name)
        if name == "member_rows":  # the plain loop keeps none: the ids' own positions
            assert np.array_equal(a, _read.positions(ours.ecosystem, ours.members)), name
            continue
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape, name
            # bit for bit: the floats are computed in the same order as the plain loop
            assert np.array_equal(a, b, equal_nan=True), name
        else:
            assert a == b, name


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 2 ** 32 - 1))
def test_compile_network_equals_the_plain_loop_on_random_networks(seed):
    columns = outcome(simulation.compile_network, chaotic_belt(seed))
    eco = chaotic_belt(seed)
    assert eco.graph is not None  # the same ecosystem kept as a networkx graph from now on
    graph = outcome(simulation.compile_network, eco)
    reference = outcome(reference_compile_network, eco)
    assert_same(columns, reference)
    assert_same(graph, reference)


@settings(max_examples=30, deadline=None)
@given(random_belts())
def test_compile_network_equals_the_plain_loop_on_random_belts(eco):
    assert_same(simulation.compile_network(eco), reference_compile_network(eco.copy()))


def test_random_networks_reach_every_outcome():
    """The random networks above exercise every branch: carriers handing goods on,
    ``to`` in every form, and each kind of refusal."""
    seen = set()
    for seed in range(400):
        result = outcome(simulation.compile_network, chaotic_belt(seed))
        if isinstance(result, tuple):
            text = result[1]
            seen.add(next((key for key in ("delivers them nowhere", "round a loop",
                                           "does not deliver to", "unknown member",
                                           "'to' must be", "no positive volume",
                                           "go round a cycle", "lead_time of link",
                                           "unit_cost of link", "volume of link",
                                           "share of link", "add up to", "no supplier",
                                           "receives no goods", "neither stock",
                                           "a market ships", "capacity of",
                                           "lead_time of member", "no member of role")
                           if key in text), text))
        else:
            if (result.lane_carrier >= 0).any():
                seen.add("carried")
            if any(len(path) > 3 for path in result.lane_links):
                seen.add("carrier to carrier")
            if result.idle:
                seen.add("idle")
    for wanted in ("carried", "carrier to carrier", "idle", "delivers them nowhere",
                   "round a loop", "does not deliver to", "go round a cycle",
                   "lead_time of link", "no supplier", "receives no goods"):
        assert wanted in seen, wanted


def test_bundled_belts_compile_as_before():
    for name in ("archetype", "cross_border_belt", "rural_cluster"):
        assert_same(simulation.compile_network(networks.example(name)),
                    reference_compile_network(networks.example(name)))
    assert_same(simulation.compile_network(networks.industrial_belt(2000, seed=3)),
                reference_compile_network(networks.industrial_belt(2000, seed=3)))


@pytest.mark.parametrize("length", [0, 1, 2, 7, 8, 9, 15, 16, 17, 64, 127, 128, 129, 300])
def test_group_sums_round_as_numpy_sums(length):
    rng = np.random.default_rng(length)
    count = np.array([length, 3, length, 0, 11])
    values = rng.random(count.sum()) * 10.0 ** rng.uniform(-4, 4, count.sum())
    sums = _group_sums(values, count)
    bounds = np.concatenate([[0], np.cumsum(count)])
    for k in range(len(count)):
        assert sums[k] == values[bounds[k]:bounds[k + 1]].sum()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.data())
def test_positions_are_those_of_the_member_list(seed, data):
    """Member positions from the columns' index (members added after the first lookup
    included) and from the graph are the member list's own positions."""
    eco = networks.industrial_belt(int(seed % 40) + 8, seed=seed)
    ids = eco.members()
    asked = data.draw(st.lists(st.sampled_from(ids), max_size=30))
    plain = np.array([ids.index(m) for m in asked], dtype=np.int64)
    first = _read.positions(eco, asked)
    assert first.dtype == np.int64 and np.array_equal(first, plain)
    eco.add_member("late", "manufacturer")
    assert np.array_equal(_read.positions(eco, asked + ["late"]), np.append(plain, len(ids)))
    assert eco.graph is not None and eco._graph is not None  # the graph is the storage now
    assert np.array_equal(_read.positions(eco, asked + ["late"]), np.append(plain, len(ids)))


def test_lane_paths_are_made_when_first_read():
    """A run does not make a tuple of ids for each lane; read, the paths are the tuples the
    plain loop makes, by index, slice, iteration and comparison."""
    eco = networks.example("cross_border_belt")
    result = simulation.run(eco, periods=4, replications=2, seed=0)
    paths = result.network.lane_links
    assert paths._made is None
    expected = reference_compile_network(networks.example("cross_border_belt")).lane_links
    assert len(paths) == len(expected) and paths._made is None
    assert paths[0] == expected[0] and paths[-1] == expected[-1]
    assert paths[1:3] == expected[1:3]
    assert tuple(paths) == expected and paths == expected and expected == paths
    assert repr(paths) == repr(expected)
    assert any(path[0] == "outside" for path in paths)


@pytest.mark.parametrize("length", [3, 40, 400])
def test_long_chains_compile_as_the_plain_loop(length):
    """A chain of manufacturers, each shipping to the next, the last to two markets:
    depths 1 to ``length``, as the plain loop gives them (rounds of one supplier each)."""
    def chain() -> Ecosystem:
        eco = Ecosystem("chain")
        for k in range(length):
            eco.add_member(f"f{k}", "manufacturer")
        eco.add_member("us", "market")
        eco.add_member("eu", "market")
        for k in range(length - 1):
            eco.link(f"f{k + 1}", f"f{k}", "logistics", volume=10.0)
        eco.link("f0", "us", "logistics", volume=6.0)
        eco.link("f0", "eu", "logistics", volume=4.0)
        return eco
    network = simulation.compile_network(chain())
    assert network.depth.tolist() == list(range(1, length + 1))
    assert_same(network, reference_compile_network(chain()))
