"""The three-ring diagram of an ecosystem (Wang & Gao, Figure 1)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Wedge

from ecosystem import Flow, Ring
from ecosystem.taxonomy import role_label

from .._style import FLOW_STYLES, RING_LABELS, role_palette
from ..layout import ring_layout, role_order
from ._common import finish, new_axes, with_cjk_fonts

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["rings_figure"]

_MARKERS = {"core": "o", "sub_core": "D", "outer": "s"}
_BAND_COLORS = {"core": "#d62728", "sub_core": "#1f77b4", "outer": "#2ca02c"}


def _dashes(pattern: Sequence[float] | bool
            ) -> Literal["solid"] | tuple[float, tuple[float, ...]]:
    if isinstance(pattern, bool) or not pattern:
        return "solid"
    return 0, tuple(p / 2 for p in pattern)


def _radial_labels(axes: Axes, positions: pd.DataFrame, xy: np.ndarray) -> None:
    """Member ids written along the radius, away from their circle (neighbours' ids fan out).

    Ids point outwards, except on the inner of two staggered circles, where they
    point inwards (outwards they would run into the outer circle's members); a
    member in the centre has its id above it.
    """
    radius = np.hypot(xy[:, 0], xy[:, 1])
    bands = positions.attrs["bands"]
    ring_index = pd.Index([r.value for r in Ring]).get_indexer(positions["ring"])
    middle = bands[ring_index].mean(axis=1)
    two_circles = np.array([kind == "two circles" for kind in
                            positions.attrs.get("arrangement", ["lattice"] * 3)])
    inwards = two_circles[ring_index] & (radius < middle)
    angle = np.degrees(np.arctan2(xy[:, 1], xy[:, 0])) + np.where(inwards, 180.0, 0.0)
    direction = np.deg2rad(angle)
    leftwards = np.cos(direction) < -1e-9
    for i, member in enumerate(positions.index):  # matplotlib annotates one text at a time
        if radius[i] == 0:
            axes.annotate(member, xy[i], xytext=(0, 6), textcoords="offset points",
                          ha="center", fontsize=7, zorder=3)
            continue
        offset = (6 * np.cos(direction[i]), 6 * np.sin(direction[i]))
        axes.annotate(member, xy[i], xytext=offset, textcoords="offset points",
                      ha="right" if leftwards[i] else "left", va="center",
                      rotation=angle[i] - 180 if leftwards[i] else angle[i],
                      rotation_mode="anchor", fontsize=7, zorder=3)


@with_cjk_fonts
def rings_figure(eco: "Ecosystem", path: str | Path | None = None, *, links: bool = True,
                 labels: bool | None = None, title: str | None = None, ax: Axes | None = None,
                 figsize: tuple[float, float] = (9.0, 7.0)) -> Figure:
    """Draw ``eco`` as three concentric rings: core, sub-core, outer environment.

    The layout is :func:`viz.layout.ring_layout` (the same as the HTML page):
    shape by ring, colour by role, links coloured and dashed by flow.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (not modified).
    path : str or Path, optional
        Save as PNG, SVG or PDF (by extension).
    links : bool
        Draw the links.
    labels : bool, optional
        Write member ids (default: only up to 40 members).
    title : str, optional
        Axes title (default: the ecosystem's name).
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem("toy")
    >>> eco.add_member("m1", "manufacturer"); eco.add_member("lg", "logistics")
    >>> eco.link("lg", "m1", "logistics")
    >>> fig = rings_figure(eco)
    >>> [t.get_text() for t in fig.axes[0].texts][:3]
    ['core', 'sub-core', 'outer environment']
    """
    figure, (axes,) = new_axes(ax, figsize)
    positions = ring_layout(eco, spacing=1.0)
    bands = positions.attrs["bands"]
    for k, ring in enumerate(r.value for r in Ring):
        inner, outer = bands[k]
        axes.add_patch(Wedge((0, 0), outer, 0, 360, width=outer - inner,
                             facecolor=_BAND_COLORS[ring], alpha=0.07,
                             edgecolor=_BAND_COLORS[ring], linewidth=1.0))
        gap = (bands[k + 1][0] - outer) if k < 2 else 0.12 * outer
        axes.text(0, outer + gap / 2, RING_LABELS[ring], ha="center", va="center",
                  fontsize=10, color="#333")
    xy = positions[["x", "y"]].to_numpy(copy=True)
    xy[:, 1] *= -1  # the layout's y grows downwards like a screen's
    handles = []
    if links and eco.graph.number_of_edges():
        src, dst, flow_index, _ = eco.edge_arrays()
        n_links = len(src)
        width = 1.2 if n_links < 200 else 0.4
        for f, flow in enumerate(Flow):
            color, pattern, _ = FLOW_STYLES[flow.value]
            keep = flow_index == f
            if keep.any():
                segments = np.stack([xy[src[keep]], xy[dst[keep]]], axis=1)
                axes.add_collection(LineCollection(list(segments), colors=color, linewidths=width,
                                                   linestyles=_dashes(pattern), alpha=0.6,
                                                   zorder=1))
            handles.append(Line2D([], [], color=color, linestyle=_dashes(pattern),
                                  label=f"{flow.value} flow"))
    roles = role_order(positions["role"].tolist())
    colors = dict(zip(roles, role_palette(eco, roles)))
    node_colors = positions["role"].map(colors).to_numpy()
    size = 60 if len(eco) <= 100 else max(4.0, 6000 / len(eco))
    for ring in (r.value for r in Ring):
        keep = (positions["ring"] == ring).to_numpy()
        if keep.any():
            axes.scatter(xy[keep, 0], xy[keep, 1], s=size, c=list(node_colors[keep]),
                         marker=_MARKERS[ring], edgecolors="#333", linewidths=0.5, zorder=2)
    if labels if labels is not None else len(eco) <= 40:
        _radial_labels(axes, positions, xy)
    role_ring = positions.drop_duplicates("role").set_index("role")["ring"]
    role_handles = [Line2D([], [], marker=_MARKERS[role_ring[r]], linestyle="",
                           markerfacecolor=colors[r], markeredgecolor="#333",
                           label=role_label(r)) for r in roles]
    ring_handles = [Line2D([], [], marker=_MARKERS[r.value], linestyle="", color="#999",
                           label=RING_LABELS[r.value]) for r in Ring]
    legend = {"handles": ring_handles + role_handles + handles, "fontsize": 8, "frameon": False}
    if ax is None:  # our own figure: constrained layout makes room for an outside legend
        figure.legend(loc="outside right upper", **legend)
    else:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), **legend)
    limit = bands[-1][1] * 1.18
    axes.set_xlim(-limit, limit)
    axes.set_ylim(-limit, limit)
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.set_title(title if title is not None else (eco.name or "Ecosystem"))
    return finish(figure, path)
