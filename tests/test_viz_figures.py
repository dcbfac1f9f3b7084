"""viz figures: every kind saved as PNG and SVG, of the right size and not blank, drawing
what it was given."""

import xml.etree.ElementTree as ET

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection

import networks
import viz
from ecosystem import Ecosystem, Flow, ParameterError
from viz.figures import COORDINATION_LEVELS, predator_prey_equilibrium

DPI = 150


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


def _figure_inputs(belt):
    rng = np.random.default_rng(0)
    demand = pd.Series(rng.normal(100.0, 10.0, 80))
    orders = pd.DataFrame({"retailer": demand * 1.5, "wholesaler": demand * 2.5,
                           "factory": demand * 4.0})
    overlap = pd.DataFrame([[1.0, 0.4, 0.1], [0.4, 1.0, 0.7], [0.1, 0.7, 1.0]],
                           index=list("abc"), columns=list("abc"))
    coupling = pd.DataFrame({"C": [0.90, 0.93, 0.97], "T": [0.30, 0.42, 0.55]},
                            index=pd.Index([2018, 2019, 2020], name="year"))
    coupling["D"] = np.sqrt(coupling["C"] * coupling["T"])
    allocations = pd.DataFrame({"shapley": [2.0, 3.0, 5.0], "equal": [10 / 3] * 3},
                               index=["beltlink", "riverbend", "yarnwell"])
    return {
        "rings": ((belt,), {}),
        "bullwhip": ((orders, demand), {}),
        "allocation": ((allocations,), {}),
        "niche_overlap": ((overlap,), {}),
        "phase_portrait": ((), {"a1": 0.8, "b1": 0.4, "a2": 0.6, "b2": 0.5}),
        "coupling": ((coupling,), {}),
    }


def assert_png_drawn(path, figsize):
    """The PNG has the figure's pixel size and a real drawing on it, not a blank canvas."""
    image = matplotlib.image.imread(path)
    assert image.shape[:2] == (round(figsize[1] * DPI), round(figsize[0] * DPI))
    rgb = image[..., :3]
    inked = (rgb < 0.9).any(axis=2).mean()
    colours = len(np.unique((rgb * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert inked > 0.02, f"only {inked:.1%} of the pixels are drawn"
    assert colours > 50, f"only {colours} distinct colours"


def assert_svg_drawn(path, texts):
    """The SVG parses, holds many drawn paths, and names what it should (matplotlib keeps
    each text as a comment next to its glyphs)."""
    raw = path.read_text(encoding="utf-8")
    root = ET.fromstring(raw)
    paths = [e for e in root.iter() if e.tag.endswith("}path") or e.tag.endswith("}use")]
    assert len(paths) > 30
    for text in texts:
        assert f"<!-- {text} -->" in raw, text


EXPECTED_TEXTS = {
    "rings": ["core", "sub-core", "outer environment", "capital flow"],
    "bullwhip": ["Order variance by echelon", "Order series", "factory"],
    "allocation": ["Benefit allocation", "shapley"],
    "niche_overlap": ["Niche overlap"],
    "phase_portrait": ["Lotka-Volterra phase portrait", "equilibrium E"],
    "coupling": ["Coupling coordination over time", "good coordination"],
}


@pytest.mark.parametrize("kind", list(viz.FIGURE_KINDS))
def test_every_figure_saves_as_png_and_svg(belt, kind, tmp_path):
    args, kwargs = _figure_inputs(belt)[kind]
    figure = viz.figure(kind, *args, path=tmp_path / f"{kind}.png", **kwargs)
    assert_png_drawn(tmp_path / f"{kind}.png", figure.get_size_inches())
    viz.figure(kind, *args, path=tmp_path / f"{kind}.svg", **kwargs)
    assert_svg_drawn(tmp_path / f"{kind}.svg", EXPECTED_TEXTS[kind])
    assert (tmp_path / f"{kind}.png").stat().st_size > 10_000


def test_blank_figure_fails_the_png_check(tmp_path):
    from matplotlib.figure import Figure

    blank = Figure(figsize=(4, 3))
    blank.savefig(tmp_path / "blank.png", dpi=DPI)
    with pytest.raises(AssertionError, match="pixels are drawn"):
        assert_png_drawn(tmp_path / "blank.png", (4, 3))


def test_rings_figure_draws_every_member_and_link(belt):
    axes = viz.rings_figure(belt).axes[0]
    points = sum(len(c.get_offsets()) for c in axes.collections if isinstance(c, PathCollection))
    assert points == len(belt)
    segments = {}
    for collection in axes.collections:
        if isinstance(collection, LineCollection):
            segments[tuple(np.round(collection.get_colors()[0][:3], 3))] = len(collection.get_segments())  # noqa: E501
    from matplotlib.colors import to_rgba
    from viz._style import FLOW_STYLES
    for flow in Flow:
        color = tuple(np.round(to_rgba(FLOW_STYLES[flow.value][0])[:3], 3))
        assert segments[color] == len(belt.links(flow))


def test_rings_figure_puts_the_core_inside(belt):
    layout = viz.ring_layout(belt, spacing=1.0)
    axes = viz.rings_figure(belt, links=False).axes[0]
    by_marker = [c.get_offsets() for c in axes.collections if isinstance(c, PathCollection)]
    radii = [np.hypot(xy[:, 0], xy[:, 1]) for xy in by_marker]  # core, sub-core, outer
    assert radii[0].max() < radii[1].min() and radii[1].max() < radii[2].min()
    assert len(radii[0]) == len(layout[layout["ring"] == "core"])


def test_rings_figure_into_given_axes(belt):
    from matplotlib.figure import Figure

    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert viz.rings_figure(belt, ax=right) is figure
    assert right.get_legend() is not None and not left.has_data()


def test_bullwhip_ratios_are_var_orders_over_var_demand():
    """Scaling demand by c multiplies its variance by c**2: ratios 2.25, 6.25, 16."""
    args, _ = _figure_inputs(Ecosystem())["bullwhip"]
    axes = viz.bullwhip_figure(*args).axes[0]
    assert [t.get_text() for t in axes.texts] == ["2.25", "6.25", "16"]
    heights = [p.get_height() for p in axes.patches]
    np.testing.assert_allclose(heights, args[0].var(ddof=1).to_numpy())


def test_phase_portrait_orbits_conserve_the_lotka_volterra_integral():
    """Along a predator-prey orbit V = b1 b2 x1 - a2 ln x1 + b1 x2 - a1 ln x2 is constant
    (Volterra 1926); the equilibrium is E(a2 / (b1 b2), a1 / b1) (Qian)."""
    a1, b1, a2, b2 = 0.8, 0.4, 0.6, 0.5
    axes = viz.phase_portrait_figure(a1, b1, a2, b2).axes[0]
    orbits = [line.get_xydata() for line in axes.lines
              if line.get_label().startswith("_") and len(line.get_xydata()) > 50]
    assert len(orbits) == 3
    for orbit in orbits:
        x1, x2 = orbit[:, 0], orbit[:, 1]
        v = b1 * b2 * x1 - a2 * np.log(x1) + b1 * x2 - a1 * np.log(x2)
        assert np.ptp(v) < 1e-5 * abs(v.mean())
    (star,) = [line for line in axes.lines if line.get_label() == "equilibrium E"]
    assert predator_prey_equilibrium(a1, b1, a2, b2) == pytest.approx((3.0, 2.0))
    assert tuple(star.get_xydata()[0]) == pytest.approx((3.0, 2.0))


def test_coupling_figure_shades_the_coordination_levels():
    args, _ = _figure_inputs(Ecosystem())["coupling"]
    axes = viz.coupling_figure(*args).axes[0]
    assert [line.get_label() for line in axes.lines] == ["C", "T", "D"]
    assert len(axes.patches) == len(COORDINATION_LEVELS) == 10
    assert axes.get_xlabel() == "year"


def test_allocation_bars(belt):
    args, _ = _figure_inputs(belt)["allocation"]
    axes = viz.allocation_figure(*args).axes[0]
    heights = sorted(round(p.get_height(), 6) for p in axes.patches)
    assert heights == sorted(round(v, 6) for v in args[0].to_numpy().ravel())


@pytest.mark.parametrize("call, message", [
    (lambda p: viz.rings_figure(Ecosystem(), p / "x.jpg"), "must end in one of .png, .svg, .pdf"),
    (lambda p: viz.niche_overlap_figure(np.ones((2, 3))), "square matrix"),
    (lambda p: viz.niche_overlap_figure(np.eye(2), labels=["a"]), "labels must have 2"),
    (lambda p: viz.allocation_figure(pd.DataFrame({"a": ["x"]})), "not numeric"),
    (lambda p: viz.bullwhip_figure(pd.DataFrame({"r": [1.0]})), "at least 2 row"),
    (lambda p: viz.phase_portrait_figure(a1=-1, b1=1, a2=1, b2=1), "a1, b1, a2, b2 > 0"),
    (lambda p: viz.coupling_figure(pd.DataFrame({"C": [0.5]}), columns=["D"]), "no column"),
    (lambda p: viz.figure("pie"), "unknown figure kind 'pie'"),
])
def test_figure_errors(call, message, tmp_path):
    with pytest.raises(ParameterError, match=message.replace(".", r"\.")):
        call(tmp_path)


def test_chinese_member_names_render_without_missing_glyphs(tmp_path):
    """A CJK font is found at run time and used where the usual fonts lack the glyphs."""
    import warnings

    from ecosystem import Ecosystem
    from viz.figures._common import cjk_font

    assert cjk_font() is not None, "no CJK font installed (CI installs fonts-noto-cjk)"
    eco = Ecosystem("诸暨袜业")
    eco.add_member("诸暨袜业", "manufacturer")
    eco.add_member("大唐物流", "logistics")
    eco.link("大唐物流", "诸暨袜业", "logistics", volume=5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        viz.rings_figure(eco, tmp_path / "zhuji.png", title="诸暨袜业 belt")
        viz.allocation_figure(pd.Series({"诸暨袜业": 1.0, "大唐物流": 2.0}),
                              tmp_path / "alloc.svg")
    assert (tmp_path / "zhuji.png").stat().st_size > 0
