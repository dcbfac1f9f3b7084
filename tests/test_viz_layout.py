"""viz.ring_layout (Wang & Gao's three rings, roles in sectors) and the computed metrics."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import networks
import viz
from ecosystem import Ecosystem, ParameterError, Ring
from ecosystem.taxonomy import DEFAULT_ROLES


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


def _polar(layout):
    x, y = layout["x"].to_numpy(), -layout["y"].to_numpy()
    return np.hypot(x, y), np.mod(np.arctan2(y, x), 2 * np.pi)


def test_ring_layout_core_inside_outer_outside(belt):
    layout = viz.ring_layout(belt)
    radius, _ = _polar(layout)
    by_ring = [radius[(layout["ring"] == r.value).to_numpy()] for r in Ring]
    assert by_ring[0].max() < by_ring[1].min() and by_ring[1].max() < by_ring[2].min()
    bands = layout.attrs["bands"]
    for k, values in enumerate(by_ring):
        assert (values >= bands[k, 0] - 1e-9).all() and (values <= bands[k, 1] + 1e-9).all()


def _sector_runs(roles_by_angle: list[str]) -> int:
    """Number of contiguous runs of equal roles around the circle."""
    runs = sum(a != b for a, b in zip(roles_by_angle, roles_by_angle[1:])) + 1
    if len(roles_by_angle) > 1 and roles_by_angle[0] == roles_by_angle[-1] and runs > 1:
        runs -= 1
    return runs


@settings(max_examples=40)
@given(st.lists(st.sampled_from(sorted(DEFAULT_ROLES)), min_size=1, max_size=120))
def test_ring_layout_groups_roles_in_sectors(roles):
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": [f"m{i}" for i in range(len(roles))],
                                       "role": roles}))
    layout = viz.ring_layout(eco, spacing=10.0)
    radius, angle = _polar(layout)
    bands = layout.attrs["bands"]
    assert np.all(np.diff(bands.ravel()) > 0)
    for k, ring in enumerate(r.value for r in Ring):
        keep = (layout["ring"] == ring).to_numpy()
        if not keep.any():
            continue
        assert (radius[keep] >= bands[k, 0] - 1e-9).all()
        assert (radius[keep] <= bands[k, 1] + 1e-9).all()
        order = np.argsort(angle[keep], kind="stable")
        ring_roles = layout["role"].to_numpy()[keep][order].tolist()
        assert _sector_runs(ring_roles) == len(set(ring_roles))
    xy = layout[["x", "y"]].to_numpy()
    if len(xy) > 1:
        gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        assert gaps[~np.eye(len(xy), dtype=bool)].min() > 1e-6  # nobody on top of another


def _eco(roles) -> Ecosystem:
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": [f"m{i}" for i in range(len(roles))],
                                       "role": list(roles)}))
    return eco


def _min_distance(layout) -> float:
    xy = layout[["x", "y"]].to_numpy()
    gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    return gaps[~np.eye(len(xy), dtype=bool)].min()


@settings(max_examples=60)
@given(st.lists(st.sampled_from(sorted(DEFAULT_ROLES)), min_size=2, max_size=60),
       st.sampled_from([1.0, 10.0, 35.2]), st.floats(-180.0, 180.0))
def test_small_ecosystems_go_on_circles_with_neighbours_spacing_apart(roles, spacing, start):
    """Up to 60 members every ring is on one or two circles: no two members closer than
    spacing (chords 2 R sin(pi / slots) >= spacing by the choice of R; staggered circles
    sqrt(3)/2 apart radially and half a step apart in angle), each on a circle in its band."""
    layout = viz.ring_layout(_eco(roles), spacing=spacing, start_angle=start)
    assert not set(layout.attrs["arrangement"]) & {"lattice"}
    assert _min_distance(layout) >= spacing * (1 - 1e-9)
    radius, _ = _polar(layout)
    bands = layout.attrs["bands"]
    for k, ring in enumerate(r.value for r in Ring):
        keep = (layout["ring"] == ring).to_numpy()
        kind = layout.attrs["arrangement"][k]
        assert kind == ("empty" if not keep.any() else
                        "centre" if k == 0 and keep.sum() == 1 else kind)
        if kind in ("circle", "two circles"):
            circles = np.unique(radius[keep].round(9))
            assert len(circles) == (1 if kind == "circle" or keep.sum() == 1 else 2)
            # the band is the circle(s) widened by half a spacing on either side
            np.testing.assert_allclose([circles.min() - bands[k, 0], bands[k, 1] - circles.max()],
                                       [spacing / 2, spacing / 2])
            assert circles.min() >= spacing * (1 - 1e-9)  # the core's circle keeps off the centre


def test_cross_border_belt_core_is_one_circle_off_the_centre(belt):
    """The bundled 36-member belt: 19 core, 12 sub-core, 5 outer members, each ring on one
    circle (Wang & Gao's Figure 1), evenly spaced, with the ring names' slot at the top free."""
    spacing = 30.0
    layout = viz.ring_layout(belt, spacing=spacing)
    assert layout.attrs["arrangement"] == ["circle", "circle", "circle"]
    radius, angle = _polar(layout)
    assert _min_distance(layout) >= spacing * (1 - 1e-9)
    for k, ring in enumerate(r.value for r in Ring):
        keep = (layout["ring"] == ring).to_numpy()
        n = keep.sum()
        np.testing.assert_allclose(radius[keep], radius[keep][0])
        assert radius[keep][0] == pytest.approx(layout.attrs["bands"][k].mean())
        slots = n + 1 if k < 2 else n  # the outermost ring leaves no slot free
        steps = np.diff(np.sort(angle[keep]))
        np.testing.assert_allclose(steps[steps < 1.5 * 2 * np.pi / slots], 2 * np.pi / slots)
        # nobody within one step of the top (90 degrees) on the core and the sub-core
        from_top = np.abs(np.angle(np.exp(1j * (angle[keep] - np.pi / 2))))
        assert from_top.min() == pytest.approx((1.0 if k < 2 else 0.5) * 2 * np.pi / slots)
    core = radius[(layout["ring"] == "core").to_numpy()]
    # 19 members spacing apart need R = spacing / (2 sin(pi / 20)) = 95.9
    assert core[0] == pytest.approx(spacing / (2 * np.sin(np.pi / 20)))


def test_a_ring_too_large_for_one_circle_goes_on_two_staggered_circles():
    """rural_cluster's 54 core members: one circle would reach 1.5x as far as the area-
    filling disk, so they alternate between two circles sqrt(3)/2 spacings apart."""
    eco = networks.example("rural_cluster")
    layout = viz.ring_layout(eco, spacing=1.0)
    assert layout.attrs["arrangement"][:2] == ["two circles", "circle"]
    core = (layout["ring"] == "core").to_numpy()
    radius, angle = _polar(layout)
    inner, outer = np.unique(radius[core].round(9))
    assert outer - inner == pytest.approx(np.sqrt(3) / 2)
    by_angle = radius[core][np.argsort(angle[core])]
    assert (np.abs(np.diff(by_angle)) > 0.5).all()  # neighbours alternate between the circles
    assert _min_distance(layout[core]) >= 1 - 1e-9


def test_large_rings_keep_the_area_filling_lattice():
    """5,000 core members: the lattice disk (radius sqrt(n / (0.55 pi)) spacings), members in
    it, role sectors contiguous; the small sub-core around it still on a circle."""
    roles = ["manufacturer"] * 2500 + ["supplier"] * 1500 + ["market"] * 1000 + ["logistics"] * 9
    layout = viz.ring_layout(_eco(roles), spacing=1.0)
    assert layout.attrs["arrangement"] == ["lattice", "circle", "empty"]
    bands = layout.attrs["bands"]
    assert bands[0, 0] == 0.0 and bands[0, 1] == pytest.approx(np.sqrt(5000 / (0.55 * np.pi)))
    radius, angle = _polar(layout)
    core = (layout["ring"] == "core").to_numpy()
    assert (radius[core] <= bands[0, 1]).all() and (radius[~core] >= bands[1, 0]).all()
    order = np.argsort(angle[core], kind="stable")
    assert _sector_runs(layout["role"].to_numpy()[core][order].tolist()) == 3


def test_ring_bands_are_the_layouts_bands(belt):
    layout = viz.ring_layout(belt, spacing=7.0)
    counts = [(layout["ring"] == r.value).sum() for r in Ring]
    np.testing.assert_allclose(viz.layout.ring_bands(counts, spacing=7.0), layout.attrs["bands"])
    with pytest.raises(ParameterError, match="three member counts"):
        viz.layout.ring_bands([2.5, 1, 0])
    with pytest.raises(ParameterError, match="gap must be > 0"):
        viz.layout.ring_bands([2, 1, 0], gap=0.0)


def test_rings_figure_writes_ids_along_the_radius(belt):
    """Labels point away from their circle (ids of neighbours on a circle then fan out
    instead of overlapping): each label's anchor lies radially outside its member."""
    axes = viz.rings_figure(belt, links=False).axes[0]
    layout = viz.ring_layout(belt, spacing=1.0)
    labels = {t.get_text(): t for t in axes.texts if t.get_text() in layout.index}
    assert len(labels) == len(belt)
    for member, text in labels.items():
        x, y = layout.loc[member, "x"], -layout.loc[member, "y"]
        outward = np.degrees(np.arctan2(y, x))
        assert np.mod(text.get_rotation() - outward + 90, 180) == pytest.approx(90)
        dx, dy = text.xyann
        assert dx * x + dy * y > 0


def test_ring_layout_is_deterministic_and_lone_core_centred():
    eco = Ecosystem()
    eco.add_member("hub", "platform")
    eco.add_member("lg", "logistics")
    first, second = viz.ring_layout(eco), viz.ring_layout(eco)
    pd.testing.assert_frame_equal(first, second)
    assert first.loc["hub", "x"] == 0.0 and first.loc["hub", "y"] == 0.0


def test_ring_layout_rejects_a_member_with_an_unknown_ring(belt):
    eco = belt.copy()
    eco.graph.nodes["beltlink"]["ring"] = "middle"
    with pytest.raises(ParameterError, match="'beltlink' has ring 'middle'"):
        viz.ring_layout(eco)
    with pytest.raises(ParameterError, match="'beltlink' has ring 'middle'"):
        viz.to_html(eco)


def test_structural_and_computed_metrics(belt):
    metrics = viz.computed_metrics(belt, ["degree", "strength", "upstreamness",
                                          "niche_breadth"])
    assert list(metrics.index) == list(belt.graph)
    degree = dict(belt.graph.degree())
    assert metrics["degree"].to_dict() == degree
    volume = {m: 0.0 for m in belt.graph}
    for s, t, v in belt.graph.edges(data="volume", default=1.0):
        volume[s] += v
        volume[t] += v
    np.testing.assert_allclose(metrics["strength"], pd.Series(volume)[metrics.index])
    assert metrics["upstreamness"].notna().any() and metrics["niche_breadth"].notna().any()
    assert (metrics["niche_breadth"].dropna() >= 1.0).all()  # Levins' B is at least 1
