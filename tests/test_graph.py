"""The Ecosystem graph API: members, roles, links, layers, matrices,
copies, summary and validation."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import (DEFAULT_ROLES, DuplicateError, Ecosystem, Flow, ParameterError, Ring,
                       SpecError, UnknownMemberError, ValidationError)


@pytest.fixture
def eco():
    eco = Ecosystem("toy", description="three firms and a platform", roles={"broker": "sub_core"})
    eco.add_member("m1", "manufacturer", employees=40)
    eco.add_member("s1", "supplier")
    eco.add_member("p1", "platform", ring="sub_core")
    eco.add_member("b1", "broker")
    eco.link("s1", "m1", "logistics", volume=50.0, lead_time=1)
    eco.link("m1", "p1", "logistics", volume=40.0)
    eco.link("p1", "m1", "information", volume=8.0)
    eco.link("b1", "m1", "capital")
    eco.link("m1", "p1", "capital", volume=2.5)
    return eco


# ------------------------------------------------------------------ taxonomy
def test_rings_flows_and_default_roles():
    assert [r.value for r in Ring] == ["core", "sub_core", "outer"]
    assert [f.value for f in Flow] == ["information", "logistics", "capital", "technology"]
    assert Ring.coerce("SUB_CORE") is Ring.SUB_CORE and Flow.coerce(" Capital ") is Flow.CAPITAL
    assert str(Flow.LOGISTICS) == "logistics"
    rings = {ring: sorted(r for r, g in DEFAULT_ROLES.items() if g is ring) for ring in Ring}
    assert rings[Ring.CORE] == sorted([
        "manufacturer", "producer", "supplier", "cbec_enterprise", "platform", "market",
        "online_shop", "production_base", "cooperative", "processor"])
    assert rings[Ring.SUB_CORE] == sorted([
        "logistics", "finance", "government", "customs", "technology", "research",
        "association", "training"])
    assert rings[Ring.OUTER] == sorted([
        "production_environment", "legal_environment", "innovation_environment",
        "policy_environment", "market_environment"])
    with pytest.raises(TypeError):
        DEFAULT_ROLES["broker"] = Ring.CORE  # read-only


@pytest.mark.parametrize("kind, value, message", [
    (Ring, "middle", "ring 'middle' is not one of: core, sub_core, outer"),
    (Flow, "money", "flow 'money' is not one of: information, logistics, capital, technology"),
    (Flow, 3, "flow 3 is not one of"),
])
def test_coerce_errors(kind, value, message):
    with pytest.raises(ParameterError, match=message):
        kind.coerce(value)


# ------------------------------------------------------------------- members
def test_members_have_role_ring_and_attributes(eco):
    assert dict(eco.member("m1")) == {"role": "manufacturer", "ring": "core", "employees": 40}
    assert eco.member("p1")["ring"] == "sub_core"  # placed in another ring than its role's
    assert eco.member("b1")["ring"] == "sub_core"  # the custom role's ring
    assert eco.members() == ["m1", "s1", "p1", "b1"]
    assert eco.members(ring="core") == ["m1", "s1"]
    assert eco.members(ring=Ring.SUB_CORE, role="platform") == ["p1"]
    assert eco.members(role="broker") == ["b1"]
    assert eco.index() == {"m1": 0, "s1": 1, "p1": 2, "b1": 3}
    assert "m1" in eco and "zz" not in eco and len(eco) == 4 and list(eco) == eco.members()
    assert repr(eco) == "<Ecosystem 'toy': 4 members, 5 links>"


def test_member_view_is_read_only(eco):
    with pytest.raises(TypeError):
        eco.member("m1")["role"] = "supplier"


def test_roles(eco):
    assert eco.custom_roles == {"broker": Ring.SUB_CORE}
    assert eco.roles["manufacturer"] is Ring.CORE and eco.roles["broker"] is Ring.SUB_CORE
    eco.register_role("broker", "sub_core")  # the same again is harmless
    eco.register_role("platform", "core")  # a built-in role with its own ring too
    assert "platform" not in eco.custom_roles


@pytest.mark.parametrize("role, ring, message", [
    ("platform", "outer", "role 'platform' already belongs to ring 'core'"),
    ("broker", "core", "role 'broker' already belongs to ring 'sub_core'"),
    ("", "core", "a role must be a non-empty string"),
    (3, "core", "a role must be a non-empty string, got 3"),
    ("agent", "middle", "ring 'middle' is not one of"),
])
def test_register_role_errors(eco, role, ring, message):
    with pytest.raises(ParameterError, match=message):
        eco.register_role(role, ring)


@pytest.mark.parametrize("args, kwargs, error, message", [
    (("m1", "supplier"), {}, DuplicateError, "member 'm1' already exists"),
    (("x1", "wizard"), {}, ParameterError, r"unknown role 'wizard'; register it first"),
    ((7, "supplier"), {}, ParameterError, r"member id must be a non-empty string, got 7; use '7'"),
    (("  ", "supplier"), {}, ParameterError, "member id must be a non-empty string"),
    (("x1", "supplier"), {"ring": "middle"}, ParameterError, "ring 'middle' is not one of"),
    (("x1", "supplier"), {"id": "x"}, ParameterError, "'id' is reserved"),
])
def test_add_member_errors(eco, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        eco.add_member(*args, **kwargs)
    assert len(eco) == 4


@pytest.mark.parametrize("call", [
    lambda e: e.member("zz"), lambda e: e.remove("m1", "zz"), lambda e: e.subgraph(["zz"]),
    lambda e: e.link("m1", "zz", "capital"), lambda e: e.link("zz", "m1", "capital"),
])
def test_unknown_member_errors(eco, call):
    with pytest.raises(UnknownMemberError, match="no member 'zz' in ecosystem 'toy'"):
        call(eco)
    assert len(eco) == 4


def test_members_filter_errors(eco):
    with pytest.raises(ParameterError, match="unknown role 'wizard'"):
        eco.members(role="wizard")
    with pytest.raises(ParameterError, match="ring 'middle' is not one of"):
        eco.members(ring="middle")


def test_remove_drops_links_and_keeps_order(eco):
    eco.remove("s1")
    assert eco.members() == ["m1", "p1", "b1"]
    assert ("s1", "m1", "logistics") not in eco.links()
    assert eco.graph.number_of_edges() == 4


# --------------------------------------------------------------------- links
def test_links_and_flows(eco):
    assert eco.links(flow="logistics") == [("m1", "p1", "logistics"), ("s1", "m1", "logistics")]
    assert eco.links(flow=Flow.CAPITAL, data=True) == [
        ("m1", "p1", "capital", {"volume": 2.5}), ("b1", "m1", "capital", {})]
    assert eco.links(flow="technology") == []
    # two members joined by several flows: one edge per flow, keyed by the flow
    assert sorted(eco.graph["m1"]["p1"]) == ["capital", "logistics"]
    eco.link("m1", "s1", "TECHNOLOGY", reliability=1, note="licence")
    assert eco.graph.edges["m1", "s1", "technology"] == {"reliability": 1, "note": "licence"}


@pytest.mark.parametrize("kwargs, error, message", [
    ({"flow": "logistics"}, DuplicateError, "'s1' -> 'm1' already has a logistics link"),
    ({"flow": "money"}, ParameterError, "flow 'money' is not one of"),
    ({"flow": "capital", "volume": -1.0}, ParameterError,
     r"link 's1' -> 'm1' \(capital\): volume must be a finite number >= 0 \(flow per period\), "
     r"got -1.0"),
    ({"flow": "capital", "volume": float("nan")}, ParameterError, "volume must be a finite"),
    ({"flow": "capital", "volume": True}, ParameterError, "volume must be a finite"),
    ({"flow": "capital", "lead_time": 0.5}, ParameterError, "lead_time must be a whole number"),
    ({"flow": "capital", "reliability": 1.5}, ParameterError, r"reliability must be a number "
                                                               r"in \[0, 1\]"),
    ({"flow": "capital", "unit_cost": "cheap"}, ParameterError, "unit_cost must be a finite"),
])
def test_link_errors(eco, kwargs, error, message):
    with pytest.raises(error, match=message):
        eco.link("s1", "m1", **kwargs)
    assert eco.graph.number_of_edges() == 5


def test_unlink(eco):
    eco.unlink("m1", "p1", "Capital")
    assert ("m1", "p1", "capital") not in eco.links()
    with pytest.raises(UnknownMemberError, match="no capital link 'm1' -> 'p1'"):
        eco.unlink("m1", "p1", "capital")


def test_attribute_names_networkx_uses_itself(eco):
    """A link attribute "key" or a member attribute "node_for_adding" is just an attribute."""
    eco.add_member("x1", "market", node_for_adding=1)
    eco.link("x1", "m1", "information", key="k")
    assert eco.member("x1")["node_for_adding"] == 1
    assert eco.graph.edges["x1", "m1", "information"] == {"key": "k"}


# ---------------------------------------------------------- layers and matrices
def test_layer_is_a_frozen_digraph_with_every_member(eco):
    layer = eco.layer("logistics")
    assert isinstance(layer, nx.DiGraph) and not layer.is_multigraph()
    assert list(layer) == eco.members()
    assert sorted(layer.edges(data="volume")) == [("m1", "p1", 40.0), ("s1", "m1", 50.0)]
    with pytest.raises(nx.NetworkXError):
        layer.add_edge("m1", "s1")
    eco.graph.edges["m1", "p1", "logistics"]["volume"] = 41.0  # values show through
    assert layer.edges["m1", "p1"]["volume"] == 41.0
    assert nx.shortest_path(layer, "s1", "p1") == ["s1", "m1", "p1"]


def test_adjacency_in_member_order(eco):
    """Entry (i, j) is the volume of link i -> j, rows and columns in member order."""
    logistics = eco.adjacency("logistics")
    assert logistics.format == "csr" and logistics.shape == (4, 4)
    expected = np.zeros((4, 4))
    expected[1, 0], expected[0, 2] = 50.0, 40.0
    np.testing.assert_array_equal(logistics.toarray(), expected)
    capital = eco.adjacency("capital", default=0.5).toarray()
    assert capital[3, 0] == 0.5 and capital[0, 2] == 2.5  # b1 -> m1 has no volume
    np.testing.assert_array_equal(eco.adjacency("capital", weight=None).toarray(),
                                  (capital > 0).astype(float))
    assert eco.adjacency("technology").nnz == 0


def test_edge_arrays(eco):
    src, dst, flow, weight = eco.edge_arrays("volume", default=-1.0)
    rows = sorted(zip(src.tolist(), dst.tolist(), flow.tolist(), weight.tolist()))
    assert rows == [(0, 2, 1, 40.0), (0, 2, 2, 2.5), (1, 0, 1, 50.0), (2, 0, 0, 8.0),
                    (3, 0, 2, -1.0)]


@settings(max_examples=30)
@given(n=st.integers(1, 12), data=st.data())
def test_adjacency_matches_networkx(n, data):
    """adjacency(flow) equals networkx's own matrix of the layer, in member order."""
    eco = Ecosystem()
    ids = [f"m{i}" for i in data.draw(st.permutations(range(n)))]
    for member in ids:
        eco.add_member(member, data.draw(st.sampled_from(sorted(DEFAULT_ROLES))))
    triples = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids),
                                           st.sampled_from(list(Flow))), unique=True,
                                 max_size=40))
    for source, target, flow in triples:
        eco.link(source, target, flow, volume=data.draw(st.floats(0, 1e6)))
    for flow in Flow:
        expected = nx.to_scipy_sparse_array(eco.layer(flow), nodelist=ids, weight="volume")
        assert abs(eco.adjacency(flow) - expected).sum() == 0
    assert sum(eco.adjacency(f, weight=None).nnz for f in Flow) == len(triples)


# ------------------------------------------------------------------ whole graph
def test_copy_is_independent(eco):
    other = eco.copy()
    assert other == eco and other is not eco
    other.add_member("x1", "market")
    other.graph.nodes["m1"]["employees"] = 41
    other.register_role("agent", "outer")
    assert "x1" not in eco and eco.member("m1")["employees"] == 40
    assert "agent" not in eco.roles


def test_subgraph(eco):
    part = eco.subgraph(["m1", "p1"])
    assert part.members() == ["m1", "p1"]
    assert sorted(part.links()) == [("m1", "p1", "capital"), ("m1", "p1", "logistics"),
                                    ("p1", "m1", "information")]
    assert part.custom_roles == eco.custom_roles
    part.graph.nodes["m1"]["employees"] = 1
    assert eco.member("m1")["employees"] == 40


def test_summary_counts(eco):
    summary = eco.summary()
    assert list(summary.columns) == ["members", "links", "information", "logistics", "capital",
                                     "technology"]
    # m1 and s1 send 3 links: 40 + 50 of goods and 2.5 of money, never added together
    assert summary.loc[("ring", "core")].tolist() == [2, 3, 0.0, 90.0, 2.5, 0.0]
    assert summary.loc[("ring", "sub_core")].tolist() == [2, 2, 8.0, 0.0, 0.0, 0.0]
    assert summary.loc[("ring", "outer")].tolist() == [0, 0, 0.0, 0.0, 0.0, 0.0]
    assert summary.loc[("role", "broker")].tolist() == [1, 1, 0.0, 0.0, 0.0, 0.0]
    assert summary.loc[("flow", "logistics")].tolist() == [0, 2, 0.0, 90.0, 0.0, 0.0]
    assert summary.loc[("flow", "technology")].tolist() == [0, 0, 0.0, 0.0, 0.0, 0.0]
    assert summary.xs("flow")["links"].sum() == eco.graph.number_of_edges()
    assert summary.xs("ring")["members"].sum() == len(eco)


def test_summary_of_an_empty_ecosystem():
    summary = Ecosystem().summary()
    assert summary["members"].sum() == 0 and summary["links"].sum() == 0
    assert len(summary.xs("flow")) == 4


def test_validate_finds_what_direct_edits_broke(eco):
    assert eco.validate() is eco and eco.problems() == []
    eco.graph.add_node("ghost")  # no role, no ring
    eco.graph.add_edge("m1", "s1", key="money")
    eco.graph.edges["m1", "p1", "logistics"]["volume"] = -3
    eco.graph.nodes["s1"]["ring"] = "middle"
    with pytest.raises(ValidationError, match=r"5 problem\(s\): member 's1': ring 'middle' "
                                              r"is not one of core, outer, sub_core; ") as info:
        eco.validate()
    assert info.value.problems == [
        "member 's1': ring 'middle' is not one of core, outer, sub_core",
        "member 'ghost': unknown role None",
        "member 'ghost': ring None is not one of core, outer, sub_core",
        "link 'm1' -> 'p1' (logistics): volume must be a finite number >= 0 (flow per period), "
        "got -3",
        "link 'm1' -> 's1': key 'money' is not a flow",
    ]


def test_equality(eco):
    assert eco == eco.copy()
    other = eco.copy()
    other.graph.edges["m1", "p1", "logistics"]["volume"] = 39.0
    assert other != eco
    reordered = eco.subgraph(["s1", "m1", "p1", "b1"])
    assert reordered == eco  # subgraph keeps the original order
    assert eco != "toy"
    with pytest.raises(TypeError):
        hash(eco)


def test_networkx_algorithms_work_on_graph(eco):
    assert nx.is_weakly_connected(eco.graph)
    assert sorted(nx.descendants(eco.graph, "s1")) == ["m1", "p1"]
    assert dict(eco.graph.out_degree())["m1"] == 2


# ------------------------------------------------------------------- tables
def test_to_pandas(eco):
    members, links = eco.to_pandas()
    assert list(members.columns) == ["id", "role", "ring", "employees"]
    assert members["id"].tolist() == eco.members()
    assert members["employees"].iloc[0] == 40 and pd.isna(members["employees"].iloc[1])
    assert list(links.columns) == ["source", "target", "flow", "volume", "lead_time"]
    assert links["volume"].dtype == float
    assert links["lead_time"].dropna().tolist() == [1]
    assert type(links["lead_time"].dropna().iloc[0]) is int  # not 1.0


def test_from_pandas_and_bulk_adds(eco):
    members, links = eco.to_pandas()
    back = Ecosystem.from_pandas(members, links, name="toy",
                                 description="three firms and a platform",
                                 roles={"broker": "sub_core"})
    assert back == eco
    other = Ecosystem()
    other.add_members_from([{"id": "a", "role": "supplier", "size": 3},
                            {"id": "b", "role": "producer", "ring": "outer"}])
    other.add_links_from([{"source": "a", "target": "b", "flow": "logistics", "volume": 2}])
    assert dict(other.member("a")) == {"role": "supplier", "ring": "core", "size": 3}
    assert other.member("b")["ring"] == "outer"
    assert other.links(data=True) == [("a", "b", "logistics", {"volume": 2})]


def test_bulk_adds_are_all_or_nothing(eco):
    with pytest.raises(SpecError, match=r"members\[1\]\.id: duplicate member id"):
        eco.add_members_from([{"id": "new", "role": "market"}, {"id": "m1", "role": "market"}])
    assert "new" not in eco
    with pytest.raises(SpecError, match=r"links\[1\]: a second logistics link"):
        eco.add_links_from([{"source": "m1", "target": "s1", "flow": "capital"},
                            {"source": "s1", "target": "m1", "flow": "logistics"}])
    assert ("m1", "s1", "capital") not in eco.links()


def test_validation_error_shows_five_problems_and_counts_the_rest():
    eco = Ecosystem()
    for i in range(4):
        eco.graph.add_node(f"ghost{i}")  # two problems each
    with pytest.raises(ValidationError, match=r"^8 problem\(s\): member 'ghost0'") as info:
        eco.validate()
    assert len(info.value.problems) == 8
    assert str(info.value).endswith("(and 3 more)")
    assert str(info.value).count(";") == 4


def test_a_nan_attribute_equals_a_nan_attribute(tmp_path):
    """NaN is a value an attribute may hold; two ecosystems holding it in the same place are
    equal, though NaN != NaN for floats that are not the same object (as after a load)."""
    from ecosystem.files import load
    eco = Ecosystem("e")
    eco.add_member("a", "supplier", employees=float("nan"))
    eco.add_member("b", "supplier")
    eco.link("a", "b", "logistics", note=float("nan"))
    eco.save(tmp_path / "e.json")
    loaded = load(tmp_path / "e.json")
    assert loaded == eco and eco == loaded and eco == eco.copy()
    assert eco.graph.number_of_nodes() == 2  # graph-backed from here: compares the same way
    assert loaded == eco
    other = eco.copy()
    other.update_member("a", employees=1.0)
    assert other != eco  # a number is not NaN


def test_a_nan_inside_a_list_or_mapping_equals_a_nan_there(tmp_path):
    """The same inside containers: ``[nan]`` read back from a file equals the ``[nan]``
    saved, and a list of another length, a number for the NaN, or a tuple for the list
    does not."""
    from ecosystem.files import load
    nan = float("nan")
    eco = Ecosystem("e")
    eco.add_member("a", "supplier", scores=[nan, 1.0], shares={"x": [nan]})
    eco.link("a", "a", "information", history=[nan])
    for kind in ("json", "yaml"):
        eco.save(tmp_path / f"e.{kind}")
        loaded = load(tmp_path / f"e.{kind}")
        assert loaded == eco and eco == loaded, kind
    for changed in ([nan], [1.0, 1.0], (nan, 1.0)):
        other = eco.copy()
        other.update_member("a", scores=changed)
        assert other != eco, changed
