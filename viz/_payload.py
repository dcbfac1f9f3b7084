"""The JSON data of one network panel, built column-wise.

The page script (``viz/assets/ecobelt.js``) turns these columns into
vis-network DataSets. Columns rather than one object per node or link keep
both the Python side and the JSON small and fast: 10,000 members with 100,000
links take a fraction of a second. The ecosystem is only read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecosystem import Flow, ParameterError, Ring, ValidationError
from ecosystem.taxonomy import role_label

from ._chain import CHAIN_LIMIT, NAME_GAP, chain_layout
from ._columns import attribute_columns, frame_columns, json_column, numbers, spread
from ._metrics import (COMPUTED_METRICS, STRUCTURAL_METRICS, MetricsLike, align_metrics,
                       computed_metrics)
from ._overlays import OverlaysLike, overlay_payloads
from ._style import FLOW_STYLES, RING_LABELS, RING_SHAPES, role_palette
from .layout import member_codes, ring_bands, ring_layout

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["network_payload", "flow_widths", "json_column", "LABEL_LIMIT", "SMOOTH_LIMIT",
           "LARGE_LINKS", "LARGE_MEMBERS", "DETAIL_ZOOM", "FLOW_OPACITY", "CANVAS_LINKS",
           "CANVAS_MEMBERS", "RENDERERS", "renderer_for"]

#: Opacity of each flow's links when the page opens: the goods (logistics) in full, the
#: others faint, so the chain of goods reads first (the legend still shows and hides each).
FLOW_OPACITY = {"logistics": 0.95}
FAINT = 0.18

#: Above this many members, ids are not written next to the nodes (only in tooltips).
LABEL_LIMIT = 300
#: Above this many links, links are straight (curves cost drawing time).
SMOOTH_LIMIT = 3000
#: Above this many links (flows and overlays) the page draws for speed: no arrows, no hover
#: highlighting, links hidden while dragging or zooming, and dash patterns only once zoomed
#: in DETAIL_ZOOM times beyond the fitted view (solid before: a hairball of dashes shows
#: nothing and took most of the first frame).
LARGE_LINKS = 5000
#: Above this many members, node outlines are drawn only once zoomed in DETAIL_ZOOM times
#: (a one-pixel outline hides a node of the fitted view, and costs a stroke per node).
LARGE_MEMBERS = 2000
DETAIL_ZOOM = 4
#: Above this many links (flows and overlays) or members, ``renderer="auto"`` draws with the
#: page's own canvas renderer: vis-network builds an object per node and link, and its first
#: frame grows with them (seconds at 100,000 links); the canvas draws batched paths.
CANVAS_LINKS = 20_000
CANVAS_MEMBERS = 5_000
#: How a panel can be drawn: chosen by size, vis-network, or the canvas renderer.
RENDERERS = ("auto", "vis", "canvas")


def renderer_for(renderer: str, members: int, links: int, physics: bool) -> str:
    """The renderer a panel of ``members`` and ``links`` (flows and overlays) is drawn with.

    ``"auto"`` picks the canvas renderer above :data:`CANVAS_MEMBERS` members or
    :data:`CANVAS_LINKS` links, vis-network below; the force layout (``physics``) needs
    vis-network.

    Examples
    --------
    >>> renderer_for("auto", 300, 3_000, False), renderer_for("auto", 10_000, 100_000, False)
    ('vis', 'canvas')
    >>> renderer_for("auto", 10_000, 100_000, True)
    'vis'
    """
    if renderer not in RENDERERS:
        raise ParameterError(f"renderer must be one of {list(RENDERERS)}, got {renderer!r}")
    if renderer == "canvas" and physics:
        raise ParameterError("renderer='canvas' has no force layout; pass physics=False or "
                             "renderer='vis'")
    if renderer != "auto":
        return renderer
    large = members > CANVAS_MEMBERS or links > CANVAS_LINKS
    return "canvas" if large and not physics else "vis"


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
    sizes, span = spread(values, low, high)
    return sizes, None if span is None else list(span)


def _size_metric(eco: "Ecosystem", frame: pd.DataFrame, size_by: str | None) -> pd.DataFrame:
    """``frame`` with the ``size_by`` column added when it is structural or an attribute."""
    if size_by is None or size_by in frame.columns:
        return frame
    if size_by in STRUCTURAL_METRICS or size_by in COMPUTED_METRICS:
        frame[size_by] = computed_metrics(eco, [size_by])[size_by]
        return frame
    attribute = pd.Series(eco._member_values(size_by), index=frame.index, dtype=object)
    if attribute.isna().all():
        choices = list(frame.columns) + list(STRUCTURAL_METRICS) + list(COMPUTED_METRICS)
        raise ParameterError(f"size_by={size_by!r} is neither a metric passed in metrics, a "
                             f"computed metric nor a member attribute; choose from {choices} "
                             "or a numeric member attribute")
    frame[size_by] = pd.to_numeric(attribute, errors="coerce").where(attribute.notna())
    return frame


def _positions(eco: "Ecosystem", positions: pd.DataFrame | None, spacing: float,
               ids: list, chain: float | None = None) -> pd.DataFrame:
    """The given positions, checked; else the chain layout with labels clear of each other
    (``chain``: the largest node radius) or the ring layout."""
    if positions is None:
        if chain is not None:
            return chain_layout(eco, size=chain)
        return ring_layout(eco, spacing=spacing)
    if not isinstance(positions, pd.DataFrame) or not {"x", "y"} <= set(positions.columns):
        raise ParameterError("positions must be a DataFrame indexed by member id with "
                             "columns 'x' and 'y'")
    if not positions.index.equals(pd.Index(ids)):
        positions = positions.reindex(ids)
    xy = positions[["x", "y"]].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    if not np.isfinite(xy).all():
        missing = [ids[i] for i in np.flatnonzero(~np.isfinite(xy).all(axis=1))[:5]]
        raise ParameterError(f"positions must give finite x and y for every member; missing "
                             f"or not numbers for {missing}")
    return positions


def network_payload(eco: "Ecosystem", metrics: MetricsLike = None, *, size_by: str | None = None,
                    physics: bool = False, labels: bool | None = None,
                    size_range: tuple[float, float] = (6.0, 22.0),
                    positions: pd.DataFrame | None = None,
                    overlays: OverlaysLike = None, highlight=(), renderer: str = "auto") -> dict:
    """The JSON-ready data of one network panel (see :func:`viz.to_html` for the arguments).

    The overlays are in ``"overlays"``, one entry per layer of ``overlays=``;
    ``highlight`` names members drawn with a thick outline (an alliance's members), in
    ``"highlight"`` as node positions. ``renderer`` (see :func:`renderer_for`) is in
    ``"renderer"``: ``"vis"`` or ``"canvas"``.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("m", "manufacturer"); eco.add_member("p", "platform")
    >>> eco.link("m", "p", "capital", volume=2.0)
    >>> data = network_payload(eco)
    >>> data["nodes"]["id"], data["edges"]["from"], data["flows"][data["edges"]["flow"][0]]
    (['m', 'p'], [0], 'capital')
    """
    overlay_data = overlay_payloads(eco, overlays)
    metric_frame = _size_metric(eco, align_metrics(eco, metrics), size_by)
    ids, node_attrs, edge_attrs, volume = _members_and_links(eco)
    n = len(ids)
    show_labels = bool(n <= LABEL_LIMIT if labels is None else labels)
    sizes, size_span = _sizes(metric_frame, size_by, size_range, n)
    # a belt small enough to label gets the chain layout, sized so no two labels overlap
    chain = float(sizes.max()) if show_labels and 0 < n <= CHAIN_LIMIT and not physics \
        else None
    positions = _positions(eco, positions, max(30.0, 1.6 * float(size_range[1])), ids, chain)
    rings = [r.value for r in Ring]
    ring_codes, roles, role_codes = member_codes(eco)

    try:  # one cached pass over the links, shared with eco.adjacency and the size metrics
        source, target, flow_codes, _ = eco.edge_arrays(weight=None)
    except ValidationError as error:  # a key that is not a flow (the graph was edited directly)
        raise ParameterError(f"{error.problems[0]}; run eco.validate() to see every "
                             "problem") from None
    flows = [f.value for f in Flow]
    width = flow_widths(volume, flow_codes, len(flows))
    links = len(source)
    overlay_links = sum(len(layer["edges"]["from"]) for layer in overlay_data)
    counts = np.bincount(ring_codes, minlength=3)
    bands = positions.attrs.get("bands")
    bands = ring_bands(counts) if bands is None else np.asarray(bands)
    drawn_with = renderer_for(renderer, n, links + overlay_links, physics)
    return {
        "renderer": drawn_with,
        "physics": bool(physics),
        "labels": show_labels,
        "smooth": links + overlay_links <= SMOOTH_LIMIT,
        "largeLinks": links + overlay_links > LARGE_LINKS,
        "largeMembers": n > LARGE_MEMBERS,
        "detailZoom": DETAIL_ZOOM,
        "rings": rings,
        "ringLabels": [RING_LABELS[r] for r in rings],
        "ringShapes": [RING_SHAPES[r] for r in rings],
        "ringCounts": counts.tolist(),
        "bands": bands.tolist(),
        # the chain layout left room for each ring's name this far outside the ring
        "ringNameGap": NAME_GAP if positions.attrs.get("arrangement", [None])[0] == "chain"
        else None,
        "roles": roles,
        "roleLabels": [role_label(r) for r in roles],
        "roleColors": role_palette(eco, roles),
        "roleCounts": np.bincount(role_codes, minlength=len(roles)).tolist(),
        "flows": flows,
        "flowColors": [FLOW_STYLES[f][0] for f in flows],
        "flowDashes": [FLOW_STYLES[f][1] for f in flows],
        "flowRoundness": [FLOW_STYLES[f][2] for f in flows],
        # goods at full strength, the other flows faint (the legend still shows and hides each)
        "flowOpacity": [FLOW_OPACITY.get(f, FAINT) for f in flows],
        # each flow's volumes are in its own unit, so each is scaled against its own largest
        "flowUnits": [eco.flow_unit(f) for f in flows],
        "flowTop": _flow_tops(volume, flow_codes, len(flows)),
        "nodes": {"id": ids, "x": positions["x"].to_numpy(float).round(2).tolist(),
                  "y": positions["y"].to_numpy(float).round(2).tolist(),
                  "ring": ring_codes.tolist(), "role": role_codes.tolist(),
                  "size": sizes.round(2).tolist()},
        "nodeAttrs": node_attrs,
        "metrics": frame_columns(metric_frame),
        "sizeBy": size_by,
        "sizeRange": size_span,
        "edges": {"from": source.tolist(), "to": target.tolist(), "flow": flow_codes.tolist(),
                  "width": width.round(2).tolist()},
        "edgeAttrs": edge_attrs,
        "overlays": overlay_data,
        "highlight": _positions_of(ids, highlight),
    }


def _attribute_table(frame: pd.DataFrame, skip: tuple[str, ...]) -> dict:
    """A members or links table's attribute columns, as :func:`attribute_columns` gives them
    from the rows' dicts (a table has a column for every attribute some row has)."""
    return frame_columns(frame.drop(columns=list(skip)))


def _members_and_links(eco: "Ecosystem") -> tuple[list, dict, dict, np.ndarray]:
    """Member ids in member order, their attribute columns (role and ring left out), the
    links' attribute columns and volumes (NaN where none), in :meth:`edge_arrays` order.

    A column-backed ecosystem is read from its columns: building its networkx graph
    would cost more than the whole page.
    """
    if eco._graph is None:
        members, links = eco.to_pandas(attrs=False)
        volume = (pd.to_numeric(links["volume"], errors="coerce").to_numpy(float)
                  if "volume" in links.columns else np.full(len(links), np.nan))
        return (members["id"].tolist(),
                _by_name(_attribute_table(members, ("id", "role", "ring"))),
                _by_name(_attribute_table(links, ("source", "target", "flow"))), volume)
    nodes = list(eco.graph.nodes(data=True))
    link_data = eco.link_attributes()
    return ([m for m, _ in nodes],
            _by_name(attribute_columns([d for _, d in nodes], ("role", "ring"))),
            _by_name(attribute_columns(link_data)), volume_of(link_data))


def _by_name(table: dict) -> dict:
    """Attribute columns in name order: the order in which attributes were first set differs
    between the column store and the networkx graph, so only the names give one order."""
    order = sorted(range(len(table["names"])), key=table["names"].__getitem__)
    return {"names": [table["names"][k] for k in order],
            "values": [table["values"][k] for k in order]}


def volume_of(link_data: list) -> np.ndarray:
    """The ``volume`` of each link, NaN where it has none."""
    return numbers([d.get("volume") for d in link_data])


def _flow_tops(volume: np.ndarray, flow_codes: np.ndarray, flows: int) -> list:
    """The largest volume of each flow's links (None for a flow without volumes)."""
    usable = np.isfinite(volume) & (volume >= 0)
    top = np.full(flows, -np.inf)
    np.maximum.at(top, flow_codes[usable], volume[usable])
    return [float(t) if t > 0 else None for t in top]


def flow_widths(volume: np.ndarray, flow_codes: np.ndarray, flows: int) -> np.ndarray:
    """Link widths in pixels: ``1 + 4 sqrt(volume / the largest volume of the same flow)``.

    Different flows are in different units (goods, money, service days), so each is
    scaled against its own largest link: the largest link of every flow is 5 px wide. A
    link without a volume (or of a flow whose volumes are all zero) is 1 px.

    Examples
    --------
    >>> flow_widths(np.array([1.0, 4.0, 0.002, np.nan]), np.array([0, 0, 1, 1]), 2).tolist()
    [3.0, 5.0, 5.0, 1.0]
    """
    width = np.ones(len(volume))
    usable = np.isfinite(volume) & (volume >= 0)
    top = np.asarray([t or 0.0 for t in _flow_tops(volume, flow_codes, flows)])
    scaled = usable & (top[flow_codes] > 0) if len(volume) else usable
    width[scaled] = 1.0 + 4.0 * np.sqrt(volume[scaled] / top[flow_codes[scaled]])
    return width


def _positions_of(ids: list, members) -> list[int]:
    """The node positions of ``members``; one that is not a member is an error."""
    index = {m: i for i, m in enumerate(ids)}
    missing = [m for m in members if m not in index]
    if missing:
        raise ParameterError(f"highlight: {missing[0]!r} is not a member of the ecosystem")
    return sorted(index[m] for m in dict.fromkeys(members))
