"""Member ids that are names of JavaScript built-ins draw and hover like any other id."""

import pytest

import viz
from _browser import open_page, render, require_chromium
from ecosystem import Ecosystem

pytestmark = pytest.mark.browser

IDS = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "0", "plain"]


@pytest.fixture(autouse=True)
def _chromium():
    require_chromium()


def test_ids_named_like_javascript_builtins_draw_and_hover(tmp_path):
    eco = Ecosystem("builtins")
    for i, member in enumerate(IDS):
        eco.add_member(member, "manufacturer" if i % 2 else "supplier")
    for source, target in zip(IDS, IDS[1:]):
        eco.link(source, target, "logistics", volume=1.0)
    page = viz.to_html(eco, tmp_path / "builtins.html")
    check = render(page.path)
    assert (check.nodes, check.edges) == (len(IDS), len(IDS) - 1)
    with open_page(page.path) as live:
        for member in ("constructor", "__proto__"):
            point = live.evaluate("""(member) => { const p = window.ecobelt.current;
                const net = p.network, at = p.data.nodes.id.indexOf(member);
                const xy = net.canvasToDOM(net.getPosition(at));
                const box = p.root.querySelector(".ecobelt-network").getBoundingClientRect();
                return {x: box.left + xy.x, y: box.top + xy.y}; }""", member)
            live.page.mouse.move(point["x"] + 60, point["y"] + 60)
            live.page.mouse.move(point["x"], point["y"], steps=5)
            tooltip = live.page.locator("div.vis-tooltip", has_text=f"{member}\n")
            tooltip.wait_for(state="visible", timeout=5000)
            assert tooltip.inner_text().startswith(f"{member}\n")
        assert live.console_errors == []
