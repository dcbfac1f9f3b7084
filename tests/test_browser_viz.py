"""The exported pages in a real browser: headless Debian Chromium, offline (tests/_browser.py).

Skipped when /usr/bin/chromium or playwright is missing, except under CI=true.
"""

from contextlib import contextmanager

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

import networks
import viz
from _browser import open_page, render, require_chromium
from ecosystem import Ecosystem, Flow, niche
from viz._payload import DETAIL_ZOOM, LARGE_LINKS, LARGE_MEMBERS

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _chromium():
    require_chromium()


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


def flow_counts(eco):
    return {flow.value: len(eco.links(flow)) for flow in Flow}


def assert_draws_exactly(check, eco):
    """Every member and link drawn, and each flow's checkbox hides exactly that flow's links."""
    assert check.nodes == len(eco)
    assert check.edges == eco.graph.number_of_edges()
    counts = flow_counts(eco)
    assert check.edges_by_flow == counts
    for flow in counts:
        assert check.hidden_flow_edges[flow] == {**counts, flow: 0}


def test_network_page_draws_and_filters(belt, tmp_path):
    page = viz.to_html(belt, tmp_path / "belt.html", size_by="strength",
                       metrics={"shapley_share": {"beltlink": 0.25, "riverbend": 0.75}})
    check = render(page.path, screenshot=tmp_path / "belt.png")
    assert check.console_errors == [] and check.blocked_requests == []
    assert check.title == "cross_border_belt" and check.panels == 1
    assert_draws_exactly(check, belt)
    shot = matplotlib.image.imread(check.screenshot)
    assert shot.shape[:2] == (800, 1280)
    assert len(np.unique((shot[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)) > 100


def test_large_page_with_straight_links_and_no_labels(tmp_path):
    eco = networks.industrial_belt(300, seed=2)
    assert eco.graph.number_of_edges() > 3000  # above SMOOTH_LIMIT: straight links
    check = render(viz.to_html(eco, tmp_path / "belt.html").path, timeout=60)
    assert_draws_exactly(check, eco)


_LAYER_JS = """() => { const p = window.ecobelt.current, body = p.network.body;
    return p.overlayEdgeIds[0].map((id) => ({arrow: body.edges[id].options.arrows.to.enabled,
                                             title: p.edges.get(id).title})); }"""


def test_competition_layer_draws_and_toggles(belt, tmp_path):
    """The competition layer: one edge per pair, no arrows, the overlap in the tooltip;
    its checkbox hides exactly those edges and each flow's still hides exactly that flow."""
    layer = niche.competition_layer(niche.resource_matrix(belt, direction="out"), "pianka",
                                    0.5, eco=belt)
    pairs = layer.number_of_edges()
    page = viz.to_html(belt, tmp_path / "competition.html", overlays={"competition": layer})
    with open_page(page.path) as live:
        check = live.check(screenshot=tmp_path / "competition.png")
        edges = live.evaluate(_LAYER_JS)
        legend = live.page.locator('.ecobelt-legend label:has(input[data-overlay="competition"])')
        legend_text = legend.inner_text()
    check.assert_clean()
    counts = flow_counts(belt)
    assert check.nodes == len(belt) and check.edges == belt.graph.number_of_edges() + pairs
    assert check.edges_by_flow == counts and check.edges_by_overlay == {"competition": pairs}
    assert check.hidden_overlay_edges == {"competition": {**counts, "competition": 0}}
    for flow in counts:
        assert check.hidden_flow_edges[flow] == {**counts, flow: 0, "competition": pairs}
    assert len(edges) == pairs and not any(edge["arrow"] for edge in edges)
    overlaps = {frozenset((u, v)): w for u, v, w in layer.edges(data="overlap")}
    for edge in edges:
        head, *lines = edge["title"].split("\n")
        a, b = head.removesuffix(" (competition)").split(" \u2014 ")
        shown = dict(line.split(": ", 1) for line in lines)
        assert float(shown["overlap"]) == pytest.approx(overlaps[frozenset((a, b))], rel=1e-3)
    assert legend_text.strip() == f"competition ({pairs} pairs)"


def test_directed_layer_has_arrows(belt, tmp_path):
    layer = niche.competition_layer(niche.resource_matrix(belt, direction="out"),
                                    "macarthur_levins", 0.6, eco=belt)
    page = viz.to_html(belt, tmp_path / "ml.html", overlays={"competition": layer})
    with open_page(page.path) as live:
        live.set_overlay("competition", False)
        assert sum(live.drawn()["byOverlay"].values()) == 0
        live.set_overlay("competition", True)
        edges = live.evaluate(_LAYER_JS)
        assert live.drawn()["byOverlay"] == {"competition": layer.number_of_edges()}
        assert live.console_errors == []
    assert len(edges) == layer.number_of_edges() and all(edge["arrow"] for edge in edges)
    assert all(" \u2192 " in edge["title"].split("\n")[0] for edge in edges)


_RING_LABEL_VIEW_JS = """
() => {
  const panel = ecobelt.current, bands = panel.data.bands, net = panel.network;
  const last = bands[bands.length - 1][1], font = Math.max(16, 0.03 * last);
  const top = net.canvasToDOM({x: 0, y: -(last + 1.5 * font)});
  return {top: top.y, height: panel.root.querySelector(".ecobelt-network").clientHeight};
}
"""


def test_opening_view_shows_the_outer_ring_name(belt, tmp_path):
    """vis-network's fit() frames the nodes only; the page zooms out until the name written
    above the outermost ring is inside the canvas."""
    page = viz.to_html(belt, tmp_path / "belt.html")
    with open_page(page.path) as live:
        view = live.evaluate(_RING_LABEL_VIEW_JS)
        assert live.console_errors == []
    assert 0 <= view["top"] < view["height"]


def test_physics_on(belt, tmp_path):
    page = viz.to_html(belt.subgraph(belt.members(ring="core")), tmp_path / "p.html",
                       physics=True)
    check = render(page.path, flows=False)
    assert check.nodes == len(belt.members(ring="core"))


def test_empty_ecosystem_page(tmp_path):
    check = render(viz.to_html(Ecosystem("empty"), tmp_path / "e.html").path)
    assert check.nodes == 0 and check.edges == 0 and check.problems == []


def test_tooltip_shows_attributes_and_metrics(belt, tmp_path):
    page = viz.to_html(belt, tmp_path / "belt.html",
                       metrics={"shapley_share": {"riverbend": 0.75}})
    with open_page(page.path) as live:
        point = live.evaluate("""() => { const net = window.ecobelt.network;
            const at = window.ecobelt.current.data.nodes.id.indexOf("riverbend");
            const p = net.canvasToDOM(net.getPosition(at));
            const box = document.querySelector(".ecobelt-network").getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y}; }""")
        live.page.mouse.move(point["x"] + 40, point["y"] + 40)
        live.page.mouse.move(point["x"], point["y"], steps=5)
        tooltip = live.page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5000)
        text = tooltip.inner_text()
        assert live.console_errors == []
    assert text.startswith("riverbend\nmanufacturer (core)")
    assert "shapley_share: 0.75" in text
    for name, _value in belt.member("riverbend").items():
        if name not in ("role", "ring"):
            assert f"{name}: " in text


# records every dash pattern that reaches the canvas (installed before the page's script runs)
_RECORD_DASHES = """(() => { const proto = CanvasRenderingContext2D.prototype, native = proto.setLineDash;
    window.__dashes = null;
    proto.setLineDash = function (pattern) {
      if (window.__dashes) { window.__dashes.push(Array.from(pattern)); }
      return native.call(this, pattern); }; })();"""  # noqa: E501
_DASH_STATE = """() => { const p = window.ecobelt.current, net = p.network, d = p.data;
    window.__dashes = []; net.redraw(); const seen = window.__dashes; window.__dashes = null;
    const edge = net.body.edges[p.flowEdgeIds[d.flows.indexOf("logistics")][0]];
    const node = net.body.nodes[0];
    return {scale: net.getScale(), fitted: p.fittedScale, seen: seen,
            patterns: d.flowDashes.filter((x) => x), arrows: edge.options.arrows.to.enabled,
            outline: node.options.borderWidth,
            note: (p.root.querySelector(".ecobelt-large") || {}).textContent || null}; }"""


@contextmanager
def open_recording(path, **kwargs):
    """open_page with every setLineDash call recorded, from the first frame on."""
    with open_page(path, **kwargs) as live:
        live.page.add_init_script(_RECORD_DASHES)
        live.page.reload()
        live.wait_ready()
        yield live


def zoom_in(live, factor):
    """Wheel-zoom like a user until the view is ``factor`` times the fitted one."""
    live.page.mouse.move(60, 300)  # left of the legend
    for _ in range(60):
        state = live.evaluate("() => [window.ecobelt.network.getScale(), "
                              "window.ecobelt.current.fittedScale]")
        if state[0] >= factor * state[1]:
            break
        live.page.mouse.wheel(0, -300)
        live.page.wait_for_timeout(30)
    live.page.wait_for_timeout(600)  # the page updates once the zoom has settled


def on_screen(state):
    """The patterns in pixels as drawn: network units times the zoom."""
    return [[round(v * state["scale"], 6) for v in seen] for seen in state["seen"]
            if seen and seen != [0]]


def test_dashes_keep_their_size_on_screen(belt, tmp_path):
    """Patterns are in pixels at every zoom: the canvas gets them divided by the zoom."""
    page = viz.to_html(belt, tmp_path / "belt.html")
    with open_recording(page.path, viewport=(480, 360)) as live:  # small: fitted far out
        before = live.evaluate(_DASH_STATE)
        zoom_in(live, 3)
        after = live.evaluate(_DASH_STATE)
        assert live.console_errors == []
    assert before["scale"] < 0.75 and after["scale"] >= 3 * before["scale"]
    for state in (before, after):
        drawn = {tuple(pattern) for pattern in on_screen(state)}
        assert drawn == {tuple(float(v) for v in pattern) for pattern in state["patterns"]}
        assert state["arrows"] is True and state["outline"] == 1 and state["note"] is None


def many_members(n=2100, links=5200, seed=4):
    """A random ecosystem above both large-network limits (members and links)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"m{i}" for i in range(n)])
    pairs = np.unique(rng.integers(0, n, (2 * links, 2)), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]][:links]
    flows = np.array([f.value for f in Flow])[rng.integers(0, 4, len(pairs))]
    eco = Ecosystem.from_pandas(
        pd.DataFrame({"id": ids, "role": rng.choice(["manufacturer", "logistics"], n)}),
        pd.DataFrame({"source": ids[pairs[:, 0]], "target": ids[pairs[:, 1]], "flow": flows}))
    assert len(eco) > LARGE_MEMBERS and eco.graph.number_of_edges() > LARGE_LINKS
    return eco


def test_large_network_adds_detail_when_zoomed_in(tmp_path):
    """Above the limits: solid links, no arrows and no node outlines in the fitted view;
    dashes and outlines once zoomed in DETAIL_ZOOM times; every link drawn either way."""
    eco = many_members()
    page = viz.to_html(eco, tmp_path / "large.html")
    with open_recording(page.path) as live:
        fitted = live.evaluate(_DASH_STATE)
        assert live.check(flows=False).edges == eco.graph.number_of_edges()
        zoom_in(live, DETAIL_ZOOM * 1.1)
        zoomed = live.evaluate(_DASH_STATE)
        assert live.console_errors == []
    assert on_screen(fitted) == [] and fitted["seen"]  # dashed links were drawn, solid
    assert fitted["outline"] == 0 and fitted["arrows"] is False
    assert "Large network" in fitted["note"] and f"\u00d7{DETAIL_ZOOM}" in fitted["note"]
    assert zoomed["scale"] >= DETAIL_ZOOM * zoomed["fitted"]
    drawn = {tuple(pattern) for pattern in on_screen(zoomed)}
    assert drawn == {tuple(float(v) for v in pattern) for pattern in zoomed["patterns"]}
    assert zoomed["outline"] == 1 and zoomed["arrows"] is False


def test_compare_page_tabs(belt, tmp_path):
    alliance = belt.copy()
    alliance.link("yarnwell", "stride", "information", volume=5.0)
    alone = belt.subgraph([m for m in belt.graph if m != "paybridge"])
    page = viz.compare_html({"alliance": alliance, "no finance": alone}, tmp_path / "c.html")
    with open_page(page.path) as live:
        assert live.tabs() == ["Overview", "alliance", "no finance"]
        assert live.visible_tab() == 1  # opens on the first network
        assert_draws_exactly(live.check(), alliance)
        live.show("no finance")
        assert live.visible_tab() == 2
        assert_draws_exactly(live.check(), alone)
        live.set_flow("capital", False)
        assert live.drawn()["byFlow"]["capital"] == 0
        live.show("alliance")  # the other tab's filter is its own
        assert live.drawn()["byFlow"] == flow_counts(alliance)
        live.show("Overview")
        assert live.visible_tab() == 0
        assert live.page.locator(".ecobelt-overview table").is_visible()
        assert not live.page.locator(".ecobelt-panel").first.is_visible()
        live.screenshot(tmp_path / "overview.png")
        assert live.check(flows=False).problems == []


def test_jupyter_inline_view_draws(belt, tmp_path):
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><html><body><h1>notebook</h1>"
                    + viz.to_html(belt)._repr_html_() + "</body></html>", encoding="utf-8")
    with open_page(host) as live:
        frame = live.page.frames[1]
        frame.wait_for_function("() => window.ecobelt && window.ecobelt.current.ready",
                                timeout=30_000)
        drawn = frame.evaluate("() => window.ecobelt.counts()")
        assert live.console_errors == [] and live.blocked_requests == []
    assert drawn["drawnNodes"] == len(belt)
    assert drawn["drawnEdges"] == belt.graph.number_of_edges()


# ---------------------------------------------------------------- the harness itself
def test_harness_blocks_and_reports_any_request(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("local", encoding="utf-8")
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><img src="https://cdn.example.org/x.png">'
                    f'<script>fetch("{other.as_uri()}").catch(() => null);</script>',
                    encoding="utf-8")
    check = render(page, strict=False)
    assert "https://cdn.example.org/x.png" in check.blocked_requests
    assert other.as_uri() in check.blocked_requests
    with pytest.raises(AssertionError, match="blocked request: https://cdn.example.org"):
        render(page)


def test_harness_reports_console_errors(tmp_path):
    page = tmp_path / "noisy.html"
    page.write_text('<!DOCTYPE html><script>console.error("boom"); null.x;</script>',
                    encoding="utf-8")
    check = render(page, strict=False)
    assert check.console_errors[0] == "boom" and "uncaught" in check.console_errors[1]
    assert check.nodes is None and check.panels == 0
    with pytest.raises(AssertionError, match="console error: boom"):
        check.assert_clean()
