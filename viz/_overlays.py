"""Overlay layers: extra links drawn over an ecosystem's flows, such as niche competition.

An overlay is a networkx graph on (some of) the ecosystem's members whose
edges are not flows: :func:`ecosystem.niche.competition_layer` (members whose
niches overlap above a threshold) is the one the library makes, but any graph
works. The page draws each overlay as its own edge group, with a legend entry,
a checkbox that shows and hides it, and tooltips listing each edge's
attributes (the competition layer's ``overlap``). A :class:`networkx.Graph`
is drawn without arrows, a :class:`networkx.DiGraph` with them; widths follow
the edges' ``weight`` (thinnest at the smallest, thickest at the largest).
Neither the overlay graphs nor the ecosystem are modified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import networkx as nx
import numpy as np

from ecosystem import Flow, ParameterError, UnknownMemberError

from ._columns import attribute_columns, spread
from ._style import overlay_style

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["OverlaysLike", "overlay_payloads"]

OverlaysLike = Mapping[str, nx.Graph] | None

_WIDTHS = (1.5, 4.5)


def _widths(weights: list) -> list[float]:
    """Edge widths from ``weight``: linear between the smallest and the largest weight."""
    values = np.array([w if isinstance(w, (int, float)) and not isinstance(w, bool) else np.nan
                       for w in weights], dtype=float)
    return spread(values, *_WIDTHS)[0].round(2).tolist()


def _check(eco: "Ecosystem", name: object, graph: object) -> None:
    flows = [f.value for f in Flow]
    if not isinstance(name, str) or not name or name in flows:
        raise ParameterError(f"overlay names must be non-empty strings other than the flows "
                             f"{flows}, got {name!r}")
    if not isinstance(graph, nx.Graph):
        raise ParameterError(f"overlay {name!r} must be a networkx graph (for example "
                             f"ecosystem.niche.competition_layer(...)), got "
                             f"{type(graph).__name__}")
    strangers = [node for node in graph if node not in eco]
    if strangers:
        shown = ", ".join(repr(m) for m in strangers[:5])
        raise UnknownMemberError(f"overlay {name!r} has {len(strangers)} node(s) that are not "
                                 f"members of the ecosystem: {shown}")


def overlay_payloads(eco: "Ecosystem", overlays: OverlaysLike) -> list[dict]:
    """The JSON-ready data of each overlay, in the mapping's order.

    Each has ``name``, ``directed``, ``color``, ``dashes``, ``edges`` (columns
    ``from`` and ``to``, member positions, and ``width``) and ``edgeAttrs``
    (the edges' attributes, for the tooltips).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ("a", "b", "c"):
    ...     eco.add_member(m, "manufacturer")
    >>> layer = nx.Graph()
    >>> layer.add_edge("c", "a", overlap=0.9, weight=0.9)
    >>> data = overlay_payloads(eco, {"competition": layer})[0]
    >>> data["edges"]["from"], data["edges"]["to"], data["directed"], data["edgeAttrs"]["names"]
    ([2], [0], False, ['overlap', 'weight'])
    """
    if overlays is None:
        return []
    if not isinstance(overlays, Mapping):
        raise ParameterError("overlays must be a mapping of layer name to networkx graph, e.g. "
                             "{'competition': ecosystem.niche.competition_layer(...)}; got "
                             f"{type(overlays).__name__}")
    index = eco.index()
    payloads = []
    for position, (name, graph) in enumerate(overlays.items()):  # a few layers
        _check(eco, name, graph)
        edges = list(graph.edges(data=True))
        color, dashes = overlay_style(name, position)
        payloads.append({
            "name": name, "directed": graph.is_directed(), "color": color, "dashes": dashes,
            "edges": {"from": [index[u] for u, _, _ in edges],
                      "to": [index[v] for _, v, _ in edges],
                      "width": _widths([d.get("weight") for _, _, d in edges])},
            "edgeAttrs": attribute_columns([d for _, _, d in edges]),
        })
    return payloads
