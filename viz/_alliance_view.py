"""What an alliance changes, as a layer drawn over its configuration's network.

:func:`alliance_changes` compares a configuration (:func:`ecosystem.alliance.apply`)
with the baseline and returns one directed link per changed pair, each saying in
words what changed, lever by lever (:data:`ecosystem.alliance.LEVERS`):

* **shared information**: the allied members forecast from end demand, so each
  gets a link from every market its goods reach ("end-demand data");
* **cost cut**: the links between allied members whose ``unit_cost`` fell, with
  the old and new cost;
* **technology sharing**: the technology links the alliance adds, and the goods
  links between allied members whose lanes the shared planning shortens;
* **shared platform**: the platform's links (its lanes of goods, which follow no
  link, are drawn by :func:`viz._timeline.lanes_layer`).

The page draws it as the layer :data:`CHANGES_LAYER` and, in its "difference
from the baseline" mode, fades everything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from ecosystem import Flow

if TYPE_CHECKING:
    from ecosystem import Ecosystem
    from ecosystem.alliance import Alliance

__all__ = ["alliance_changes", "CHANGES_LAYER"]

#: The name of the layer of an alliance's changes.
CHANGES_LAYER = "alliance changes"


def _add(layer: nx.DiGraph, u: str, v: str, what: str) -> None:
    if layer.has_edge(u, v):
        layer.edges[u, v]["change"] += "; " + what
    else:
        layer.add_edge(u, v, change=what)


def _markets_reached(eco: "Ecosystem", member: str) -> list[str]:
    goods = nx.DiGraph((u, v) for u, v, _ in eco.links(flow=Flow.LOGISTICS))
    if member not in goods:
        return []
    return sorted(m for m in nx.descendants(goods, member)
                  if eco.member(m).get("role") == "market")


def alliance_changes(baseline: "Ecosystem", configured: "Ecosystem",
                     alliance: "Alliance | None", *, technology_cut: int = 1) -> nx.DiGraph:
    """One link per pair of members the alliance changes, its ``change`` in words.

    Parameters
    ----------
    baseline, configured : Ecosystem
        The belt without and with the alliance (only read).
    alliance : Alliance or None
        None (the baseline) gives an empty layer.
    technology_cut : int
        Periods a technology-sharing alliance takes off the lanes between its
        members (:class:`ecosystem.simulation.ServiceRules`' ``technology_cut``).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> from ecosystem.alliance import Alliance, apply
    >>> eco = Ecosystem()
    >>> for m, role in [("a", "manufacturer"), ("b", "cbec_enterprise"), ("us", "market")]:
    ...     eco.add_member(m, role)
    >>> eco.link("a", "b", "logistics", unit_cost=2.0); eco.link("b", "us", "logistics")
    >>> deal = Alliance("ab", ("a", "b"), cost_cut=0.25)
    >>> layer = alliance_changes(eco, apply(eco, deal), deal)
    >>> for u, v, what in sorted(layer.edges(data="change")):
    ...     print(u, v, what)
    a b logistics unit cost cut 25%: 2 -> 1.5
    us a end-demand data shared (forecasts from market demand)
    us b end-demand data shared (forecasts from market demand)
    """
    layer = nx.DiGraph()
    if alliance is None:
        return layer
    allied = set(alliance.members)
    if alliance.share_information:
        for member in alliance.members:
            for market in _markets_reached(configured, member):
                _add(layer, market, member,
                     "end-demand data shared (forecasts from market demand)")
    # both link tables read once (from the columns when there is no graph)
    before_links = {(u, v, flow): data for u, v, flow, data in baseline.links(data=True)}
    for u, v, flow, data in configured.links(data=True):
        if (u, v, flow) not in before_links:
            _add(layer, u, v, f"{flow} link added by the alliance")
            continue
        before = before_links[u, v, flow].get("unit_cost")
        after = data.get("unit_cost")
        if before is not None and after is not None and after != before:
            _add(layer, u, v, f"{flow} unit cost cut {alliance.cost_cut:.0%}: "
                              f"{before:.4g} -> {after:.4g}")
        if alliance.technology_sharing and flow == Flow.LOGISTICS.value \
                and u in allied and v in allied and technology_cut:
            _add(layer, u, v, f"lanes {technology_cut} period(s) shorter (shared "
                              "production planning)")
    return layer
