"""Export an ecosystem as one self-contained, offline, interactive HTML page.

The page draws the network with vis-network (the copy bundled with pyvis; see
:mod:`viz._page` for why pyvis' own template and ``from_nx`` are not used):
members on the concentric rings of :func:`viz.layout.ring_layout` with
physics off (a checkbox, or ``physics=True``, turns it on), shape by ring,
colour by role, edge colour and dash by flow, width by volume, a legend, a
checkbox per flow that shows and hides its links, tooltips with each member's
attributes and the caller's metrics, and node size mapped to one metric.

Node and edge lists are built column-wise with numpy and pandas and written
as one JSON document; the page script turns the columns into vis DataSets.
The ecosystem is only read.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from ecosystem import Flow, ParameterError, Ring

from ._metrics import STRUCTURAL_METRICS, MetricsLike, align_metrics, structural_metrics
from ._page import HtmlPage, build_page, panel_html
from .layout import ring_bands, ring_layout, role_order

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["to_html", "network_payload", "role_palette", "RING_SHAPES", "RING_LABELS", "FLOW_STYLES",
           "ROLE_PALETTES"]

#: Node shape per ring (shape tells the ring apart even without colour).
RING_SHAPES = {"core": "dot", "sub_core": "diamond", "outer": "square"}
RING_LABELS = {"core": "core", "sub_core": "sub-core", "outer": "outer environment"}
#: Colour family per ring; a role takes the next colour of its ring's family.
ROLE_PALETTES = {
    "core": ["#d62728", "#ff7f0e", "#e377c2", "#8c564b", "#bcbd22", "#f28e2b", "#b2182b",
             "#fdae61", "#c51b7d", "#a6611a"],
    "sub_core": ["#1f77b4", "#17becf", "#6baed6", "#3f51b5", "#08519c", "#9ecae1", "#4292c6",
                 "#2c7fb8"],
    "outer": ["#2ca02c", "#74c476", "#006d2c", "#a1d99b", "#31a354"],
}
#: Edge colour, dash pattern (False = solid) and curvature per flow.
FLOW_STYLES = {
    "information": ("#6a3d9a", [3, 4], 0.15),
    "logistics": ("#e69f00", False, 0.0),
    "capital": ("#009e73", [10, 5], 0.25),
    "technology": ("#cc3377", [6, 3, 2, 3], 0.35),
}
_LABEL_LIMIT = 300
_SMOOTH_LIMIT = 3000


def role_palette(eco: "Ecosystem", roles: Sequence[str]) -> list[str]:
    """A colour per role: the next colour of the family of the role's ring.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> role_palette(Ecosystem(), ["manufacturer", "platform", "logistics"])
    ['#d62728', '#ff7f0e', '#1f77b4']
    """
    known = eco.roles
    used: dict[str, int] = {}
    colors = []
    for role in roles:  # a handful of roles
        family = known[role].value if role in known else "core"
        k = used.get(family, 0)
        used[family] = k + 1
        palette = ROLE_PALETTES[family]
        colors.append(palette[k % len(palette)])
    return colors


def _json_column(values: list) -> list:
    """Values as JSON-ready Python objects: non-finite floats become None, the rest str."""
    kinds = set(map(type, values))
    if kinds <= {str, int, bool, type(None)}:
        return values
    return [_json_value(v) for v in values]


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "\u2026"


def _frame_columns(frame: pd.DataFrame) -> dict:
    values = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind in "fc":
            array = column.to_numpy(dtype=float)
            finite = np.isfinite(array)
            values.append(array.tolist() if finite.all()
                          else np.where(finite, array, None).tolist())
        elif column.dtype.kind in "iub":
            values.append(column.tolist())
        else:
            values.append(_json_column([None if v is pd.NA or (isinstance(v, float) and v != v)
                                        else v for v in column.tolist()]))
    return {"names": [str(c) for c in frame.columns], "values": values}


def _attribute_columns(records: Sequence[dict], skip: tuple[str, ...]) -> dict:
    names = list(dict.fromkeys(k for d in records for k in d if k not in skip))
    return {"names": [str(k) for k in names],
            "values": [_json_column([d.get(k) for d in records]) for k in names]}


def _sizes(metrics: pd.DataFrame, size_by: str | None, size_range: tuple[float, float],
           n: int) -> tuple[np.ndarray, list | None]:
    low, high = size_range
    if not 0 < low <= high:
        raise ParameterError(f"size_range must be (smallest, largest) with 0 < smallest <= "
                             f"largest, got {size_range!r}")
    if size_by is None:
        return np.full(n, 0.5 * (low + high) if low == high else min(high, 1.25 * low)), None
    column = metrics[size_by]
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values[column.notna().to_numpy()]).any():
        raise ParameterError(f"size_by={size_by!r}: the metric has values that are not numbers; "
                             "pick a numeric metric")
    finite = np.isfinite(values)
    if not finite.any():
        return np.full(n, low), None
    lo, hi = values[finite].min(), values[finite].max()
    scaled = np.where(finite, (values - lo) / (hi - lo) if hi > lo else 0.5, 0.0)
    return low + (high - low) * scaled, [float(lo), float(hi)]


def network_payload(eco: "Ecosystem", metrics: MetricsLike = None, *, size_by: str | None = None,
                    physics: bool = False, labels: bool | None = None,
                    size_range: tuple[float, float] = (6.0, 22.0),
                    positions: pd.DataFrame | None = None) -> dict:
    """The JSON-ready data of one network panel (see :func:`to_html` for the arguments)."""
    metric_frame = align_metrics(eco, metrics)
    if size_by is not None and size_by not in metric_frame.columns:
        if size_by in STRUCTURAL_METRICS:
            metric_frame[size_by] = structural_metrics(eco)[size_by]
        else:
            attribute = pd.Series({m: d.get(size_by) for m, d in eco.graph.nodes(data=True)},
                                  dtype=object)
            if attribute.notna().any():
                metric_frame[size_by] = pd.to_numeric(attribute, errors="coerce") \
                    .where(attribute.notna()).reindex(metric_frame.index)
            else:
                choices = list(metric_frame.columns) + list(STRUCTURAL_METRICS)
                raise ParameterError(f"size_by={size_by!r} is neither a metric passed in "
                                     "metrics, a structural metric nor a member attribute; "
                                     f"choose from {choices} or a numeric member attribute")
    nodes = list(eco.graph.nodes(data=True))
    ids = [m for m, _ in nodes]
    n = len(ids)
    if positions is None:
        positions = ring_layout(eco, spacing=max(30.0, 1.6 * float(size_range[1])))
    elif not positions.index.equals(pd.Index(ids)):
        positions = positions.reindex(ids)
        if positions[["x", "y"]].isna().any().any():
            raise ParameterError("positions must give x and y for every member")
    rings = [r.value for r in Ring]
    ring_codes = pd.Categorical([d["ring"] for _, d in nodes], categories=rings).codes
    roles = role_order([d["role"] for _, d in nodes])
    role_codes = pd.Categorical([d["role"] for _, d in nodes], categories=roles).codes
    role_colors = role_palette(eco, roles)
    sizes, size_span = _sizes(metric_frame, size_by, size_range, n)

    edges = list(eco.graph.edges(keys=True, data=True))
    member_index = pd.Index(ids)
    source = member_index.get_indexer([e[0] for e in edges])
    target = member_index.get_indexer([e[1] for e in edges])
    flows = [f.value for f in Flow]
    flow_codes = pd.Categorical([e[2] for e in edges], categories=flows).codes
    if (flow_codes < 0).any():
        bad = edges[int(np.flatnonzero(flow_codes < 0)[0])]
        raise ParameterError(f"link {bad[0]!r} -> {bad[1]!r} has key {bad[2]!r}, not a flow; "
                             "run eco.validate() to see every problem")
    volume = pd.to_numeric(pd.Series([e[3].get("volume") for e in edges], dtype=object),
                           errors="coerce").to_numpy(dtype=float)
    has_volume = np.isfinite(volume) & (volume >= 0)
    top = volume[has_volume].max() if has_volume.any() else 0.0
    width = np.where(has_volume & (top > 0), 1.0 + 4.0 * np.sqrt(np.where(has_volume, volume, 0)
                                                                  / (top or 1.0)), 1.0)
    counts = np.bincount(ring_codes, minlength=3)
    if positions is not None and "bands" in positions.attrs:
        bands = np.asarray(positions.attrs["bands"])
    else:
        bands = ring_bands(counts)
    return {
        "physics": bool(physics),
        "labels": bool(n <= _LABEL_LIMIT if labels is None else labels),
        "smooth": len(edges) <= _SMOOTH_LIMIT,
        "rings": rings,
        "ringLabels": [RING_LABELS[r] for r in rings],
        "ringShapes": [RING_SHAPES[r] for r in rings],
        "ringCounts": counts.tolist(),
        "bands": bands.tolist(),
        "roles": roles,
        "roleColors": role_colors,
        "roleCounts": np.bincount(role_codes, minlength=len(roles)).tolist(),
        "flows": flows,
        "flowColors": [FLOW_STYLES[f][0] for f in flows],
        "flowDashes": [FLOW_STYLES[f][1] for f in flows],
        "flowRoundness": [FLOW_STYLES[f][2] for f in flows],
        "nodes": {"id": ids, "x": positions["x"].to_numpy(float).round(2).tolist(),
                  "y": positions["y"].to_numpy(float).round(2).tolist(),
                  "ring": ring_codes.tolist(), "role": role_codes.tolist(),
                  "size": sizes.round(2).tolist()},
        "nodeAttrs": _attribute_columns([d for _, d in nodes], ("role", "ring")),
        "metrics": _frame_columns(metric_frame),
        "sizeBy": size_by,
        "sizeRange": size_span,
        "edges": {"from": source.tolist(), "to": target.tolist(), "flow": flow_codes.tolist(),
                  "width": width.round(2).tolist()},
        "edgeAttrs": _attribute_columns([e[3] for e in edges], ()),
    }


def _subtitle(eco: "Ecosystem") -> str:
    return f"{len(eco):,} members, {eco.graph.number_of_edges():,} links"


def to_html(eco: "Ecosystem", path: str | Path | None = None, *, metrics: MetricsLike = None,
            size_by: str | None = None, title: str | None = None, physics: bool = False,
            labels: bool | None = None, size_range: tuple[float, float] = (6.0, 22.0),
            positions: pd.DataFrame | None = None, height: int = 650) -> HtmlPage:
    """Write ``eco`` as one self-contained interactive HTML page.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem to draw (only read, never modified).
    path : str or Path, optional
        Where to write the page; if omitted the page is only returned.
    metrics : DataFrame, Series or mapping, optional
        Numbers per member shown in the tooltips, for example Shapley shares,
        niche breadths, bullwhip ratios, cascade rounds; a DataFrame indexed
        by member id with one column per metric (see :mod:`viz._metrics`).
    size_by : str, optional
        Metric that sets node size: a column of ``metrics``, one of
        ``degree``, ``in_degree``, ``out_degree``, ``throughput``, or a
        numeric member attribute. Members without a value get the smallest size.
    title : str, optional
        Page title (default: the ecosystem's name).
    physics : bool
        Start with vis-network's force layout on (slow above ~1,000 members).
        Off, members stay on the precomputed concentric rings.
    labels : bool, optional
        Draw member ids next to nodes (default: only up to 300 members).
    size_range : (float, float)
        Smallest and largest node size in pixels.
    positions : DataFrame, optional
        ``x`` and ``y`` per member id to use instead of the ring layout.
    height : int
        Height in pixels of the inline view in Jupyter.

    Returns
    -------
    HtmlPage
        The page (``.html``, ``.path``); in Jupyter it displays inline.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem("toy")
    >>> eco.add_member("m1", "manufacturer"); eco.add_member("p1", "platform")
    >>> eco.link("m1", "p1", "logistics", volume=3.0)
    >>> page = to_html(eco, metrics={"shapley_share": {"m1": 0.4, "p1": 0.6}},
    ...                size_by="shapley_share")
    >>> "<title>toy</title>" in page.html, page.path is None
    (True, True)
    """
    payload = network_payload(eco, metrics, size_by=size_by, physics=physics, labels=labels,
                              size_range=size_range, positions=positions)
    name = title if title is not None else (eco.name or "Ecosystem")
    text = build_page(name, [(name, panel_html(0))], [payload], subtitle=_subtitle(eco))
    page = HtmlPage(text, height=height)
    if path is not None:
        page.save(path)
    return page
