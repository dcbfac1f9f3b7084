"""The analyses read the columns: calling one leaves a column-backed ecosystem column-backed,
and gives what it gives on the same ecosystem stored as a networkx graph."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import Ecosystem, convergence, dynamics, flows, niche, segment, spillover
from ecosystem._goods import carrier_split
from ecosystem.alliance import Alliance, apply
from ecosystem.benefit import surplus_game, surplus_routes, synergy_game
from networks import industrial_belt


def _belt() -> Ecosystem:
    belt = industrial_belt(30, seed=3)
    belt.update_member("lg01", research=2.5)  # an attribute only some members have
    return belt


def _players(eco: Ecosystem) -> list[str]:
    path = surplus_routes(eco, margin=2.0)["path"].iloc[0]
    return list(path)


ANALYSES = {
    "problems": lambda eco: eco.problems(warnings=True),
    "carrier_split": lambda eco: carrier_split(eco, "cb01", eco.links("logistics")[
        [u for u, *_ in eco.links("logistics")].index("cb01")][1]),
    "resource_matrix": lambda eco: niche.resource_matrix(eco, direction="out"),
    "resource_matrix grouped": lambda eco: niche.resource_matrix(
        eco, direction="in", resource_role=["logistics", "finance"], group_by="role"),
    "resource_matrix sparse": lambda eco: niche.resource_matrix(
        eco, sparse=True).attrs["roles"],
    "competition_layer": lambda eco: sorted(niche.competition_layer(
        niche.resource_matrix(eco, direction="out"), "pianka", eco=eco).edges(data=True)),
    "interactions": lambda eco: dynamics.interactions(eco),
    "interaction_matrix": lambda eco: dynamics.interaction_matrix(eco, same_role=True),
    "member_features": lambda eco: segment.member_features(
        eco, ["employees", "research", "out:logistics", "links:capital"]),
    "group_profiles": lambda eco: convergence.group_profiles(eco, "role", "logistics"),
    "upstreamness": lambda eco: convergence.upstreamness(eco),
    "spillover_pool": lambda eco: spillover.spillover_pool(eco, "research"),
    "heat": lambda eco: spillover.heat(eco, {"lg01": 2.0}, times=[1.0]),
    "cascade": lambda eco: spillover.independent_cascade(eco, "lg01", replications=5,
                                                         seed=0).summary(),
    "threshold": lambda eco: spillover.linear_threshold(eco, "lg01", replications=5,
                                                        seed=0).summary(),
    "synergy_game": lambda eco: synergy_game(eco, _players(eco)).grand_value,
    "surplus_routes": lambda eco: surplus_routes(eco, margin=2.0),
    "surplus_game": lambda eco: surplus_game(eco, _players(eco), margin=2.0).grand_value,
    "surplus_game max flow": lambda eco: surplus_game(eco, _players(eco), margin=2.0,
                                                      routing="max_flow").grand_value,
    "steady_state": lambda eco: flows.steady_state(eco, {("lg01", "information"): 1.0}
                                                   ).levels,
    "flows.cascade": lambda eco: flows.cascade(eco, "lg01").summary(),
    "alliance": lambda eco: apply(eco, Alliance("ab", ("cb01", "pf01", "lg01"), cost_cut=0.25,
                                                technology_sharing=1.0)).links(data=True),
}


def _same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif dataclasses.is_dataclass(a):
        assert repr(a) == repr(b)
    else:
        assert a == b


@pytest.mark.parametrize("name", list(ANALYSES))
def test_analysis_keeps_the_columns_and_matches_networkx(name):
    eco = _belt()
    as_graph = eco.copy()
    as_graph.graph  # noqa: B018 (from now on the graph is its storage)
    ours = ANALYSES[name](eco)
    assert eco._graph is None, f"{name} built eco.graph"
    _same(ours, ANALYSES[name](as_graph))


# few members, many links: markets fed twice by several shippers, whose order matters
@pytest.mark.parametrize("graph", [False, True])
def test_an_alliance_cuts_the_costs_among_its_members_only(graph):
    eco = Ecosystem()
    for member in ("a", "b", "c"):
        eco.add_member(member, "cbec_enterprise")
    eco.link("a", "b", "logistics", unit_cost=2)
    eco.link("b", "a", "capital", unit_cost=1.0, volume=3.0)
    eco.link("a", "a", "information", unit_cost=4.0)
    eco.link("a", "c", "logistics", unit_cost=2.0)
    eco.link("c", "b", "capital", volume=1.0)
    eco.link("b", "c", "capital")
    if graph:
        eco.graph  # noqa: B018
    eco._scale_links_among(["b", "a"], "unit_cost", 0.5)
    assert (eco._graph is None) is not graph
    assert {(u, v, k): d.get("unit_cost") for u, v, k, d in eco.links(data=True)} == {
        ("a", "b", "logistics"): 1.0, ("a", "a", "information"): 2.0,
        ("a", "c", "logistics"): 2.0, ("b", "a", "capital"): 0.5, ("b", "c", "capital"): None,
        ("c", "b", "capital"): None}


_MEMBERS = [("m1", "manufacturer"), ("m2", "manufacturer"), ("p1", "platform"),
            ("c1", "logistics"), ("c2", "logistics"), ("us", "market"), ("eu", "market")]
_FLOWS = ["logistics", "logistics", "information"]

link_lists = st.lists(
    st.tuples(st.sampled_from([m for m, _ in _MEMBERS]), st.sampled_from([m for m, _ in _MEMBERS]),
              st.sampled_from(_FLOWS), st.integers(1, 50),
              st.sampled_from([None, "us", ["us", "eu"], {"us": 3.0, "eu": 1.0}, {"eu": 5.0}])),
    min_size=10, max_size=60, unique_by=lambda link: link[:3])


@settings(max_examples=100, deadline=None)
@given(links=link_lists)
def test_goods_check_reads_the_columns_in_networkx_order(links):
    """Warnings name members in the order networkx visits them: a market's shippers in the
    order their first link of any flow to it was added."""
    eco = Ecosystem()
    for member, role in _MEMBERS:
        eco.add_member(member, role)
    for u, v, flow, volume, to in links:
        extra = {} if to is None or flow != "logistics" else {"to": to}
        eco.link(u, v, flow, volume=float(volume), **extra)
    as_graph = eco.copy()
    as_graph.graph  # noqa: B018
    found = eco.problems(warnings=True)
    assert eco._graph is None
    assert found == as_graph.problems(warnings=True)
