"""viz.to_html and viz.compare_html: what the page holds (no browser here).

The page is checked by reading it back: the JSON data of each panel is parsed
from its ``<script type="application/json">`` and compared with the
ecosystem, member by member and link by link.
"""

import html as html_lib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import networks
import viz
from ecosystem import Ecosystem, Flow, ParameterError, Ring
from viz._page import VENDOR_URL_STRINGS, vendor_assets
from viz._payload import LABEL_LIMIT, network_payload
from viz._style import FLOW_STYLES, RING_SHAPES, ROLE_COLORS
from viz.compare import overview_table

URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)]*""")
LOADING = re.compile(r"""<link\b|<iframe\b|<img\b|\bsrc\s*=|@import|url\(\s*(?!['"]?data:)""",
                     re.IGNORECASE)


def external_references(page: str) -> list[str]:
    """Every URL or resource-loading construct in ``page`` that is not a known vendor string.

    Outside the embedded vis-network script nothing URL-like may appear at all;
    inside it only the strings listed (and explained) in VENDOR_URL_STRINGS.
    """
    vendor, _ = vendor_assets()
    start = page.index(vendor)
    own = page[:start] + page[start + len(vendor):]
    found = [m.group(0) for m in URL.finditer(own)] + [m.group(0) for m in LOADING.finditer(own)]
    found += [u for u in (m.group(0) for m in URL.finditer(vendor))
              if u.rstrip(".,;") not in VENDOR_URL_STRINGS]
    return found


def panel_data(page: str) -> list[dict]:
    """The JSON payload of every panel of a page, in panel order."""
    blocks = re.findall(r'<script type="application/json" id="ecobelt-data-(\d+)">(.*?)</script>',
                        page, re.DOTALL)
    assert [int(i) for i, _ in blocks] == list(range(len(blocks)))
    return [json.loads(text) for _, text in blocks]


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def belt_page(belt):
    return viz.to_html(belt, metrics={"shapley_share": {"beltlink": 0.25, "riverbend": 0.75}},
                       size_by="strength", title="Sock belt")


def test_page_embeds_vis_network_and_references_nothing_external(belt_page):
    page = belt_page.html
    vendor_js, vendor_css = vendor_assets()
    assert len(vendor_js) > 400_000 and vendor_js in page and vendor_css in page
    assert "sourceMappingURL" not in page
    assert external_references(page) == []


def test_external_reference_check_catches_what_pyvis_writes(belt, tmp_path):
    """pyvis 0.3.2's own in-line template still links bootstrap from a CDN."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node("a")
    pyvis_page = net.generate_html()
    vendor, _ = vendor_assets()
    assert vendor[:2000] in pyvis_page  # the same vis-network copy, so the check applies
    found = external_references(pyvis_page)
    assert any("cdn.jsdelivr.net" in u for u in found)
    ours = viz.to_html(belt).html
    injected = ours.replace("</head>", '<script src="https://cdn.example.org/x.js"></script></head>')
    assert len(external_references(injected)) >= 2


def test_payload_members_and_links_equal_the_ecosystem(belt, belt_page):
    (data,) = panel_data(belt_page.html)
    members = list(belt.graph)
    assert data["nodes"]["id"] == members
    rings = [belt.graph.nodes[m]["ring"] for m in members]
    roles = [belt.graph.nodes[m]["role"] for m in members]
    assert [data["rings"][k] for k in data["nodes"]["ring"]] == rings
    assert [data["roles"][k] for k in data["nodes"]["role"]] == roles
    drawn = sorted((members[s], members[t], data["flows"][f]) for s, t, f in
                   zip(data["edges"]["from"], data["edges"]["to"], data["edges"]["flow"]))
    assert drawn == sorted(belt.graph.edges(keys=True))
    assert data["ringCounts"] == [len(belt.members(ring=r)) for r in Ring]
    assert sum(data["roleCounts"]) == len(belt)


def test_payload_positions_are_the_chain_layout_or_the_rings(belt, belt_page):
    """A labelled belt of up to CHAIN_LIMIT members is drawn as the chain; an unlabelled
    one on the rings."""
    from viz._chain import chain_layout

    (data,) = panel_data(belt_page.html)
    layout = chain_layout(belt, size=max(data["nodes"]["size"]))
    np.testing.assert_allclose(data["nodes"]["x"], layout["x"], atol=0.01)
    np.testing.assert_allclose(data["nodes"]["y"], layout["y"], atol=0.01)
    np.testing.assert_allclose(data["bands"], layout.attrs["bands"])
    (rings,) = panel_data(viz.to_html(belt, labels=False).html)
    layout = viz.ring_layout(belt, spacing=max(30.0, 1.6 * 22.0))
    np.testing.assert_allclose(rings["nodes"]["x"], layout["x"], atol=0.01)
    np.testing.assert_allclose(rings["bands"], layout.attrs["bands"])


def test_styles_colour_by_ring_and_role_and_flow(belt, belt_page):
    (data,) = panel_data(belt_page.html)
    assert data["ringShapes"] == [RING_SHAPES[r.value] for r in Ring]
    assert data["roleColors"] == [ROLE_COLORS[role] for role in data["roles"]]
    assert data["flows"] == [f.value for f in Flow]
    assert data["flowColors"] == [FLOW_STYLES[f][0] for f in data["flows"]]
    dashes = [json.dumps(d) for d in data["flowDashes"]]
    assert len(set(dashes)) == 4 and len(set(data["flowColors"])) == 4
    assert data["physics"] is False and data["labels"] is True


def test_title_and_subtitle(belt, belt_page):
    page = belt_page.html
    assert "<title>Sock belt</title>" in page and "<h1>Sock belt</h1>" in page
    assert f"{len(belt)} members, {belt.graph.number_of_edges()} links" in page
    assert "<title>cross_border_belt</title>" in viz.to_html(belt).html


def test_tooltip_data_has_attributes_and_metrics(belt, belt_page):
    (data,) = panel_data(belt_page.html)
    members = data["nodes"]["id"]
    metrics = dict(zip(data["metrics"]["names"], data["metrics"]["values"]))
    assert metrics["shapley_share"][members.index("riverbend")] == 0.75
    assert metrics["shapley_share"][members.index("yarnwell")] is None
    assert "strength" in metrics  # the size metric is shown too
    attributes = dict(zip(data["nodeAttrs"]["names"], data["nodeAttrs"]["values"]))
    for name, column in attributes.items():
        for member, value in zip(members, column):
            assert value == belt.graph.nodes[member].get(name)
    links = dict(zip(data["edgeAttrs"]["names"], data["edgeAttrs"]["values"]))
    edges = list(belt.graph.edges(keys=True, data=True))
    index = {m: i for i, m in enumerate(members)}
    for k, (s, t) in enumerate(zip(data["edges"]["from"], data["edges"]["to"])):
        attrs = belt.graph.edges[members[s], members[t], data["flows"][data["edges"]["flow"][k]]]
        # structured values (a carrier's 'to' destinations) reach the page as text
        shown = {n: (v if isinstance(v, (int, float, str, bool)) else str(v))
                 for n, v in attrs.items()}
        assert {n: links[n][k] for n in links if links[n][k] is not None} == shown
    assert len(edges) == len(data["edges"]["from"]) and len(index) == len(belt)


def test_node_size_follows_the_metric():
    eco = Ecosystem()
    for member in "abcd":
        eco.add_member(member, "manufacturer")
    share = pd.Series({"c": 3.0, "a": 1.0, "b": 2.0}, name="share")  # not in member order
    data = network_payload(eco, share, size_by="share", size_range=(5.0, 25.0))
    assert data["nodes"]["size"] == [5.0, 15.0, 25.0, 5.0]  # d has no value: smallest
    assert data["sizeRange"] == [1.0, 3.0]
    assert data["metrics"]["values"][0] == [1.0, 2.0, 3.0, None]


def test_node_size_by_attribute_and_structural_metric():
    eco = Ecosystem()
    eco.add_member("a", "manufacturer", employees=10)
    eco.add_member("b", "platform", employees=30)
    eco.add_member("c", "logistics")
    eco.link("a", "b", "logistics")
    eco.link("c", "b", "capital")
    data = network_payload(eco, size_by="employees", size_range=(4.0, 8.0))
    assert data["nodes"]["size"] == [4.0, 8.0, 4.0]
    data = network_payload(eco, size_by="in_degree", size_range=(4.0, 8.0))
    assert data["nodes"]["size"] == [4.0, 8.0, 4.0]
    eco.link("a", "c", "logistics")  # a: two outlets used equally, Levins' B = 2; b: none
    data = network_payload(eco, size_by="niche_breadth", size_range=(4.0, 8.0))
    assert data["metrics"]["values"][0] == [2.0, None, 1.0]


def test_strength_is_sent_plus_received_volume_and_throughput_its_old_name():
    eco = Ecosystem()
    for member in "abc":
        eco.add_member(member, "manufacturer")
    eco.link("a", "b", "logistics", volume=2.0)
    eco.link("b", "c", "capital", volume=5.0)
    eco.link("c", "a", "information")  # no volume: counts 1
    assert viz.computed_metrics(eco, ["strength"])["strength"].tolist() == [3.0, 7.0, 6.0]
    with pytest.warns(DeprecationWarning, match="'throughput' is now 'strength'"):
        old = viz.computed_metrics(eco, ["throughput"])["throughput"]
    assert old.tolist() == [3.0, 7.0, 6.0]


def test_edge_width_grows_with_volume():
    eco = Ecosystem()
    for member in "abcd":
        eco.add_member(member, "manufacturer")
    eco.link("a", "b", "logistics", volume=1.0)
    eco.link("a", "c", "logistics", volume=4.0)
    eco.link("a", "d", "logistics")
    data = network_payload(eco)
    width = dict(zip(data["edges"]["to"], data["edges"]["width"]))
    assert width[1] == 3.0 and width[2] == 5.0 and width[3] == 1.0  # 1 + 4 sqrt(v / max)


def test_edge_widths_scale_per_flow():
    """Each flow against its own largest link: a technology link of 0.25 service days is as
    wide as a capital link of 700 thousand CNY when each is its flow's largest."""
    eco = Ecosystem(units={"capital": "thousand CNY"})
    for member in "abc":
        eco.add_member(member, "manufacturer")
    eco.link("a", "b", "capital", volume=700.0)
    eco.link("a", "c", "capital", volume=175.0)
    eco.link("b", "c", "technology", volume=0.25)
    eco.link("c", "a", "technology", volume=0.0625)
    data = network_payload(eco)
    flows = [data["flows"][f] for f in data["edges"]["flow"]]
    widths = {(flow, volume): w for flow, volume, w in zip(
        flows, data["edgeAttrs"]["values"][data["edgeAttrs"]["names"].index("volume")],
        data["edges"]["width"])}
    assert widths == {("capital", 700.0): 5.0, ("capital", 175.0): 3.0,
                      ("technology", 0.25): 5.0, ("technology", 0.0625): 3.0}
    assert data["flowUnits"][data["flows"].index("capital")] == "thousand CNY"
    assert data["flowUnits"][data["flows"].index("technology")] == eco.flow_unit("technology")
    assert data["flowTop"][data["flows"].index("capital")] == 700.0


def test_every_flow_of_the_bundled_belt_reaches_full_width():
    import networks

    belt = networks.example("cross_border_belt")
    data = network_payload(belt)
    top = {}
    for flow, width in zip(data["edges"]["flow"], data["edges"]["width"]):
        top[data["flows"][flow]] = max(top.get(data["flows"][flow], 0.0), width)
    assert top["technology"] == 5.0 and top["capital"] == 5.0
    assert set(top.values()) == {5.0}


def test_labels_only_for_small_networks():
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": [f"m{i}" for i in range(LABEL_LIMIT + 1)],
                                       "role": "manufacturer"}))
    assert network_payload(eco)["labels"] is False
    assert network_payload(eco, labels=True)["labels"] is True
    assert network_payload(eco.subgraph(["m0", "m1"]))["labels"] is True


def test_physics_option(belt):
    assert panel_data(viz.to_html(belt, physics=True).html)[0]["physics"] is True


def test_member_names_cannot_break_out_of_the_script():
    eco = Ecosystem("x")
    eco.add_member("</script><script>alert(1)</script>", "manufacturer", note="a & b <c>")
    page = viz.to_html(eco).html
    assert "</script><script>alert(1)" not in page
    (data,) = panel_data(page)
    assert data["nodes"]["id"] == ["</script><script>alert(1)</script>"]
    assert data["nodeAttrs"]["values"] == [["a & b <c>"]]


def test_empty_ecosystem():
    data = panel_data(viz.to_html(Ecosystem("empty")).html)[0]
    assert data["nodes"]["id"] == [] and data["edges"]["from"] == []


def test_the_ecosystem_is_not_modified(belt):
    eco = belt.copy()
    before = (list(eco.graph.nodes(data=True)), list(eco.graph.edges(keys=True, data=True)),
              dict(eco.graph.graph))
    frozen = json.dumps(before, sort_keys=True, default=str)
    viz.to_html(eco, metrics={"x": {"beltlink": 1.0}}, size_by="employees")
    viz.compare_html({"a": eco, "b": eco})
    viz.rings_figure(eco)
    after = (list(eco.graph.nodes(data=True)), list(eco.graph.edges(keys=True, data=True)),
             dict(eco.graph.graph))
    assert json.dumps(after, sort_keys=True, default=str) == frozen
    assert eco == belt


def test_save_and_jupyter_inline(belt, tmp_path):
    page = viz.to_html(belt, tmp_path / "belt.html", height=420)
    assert page.path == tmp_path / "belt.html"
    assert (tmp_path / "belt.html").read_text(encoding="utf-8") == page.html
    inline = page._repr_html_()
    srcdoc = re.fullmatch(r'<iframe srcdoc="([^"]*)" style="[^"]*height:420px[^"]*" '
                          r'sandbox="allow-scripts"></iframe>', inline)
    assert srcdoc and html_lib.unescape(srcdoc.group(1)) == page.html
    assert repr(page).startswith("<HtmlPage ") and str(page) == page.html


@pytest.mark.parametrize("kwargs, message", [
    ({"metrics": {"x": {"nobody": 1.0}}}, "not members: 'nobody'"),
    ({"metrics": {"x": [1.0, 2.0]}}, "one value per member"),
    ({"metrics": 3.0}, "metrics must be a DataFrame"),
    ({"size_by": "no_such_metric"}, "size_by='no_such_metric' is neither"),
    ({"metrics": {"tag": {"beltlink": "big"}}, "size_by": "tag"}, "not numbers"),
    ({"size_range": (10.0, 2.0)}, "size_range"),
    ({"positions": pd.DataFrame({"x": [0.0], "y": [0.0]}, index=["beltlink"])},
     "finite x and y for every member"),
    ({"positions": pd.DataFrame({"a": [0.0]})}, "columns 'x' and 'y'"),
])
def test_bad_arguments_are_specific_errors(belt, kwargs, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        viz.to_html(belt, **kwargs)


def test_duplicate_metric_rows_are_an_error(belt):
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=["beltlink", "beltlink"])
    with pytest.raises(ParameterError, match="more than once"):
        viz.to_html(belt, metrics=frame)


def test_metrics_table_with_an_id_column(belt):
    frame = pd.DataFrame({"id": ["riverbend", "beltlink"], "shapley": [0.7, 0.3]})
    aligned = viz.align_metrics(belt, frame)
    assert list(aligned.index) == list(belt.graph)
    assert aligned.loc["riverbend", "shapley"] == 0.7 and aligned["shapley"].count() == 2


# ---------------------------------------------------------------------------- compare
@pytest.fixture(scope="module")
def two_configurations(belt):
    alliance = belt.copy()
    alliance.link("yarnwell", "stride", "information", volume=5.0)
    alone = belt.subgraph([m for m in belt.graph if m != "paybridge"])
    return {"alliance": alliance, "no finance": alone}


def test_compare_html_tabs_and_tables(two_configurations):
    table = pd.DataFrame({"gain": [1.5, 2.5]}, index=["beltlink", "riverbend"])
    page = viz.compare_html(two_configurations, tables={"alliance": table},
                            metrics={"no finance": {"score": {"beltlink": 2.0}}})
    text = page.html
    assert external_references(text) == []
    tabs = re.findall(r'<button class="ecobelt-tab" data-tab="(\d+)" type="button">([^<]*)</button>',  # noqa: E501
                      text)
    assert [label for _, label in tabs] == ["Overview", "alliance", "no finance"]
    data = panel_data(text)
    for payload, eco in zip(data, two_configurations.values()):
        assert payload["nodes"]["id"] == list(eco.graph)
        assert len(payload["edges"]["from"]) == eco.graph.number_of_edges()
    assert "<h3>Metrics</h3>" in text and "gain" in text  # the caller's table
    assert "<h3>Metrics per member</h3>" in text  # a summary of the per-member metric
    assert text.count("<h3>Structure</h3>") == 2


def test_overview_table_counts(two_configurations):
    table = overview_table(two_configurations)
    for name, eco in two_configurations.items():
        assert table.loc["members", name] == len(eco)
        assert table.loc["links", name] == eco.graph.number_of_edges()
        for flow in Flow:
            assert table.loc[f"{flow.value} links", name] == len(eco.links(flow))
        assert table.loc["core members", name] == len(eco.members(ring="core"))


@pytest.mark.parametrize("args, kwargs, message", [
    (lambda c: [c["alliance"]], {}, "two or more"),
    (lambda c: c, {"metrics": {"nobody": None}}, "not among the ecosystems"),
    (lambda c: c, {"tables": [None]}, "one entry per ecosystem"),
])
def test_compare_html_errors(two_configurations, args, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        viz.compare_html(args(two_configurations), **kwargs)


def test_the_pyvis_requirement_is_the_release_whose_vis_network_the_page_embeds():
    """The page reads vis-network from pyvis' package folder, which changes between pyvis
    releases: the requirement names that one release."""
    import re
    import tomllib
    from importlib import metadata

    from viz._page import VIS_VERSION, vendor_assets

    with open(Path(__file__).resolve().parent.parent / "pyproject.toml", "rb") as handle:
        requirements = tomllib.load(handle)["project"]["dependencies"]
    (pyvis,) = [r for r in requirements if re.match(r"pyvis\b", r)]
    assert pyvis == f"pyvis=={metadata.version('pyvis')}"
    script, _ = vendor_assets()
    assert f"@version {VIS_VERSION}" in script[:400]


def test_highlighted_members_are_named_by_position(belt):
    from viz._payload import network_payload

    data = network_payload(belt, highlight=["beltlink", "riverbend", "beltlink"])
    ids = data["nodes"]["id"]
    assert sorted(ids[i] for i in data["highlight"]) == ["beltlink", "riverbend"]
    assert network_payload(belt)["highlight"] == []
    with pytest.raises(ParameterError, match="highlight: 'nobody' is not a member"):
        network_payload(belt, highlight=["nobody"])
