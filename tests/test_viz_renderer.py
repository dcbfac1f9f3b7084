"""Which renderer a page's panel is drawn with: vis-network below the size limits, the
page's own canvas renderer above them (the drawing itself: tests/test_browser_canvas.py)."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import viz
from ecosystem import Ecosystem, ParameterError
from viz._page import vendor_assets
from viz._payload import CANVAS_LINKS, CANVAS_MEMBERS, network_payload, renderer_for


def crowd(members, links=0, seed=0):
    rng = np.random.default_rng(seed)
    ids = np.array([f"m{i}" for i in range(members)])
    pairs = np.unique(rng.integers(0, members, (3 * links, 2)), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]][:links]
    assert len(pairs) == links
    return Ecosystem.from_pandas(
        pd.DataFrame({"id": ids, "role": "manufacturer"}),
        pd.DataFrame({"source": ids[pairs[:, 0]], "target": ids[pairs[:, 1]],
                      "flow": "logistics"}))


@pytest.mark.parametrize("members, links, expected", [
    (CANVAS_MEMBERS, CANVAS_LINKS, "vis"), (CANVAS_MEMBERS + 1, 0, "canvas"),
    (10, CANVAS_LINKS + 1, "canvas"), (0, 0, "vis")])
def test_auto_switches_to_the_canvas_just_above_either_limit(members, links, expected):
    assert renderer_for("auto", members, links, physics=False) == expected
    assert renderer_for("auto", members, links, physics=True) == "vis"
    assert renderer_for("vis", members, links, physics=False) == "vis"
    assert renderer_for("canvas", members, links, physics=False) == "canvas"


def test_the_limits_count_members_and_every_drawn_link():
    assert network_payload(crowd(CANVAS_MEMBERS))["renderer"] == "vis"
    assert network_payload(crowd(CANVAS_MEMBERS + 1))["renderer"] == "canvas"
    eco = crowd(300, 4)
    layer = {"many": nx.complete_graph(list(eco)[:205])}  # 20,910 pairs
    assert network_payload(eco)["renderer"] == "vis"
    assert network_payload(eco, overlays=layer)["renderer"] == "canvas"


def test_bad_renderer_names_the_choices_and_physics_needs_vis():
    eco = crowd(3, 1)
    with pytest.raises(ParameterError, match=r"renderer must be one of \['auto', 'vis', "):
        viz.to_html(eco, renderer="webgl")
    with pytest.raises(ParameterError, match="physics=False or renderer='vis'"):
        viz.to_html(eco, renderer="canvas", physics=True)


def test_a_canvas_only_page_leaves_vis_network_out():
    eco = crowd(3, 1)
    canvas = viz.to_html(eco, renderer="canvas").html
    vis = viz.to_html(eco).html
    assert vendor_assets()[0] not in canvas and vendor_assets()[1] not in canvas
    assert vendor_assets()[0] in vis and '"renderer":"vis"' in vis
    assert '"renderer":"canvas"' in canvas


def test_roles_are_named_in_words_in_the_legend_data_and_the_rings_figure():
    eco = Ecosystem(roles={"my_broker": "sub_core"})
    for member, role in [("c", "cbec_enterprise"), ("law", "legal_environment"),
                         ("b", "my_broker"), ("m", "manufacturer")]:
        eco.add_member(member, role)
    data = network_payload(eco)
    labels = dict(zip(data["roles"], data["roleLabels"]))
    assert labels == {"manufacturer": "manufacturer",
                      "cbec_enterprise": "cross-border e-commerce enterprise",
                      "my_broker": "my broker", "legal_environment": "legal environment"}
    legend = viz.rings_figure(eco).legends[0]  # the figure's own, outside the axes
    texts = [t.get_text() for t in legend.get_texts()]
    assert any(t.startswith("cross-border e-commerce enterprise") for t in texts)
    assert not any("_" in t for t in texts)
