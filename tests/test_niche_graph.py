"""Resource matrices from an ecosystem and the competition layer (ecosystem.niche)."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.niche import (competition_layer, competition_pairs, overlap, resource_matrix,
                             resource_matrix_from_table)


@pytest.fixture
def belt():
    """Three manufacturers, two platforms, two logistics firms, a bank, a regulator."""
    eco = Ecosystem("belt")
    for member, role, extra in [("m1", "manufacturer", {}), ("m2", "manufacturer", {}),
                                ("m3", "manufacturer", {}),
                                ("amazon", "platform", {"market": "US"}),
                                ("shopee", "platform", {"market": "SEA"}),
                                ("lg1", "logistics", {}), ("lg2", "logistics", {}),
                                ("bank", "finance", {}), ("policy", "policy_environment", {})]:
        eco.add_member(member, role, **extra)
    # outbound sales
    eco.link("m1", "amazon", "logistics", volume=80.0)
    eco.link("m1", "shopee", "logistics", volume=20.0)
    eco.link("m2", "amazon", "logistics", volume=40.0)
    eco.link("m2", "shopee", "logistics", volume=10.0)
    eco.link("m3", "shopee", "logistics", volume=30.0)
    # inbound services
    eco.link("lg1", "m1", "logistics", volume=50.0)
    eco.link("lg1", "m2", "logistics")  # no volume: counts the default 1.0
    eco.link("lg2", "m3", "logistics", volume=30.0)
    eco.link("bank", "m1", "capital", volume=5.0)
    eco.link("bank", "m3", "capital", volume=5.0)
    eco.link("amazon", "m1", "information", volume=3.0)
    return eco


def test_inbound_providers(belt):
    U = resource_matrix(belt, role="manufacturer", flows=["logistics", "capital"])
    assert U.index.name == "member" and U.columns.name == "resource"
    assert list(U.index) == ["m1", "m2", "m3"]
    # member order; two flows, so each resource's column names its flow (never added)
    assert list(U.columns) == ["lg1 (logistics)", "lg2 (logistics)", "bank (capital)"]
    assert U.loc["m1"].tolist() == [50.0, 0.0, 5.0]
    assert U.loc["m2"].tolist() == [1.0, 0.0, 0.0]
    assert U.loc["m3"].tolist() == [0.0, 30.0, 5.0]


def test_outbound_sales_by_platform_and_by_market(belt):
    U = resource_matrix(belt, direction="out", role="manufacturer", resource_role="platform",
                        flows="logistics")
    assert U.to_dict("index") == {"m1": {"amazon": 80.0, "shopee": 20.0},
                                  "m2": {"amazon": 40.0, "shopee": 10.0},
                                  "m3": {"amazon": 0.0, "shopee": 30.0}}
    by_market = resource_matrix(belt, direction="out", role="manufacturer",
                                resource_role="platform", group_by="market", flows="logistics")
    assert list(by_market.columns) == ["SEA", "US"]
    assert by_market.loc["m1", "US"] == 80.0
    # m1 and m2 sell in the same 4:1 mix, so they compete fully
    assert overlap(U).loc["m1", "m2"] == pytest.approx(1.0)


def test_group_by_role_and_link_counts(belt):
    U = resource_matrix(belt, role="manufacturer", group_by="role", weight=None)
    assert list(U.columns) == ["finance (capital)", "logistics (logistics)",
                               "platform (information)"]
    assert U.loc["m1"].tolist() == [1.0, 1.0, 1.0]
    assert U.loc["m3"].tolist() == [1.0, 1.0, 0.0]


def test_empty_members_dropped_or_kept(belt):
    U = resource_matrix(belt, direction="out")
    assert "policy" not in U.index and "m3" in U.index
    kept = resource_matrix(belt, direction="out", drop_empty=False)
    assert list(kept.index) == list(belt.graph)
    assert kept.loc["policy"].sum() == 0


def test_rows_by_ring_and_explicit_members(belt):
    U = resource_matrix(belt, members=["m3", "m1"], flows="capital")
    assert list(U.index) == ["m1", "m3"]  # member order, not the order given
    assert list(U.columns) == ["bank"]
    assert list(resource_matrix(belt, ring="sub_core", direction="out").index) == [
        "lg1", "lg2", "bank"]


def test_self_links_are_not_resources():
    eco = Ecosystem()
    eco.add_member("a", "manufacturer")
    eco.add_member("b", "logistics")
    eco.link("a", "a", "information", volume=9.0)
    eco.link("b", "a", "logistics", volume=2.0)
    assert resource_matrix(eco).to_dict("index") == {"a": {"b (logistics)": 2.0}}
    assert resource_matrix(eco, flows="logistics").to_dict("index") == {"a": {"b": 2.0}}


def test_resource_matrix_errors(belt):
    with pytest.raises(ParameterError, match="direction must be 'in'"):
        resource_matrix(belt, direction="both")
    with pytest.raises(ParameterError, match="flow 'water' is not one of"):
        resource_matrix(belt, flows="water")
    with pytest.raises(UnknownMemberError, match="'m9'"):
        resource_matrix(belt, members=["m9"])
    with pytest.raises(ParameterError, match="unknown role 'robot'"):
        resource_matrix(belt, role="robot")
    with pytest.raises(ParameterError, match="unknown role 'robot'"):
        resource_matrix(belt, resource_role="robot")
    with pytest.raises(ParameterError, match="resource member 'm1' has no attribute 'market'"):
        resource_matrix(belt, group_by="market")
    with pytest.raises(ParameterError, match="weight must be"):
        resource_matrix(belt, weight=3)


def test_resource_matrix_from_a_long_table():
    table = pd.DataFrame({"firm": ["a", "a", "b", "a"], "platform": ["x", "y", "x", "x"],
                          "orders": [5, 2, 4, 1]})
    U = resource_matrix_from_table(table, member="firm", resource="platform", value="orders")
    assert U.to_dict("index") == {"a": {"x": 6.0, "y": 2.0}, "b": {"x": 4.0, "y": 0.0}}
    counts = resource_matrix_from_table(table, "firm", "platform", value=None)
    assert counts.loc["a", "x"] == 2.0
    with pytest.raises(ParameterError, match="no column"):
        resource_matrix_from_table(table)
    table.loc[1, "orders"] = -3
    with pytest.raises(ParameterError, match="finite numbers >= 0; row 1"):
        resource_matrix_from_table(table, "firm", "platform", "orders")


# ----------------------------------------------------------- competition
U3 = pd.DataFrame([[3, 1, 0], [2, 2, 0], [0, 1, 4], [0, 1, 5]],
                  index=["m1", "m2", "m3", "m4"], columns=["x", "y", "z"])


def test_competition_pairs_match_the_matrix():
    O = overlap(U3)
    pairs = competition_pairs(U3, threshold=0.5)
    expected = sorted(((a, b, O.loc[a, b]) for i, a in enumerate(U3.index)
                       for b in U3.index[i + 1:] if O.loc[a, b] >= 0.5),
                      key=lambda t: -t[2])
    assert list(pairs.columns) == ["member", "competitor", "overlap"]
    assert [(a, b) for a, b, _ in expected] == list(zip(pairs["member"], pairs["competitor"]))
    assert pairs["overlap"].tolist() == pytest.approx([v for _, _, v in expected])
    assert len(competition_pairs(U3, threshold=0.5, top=1)) == 1
    assert competition_pairs(U3, threshold=2.0).empty


def test_competition_pairs_asymmetric_lists_both_directions():
    U = pd.DataFrame([[6, 4], [1, 0]], index=["generalist", "specialist"])
    pairs = competition_pairs(U, "macarthur_levins", threshold=0.0)
    alpha = overlap(U, "macarthur_levins")
    assert len(pairs) == 2
    for member, competitor, value in pairs.itertuples(index=False):
        assert value == pytest.approx(alpha.loc[member, competitor])
    assert pairs.iloc[0]["member"] == "generalist"  # 0.6 / 0.52 > 1 comes first


def test_competition_pairs_on_arrays_and_errors():
    pairs = competition_pairs(U3.to_numpy(), threshold=0.9)
    assert set(pairs["member"]) <= {0, 1, 2, 3}
    with pytest.raises(ParameterError, match="threshold must be a number"):
        competition_pairs(U3, threshold="high")
    with pytest.raises(ParameterError, match="top must be"):
        competition_pairs(U3, top=0)


def test_competition_with_every_row_empty_is_empty():
    """empty='nan' and no member using anything: no pairs (it raised a raw unpacking error)."""
    U = pd.DataFrame(np.zeros((3, 2)), index=["a", "b", "c"])
    pairs = competition_pairs(U, threshold=0.5, empty="nan")
    assert list(pairs.columns) == ["member", "competitor", "overlap"] and len(pairs) == 0
    layer = competition_layer(U, threshold=0.5, empty="nan")
    assert layer.number_of_edges() == 0


def test_competition_layer_attributes(belt):
    U = resource_matrix(belt, direction="out", role="manufacturer", resource_role="platform",
                        flows="logistics")
    layer = competition_layer(U, threshold=0.5, eco=belt)
    assert isinstance(layer, nx.Graph) and not layer.is_directed()
    assert layer.graph == {"name": "competition", "layer": "competition", "method": "pianka",
                           "threshold": 0.5, "across_roles": False,
                           "resources": "logistics outlets"}
    assert set(layer.nodes) == {"m1", "m2", "m3"}
    assert layer.nodes["m1"]["role"] == "manufacturer" and layer.nodes["m1"]["ring"] == "core"
    assert layer.nodes["m3"]["breadth"] == pytest.approx(1.0)
    edge = layer.edges["m1", "m2"]
    assert edge["overlap"] == edge["weight"] == pytest.approx(1.0)


def test_competition_layer_directed_for_macarthur_levins():
    U = pd.DataFrame([[6, 4], [1, 0]], index=["generalist", "specialist"])
    layer = competition_layer(U, "macarthur_levins", threshold=0.0)
    alpha = overlap(U, "macarthur_levins")
    assert layer.is_directed()
    # u -> v carries alpha[v, u], the effect of u on v
    assert layer.edges["specialist", "generalist"]["overlap"] == pytest.approx(
        alpha.loc["generalist", "specialist"])
    assert np.isclose(layer.edges["generalist", "specialist"]["overlap"],
                      alpha.loc["specialist", "generalist"])


def test_members_without_use_in_pairs_and_layer():
    """An all-zero row raises by default; with empty='nan' it never pairs, and the layer keeps
    it as an isolated node with breadth NaN (never a silent 0)."""
    U = pd.concat([U3, pd.DataFrame([[0, 0, 0]], index=["idle"], columns=U3.columns)])
    with pytest.raises(ParameterError, match="'idle'"):
        competition_pairs(U)
    pairs = competition_pairs(U, threshold=0.0, empty="nan")
    assert "idle" not in set(pairs["member"]) | set(pairs["competitor"])
    assert len(pairs) == len(competition_pairs(U3, threshold=0.0))
    layer = competition_layer(U, threshold=0.5, empty="nan")
    assert "idle" in layer and layer.degree("idle") == 0
    assert np.isnan(layer.nodes["idle"]["breadth"])
