"""The page's timeline: lane hops against a plain loop over the simulation's lanes, the
packed numbers, and the shared scales."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import networks
from ecosystem import ParameterError, simulation
from ecosystem.alliance import Alliance, compare
from viz._timeline import (LANES_LAYER, WIDTH, finish_timelines, lane_hops, lanes_layer, pack,
                           timeline_payload, unpack)
from viz.html import network_payload


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def shared(belt):
    """The belt with and without a shared logistics platform of the cross-border firms."""
    firms = tuple(belt.members(role="cbec_enterprise"))
    alliance = Alliance("shared", firms, share_information=False, shared_platform="logistics")
    return compare(belt, [alliance], periods=12, replications=4, seed=1, benefit=False)


def reference_hops(result):
    """Goods per period and hop by a plain loop over the lanes' paths and the per-lane
    series (``series("lanes")``)."""
    paths = result.network.lanes_frame()["path"].str.split(" > ")
    totals = {}
    for row in result.series("lanes").itertuples():
        path = paths[row.lane]
        for hop in zip(path[:-1], path[1:]):
            if hop[0].startswith("outside"):
                continue
            totals[(row.period, hop)] = totals.get((row.period, hop), 0.0) + row.shipped
    return totals


@pytest.mark.parametrize("name", ["baseline", "shared"])
def test_lane_hops_add_up_the_lanes_through_each_hop(shared, name):
    result = shared.simulations[name]
    hops, shipped = lane_hops(result)
    expected = reference_hops(result)
    assert shipped.shape == (12, len(hops))
    assert len(set(hops)) == len(hops) == len({hop for _, hop in expected})
    for (period, hop), goods in expected.items():
        assert shipped[period, hops.index(hop)] == pytest.approx(goods, rel=1e-12, abs=1e-12)
    assert shipped.sum() > 0


def test_lanes_layer_holds_the_platforms_lanes_only(shared):
    configured = shared.configured["shared"]
    layer = lanes_layer(configured, shared.simulations["shared"])
    platform = "shared platform"
    assert layer.number_of_edges() > 0
    # every hop without a link runs into or out of the shared platform
    assert all(platform in (u, v) for u, v in layer.edges)
    assert {u for u, v in layer.edges if v == platform} == set(
        configured.members(role="cbec_enterprise"))
    assert lanes_layer(shared.configured["baseline"],
                       shared.simulations["baseline"]).number_of_edges() == 0


def baseline_and_shared_payloads(shared):
    """The page payloads of the baseline and the shared platform, each with its timeline."""
    payloads = []
    for name in ("baseline", "shared"):
        eco, result = shared.configured[name], shared.simulations[name]
        layer = lanes_layer(eco, result)
        payload = network_payload(eco, overlays={LANES_LAYER: layer} if layer.size() else None)
        payload["timeline"] = timeline_payload(payload, result)
        payloads.append(payload)
    return payloads


def test_timeline_payload_maps_every_hop_to_a_drawn_link(shared):
    payloads = baseline_and_shared_payloads(shared)
    finish_timelines([p["timeline"] for p in payloads])
    tops = []
    for payload, name in zip(payloads, ("baseline", "shared")):
        t = payload["timeline"]
        result = shared.simulations[name]
        hops, shipped = lane_hops(result)
        ids = payload["nodes"]["id"]
        edges = payload["edges"]
        m = len(edges["from"])
        for (u, v), edge in zip(hops, t["edges"]):
            if edge < m:
                assert (ids[edges["from"][edge]], ids[edges["to"][edge]]) == (u, v)
                assert payload["flows"][edges["flow"][edge]] == "logistics"
            else:
                layer = payload["overlays"][-1]
                assert layer["name"] == LANES_LAYER
                k = edge - m - sum(len(o["edges"]["from"]) for o in payload["overlays"][:-1])
                assert (ids[layer["edges"]["from"][k]], ids[layer["edges"]["to"][k]]) == (u, v)
        np.testing.assert_allclose(unpack(t["shipped"], t["shippedScale"]).reshape(shipped.shape),
                                   shipped, atol=shipped.max() / 65535)
        stock = result.period_member["stock"] / 4
        assert t["stockTop"] >= list(stock.max(axis=0).round(4))
        tops.append(shipped.max())
        assert t["widthRule"]["min"] == WIDTH[0] and t["widthRule"]["extra"] == WIDTH[1]
    # one width scale for every tab: the largest hop of any of them
    assert payloads[0]["timeline"]["widthRule"]["top"] == max(tops)
    assert payloads[1]["timeline"]["widthRule"]["top"] == max(tops)


def test_a_hop_without_a_drawn_link_is_an_error(shared):
    eco, result = shared.configured["shared"], shared.simulations["shared"]
    with pytest.raises(ParameterError, match="follows no logistics link.*lanes_layer"):
        timeline_payload(network_payload(eco), result)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40))
def test_pack_reads_back_within_one_step(values):
    text, scale = pack(np.array(values))
    back = unpack(text, scale)
    assert scale == max(values)
    np.testing.assert_allclose(back, values, atol=scale / 65535 / 2 + 1e-12)


def test_archetype_timeline_in_one_panel():
    eco = networks.archetype()
    result = simulation.run(eco, periods=5, replications=3, seed=2)
    payload = network_payload(eco)
    payload["timeline"] = timeline_payload(payload, result)
    finish_timelines([payload["timeline"]])
    t = payload["timeline"]
    assert t["periods"] == 5 and t["replications"] == 3
    assert len(t["members"]) == len(result.network.members)
    assert not any(key.startswith("_") for key in t)


def test_compare_html_plays_the_simulations_on_one_scale(shared):
    import json
    import re

    import viz

    page = viz.compare_html(shared.configured, simulations=shared.simulations)
    data = [json.loads(text) for text in re.findall(
        r'<script type="application/json" id="ecobelt-data-\d+">(.*?)</script>', page.html)]
    assert [d["timeline"]["label"] for d in data] == ["baseline", "shared"]
    tops = {d["timeline"]["widthRule"]["top"] for d in data}
    assert tops == {max(lane_hops(r)[1].max() for r in shared.simulations.values())}
    assert [layer["name"] for layer in data[1]["overlays"]] == [LANES_LAYER]
    assert data[0]["overlays"] == []
    with pytest.raises(ParameterError, match="simulations must have one entry per ecosystem"):
        viz.compare_html(shared.configured, simulations=[shared.simulations["baseline"]])


@pytest.mark.browser
def test_the_timeline_plays_in_a_compare_page(shared, tmp_path):
    """Play runs to the last period and stops; the slider moves with it; each tab opens on
    the shared period; turning the timeline off gives every link its own width back."""
    import viz
    from _browser import open_page, require_chromium

    require_chromium()
    path = viz.compare_html(shared.configured, tmp_path / "page.html",
                            simulations=shared.simulations).path
    with open_page(path) as live:
        live.show("shared")
        live.evaluate("() => window.ecobelt.timeline.play(40)")
        live.page.wait_for_function("() => window.ecobelt.timeline.period === 11 "
                                    "&& !window.ecobelt.timeline.timer", timeout=20000)
        assert live.page.locator(".ecobelt-timeline input[type=range]").input_value() == "11"
        assert "week 12 of 12" in live.page.locator(".ecobelt-period").inner_text()
        live.screenshot(tmp_path / "played.png")
        live.show("baseline")
        assert live.evaluate("() => window.ecobelt.current.tl.period") == 11
        live.page.locator(".ecobelt-timeline input[data-timeline]").uncheck()
        widths = live.evaluate("""() => { const p = window.ecobelt.current;
            return p.edges.get().map((e) => [e.width, p.ownWidth[e.id]]); }""")
        assert all(w == own for w, own in widths)
        live.check(flows=False).assert_clean()


def test_the_difference_from_the_baseline_per_link(shared):
    """delta: each link's goods minus the baseline's on the same pair of members (a plain
    loop over both simulations' hops), more and less packed apart."""
    payloads = baseline_and_shared_payloads(shared)
    finish_timelines([p["timeline"] for p in payloads], baseline=0)
    assert "delta" not in payloads[0]["timeline"]
    delta = payloads[1]["timeline"]["delta"]
    base = reference_hops(shared.simulations["baseline"])
    own = reference_hops(shared.simulations["shared"])
    ids = payloads[1]["nodes"]["id"]
    edges, overlays = payloads[1]["edges"], payloads[1]["overlays"]
    m = len(edges["from"])

    def pair(edge):
        if edge < m:
            return ids[edges["from"][edge]], ids[edges["to"][edge]]
        layer = overlays[-1]["edges"]
        return ids[layer["from"][edge - m]], ids[layer["to"][edge - m]]
    more = unpack(delta["more"], delta["moreScale"]).reshape(12, -1)
    less = unpack(delta["less"], delta["lessScale"]).reshape(12, -1)
    expected_top = 0.0
    for period in range(12):
        for e, edge in enumerate(delta["edges"]):
            hop = pair(edge)
            change = own.get((period, hop), 0.0) - base.get((period, hop), 0.0)
            expected_top = max(expected_top, abs(change))
            assert more[period, e] - less[period, e] == pytest.approx(change, abs=1e-3)
    assert delta["top"] == pytest.approx(expected_top)
    assert {pair(edge) for edge in delta["edges"]} >= {hop for _, hop in base}
