"""``ecobelt demo``: the bundled belt's report folder, end to end, and its page in a browser."""

import contextlib
import io
import json
import re

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

import networks
from ecosystem import ParameterError
from ecosystem.alliance import METRICS, apply, default_market
from ecosystem.cli import main
from _browser import open_page, require_chromium  # one module object with the other browser tests
from viz._page import VENDOR_URL_STRINGS
from viz.report import demo_alliances, write_report

TABLES = {"structure", "upstreamness", "flow_levels", "critical_members", "cascade_lost_volume",
          "bullwhip_sharing", "bullwhip_stages", "allocations", "stability", "niche_breadth",
          "niche_null_model", "competition_pairs", "predator_prey_equilibrium", "coupling_zhejiang",
          "spillover_by_ring", "segments", "alliances", "alliance_levers", "alliance_summary",
          "alliance_allocation", "glossary"}
FIGURES = {"rings", "bullwhip", "allocation", "niche_overlap", "phase_portrait", "coupling",
           "alliances"}


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The folder ``ecobelt demo -o DIR`` wrote, and what it printed."""
    folder = tmp_path_factory.mktemp("demo") / "report"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["demo", "-o", str(folder), "--seed", "3"])
    assert status == 0
    return folder, printed.getvalue()


@pytest.fixture(scope="module")
def configurations(belt):
    alliances = demo_alliances(belt, default_market(belt))  # the market the demo follows
    return {"baseline": belt, **{a.name: apply(belt, a) for a in alliances}}


def test_demo_prints_where_the_report_is(report):
    folder, printed = report
    assert f"report written to {(folder / 'index.html').resolve()}" in printed
    assert f"{len(TABLES)} CSV tables, {len(FIGURES)} PNG figures" in printed


def test_demo_writes_every_table_and_figure(report):
    folder, _ = report
    assert {p.stem for p in folder.glob("*.csv")} == TABLES
    assert {p.stem for p in folder.glob("*.png")} == FIGURES
    for name in TABLES:
        assert len(pd.read_csv(folder / f"{name}.csv")) > 0, name
    for name in FIGURES:
        image = matplotlib.image.imread(folder / f"{name}.png")
        assert image.shape[0] > 200 and image.shape[1] > 300, name
        # non-blank: a real share of pixels differs from the background colour
        assert (np.abs(image[..., :3] - image[0, 0, :3]).sum(axis=2) > 0.1).mean() > 0.01, name


def test_demo_compares_four_alliances_and_the_baseline(report, configurations):
    """Each lever moves what its mechanism predicts, on the same demand (seed 3)."""
    folder, _ = report
    table = pd.read_csv(folder / "alliances.csv", index_col="configuration")
    assert list(table.index) == list(configurations)
    assert len(table) == 5
    for metric in METRICS:
        assert set(table[f"rank_{metric}"]) <= set(range(1, len(table) + 1))
        if metric != "max_excess":
            assert table[metric].notna().all(), metric
    assert table["pareto"].any()
    assert table.loc["sharing chain", "diff_bullwhip_ratio_high"] < 0
    assert table.loc["cost-cutting chain", "diff_belt_profit_low"] > 0
    assert table.loc["cost-cutting chain", "gain"] > 0
    assert table.loc["cost-cutting chain", "diff_mean_stock"] == 0
    assert table.loc["technology chain", "diff_mean_stock_high"] < 0
    allocation = pd.read_csv(folder / "alliance_allocation.csv", index_col="configuration")
    gains = table["gain"].drop("baseline")
    np.testing.assert_allclose(allocation.sum(axis=1).loc[gains.index], gains, rtol=1e-9)


def test_demo_page_is_offline_and_holds_every_configuration(report, configurations):
    folder, _ = report
    text = (folder / "index.html").read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[^\s\"'<>)\\]+", text))
    assert urls <= VENDOR_URL_STRINGS, urls - VENDOR_URL_STRINGS
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=['\"](?!data:)", text)
    assert text.count('class="ecobelt-panel"') == len(configurations)
    assert text.count("src='data:image/png;base64,") == len(FIGURES)
    for name in configurations:
        assert f">{name}</button>" in text


def test_demo_is_reproducible(report, belt, tmp_path):
    """The same seed writes the same tables (write_report with the demo's settings)."""
    folder, _ = report
    again = write_report(belt, tmp_path, seed=3)
    for name in ("alliances", "bullwhip_sharing", "niche_null_model", "segments",
                 "spillover_by_ring"):
        pd.testing.assert_frame_equal(pd.read_csv(folder / f"{name}.csv"),
                                      pd.read_csv(tmp_path / f"{name}.csv"), obj=name)
    assert again.seconds > 0 and again.cpu_seconds > 0


def test_report_errors(belt, tmp_path, capsys):
    no_margin = belt.copy()
    del no_margin.graph.nodes["eu_market"]["margin"]
    with pytest.raises(ParameterError, match=r"markets \['eu_market'\] have no 'margin'"):
        write_report(no_margin, tmp_path)
    with pytest.raises(ParameterError, match="seed"):
        write_report(belt, tmp_path, seed=1.5)
    with pytest.raises(ParameterError, match="at least one alliance"):
        write_report(belt, tmp_path, alliances=[])
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    assert main(["demo", "-o", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecobelt demo: error:") and err.count("\n") == 1


def test_demo_leaves_a_folder_with_files_alone_unless_forced(tmp_path, capsys, monkeypatch):
    import viz.report

    (tmp_path / "notes.txt").write_text("mine")
    assert main(["demo", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"ecobelt demo: error: -o {tmp_path}: the folder exists and is not empty; "
                   "name a new folder, or pass --force to write into it\n")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    written = []
    monkeypatch.setattr(viz.report, "demo", lambda folder, seed: written.append(folder) or "ok")
    assert main(["demo", "-o", str(tmp_path), "--force"]) == 0
    assert main(["demo", "-o", str(tmp_path / "new")]) == 0
    assert written == [str(tmp_path), str(tmp_path / "new")]


def test_demo_page_speaks_in_words(report, belt):
    """Metrics named in words with units, a glossary, each figure captioned, integer years,
    papers by authors and title, and nothing the page mentions left outside it."""
    from viz._glossary import GLOSSARY, belt_units, words

    folder, _ = report
    text = (folder / "index.html").read_text(encoding="utf-8")
    assert "<h2>Glossary</h2>" in text
    for metric in METRICS:
        assert words(metric, belt_units(belt)) in text and GLOSSARY[metric][2] in text
    assert text.count("<figcaption>") == len(FIGURES)
    assert "returns, which the model allows" in text
    assert "C, the coupling degree" in text and "Wang &amp; Gao, \u201cResearch on" in text
    assert "see alliances.csv" not in text and "<summary>alliances.csv" in text
    assert "seed 00" not in text
    # list-valued cells are JSON text in the CSV tables
    for path in folder.glob("*.csv"):
        for value in pd.read_csv(path).to_numpy().ravel():
            if isinstance(value, str) and value.startswith("["):
                json.loads(value)


@pytest.mark.browser
def test_members_are_json_lists_in_both_alliance_tables(report, belt):
    folder, _ = report
    alliances = {a.name: a.members for a in demo_alliances(belt, default_market(belt))}
    table = pd.read_csv(folder / "alliances.csv", index_col="configuration")
    levers = pd.read_csv(folder / "alliance_levers.csv", index_col="name")
    assert {name: json.loads(cell) for name, cell in table["members"].items()} == {
        "baseline": [], **{name: list(members) for name, members in alliances.items()}}
    assert {name: json.loads(cell) for name, cell in levers["members"].items()} == {
        name: list(members) for name, members in alliances.items()}


def test_results_and_glossary_name_the_belts_own_units(report, belt):
    """Money in the belt's capital unit per its period, goods in its logistics unit, as the
    side panels say: never the kind of unit."""
    folder, _ = report
    money = f"{belt.flow_unit('capital')} per {belt.attributes['period']}"
    assert money == "thousand CNY per week"
    text = (folder / "index.html").read_text(encoding="utf-8")
    assert "money/period" not in text and "money per period" not in text
    assert f"Belt profit ({money})" in text and f"Shapley value ({money})" in text
    assert f"Mean stock ({belt.flow_unit('logistics')})" in text
    glossary = pd.read_csv(folder / "glossary.csv", index_col="term")
    assert glossary.loc["shapley", "unit"] == glossary.loc["belt_profit", "unit"] == money
    assert glossary.loc["mean_stock", "unit"] == "thousand pairs"


def test_alliance_tabs_highlight_exactly_their_members(report, belt):
    require_chromium()
    folder, _ = report
    levers = pd.read_csv(folder / "alliance_levers.csv", index_col="name")
    alliances = {name: set(json.loads(members)) for name, members in levers["members"].items()}
    with open_page(folder / "index.html") as live:
        for name, members in {"baseline": set(), **alliances}.items():
            live.show(name)
            # vis-network knows nodes by position; the panel's data holds the member ids
            outlined = live.evaluate("""() => {
                const ids = window.ecobelt.current.data.nodes.id;
                return window.ecobelt.nodes.get()
                    .filter((n) => n.borderWidth === 4).map((n) => ids[n.id]); }""")
            assert set(outlined) == members, name


@pytest.mark.browser
def test_demo_page_in_a_browser(report, configurations, simulated, tmp_path):
    """The browser check of the HTML issue on every configuration's tab: no console
    error or request, every member and link drawn, each flow filter hides exactly
    that flow's edges; on every tab the configuration's own competition layer draws one
    edge per competing pair (and the shared platform's lanes theirs) and each layer's
    checkbox hides exactly those; the Results tab shows every figure."""
    from viz._alliance_view import CHANGES_LAYER, alliance_changes
    from viz._report_sections import competition_layer
    from viz._timeline import LANES_LAYER, lanes_layer

    require_chromium()
    folder, _ = report
    pairs = len(pd.read_csv(folder / "competition_pairs.csv"))
    assert pairs > 0 and competition_layer(configurations["baseline"]).size() == pairs
    with open_page(folder / "index.html") as live:
        assert live.tabs() == [*configurations, "Results"]
        for i, (name, eco) in enumerate(configurations.items()):
            live.show(name)
            check = live.check(screenshot=tmp_path / f"tab{i}.png")
            check.assert_clean()
            # every tab carries its own competition layer, one undirected edge per pair
            layers = {"competition": competition_layer(eco).size()}
            if name != "baseline":
                alliance = next(a for a in simulated.alliances if a.name == name)
                layers[CHANGES_LAYER] = alliance_changes(configurations["baseline"], eco,
                                                         alliance).size()
                assert layers[CHANGES_LAYER] > 0, name
            lanes = lanes_layer(eco, simulated.simulations[name]).size()
            if lanes:
                layers[LANES_LAYER] = lanes
            assert (name == "shared logistics") == bool(lanes)
            assert check.edges_by_overlay == layers, name
            assert (check.nodes, check.edges) == (len(eco), eco.graph.number_of_edges()
                                                  + sum(layers.values())), name
            per_flow = eco.summary().xs("flow")["links"]
            assert check.edges_by_flow == {f: int(n) for f, n in per_flow.items() if n}, name
            for flow, counts in check.hidden_flow_edges.items():
                assert counts == {**check.edges_by_flow, **layers, flow: 0}, (name, flow)
            for layer, counts in check.hidden_overlay_edges.items():
                assert counts == {**check.edges_by_flow, **layers, layer: 0}, (name, layer)
            assert set(check.hidden_overlay_edges) == set(layers), name
        live.show("Results")
        assert live.visible_tab() == len(configurations)
        images = live.evaluate("""() => [...document.querySelectorAll(
            '.ecobelt-page:not([hidden]) img')].map((img) => img.complete && img.naturalWidth)""")
        assert len(images) == len(FIGURES) and all(width > 100 for width in images)
        live.screenshot(tmp_path / "results.png")
        live.check(flows=False).assert_clean()


@pytest.fixture(scope="module")
def simulated(belt):
    """The demo's simulations (seed 3, 100 replications; the coalition games left out, which
    do not change them)."""
    from ecosystem.alliance import compare
    return compare(belt, demo_alliances(belt, default_market(belt)), seed=3, replications=100,
                   benefit=False)


def hop_shipments(result) -> dict:
    """Goods dispatched per (period, (from, to)) hop: a plain loop over the simulation's
    lanes (``series("lanes")``) and their paths; lanes from outside sources have no hop."""
    paths = result.network.lanes_frame()["path"].str.split(" > ")
    totals: dict = {}
    for row in result.series("lanes").itertuples():
        path = paths[row.lane]
        for hop in zip(path[:-1], path[1:]):
            if not hop[0].startswith("outside"):
                totals[(row.period, hop)] = totals.get((row.period, hop), 0.0) + row.shipped
    return totals


_DRAWN_WIDTHS = """() => {
    const p = window.ecobelt.current, ids = p.data.nodes.id, body = p.network.body;
    return p.data.timeline.logistics.map((id) => {
        const e = body.edges[id];
        return [ids[e.fromId], ids[e.toId], e.options.width]; }); }"""


@pytest.mark.browser
def test_timeline_plays_and_draws_each_periods_shipments(report, simulated, tmp_path):
    """The timeline plays; on every configuration's tab the width drawn for a link in a
    period is 1 px + 7 px x its shipments / the largest of any link, period and tab (the
    legend's rule), and each stocking member's tooltip gives its stock and backlog."""
    require_chromium()
    folder, _ = report
    shipments = {name: hop_shipments(r) for name, r in simulated.simulations.items()}
    top = max(max(s.values()) for s in shipments.values())
    with open_page(folder / "index.html", viewport=(1280, 720)) as live:
        live.show("shared logistics")
        before = live.evaluate(_DRAWN_WIDTHS)
        live.page.click(".ecobelt-play")
        live.page.wait_for_function("() => window.ecobelt.timeline.period >= 3", timeout=20000)
        live.screenshot(tmp_path / "timeline_playing.png")
        live.page.click(".ecobelt-play")  # pause
        assert live.evaluate("() => window.ecobelt.timeline.timer") is None
        assert live.evaluate(_DRAWN_WIDTHS) != before
        legend = live.evaluate("() => document.querySelector('.ecobelt-page:not([hidden]) "
                               ".ecobelt-legend').innerText")
        assert "mean over 100 replications" in legend.lower()
        assert "stock from the bottom" in legend and "1 px + 7 px" in legend
        for name, result in simulated.simulations.items():
            live.show(name)
            for period in (0, 17, 51):
                live.evaluate("(p) => window.ecobelt.timeline.set(p, true)", period)
                drawn = {(u, v): width for u, v, width in live.evaluate(_DRAWN_WIDTHS)}
                expected = {hop: 1.0 + 7.0 * goods / top
                            for (p, hop), goods in shipments[name].items() if p == period}
                assert set(expected) <= set(drawn), name
                for hop, width in drawn.items():  # a link on no lane carries nothing
                    assert width == pytest.approx(expected.get(hop, 1.0), abs=2e-3), \
                        (name, period, hop)
            members = result.series("members")
            row = members[(members["period"] == 51)].iloc[0]
            title = live.evaluate("(m) => { const p = window.ecobelt.current;"
                                  " return p.nodes.get(p.data.nodes.id.indexOf(m)).title; }",
                                  row["member"])
            stock = float(re.search(r"stock: ([\d.e+-]+)", title).group(1))
            assert stock == pytest.approx(row["stock"], rel=2e-3, abs=1e-3), name
        # the difference from the baseline: goods carried more (blue) or less (brown) than on
        # the same link in the baseline's period, on one scale for every alliance tab
        base = shipments["baseline"]
        deltas = {name: {(p, hop): s.get((p, hop), 0.0) - base.get((p, hop), 0.0)
                         for p, hop in set(s) | set(base)}
                  for name, s in shipments.items() if name != "baseline"}
        delta_top = max(abs(v) for d in deltas.values() for v in d.values())
        live.show("shared logistics")
        live.page.locator(".ecobelt-page:not([hidden]) input[data-difference]").check()
        for period in (0, 30):
            live.evaluate("(p) => window.ecobelt.timeline.set(p, true)", period)
            drawn = live.evaluate("""() => { const p = window.ecobelt.current,
                ids = p.data.nodes.id, body = p.network.body;
                return p.data.timeline.delta.edges.map((id) => { const e = body.edges[id];
                    return [ids[e.fromId], ids[e.toId], e.options.width,
                            e.options.color.color]; }); }""")
            assert drawn
            for u, v, width, colour in drawn:
                change = deltas["shared logistics"].get((period, (u, v)), 0.0)
                assert width == pytest.approx(1.0 + 7.0 * abs(change) / delta_top, abs=2e-3), \
                    (period, u, v)
                if abs(change) > 1e-3 * delta_top:
                    assert colour == ("#2166ac" if change > 0 else "#b35806"), (u, v)
        live.screenshot(tmp_path / "timeline_difference.png")
        live.page.locator(".ecobelt-page:not([hidden]) input[data-difference]").uncheck()
        live.evaluate("() => window.ecobelt.timeline.set(51, true)")
        live.screenshot(tmp_path / "timeline_week52.png")
        live.evaluate("() => window.ecobelt.timeline.set(51, false)")
        own = live.evaluate("""() => { const p = window.ecobelt.current;
            return p.data.timeline.logistics.map((id) => p.ownWidth[id]); }""")
        assert [w for _, _, w in live.evaluate(_DRAWN_WIDTHS)] == own
        live.check(flows=False).assert_clean()


_FIT = """() => {
    const inside = (el) => { const r = el.getBoundingClientRect();
        return r.left >= -0.5 && r.top >= -0.5 && r.right <= innerWidth + 0.5
            && r.bottom <= innerHeight + 0.5; };
    const page = document.querySelector('.ecobelt-page:not([hidden])');
    const parts = ['.ecobelt-network', '.ecobelt-legend', '.ecobelt-side']
        .map((s) => page.querySelector(s)).filter((el) => el);
    const bar = document.querySelector('.ecobelt-timeline');
    if (bar && !bar.hidden) { parts.push(bar); }
    parts.push(document.querySelector('.ecobelt-header'));
    const side = page.querySelector('.ecobelt-side');
    return {scrolls: document.documentElement.scrollWidth > innerWidth
                     || document.documentElement.scrollHeight > innerHeight,
            outside: parts.filter((el) => !inside(el)).map((el) => el.className),
            network: page.querySelector('.ecobelt-network').getBoundingClientRect().width
                     / innerWidth,
            sideScrollsSideways: side ? side.scrollWidth > side.clientWidth + 1 : false}; }"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 720), (1600, 1000)])
def test_every_tab_fits_the_screen(report, configurations, viewport, tmp_path):
    """Nothing is pushed off-screen: the page does not scroll, the network, legend, side
    panel, timeline and header are inside the window, the side panel needs no sideways
    scrolling, and the network keeps at least half the width."""
    require_chromium()
    folder, _ = report
    with open_page(folder / "index.html", viewport=viewport) as live:
        for i, name in enumerate(configurations):
            live.show(name)
            fit = live.evaluate(_FIT)
            assert not fit["scrolls"] and fit["outside"] == [], (name, fit)
            assert not fit["sideScrollsSideways"], name
            assert fit["network"] >= 0.5, (name, fit)
            live.screenshot(tmp_path / f"fit_{viewport[0]}_{i}.png")


@pytest.mark.browser
def test_difference_mode_shows_only_what_the_alliance_changes(report, configurations,
                                                              simulated):
    """On every alliance tab the layer of changes is drawn; ticking "only what the alliance
    changes" fades every other link and every member that is neither allied nor at the end
    of a change, and unticking restores them."""
    from viz._alliance_view import CHANGES_LAYER, alliance_changes
    from viz._timeline import LANES_LAYER, lanes_layer

    require_chromium()
    folder, _ = report
    with open_page(folder / "index.html") as live:
        for alliance in simulated.alliances:
            eco = configurations[alliance.name]
            changes = alliance_changes(configurations["baseline"], eco, alliance)
            lanes = lanes_layer(eco, simulated.simulations[alliance.name])
            kept = set(alliance.members) | set(changes.nodes) | set(lanes.nodes)
            live.show(alliance.name)
            live.page.locator(".ecobelt-page:not([hidden]) input[data-difference]").check()
            state = live.evaluate("""() => { const p = window.ecobelt.current, d = p.data;
                const ids = d.nodes.id, m = d.edges.from.length;
                const group = (id) => p.edgeGroup(id);
                return {nodes: p.nodes.get().filter((n) => n.opacity === 1)
                                .map((n) => ids[n.id]),
                        bright: p.edges.get().filter((e) => e.color.opacity !== 0.06)
                                .map((e) => group(e.id))}; }""")
            assert set(state["nodes"]) == kept, alliance.name
            assert sorted(state["bright"]) == sorted(
                [CHANGES_LAYER] * changes.size() + [LANES_LAYER] * lanes.size()), alliance.name
            live.page.locator(".ecobelt-page:not([hidden]) input[data-difference]").uncheck()
            faded = live.evaluate("""() => window.ecobelt.current.nodes.get()
                .filter((n) => n.opacity !== 1).length""")
            assert faded == 0, alliance.name
