"""The canvas renderer of large pages in headless Chromium (tests/_browser.py).

The picture itself is checked: each flow's link is found in a screenshot where
the layout put it, in the flow's colour blended at the flow's opacity over what
is there without it (a screenshot with the flow hidden), dashed or solid; each
member in its role's colour; the tooltips of members (ids named like JavaScript
built-ins included) and links; panning and zooming move the picture.
"""

import io

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

import networks
import viz
from _browser import open_page, render, require_chromium
from ecosystem import Ecosystem, Flow
from viz._page import vendor_assets
from viz._payload import CANVAS_MEMBERS, FAINT, FLOW_OPACITY
from viz._style import FLOW_STYLES, ROLE_COLORS

pytestmark = pytest.mark.browser

FLOWS = [f.value for f in Flow]
#: every flow's link runs from (-LENGTH, row) to (LENGTH, row), one row per flow
LENGTH = 260.0
ROWS = {flow: -150.0 + 100.0 * k for k, flow in enumerate(FLOWS)}


@pytest.fixture(autouse=True)
def _chromium():
    require_chromium()


def rows_ecosystem():
    """One link per flow, each on its own horizontal row; two members named like
    JavaScript built-ins linked below them."""
    eco = Ecosystem("rows")
    xy = {}
    for flow, y in ROWS.items():
        eco.add_member(f"{flow}-from", "manufacturer")
        eco.add_member(f"{flow}-to", "supplier")
        eco.link(f"{flow}-from", f"{flow}-to", flow, volume=2.0)
        xy[f"{flow}-from"], xy[f"{flow}-to"] = (-LENGTH, y), (LENGTH, y)
    eco.add_member("constructor", "manufacturer")
    eco.add_member("__proto__", "supplier")
    eco.link("constructor", "__proto__", "information", volume=2.0)
    xy["constructor"], xy["__proto__"] = (-120.0, 250.0), (120.0, 250.0)
    positions = pd.DataFrame(xy, index=["x", "y"]).T
    return eco, positions


_TO_PAGE = """(xy) => { const p = window.ecobelt.current, box = p.canvas.getBoundingClientRect();
    const s = p.toScreen(xy[0], xy[1]); return [box.left + s.x, box.top + s.y]; }"""


def shot(live) -> np.ndarray:
    """The viewport as an (h, w, 3) array of 0-255 floats."""
    png = live.page.screenshot()
    return matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3] * 255.0


def rgb(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def row_span(live, y, half=150.0):
    """Where a row of the network from x = -half to half is on the page: (y, columns)."""
    (x0, py), (x1, _) = live.evaluate(_TO_PAGE, [-half, y]), live.evaluate(_TO_PAGE, [half, y])
    return int(round(py)), np.arange(int(np.ceil(x0)), int(x1))


def test_each_flow_is_drawn_on_its_row_in_its_colour_and_hides(tmp_path):
    eco, positions = rows_ecosystem()
    page = viz.to_html(eco, tmp_path / "rows.html", positions=positions, renderer="canvas")
    assert vendor_assets()[0] not in page.html  # no vis-network on a canvas-only page
    with open_page(page.path) as live:
        check = live.check()
        shown = shot(live)
        for flow in FLOWS:
            live.set_flow(flow, False)
        bare = shot(live)
        for flow in FLOWS:
            live.set_flow(flow, True)
        nodes = {m: live.evaluate(_TO_PAGE, list(positions.loc[m])) for m in eco}
        spans = {flow: row_span(live, y) for flow, y in ROWS.items()}
        live.screenshot(tmp_path / "rows.png")
        assert live.console_errors == [] and live.blocked_requests == []
    assert (check.nodes, check.edges) == (len(eco), eco.number_of_links())
    assert check.edges_by_flow == {f: len(eco.links(f)) for f in FLOWS}
    assert check.hidden_flow_edges["capital"]["capital"] == 0
    for flow, (row, columns) in spans.items():
        alpha = FLOW_OPACITY.get(flow, FAINT)
        background, drawn = bare[row, columns], shown[row, columns]
        expected = alpha * rgb(FLOW_STYLES[flow][0]) + (1 - alpha) * background
        matches = np.abs(drawn - expected).max(axis=1) <= 6
        assert np.abs(drawn - background).max() > 20 * alpha, flow  # something is drawn
        if FLOW_STYLES[flow][1] is False:  # solid: the whole row in the flow's colour
            assert matches.mean() > 0.97, (flow, matches.mean())
        else:  # dashed: dashes and gaps
            assert 0.25 < matches.mean() < 0.9, (flow, matches.mean())
    for member, (x, y) in nodes.items():
        role = eco.member(member)["role"]
        assert np.abs(shown[int(round(y)), int(round(x))] - rgb(ROLE_COLORS[role])).max() <= 3


def hover(live, x, y):
    live.page.mouse.move(x + 40, y + 40)
    live.page.mouse.move(x, y, steps=4)
    tooltip = live.page.locator("div.ecobelt-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    return tooltip.inner_text()


def test_tooltips_of_members_named_like_builtins_and_of_links(tmp_path):
    eco, positions = rows_ecosystem()
    eco.set_units(information="messages per week")
    page = viz.to_html(eco, tmp_path / "rows.html", positions=positions, renderer="canvas")
    with open_page(page.path) as live:
        for member in ("constructor", "__proto__"):
            x, y = live.evaluate(_TO_PAGE, list(positions.loc[member]))
            assert hover(live, x, y).startswith(f"{member}\n")
        x, y = live.evaluate(_TO_PAGE, [0.0, 250.0])  # the middle of their link
        text = hover(live, x, y)
        live.page.mouse.move(5, 5)
        live.page.locator("div.ecobelt-tooltip").wait_for(state="hidden", timeout=5000)
        assert live.console_errors == []
    assert text.startswith("constructor \u2192 __proto__ (information)\n")
    assert "volume: 2 messages per week" in text


_VIEW = "() => { const v = window.ecobelt.current.view; return [v.s, v.tx, v.ty]; }"


def test_pan_and_zoom_move_the_picture(tmp_path):
    eco, positions = rows_ecosystem()
    page = viz.to_html(eco, tmp_path / "rows.html", positions=positions, renderer="canvas")
    with open_page(page.path) as live:
        x, y = live.evaluate(_TO_PAGE, [0.0, 250.0])
        live.page.mouse.move(x, y)
        live.page.mouse.down()
        live.page.mouse.move(x + 100, y - 50, steps=5)
        live.page.mouse.up()
        moved = live.evaluate(_TO_PAGE, [0.0, 250.0])
        before = live.evaluate(_VIEW)
        live.page.mouse.move(*moved)
        live.page.mouse.wheel(0, -300)
        live.page.wait_for_timeout(400)
        after = live.evaluate(_VIEW)
        fixed = live.evaluate(_TO_PAGE, [0.0, 250.0])
        image = shot(live)
        member = live.evaluate(_TO_PAGE, list(positions.loc["constructor"]))
        assert live.console_errors == []
    assert moved == pytest.approx([x + 100, y - 50], abs=1)
    assert after[0] > 1.3 * before[0]  # zoomed in around the pointer, which stays put
    assert fixed == pytest.approx(moved, abs=1)
    # the full frame is drawn again once the view rests: a member where it now is
    pixel = image[int(member[1]), int(member[0])]
    assert np.abs(pixel - rgb(ROLE_COLORS["manufacturer"])).max() <= 3


def test_a_large_belt_opens_on_the_canvas_and_draws_everything(tmp_path):
    eco = networks.industrial_belt(CANVAS_MEMBERS + 200, seed=3)
    assert len(eco) > CANVAS_MEMBERS
    page = viz.to_html(eco, tmp_path / "large.html")
    check = render(page.path, screenshot=tmp_path / "large.png", timeout=120)
    counts = {f: len(eco.links(f)) for f in FLOWS}
    assert check.nodes == len(eco) and check.edges == eco.number_of_links()
    assert check.edges_by_flow == counts
    for flow in FLOWS:
        assert check.hidden_flow_edges[flow] == {**counts, flow: 0}
    with open_page(page.path, timeout=120) as live:
        member = eco.members()[len(eco) // 2]
        point = live.evaluate("(m) => window.ecobelt.current.memberPoint(m)", member)
        text = hover(live, point["x"], point["y"])
        legend = live.page.locator(".ecobelt-legend").inner_text()
        assert live.console_errors == []
    assert text.split("\n")[0] == member
    assert "Large network" in legend and "physics" not in legend
    assert "cross-border e-commerce enterprise (" in legend and "cbec_enterprise" not in legend
    image = matplotlib.image.imread(check.screenshot)[..., :3]
    assert len(np.unique((image * 255).astype(np.uint8).reshape(-1, 3), axis=0)) > 100
