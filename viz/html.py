"""Export an ecosystem as one self-contained, offline, interactive HTML page.

The page draws the network with vis-network (the copy bundled with pyvis;
pyvis' own HTML template is not used, because it links bootstrap and tom-select
from a CDN, and the page must load nothing from anywhere). A labelled belt of up
to 300 members is laid out as a chain:
the core as Wang & Gao's chain (suppliers and manufacturers, cross-border firms,
platforms, markets, left to right), the service platforms around it grouped by
kind, the outer environment outside, no two labels overlapping; a larger one on
the concentric rings of :func:`viz.layout.ring_layout`. Physics is off (a
checkbox, or ``physics=True``, turns it on); shape by ring, a fixed colour per
role, edge colour and dash by flow, the goods (logistics) at full strength and
the other flows faint, width by volume, a legend beside the network (never over
it), a checkbox per flow that shows and hides its links, tooltips with each member's
attributes and the caller's metrics, and node size mapped to one metric.
Overlay layers (``overlays=`` of :func:`to_html`), such as the
competition layer of :func:`ecosystem.niche.competition_layer`, are drawn
over the flows as their own edge groups, each with a legend entry and a
checkbox.

Above 5,000 members or 20,000 links (``renderer="auto"``) the page draws with
its own canvas renderer instead: vis-network builds an object per node and
link, and its first frame of a 10,000-member belt with 100,000 links takes
seconds. The canvas renderer draws from typed arrays built once from the
page's data: each flow's links as a few batched paths (one per width class),
the members as one path per role, with pan and zoom, tooltips found through a
grid over the members, the same legend, checkboxes, widths and units; no force
layout and no arrows. Such a page embeds no vis-network at all.

pyvis' ``Network.from_nx`` is not used either: it modifies the graph it is
given, drops the flow keys of parallel links and handles one node and one link
at a time. Node and edge lists are built column-wise instead
(:func:`network_payload`) and written as one JSON document; the page script turns
the columns into vis DataSets. The ecosystem is only read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._metrics import MetricsLike
from ._overlays import OverlaysLike
from ._page import HtmlPage, build_page, panel_html
from ._payload import network_payload
from ._style import FLOW_STYLES, RING_LABELS, RING_SHAPES, ROLE_PALETTES, role_palette

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["to_html", "network_payload", "role_palette", "RING_SHAPES", "RING_LABELS", "FLOW_STYLES",  # noqa: E501
           "ROLE_PALETTES"]


def subtitle(payload: dict) -> str:
    """"n members, m links" of a panel's data, and the links of each overlay."""
    parts = [f"{len(payload['nodes']['id']):,} members",
             f"{len(payload['edges']['from']):,} links"]
    for layer in payload["overlays"]:
        count = len(layer["edges"]["from"])
        parts.append(f"{count:,} {layer['name']} link{'' if count == 1 else 's'}")
    return ", ".join(parts)


def to_html(eco: "Ecosystem", path: str | Path | None = None, *, metrics: MetricsLike = None,
            size_by: str | None = None, title: str | None = None, physics: bool = False,
            labels: bool | None = None, size_range: tuple[float, float] = (6.0, 22.0),
            positions: pd.DataFrame | None = None, overlays: OverlaysLike = None,
            height: int = 650, renderer: str = "auto") -> HtmlPage:
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
        by member id with one column per metric (see :func:`viz.align_metrics`).
    size_by : str, optional
        Metric that sets node size: a column of ``metrics``, a metric computed
        from the ecosystem alone (``degree``, ``in_degree``, ``out_degree``,
        ``strength``, ``upstreamness``, ``niche_breadth``: see
        :func:`viz.computed_metrics`; it is then shown in the tooltips too),
        or a numeric member attribute. Members without a value get the
        smallest size.
    title : str, optional
        Page title (default: the ecosystem's name).
    physics : bool
        Start with vis-network's force layout on (slow above ~1,000 members).
        Off, members stay where the layout put them.
    labels : bool, optional
        Draw member ids next to nodes (default: only up to 300 members).
    size_range : (float, float)
        Smallest and largest node size in pixels.
    positions : DataFrame, optional
        ``x`` and ``y`` per member id to use instead of the ring layout.
    overlays : mapping of str to networkx graph, optional
        Extra layers of links drawn over the flows, by name, for example
        ``{"competition": ecosystem.niche.competition_layer(U, eco=eco)}``.
        Each gets its own colour, dash pattern, legend entry and checkbox;
        its edges' attributes (the competition layer's ``overlap``) show in
        their tooltips and their ``weight`` sets their width. An undirected
        graph is drawn without arrows. Every node must be a member; names
        must differ from the flows'. The graphs are only read.
    height : int
        Height in pixels of the inline view in Jupyter.
    renderer : {"auto", "vis", "canvas"}
        ``"vis"`` draws with vis-network (labels, curved links, arrows, dragging
        members, the force layout); ``"canvas"`` with the page's own canvas
        renderer, which draws each flow's links as a few batched paths and opens
        large networks in a fraction of vis-network's time (pan, zoom, tooltips,
        legend and flow checkboxes as on the vis page; no force layout, no
        arrows); ``"auto"`` uses the canvas above 5,000 members or 20,000 links.

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

    Draw the members whose outlets overlap (Pianka >= 0.5) as a competition layer:

    >>> eco.add_member("m2", "manufacturer"); eco.link("m2", "p1", "logistics", volume=1.0)
    >>> from ecosystem import niche
    >>> layer = niche.competition_layer(niche.resource_matrix(eco, direction="out"), eco=eco)
    >>> page = to_html(eco, overlays={"competition": layer})
    >>> "3 members, 2 links, 1 competition link<" in page.html
    True
    """
    payload = network_payload(eco, metrics, size_by=size_by, physics=physics, labels=labels,
                              size_range=size_range, positions=positions, overlays=overlays,
                              renderer=renderer)
    name = title if title is not None else (eco.name or "Ecosystem")
    text = build_page(name, [(name, panel_html(0))], [payload], subtitle=subtitle(payload))
    page = HtmlPage(text, height=height)
    if path is not None:
        page.save(path)
    return page
