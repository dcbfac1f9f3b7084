"""Overlay layers in the pages: the niche competition layer drawn over the flows.

Checked by reading the page data back (no browser here; the browser checks
are in test_browser_viz.py).
"""

import json
import re

import networkx as nx
import pandas as pd
import pytest

import networks
import viz
from ecosystem import Ecosystem, ParameterError, UnknownMemberError, niche
from viz._payload import (DETAIL_ZOOM, LARGE_LINKS, LARGE_MEMBERS, SMOOTH_LIMIT,
                          network_payload)
from viz._style import FLOW_STYLES, OVERLAY_STYLES

from test_viz import panel_data


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def outlets(belt):
    return niche.resource_matrix(belt, direction="out")


def drawn_pairs(data, layer=0):
    """The overlay's edges as (from id, to id, attributes) read back from the page data."""
    ids, overlay = data["nodes"]["id"], data["overlays"][layer]
    names = overlay["edgeAttrs"]["names"]
    return [(ids[s], ids[t], {n: overlay["edgeAttrs"]["values"][a][k] for a, n in enumerate(names)})
            for k, (s, t) in enumerate(zip(overlay["edges"]["from"], overlay["edges"]["to"]))]


def test_competition_layer_is_drawn_pair_by_pair(belt, outlets):
    """One undirected edge per competing pair, its overlap in the tooltip data."""
    # every role pair, so that the page has many edges to draw (same-role is the default)
    pairs = niche.competition_pairs(outlets, "pianka", 0.5, across_roles=True)
    layer = niche.competition_layer(outlets, "pianka", 0.5, eco=belt, across_roles=True)
    (data,) = panel_data(viz.to_html(belt, overlays={"competition": layer}).html)
    (overlay,) = data["overlays"]
    assert overlay["name"] == "competition" and overlay["directed"] is False
    drawn = {frozenset((a, b)): attrs["overlap"] for a, b, attrs in drawn_pairs(data)}
    expected = {frozenset((m, c)): v for m, c, v in
                pairs[["member", "competitor", "overlap"]].itertuples(index=False)}
    assert len(pairs) > 10 and len(drawn_pairs(data)) == len(pairs)
    assert drawn.keys() == expected.keys()
    assert all(drawn[k] == pytest.approx(expected[k]) for k in expected)
    # the flows are drawn exactly as without the overlay
    (plain,) = panel_data(viz.to_html(belt).html)
    assert data["edges"] == plain["edges"] and plain["overlays"] == []


def test_asymmetric_index_draws_arrows_the_layer_way(belt, outlets):
    """macarthur_levins: a DiGraph whose edge u -> v is the pressure u puts on v."""
    layer = niche.competition_layer(outlets, "macarthur_levins", 0.6, eco=belt,
                                    across_roles=True)
    (data,) = panel_data(viz.to_html(belt, overlays={"competition": layer}).html)
    assert data["overlays"][0]["directed"] is True
    drawn = [(a, b, attrs["overlap"]) for a, b, attrs in drawn_pairs(data)]
    assert drawn == [(u, v, w) for u, v, w in layer.edges(data="overlap")]
    assert any((v, u) not in layer.edges for u, v in layer.edges)  # really one-way somewhere


def test_overlay_styles_differ_from_every_flow(belt, outlets):
    layer = niche.competition_layer(outlets, "pianka", 0.5, eco=belt)
    other = nx.Graph([("riverbend", "yarnwell")])
    (data,) = panel_data(viz.to_html(belt, overlays={"competition": layer, "trust": other}).html)
    colours = [o["color"] for o in data["overlays"]]
    assert colours[0] == OVERLAY_STYLES["competition"][0]
    assert len(set(colours)) == 2
    assert not set(colours) & {style[0] for style in FLOW_STYLES.values()}


def test_overlay_width_follows_weight():
    eco = Ecosystem()
    for member in "abcde":
        eco.add_member(member, "manufacturer")
    layer = nx.Graph()
    layer.add_edge("a", "b", weight=0.5)
    layer.add_edge("a", "c", weight=0.75)
    layer.add_edge("a", "d", weight=1.0)
    layer.add_edge("a", "e")  # no weight: thinnest
    data = network_payload(eco, overlays={"x": layer})
    assert data["overlays"][0]["edges"]["width"] == [1.5, 3.0, 4.5, 1.5]


def test_subtitle_counts_the_layer(belt, outlets):
    layer = niche.competition_layer(outlets, "pianka", 0.5, eco=belt)
    page = viz.to_html(belt, overlays={"competition": layer}).html
    assert (f"{len(belt)} members, {belt.graph.number_of_edges()} links, "
            f"{layer.number_of_edges()} competition links") in page


def test_neither_the_ecosystem_nor_the_layer_is_modified(belt, outlets):
    eco = belt.copy()
    layer = niche.competition_layer(outlets, "pianka", 0.5, eco=eco)

    def frozen():
        return json.dumps([list(eco.graph.nodes(data=True)),
                           list(eco.graph.edges(keys=True, data=True)), dict(eco.graph.graph),
                           list(layer.nodes(data=True)), list(layer.edges(data=True)),
                           dict(layer.graph)], sort_keys=True, default=str)

    before = frozen()
    viz.to_html(eco, overlays={"competition": layer})
    viz.compare_html({"a": eco, "b": eco}, overlays={"a": {"competition": layer}})
    assert frozen() == before and eco == belt


def test_compare_html_draws_the_overlays_of_each_tab(belt, outlets):
    layer = niche.competition_layer(outlets, "pianka", 0.5, eco=belt)
    alone = belt.subgraph([m for m in belt.graph if m != "paybridge"])
    page = viz.compare_html({"belt": belt, "alone": alone}, overlays=[{"competition": layer}, None])
    first, second = panel_data(page.html)
    assert len(first["overlays"][0]["edges"]["from"]) == layer.number_of_edges()
    assert second["overlays"] == []


@pytest.mark.parametrize("overlays, error, message", [
    (nx.Graph(), ParameterError, "overlays must be a mapping"),
    ({"competition": [("riverbend", "yarnwell")]}, ParameterError, "must be a networkx graph"),
    ({"logistics": nx.Graph()}, ParameterError, "other than the flows"),
    ({"": nx.Graph()}, ParameterError, "non-empty strings"),
    ({"competition": nx.Graph([("riverbend", "nobody")])}, UnknownMemberError,
     "1 node(s) that are not members of the ecosystem: 'nobody'"),
])
def test_bad_overlays_are_specific_errors(belt, overlays, error, message):
    with pytest.raises(error, match=re.escape(message)):
        viz.to_html(belt, overlays=overlays)


def test_overlay_links_count_towards_the_large_network_limits():
    """Overlay links are drawn too, so they count towards SMOOTH_LIMIT and LARGE_LINKS."""
    n = 120  # 120 * 119 / 2 = 7140 pairs
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": [f"m{i}" for i in range(n)], "role": "manufacturer"}))
    eco.link("m0", "m1", "logistics")
    layer = nx.complete_graph([f"m{i}" for i in range(n)])
    plain = network_payload(eco)
    assert plain["smooth"] is True and plain["largeLinks"] is False
    assert plain["largeMembers"] is False and plain["detailZoom"] == DETAIL_ZOOM
    over = network_payload(eco, overlays={"competition": layer})
    assert layer.number_of_edges() > LARGE_LINKS > SMOOTH_LIMIT
    assert over["smooth"] is False and over["largeLinks"] is True
    crowd = Ecosystem()
    crowd.add_members_from(pd.DataFrame({"id": [f"p{i}" for i in range(LARGE_MEMBERS + 1)],
                                         "role": "platform"}))
    assert network_payload(crowd)["largeMembers"] is True
