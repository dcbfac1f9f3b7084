"""viz.ring_layout (seed 004's three rings, roles in sectors) and the computed metrics."""

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
    radius = np.hypot(layout["x"], layout["y"])
    angle = np.mod(np.arctan2(-layout["y"], layout["x"]), 2 * np.pi)
    return radius, angle


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


@settings(max_examples=40, deadline=None)
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
    metrics = viz.computed_metrics(belt, ["degree", "throughput", "upstreamness",
                                          "niche_breadth"])
    assert list(metrics.index) == list(belt.graph)
    degree = dict(belt.graph.degree())
    assert metrics["degree"].to_dict() == degree
    volume = {m: 0.0 for m in belt.graph}
    for s, t, v in belt.graph.edges(data="volume", default=1.0):
        volume[s] += v
        volume[t] += v
    np.testing.assert_allclose(metrics["throughput"], pd.Series(volume)[metrics.index])
    assert metrics["upstreamness"].notna().any() and metrics["niche_breadth"].notna().any()
    assert (metrics["niche_breadth"].dropna() >= 1.0).all()  # Levins' B is at least 1
