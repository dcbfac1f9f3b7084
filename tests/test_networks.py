"""Builders and bundled examples of :mod:`networks`."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import networks
from ecosystem import DEFAULT_ROLES, Ecosystem, Flow, ParameterError, Ring
from ecosystem.cli import main
from networks import archetype, example, examples, industrial_belt, rural_cluster
from networks._sampling import choose_several, small_world_pairs
from networks.belt import _default_counts
from networks.bundled import GENERATORS

LINK_ATTRIBUTES = {"volume", "capacity", "unit_cost", "lead_time", "reliability"}


def role_counts(eco: Ecosystem) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, data in eco.graph.nodes(data=True):
        counts[data["role"]] = counts.get(data["role"], 0) + 1
    return counts


def check_links(eco: Ecosystem) -> None:
    """Every link carries sensible numbers and no member links to itself."""
    for u, v, _, data in eco.graph.edges(keys=True, data=True):
        assert u != v
        # a shipper's goods link to a carrier may say where the goods go
        assert set(data) - {"to"} == LINK_ATTRIBUTES
        assert "to" not in data or eco.member(v)["role"] == "logistics"
        assert data["volume"] > 0 and data["capacity"] >= data["volume"]
        assert 0 <= data["reliability"] <= 1 and data["lead_time"] >= 0
        assert isinstance(data["lead_time"], int)


def test_public_names():
    assert sorted(networks.__all__) == sorted(
        ["archetype", "industrial_belt", "rural_cluster", "examples", "example"])


# ------------------------------------------------------------------ archetype
def test_archetype_has_every_role_and_flow_once_per_role():
    """Wang & Gao Figure 1: every role of the three rings, joined by all four flows."""
    eco = archetype().validate()
    assert role_counts(eco) == {role: 1 for role in DEFAULT_ROLES}
    for _member, data in eco.graph.nodes(data=True):
        assert data["ring"] == DEFAULT_ROLES[data["role"]].value
    assert {k for *_, k in eco.graph.edges(keys=True)} == {f.value for f in Flow}
    assert all(len(eco.members(ring=ring)) > 0 for ring in Ring)
    check_links(eco)


def test_archetype_flow_directions():
    """Goods go down to the market; orders and payments come back up (Wang & Gao, §3.2.1)."""
    eco = archetype()
    assert nx.has_path(eco.layer("logistics"), "supplier", "market")
    assert nx.has_path(eco.layer("information"), "market", "supplier")
    assert nx.has_path(eco.layer("capital"), "market", "supplier")
    assert eco.layer("logistics").out_degree("market") == 0
    assert eco.layer("logistics").in_degree("supplier") == 0
    # every outer environment informs someone and receives nothing
    for member in eco.members(ring="outer"):
        assert eco.graph.in_degree(member) == 0
        assert {k for _, _, k in eco.graph.out_edges(member, keys=True)} == {"information"}
    # technology comes from the technology platform, research and training
    sources = {u for u, _, k in eco.graph.edges(keys=True) if k == "technology"}
    assert {"technology", "research", "training"} <= sources


def test_archetype_every_member_takes_part():
    eco = archetype()
    assert nx.is_weakly_connected(eco.graph)
    assert all(eco.graph.degree(m) >= 2 for m in eco)


# ------------------------------------------------------------ industrial belt
def test_industrial_belt_composition():
    eco = industrial_belt(2000, seed=5).validate()
    counts = role_counts(eco)
    expected = _default_counts(2000)
    assert {role: counts[role] for role in expected} == expected
    firms = counts["manufacturer"] + counts["producer"] + counts["supplier"]
    assert firms == 2000
    # firm_mix (0.5, 0.15, 0.35): binomial, 2000 draws, well inside 5 standard deviations
    assert abs(counts["manufacturer"] - 1000) < 120 and abs(counts["supplier"] - 700) < 110
    for environment in ("production_environment", "legal_environment", "innovation_environment",
                        "policy_environment", "market_environment"):
        assert counts[environment] == 1
    assert {k for *_, k in eco.graph.edges(keys=True)} == {f.value for f in Flow}
    check_links(eco)
    assert nx.is_weakly_connected(eco.graph)


def test_industrial_belt_is_reproducible():
    assert industrial_belt(300, seed=11) == industrial_belt(300, seed=11)
    assert industrial_belt(300, seed=np.random.default_rng(4)) == \
        industrial_belt(300, seed=np.random.default_rng(4))
    assert industrial_belt(300, seed=11) != industrial_belt(300, seed=12)


def test_industrial_belt_firms_form_a_small_world():
    """Qian §5: clustering far above a random graph of the same density."""
    eco = industrial_belt(3000, seed=2)
    firms = [m for m, d in eco.graph.nodes(data=True)
             if d["role"] in ("manufacturer", "producer", "supplier")]
    # the firms' network over every flow: goods move between tiers, information among peers
    firm_graph = nx.Graph(eco.graph.subgraph(firms))
    density = nx.density(firm_graph)
    # Watts-Strogatz, 4 neighbours, p = 0.1: C ~ 0.5 (1 - p)^3 ~ 0.36
    assert nx.average_clustering(firm_graph) > 50 * density
    assert nx.average_clustering(firm_graph) > 0.25


def test_industrial_belt_goods_flow_upstream_to_downstream():
    eco = industrial_belt(1000, seed=3)
    tier = {"supplier": 0, "producer": 1, "manufacturer": 2}
    roles = {m: d["role"] for m, d in eco.graph.nodes(data=True)}
    for u, v in eco.layer("logistics").edges:
        if roles[u] in tier and roles[v] in tier:
            assert tier[roles[u]] <= tier[roles[v]]
        if roles[v] == "market":
            assert roles[u] in ("cbec_enterprise", "platform", "logistics")
    # the market never ships; it orders and pays
    markets = eco.members(role="market")
    assert all(eco.layer("logistics").out_degree(m) == 0 for m in markets)
    assert all(eco.layer("information").out_degree(m) > 0 for m in markets)


def test_industrial_belt_shares_are_heavy_tailed():
    """A few channels serve most firms (Zipf shares, exponent 1)."""
    eco = industrial_belt(5000, seed=8)
    channels = eco.members(role="cbec_enterprise") + eco.members(role="platform")
    goods = eco.layer("logistics")
    sellers = np.array([goods.in_degree(c) for c in channels])
    assert sellers.max() > 10 * np.median(sellers)
    flat = industrial_belt(5000, concentration=0.0, seed=8)
    goods = flat.layer("logistics")
    sellers_flat = np.array([goods.in_degree(c) for c in channels])
    assert sellers_flat.max() < 3 * np.median(sellers_flat)


def test_industrial_belt_scales_linearly():
    small, large = industrial_belt(500, seed=1), industrial_belt(4000, seed=1)
    ratio_small = small.graph.number_of_edges() / len(small)
    ratio_large = large.graph.number_of_edges() / len(large)
    assert 8 < ratio_small < 13 and 8 < ratio_large < 13
    assert abs(ratio_small - ratio_large) < 1.5


def test_industrial_belt_counts_and_parameters():
    eco = industrial_belt(50, counts={"market": 3, "platform": 1}, neighbours=0, seed=1)
    counts = role_counts(eco)
    assert counts["market"] == 3 and counts["platform"] == 1
    assert eco.member("mk_us")["country"] == "United States"
    firms = set(eco.members(role="manufacturer") + eco.members(role="producer")
                + eco.members(role="supplier"))
    # no lattice: firms never link to firms
    assert not any(u in firms and v in firms for u, v, _ in eco.graph.edges(keys=True))
    only_suppliers = industrial_belt(40, firm_mix=(0, 0, 1), seed=1)
    assert role_counts(only_suppliers)["supplier"] == 40


@pytest.mark.parametrize("kwargs, match", [
    ({"n_firms": 0}, "n_firms must be a whole number >= 1"),
    ({"n_firms": 2.5}, "n_firms must be a whole number"),
    ({"n_firms": True}, "n_firms must be a whole number"),
    ({"n_firms": 10, "rewire": 1.5}, r"rewire must be a number in \[0, 1\]"),
    ({"n_firms": 10, "neighbours": -2}, "neighbours must be a whole number >= 0"),
    ({"n_firms": 10, "firm_mix": (1, 1)}, "firm_mix must be three non-negative shares"),
    ({"n_firms": 10, "firm_mix": (0, 0, 0)}, "firm_mix must be three"),
    ({"n_firms": 10, "firm_mix": (1, -1, 1)}, "firm_mix must be three"),
    ({"n_firms": 10, "concentration": -1}, "concentration must be a finite number >= 0"),
    ({"n_firms": 10, "counts": {"broker": 2}}, "counts: unknown role 'broker'"),
    ({"n_firms": 10, "counts": {"finance": 0}}, r"counts\['finance'\] must be a whole number >= 1"),
    ({"n_firms": 10, "counts": {"market": 20}}, r"counts\['market'\] must be at most 14"),
])
def test_industrial_belt_bad_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        industrial_belt(**kwargs)


@settings(max_examples=30)
@given(n_firms=st.integers(1, 250), neighbours=st.integers(0, 8),
       rewire=st.floats(0, 1), concentration=st.floats(0, 3), seed=st.integers(0, 2**32 - 1))
def test_industrial_belt_always_valid(n_firms, neighbours, rewire, concentration, seed):
    eco = industrial_belt(n_firms, neighbours=neighbours, rewire=rewire,
                          concentration=concentration, seed=seed)
    assert_same_as_checked(eco)  # before check_links builds eco.graph
    assert eco.problems() == []
    assert len(eco) == n_firms + sum(_default_counts(n_firms).values()) + 5
    check_links(eco)


def assert_same_as_checked(eco: Ecosystem) -> None:
    """The builder hands its columns over unchecked: its tables pass every check of a user's
    tables (both ends members, no link twice, numbers in range) and give the same columns."""
    assert eco._graph is None
    members, links = eco.to_pandas()
    checked = Ecosystem.from_pandas(members, links, name=eco.name,
                                    description=eco.attributes["description"])
    assert checked == eco
    ours, theirs = eco._columns(), checked._columns()
    # the tables list links in networkx's order, the builder's columns in the order drawn
    for table, other, rows in ((ours.members, theirs.members, np.arange(len(eco))),
                               (ours.links, theirs.links, eco._ordered_rows())):
        assert list(table) == list(other)
        for name, column in table.items():
            assert column.values.dtype == other[name].values.dtype, name
            assert np.array_equal(column.mask()[rows], other[name].mask()), name


# ------------------------------------------------------------ rural cluster
def test_rural_cluster_members():
    """Liu & Li's cluster: shops, production side and the service system."""
    eco = rural_cluster(300, seed=1).validate()
    counts = role_counts(eco)
    assert counts["online_shop"] == 300
    assert counts["production_base"] == 30 and counts["cooperative"] == 7
    for role in ("supplier", "processor", "logistics", "association", "training", "technology",
                 "finance", "government", "research", "platform", "market"):
        assert counts[role] >= 1
    assert {k for *_, k in eco.graph.edges(keys=True)} == {f.value for f in Flow}
    check_links(eco)
    assert nx.is_weakly_connected(eco.graph)
    # every shop sells: it hands parcels to an express company
    parcels = eco.layer("logistics")
    assert all(any(eco.member(v)["role"] == "logistics" for v in parcels.successors(shop))
               for shop in eco.members(role="online_shop"))


@settings(max_examples=10)
@given(n_shops=st.integers(1, 120), seed=st.integers(0, 2**32 - 1), overseas=st.booleans())
def test_rural_cluster_same_as_checked(n_shops, seed, overseas):
    assert_same_as_checked(rural_cluster(n_shops, overseas=overseas, seed=seed))


def test_rural_cluster_domestic_only_and_reproducible():
    home = rural_cluster(30, overseas=False, seed=3)
    assert home.members(role="market") == ["domestic_consumers"]
    assert home.members(role="platform") == ["taobao_like"]
    assert rural_cluster(30, seed=3) == rural_cluster(30, seed=3)
    assert rural_cluster(30, seed=3) != rural_cluster(30, seed=4)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_shops": 0}, "n_shops must be a whole number >= 1"),
    ({"n_shops": "40"}, "n_shops must be a whole number"),
    ({"rewire": -0.1}, r"rewire must be a number in \[0, 1\]"),
])
def test_rural_cluster_bad_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        rural_cluster(**kwargs)


# ------------------------------------------------------------ sampling pieces
def test_small_world_pairs_without_rewiring_is_a_ring_lattice():
    a, b = small_world_pairs(10, 4, 0.0, np.random.default_rng(0))
    pairs = set(zip(a.tolist(), b.tolist()))
    expected = {tuple(sorted((i, (i + j) % 10))) for i in range(10) for j in (1, 2)}
    assert pairs == expected


@given(how_many=st.lists(st.integers(0, 6), min_size=1, max_size=20),
       n=st.integers(1, 5), seed=st.integers(0, 1000))
def test_choose_several_samples_without_replacement(how_many, n, seed):
    rng = np.random.default_rng(seed)
    chooser, picked = choose_several(np.array(how_many), rng.random(n) + 0.1, rng)
    for i, k in enumerate(how_many):
        mine = picked[chooser == i]
        assert len(mine) == min(k, n) and len(set(mine.tolist())) == len(mine)


# ------------------------------------------------------------------ examples
def test_examples_lists_the_bundled_files():
    table = examples()
    assert {"archetype", "cross_border_belt", "rural_cluster", "industrial_belt"} <= set(table.index)  # noqa: E501
    assert list(table.columns) == ["description", "members", "links", "file"]
    assert table.loc["archetype", "members"] == 23


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_example_equals_its_builder(name):
    """Each bundled file is what its builder makes (regenerate the files if this fails)."""
    loaded, built = example(name), GENERATORS[name]()
    assert loaded == built
    # == takes 25 for 25.0: the types of the values must match too
    def types(eco):
        return ([{k: type(v) for k, v in d.items()} for _, d in eco.graph.nodes(data=True)],
                [{k: type(v) for k, v in d.items()} for *_, d in eco.graph.edges(keys=True,
                                                                                  data=True)])
    assert types(loaded) == types(built)
    assert loaded.problems() == []


def test_cross_border_belt_is_a_full_toy_belt():
    eco = example("cross_border_belt")
    counts = role_counts(eco)
    assert 25 <= len(eco) <= 60
    assert counts["market"] >= 2 and counts["platform"] >= 2 and counts["cbec_enterprise"] >= 2
    for role in ("logistics", "finance", "customs", "government", "technology", "research"):
        assert counts[role] >= 1
    assert len(eco.members(ring="outer")) == 5
    assert all("name" in eco.member(m) for m in eco)
    check_links(eco)
    assert nx.is_weakly_connected(eco.graph)


def test_example_unknown_name():
    with pytest.raises(ParameterError, match="no bundled example 'atlantis'; the examples are: "
                                             "archetype, cross_border_belt"):
        example("atlantis")


def test_examples_command(capsys):
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "members", "links", "description"]
    assert any(line.startswith("cross_border_belt") and " 36 " in line for line in out.splitlines())
    assert main(["examples", "--paths"]) == 0
    assert "cross_border_belt.yaml" in capsys.readouterr().out


def test_cross_border_belt_groups_firms_by_industry():
    """The bundled belt names each firm's industry, so `ecobelt convergence` runs on it as is."""
    from ecosystem.cli import main
    belt = networks.example("cross_border_belt")
    industries = {belt.member(m).get("industry") for m in belt.members(ring="core")}
    assert {"hosiery", "e-commerce"} <= industries
    assert main(["convergence", "cross_border_belt"]) == 0
