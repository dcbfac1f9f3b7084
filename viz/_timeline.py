"""The page's timeline: a simulated belt played period by period on its network.

:func:`lane_hops` cuts every simulated lane (shipper -> carriers -> receiver,
see :func:`ecosystem.simulation.compile_network`) into its hops; a hop is drawn
on the logistics link it follows, or, where the configuration routes goods
along a path the ecosystem has no link for (a shared logistics platform's
lanes), on a link of the overlay :func:`lanes_layer` returns.
:func:`timeline_payload` writes, per period, the goods each hop carried and
each stocking member's stock and backlog, as the mean over the simulation's
replications; :func:`finish_timelines` puts every panel of a page on common
scales, so tabs compare.

What a reader sees (the page's legend says the same):

* a link's width is the goods dispatched along it in the period,
  ``1 + 7 x shipped / the largest of any link, period and tab`` pixels (:data:`WIDTH`);
  a lane through a carrier counts on each of its hops in the period it is
  dispatched;
* a member's fill shows its stock (green, from the bottom) and its backlog
  (black, from the top), each as a share of the largest that member holds in
  any period and tab;
* in the page's difference mode, on an alliance's tab, a link's width is the
  goods it carries more (blue) or less (brown) than the same pair of members in
  the baseline's period, ``1 + 7 x |difference| / the largest of any link,
  period and alliance tab`` pixels.

The numbers travel as 16-bit integers (base64, little-endian): a value is
``q / 65535 x scale``, exact to 1/65535 of the largest, which keeps a 52-period
timeline of a 40-member belt to a few kilobytes.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Sequence

import networkx as nx
import numpy as np

from ecosystem import ParameterError

if TYPE_CHECKING:
    from ecosystem import Ecosystem
    from ecosystem.simulation import SimulationResult

__all__ = ["lane_hops", "lanes_layer", "timeline_payload", "finish_timelines", "WIDTH",
           "LANES_LAYER", "pack", "unpack"]

#: Width of a link carrying nothing and extra width of the largest shipment, in pixels.
WIDTH = (1.0, 7.0)
#: The overlay drawing simulated lanes that follow no link of the ecosystem.
LANES_LAYER = "lanes without a link"
_LEVELS = 65535


def pack(values: np.ndarray) -> tuple[str, float]:
    """``values`` (>= 0) as base64 16-bit integers and the scale that reads them back.

    Examples
    --------
    >>> text, scale = pack(np.array([0.0, 1.0, 2.0]))
    >>> scale, unpack(text, scale).tolist()
    (2.0, [0.0, 1.0, 2.0])
    """
    values = np.nan_to_num(np.asarray(values, dtype=float).ravel(), nan=0.0)
    scale = float(values.max()) if values.size and values.max() > 0 else 0.0
    levels = np.zeros(values.size) if scale == 0 else np.rint(values / scale * _LEVELS)
    data = levels.astype("<u2").tobytes()
    return base64.b64encode(data).decode("ascii"), scale


def unpack(text: str, scale: float) -> np.ndarray:
    """The values :func:`pack` wrote (to 1/65535 of ``scale``)."""
    levels = np.frombuffer(base64.b64decode(text), dtype="<u2").astype(float)
    return levels * (scale / _LEVELS)


def lane_hops(result: "SimulationResult") -> tuple[list[tuple[str, str]], np.ndarray]:
    """The hops of the simulated lanes and, per period, the goods dispatched along each.

    Lanes from outside sources have no hop on the network and are left out.

    Returns
    -------
    hops : list of (str, str)
        ``(from, to)`` member ids, in order of first appearance.
    shipped : ndarray (periods, hops)
        Mean over replications of the goods dispatched on the lanes through
        each hop, per period.

    Examples
    --------
    >>> import networks
    >>> from ecosystem import simulation
    >>> run = simulation.run(networks.archetype(), periods=4, replications=2, seed=0)
    >>> hops, shipped = lane_hops(run)
    >>> shipped.shape == (4, len(hops))
    True
    """
    index: dict[tuple[str, str], int] = {}
    lanes, columns = [], []
    outside = set(f"outside source of {m}" for m in result.network.sources) | {"outside"}
    for lane, path in enumerate(result.network.lane_links):
        for hop in zip(path[:-1], path[1:]):
            if hop[0] in outside:
                continue
            lanes.append(lane)
            columns.append(index.setdefault(hop, len(index)))
    incidence = np.zeros((len(result.network.lane_links), len(index)))
    np.add.at(incidence, (np.array(lanes, dtype=int), np.array(columns, dtype=int)), 1.0)
    shipped = result.lane_shipped @ incidence / result.settings["replications"]
    return list(index), shipped


def lanes_layer(eco: "Ecosystem", result: "SimulationResult") -> nx.DiGraph:
    """The hops of ``result``'s lanes that follow no logistics link of ``eco``, as an overlay
    (``weight``: mean goods per period); empty when every lane follows links.

    Examples
    --------
    >>> import networks
    >>> from ecosystem import simulation
    >>> belt = networks.archetype()
    >>> lanes_layer(belt, simulation.run(belt, periods=4, replications=2, seed=0)).size()
    0
    """
    hops, shipped = lane_hops(result)
    mean = shipped.mean(axis=0) if len(shipped) else np.zeros(len(hops))
    layer = nx.DiGraph()
    for (u, v), goods in zip(hops, mean):
        if u in eco and v in eco and not eco._has_link(u, v, "logistics"):
            layer.add_edge(u, v, weight=round(float(goods), 4),
                           goods_per_period=round(float(goods), 4))
    return layer


def timeline_payload(payload: dict, result: "SimulationResult", *, label: str = ""
                     ) -> dict:
    """The timeline of one panel: ``payload`` is the panel's data
    (:func:`viz.network_payload`), ``result`` the simulation of the ecosystem it draws.

    Call :func:`finish_timelines` on every panel's timeline of a page before writing it.
    Hops between members the panel does not show, or along no link the panel draws
    (neither a logistics link nor an edge of its :data:`LANES_LAYER` overlay), are an error.
    """
    ids = payload["nodes"]["id"]
    node = {m: i for i, m in enumerate(ids)}
    logistics = payload["flows"].index("logistics")
    edge_of = {}
    edges = payload["edges"]
    for j, (u, v, f) in enumerate(zip(edges["from"], edges["to"], edges["flow"])):
        if f == logistics:
            edge_of[(u, v)] = j
    start = len(edges["from"])
    for layer in payload["overlays"]:
        if layer["name"] == LANES_LAYER:
            for k, (u, v) in enumerate(zip(layer["edges"]["from"], layer["edges"]["to"])):
                edge_of.setdefault((u, v), start + k)
        start += len(layer["edges"]["from"])
    hops, shipped = lane_hops(result)
    hop_edges = []
    for u, v in hops:
        key = (node.get(u), node.get(v))
        if key not in edge_of:
            raise ParameterError(f"timeline: the simulated lane hop {u!r} -> {v!r} follows no "
                                 f"logistics link of the panel; draw lanes_layer(eco, result) "
                                 f"as the overlay {LANES_LAYER!r}")
        hop_edges.append(edge_of[key])
    reps = result.settings["replications"]
    stocking = list(result.network.members)
    missing = [m for m in stocking if m not in node]
    if missing:
        raise ParameterError(f"timeline: simulated member {missing[0]!r} is not in the panel")
    stock = result.period_member["stock"] / reps
    backlog = result.period_member["backlog"] / reps
    goods, _, period = _units(result)
    return {
        "label": label, "periods": int(shipped.shape[0]), "period": period, "goods": goods,
        "replications": int(reps), "warmup": int(result.settings.get("warmup") or 0),
        "edges": hop_edges,
        # every logistics link of the panel: those on no lane carry nothing
        "logistics": sorted(set(edge_of.values()) | set(hop_edges)),
        "members": [node[m] for m in stocking],
        "_shipped": shipped, "_stock": stock, "_backlog": backlog,
        "_names": stocking,
        # by member ids, to match the baseline's hops in finish_timelines
        "_hops": hops,
        "_links": {(ids[u], ids[v]): j for (u, v), j in edge_of.items()},
    }


def _units(result: "SimulationResult") -> tuple[str, str, str]:
    units = result.units
    return (str(units.get("mean_stock", "goods")), str(units.get("profit", "money")),
            str(units.get("period", "period")))


def _against(t: dict, base: dict) -> tuple[list[int], np.ndarray]:
    """The links of ``t``'s panel whose shipments differ from ``base``'s and, per period,
    the goods they carry minus what the same pair of members carried in ``base``."""
    periods = min(t["_shipped"].shape[0], base["_shipped"].shape[0])
    own = {hop: t["_shipped"][:periods, k] for k, hop in enumerate(t["_hops"])}
    before = {hop: base["_shipped"][:periods, k] for k, hop in enumerate(base["_hops"])}
    zero = np.zeros(periods)
    edges, columns = [], []
    for hop, edge in t["_links"].items():
        if hop in own or hop in before:
            edges.append(edge)
            columns.append(own.get(hop, zero) - before.get(hop, zero))
    return edges, np.column_stack(columns) if columns else np.zeros((periods, 0))


def finish_timelines(timelines: Sequence[dict], baseline: int | None = None) -> None:
    """Put the panels' timelines on common scales and pack their numbers (in place).

    Widths share one scale (the largest hop shipment of any panel and period);
    fills share one per member (its largest stock, and its largest backlog, in any
    panel and period), so the same member reads the same in every tab. With
    ``baseline`` (a position in ``timelines``) every other timeline also carries, for
    the page's difference mode, each link's shipments minus the baseline's on the same
    pair of members (``delta``: more and less packed apart, one scale for every tab).
    """
    deltas = {}
    if baseline is not None:
        deltas = {i: _against(t, timelines[baseline]) for i, t in enumerate(timelines)
                  if i != baseline}
    delta_top = max((float(np.abs(d).max()) for _, d in deltas.values() if d.size),
                    default=0.0)
    for i, (edges, delta) in deltas.items():
        more, more_scale = pack(np.clip(delta, 0, None))
        less, less_scale = pack(np.clip(-delta, 0, None))
        timelines[i]["delta"] = {"edges": edges, "more": more, "moreScale": more_scale,
                                 "less": less, "lessScale": less_scale, "top": delta_top}
    top = max((float(t["_shipped"].max()) for t in timelines if t["_shipped"].size),
              default=0.0)
    stock_top: dict[str, float] = {}
    backlog_top: dict[str, float] = {}
    for t in timelines:
        for k, name in enumerate(t["_names"]):
            stock_top[name] = max(stock_top.get(name, 0.0), float(t["_stock"][:, k].max()))
            backlog_top[name] = max(backlog_top.get(name, 0.0),
                                    float(t["_backlog"][:, k].max()))
    for t in timelines:
        t["widthRule"] = {"min": WIDTH[0], "extra": WIDTH[1], "top": top}
        t["shipped"], t["shippedScale"] = pack(t.pop("_shipped"))
        names = t.pop("_names")
        t.pop("_hops")
        t.pop("_links")
        stock, backlog = t.pop("_stock"), t.pop("_backlog")
        t["stock"], t["stockScale"] = pack(stock)
        t["backlog"], t["backlogScale"] = pack(backlog)
        t["stockTop"] = [round(stock_top[m], 4) for m in names]
        t["backlogTop"] = [round(backlog_top[m], 4) for m in names]
