"""What an alliance changes, against an enumeration of the belt's links before and after."""

import itertools

import networkx as nx

import networks
import pytest
from ecosystem.alliance import apply, default_market
from viz._alliance_view import alliance_changes
from viz.report import demo_alliances


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def alliances(belt):
    return {a.name: a for a in demo_alliances(belt, default_market(belt))}


def test_the_baseline_changes_nothing(belt):
    assert alliance_changes(belt, belt.copy(), None).size() == 0


def test_cost_cut_marks_exactly_the_cheaper_links_between_members(belt, alliances):
    alliance = alliances["cost-cutting chain"]
    configured = apply(belt, alliance)
    layer = alliance_changes(belt, configured, alliance)
    cheaper = {(u, v) for u, v, f in belt.links()
               if u in alliance.members and v in alliance.members
               and belt.graph.edges[u, v, f].get("unit_cost")}
    assert set(layer.edges) == cheaper and cheaper
    for u, v in cheaper:
        assert "unit cost cut 30%" in layer.edges[u, v]["change"]


def test_technology_sharing_adds_the_missing_pairs_and_shortens_lanes(belt, alliances):
    alliance = alliances["technology chain"]
    layer = alliance_changes(belt, apply(belt, alliance), alliance, technology_cut=1)
    missing = {(u, v) for u, v in itertools.permutations(alliance.members, 2)
               if not belt.graph.has_edge(u, v, "technology")}
    goods = {(u, v) for u, v, _ in belt.links(flow="logistics")
             if u in alliance.members and v in alliance.members}
    assert set(layer.edges) == missing | goods
    for u, v in missing:
        assert "technology link added" in layer.edges[u, v]["change"]
    for u, v in goods:
        assert "lanes 1 period(s) shorter" in layer.edges[u, v]["change"]


def test_shared_information_links_every_member_to_the_markets_it_reaches(belt, alliances):
    alliance = alliances["sharing chain"]
    layer = alliance_changes(belt, apply(belt, alliance), alliance)
    markets = set(belt.members(role="market"))
    goods = _goods(belt)
    for member in alliance.members:
        reached = markets & nx.descendants(goods, member)
        assert {u for u, v in layer.edges if v == member} == reached, member
    assert all(u in markets for u, _ in layer.edges)


def _goods(eco):
    return nx.DiGraph((u, v) for u, v, _ in eco.links(flow="logistics"))


def test_a_shared_platform_is_drawn_with_every_link_it_adds(belt, alliances):
    alliance = alliances["shared logistics"]
    configured = apply(belt, alliance)
    layer = alliance_changes(belt, configured, alliance)
    added = {(u, v) for u, v, f in configured.links() if not belt.graph.has_edge(u, v, f)}
    assert set(layer.edges) == added
    assert all("shared logistics platform" in edge for edge in added)
