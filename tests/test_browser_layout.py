"""The readable page of a bundled belt, as Chromium draws it at the default zoom.

Boxes are what vis-network drew (each node's extent and its label's measured text box,
converted to page pixels by the page script's ``drawnBoxes``), not the layout's estimates.
Screenshots are kept as test artefacts in ``tmp_path``.
"""

from __future__ import annotations

import itertools

import pytest

import networks
import viz
from _browser import open_page, require_chromium

pytestmark = pytest.mark.browser

BELTS = ["archetype", "cross_border_belt", "industrial_belt", "rural_cluster"]
VIEWPORTS = [(1600, 1000), (1280, 720)]


@pytest.fixture(autouse=True)
def _chromium():
    require_chromium()


def overlapping(a, b, slack=0.5):
    """Two page boxes (left, top, right, bottom) overlap by more than ``slack`` pixels."""
    return (a[0] + slack < b[2] and b[0] + slack < a[2]
            and a[1] + slack < b[3] and b[1] + slack < a[3])


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("name", BELTS)
def test_no_label_overlaps_and_the_legend_covers_nothing(name, viewport, tmp_path):
    eco = networks.example(name)
    page = viz.to_html(eco, tmp_path / f"{name}.html")
    with open_page(page.path, viewport=viewport) as live:
        boxes = live.evaluate("window.ecobelt.drawnBoxes()")
        legend = live.evaluate("(() => { const r = document.querySelector('.ecobelt-legend')"
                               ".getBoundingClientRect(); return [r.left, r.top, r.right, "
                               "r.bottom]; })()")
        live.screenshot(tmp_path / f"{name}-{viewport[0]}x{viewport[1]}.png")
        live.check()
    assert len(boxes) == len(eco)
    labels = {b["id"]: b["label"] for b in boxes if "label" in b}
    assert len(labels) == len(eco), "every member is labelled at this size"
    clashes = [(a, b) for a, b in itertools.combinations(labels, 2)
               if overlapping(labels[a], labels[b])]
    assert clashes == []
    # no label over another member's node
    nodes = {b["id"]: b["node"] for b in boxes}
    covered = [(a, b) for a in labels for b in nodes if a != b
               and overlapping(labels[a], nodes[b])]
    assert covered == []
    assert not [b["id"] for b in boxes if overlapping(b["node"], legend, slack=0)]


def test_the_core_reads_as_the_chain_left_to_right(tmp_path):
    eco = networks.example("cross_border_belt")
    page = viz.to_html(eco, tmp_path / "belt.html")
    with open_page(page.path) as live:
        boxes = {b["id"]: b["node"] for b in live.evaluate("window.ecobelt.drawnBoxes()")}
    centre = {m: (box[0] + box[2]) / 2 for m, box in boxes.items()}
    columns = [["supplier", "producer", "manufacturer"], ["cbec_enterprise"], ["platform"],
               ["market"]]
    spans = []
    for roles in columns:
        xs = [centre[m] for r in roles for m in eco.members(role=r)]
        if xs:
            spans.append((min(xs), max(xs)))
    assert len(spans) >= 3
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))


def test_goods_at_full_strength_others_faint(tmp_path):
    eco = networks.example("cross_border_belt")
    page = viz.to_html(eco, tmp_path / "belt.html")
    with open_page(page.path) as live:
        opacity = live.evaluate("""(() => {
            const out = {}, e = window.ecobelt.edges.get(), d = window.ecobelt.current.data;
            e.filter(x => x.id < d.edges.from.length).forEach(x => {
                out[d.flows[d.edges.flow[x.id]]] = x.color.opacity; });
            return out; })()""")
    assert opacity["logistics"] >= 0.9
    assert all(value <= 0.25 for flow, value in opacity.items() if flow != "logistics")
