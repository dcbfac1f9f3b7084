"""The alliance surplus as a profit-maximising logistics flow, for every coalition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from ._bits import grow_within
from ._game import GameError
from ._lp import SolverError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["max_flow_surplus_table"]


def max_flow_surplus_table(layer: nx.DiGraph, players: Sequence[str], *, origins: Sequence[str],
                           market_set: set, margins: Mapping[str, float],
                           outsiders: str) -> np.ndarray:
    """v(S) for every coalition of ``players`` in the logistics ``layer``, goods leaving
    ``origins``: see :func:`surplus_game` (``routing="max_flow"``)."""
    playing = set(players)
    nodes = list(players) + ([m for m in layer if m not in playing] if outsiders == "free" else [])
    if len(nodes) > 62:
        raise GameError(f"max-flow surplus with {len(nodes)} members in play is too large for "
                        "bitmasks; use outsiders='excluded' or routing='proportional'")
    index = {m: i for i, m in enumerate(nodes)}
    origin_set = set(origins)
    edges = [(index[u], index[v], d) for u, v, d in layer.edges(data=True)
             if u in index and v in index and u not in market_set and v not in origin_set]
    n_nodes = len(nodes)
    succ = np.zeros(n_nodes, dtype=np.int64)
    pred = np.zeros(n_nodes, dtype=np.int64)
    for u, v, _ in edges:
        succ[u] |= 1 << v
        pred[v] |= 1 << u
    # in member order, so that the arcs (and ties between cheapest paths) do not depend on
    # the order of a set
    origin_nodes = [i for i, m in enumerate(nodes) if m in origin_set]
    market_nodes = [i for i, m in enumerate(nodes) if m in market_set]
    origin_bits = sum(1 << i for i in origin_nodes)
    market_bits = sum(1 << i for i in market_nodes)
    n = len(players)
    always = np.int64(sum(1 << i for i in range(n, n_nodes)))
    coalitions = np.arange(1 << n, dtype=np.int64) | always
    forward = grow_within(coalitions & origin_bits, coalitions, succ)
    backward = grow_within(coalitions & market_bits, coalitions, pred)
    useful = forward & backward  # members on some origin-to-market path inside S
    distinct, inverse = np.unique(useful, return_inverse=True)
    src = np.array([u for u, _, _ in edges], dtype=np.int64)
    dst = np.array([v for _, v, _ in edges], dtype=np.int64)
    capacity = np.array([float(d.get("capacity", d.get("volume", 1.0))) for _, _, d in edges])
    cost = np.array([d.get("unit_cost", 0.0) - (margins[nodes[v]] if nodes[v] in market_set
                                                 else 0.0) for _, v, d in edges], dtype=float)
    if edges and (not np.all(np.isfinite(capacity)) or capacity.min() < 0):
        raise GameError("max-flow surplus needs finite logistics capacities >= 0 (the "
                        "capacity attribute, else volume)")
    into_market = np.array([nodes[v] in market_set for _, v, _ in edges], dtype=bool)
    if np.any(cost[~into_market] < 0):
        raise GameError("max-flow surplus needs unit_cost >= 0 on every logistics link")
    values = _max_profit(distinct, n_nodes, src, dst, capacity, cost, origin_nodes,
                         market_nodes)
    table = values[inverse]
    return table - table[0]


def _max_profit(networks: np.ndarray, n_nodes: int, src: np.ndarray, dst: np.ndarray,
                capacity: np.ndarray, cost: np.ndarray, origins: list[int],
                markets: list[int]) -> np.ndarray:
    """Largest profit ``-sum cost * flow`` of a flow from the origins to the markets in
    each sub-network (a bitmask of the members in play), all sub-networks at once.

    Successive shortest paths (Busacker & Gowen 1960; Ahuja, Magnanti & Orlin 1993,
    Network Flows, section 9.7): push flow along a cheapest source-to-sink path of the
    residual network while that path costs less than 0. Costs are >= 0 except on links
    into a market, which leave no market, so no cycle is negative and no residual
    network gets one. Each round runs Bellman-Ford for every sub-network still
    improving, as numpy operations over (sub-networks x nodes x incoming arcs).
    """
    source, sink = n_nodes, n_nodes + 1
    big = float(capacity.sum()) + 1.0  # the source and sink arcs never bind
    tail = np.concatenate([src, np.full(len(origins), source), np.array(markets, dtype=np.int64)])
    head = np.concatenate([dst, np.array(origins, dtype=np.int64), np.full(len(markets), sink)])
    arcs = len(tail)
    arc_capacity = np.concatenate([capacity, np.full(arcs - len(capacity), big)])
    arc_cost = np.concatenate([cost, np.zeros(arcs - len(cost))])
    # residual arcs: a forward, a + arcs its reverse, 2 * arcs a dummy that is never usable
    graph = _Residual(np.concatenate([tail, head]), np.concatenate([head, tail]),
                      np.concatenate([arc_cost, -arc_cost]), arcs, n_nodes + 2,
                      cost_tol=1e-9 * max(1.0, float(np.abs(arc_cost).max(initial=0.0))),
                      flow_tol=1e-12 * big)
    profit = np.zeros(len(networks))
    chunk = max(1, 2_000_000 // ((n_nodes + 2) * graph.width))
    for first in range(0, len(networks), chunk):  # bounded (networks x nodes x arcs) scratch
        part = networks[first:first + chunk]
        in_play = np.ones((len(part), n_nodes + 2), dtype=bool)
        in_play[:, :n_nodes] = (part[:, None] >> np.arange(n_nodes)) & 1
        residual = np.zeros((len(part), 2 * arcs))
        residual[:, :arcs] = arc_capacity * (in_play[:, tail] & in_play[:, head])
        profit[first:first + chunk] = graph.max_profit(residual, source, sink)
    return profit


class _Residual:
    """Residual arcs shared by many sub-networks, which differ only in capacities."""

    def __init__(self, tail, head, cost, arcs, nodes, cost_tol, flow_tol):
        self.tail, self.head, self.cost, self.arcs, self.nodes = tail, head, cost, arcs, nodes
        self.cost_tol, self.flow_tol = cost_tol, flow_tol
        incoming = [np.flatnonzero(head == v) for v in range(nodes)]
        self.width = max(1, max(len(a) for a in incoming))
        self.incoming = np.full((nodes, self.width), 2 * arcs)  # padded with the dummy arc
        for v, a in enumerate(incoming):
            self.incoming[v, :len(a)] = a

    def _shortest(self, residual: np.ndarray, source: int) -> tuple[np.ndarray, np.ndarray]:
        count = len(residual)
        dist = np.full((count, self.nodes), np.inf)
        dist[:, source] = 0.0
        pred = np.full((count, self.nodes), 2 * self.arcs)
        blocked = np.full((count, 1), np.inf)
        for _ in range(self.nodes):  # Bellman-Ford (reverse arcs cost < 0): a pass needs the last
            reach = np.where(residual > self.flow_tol, dist[:, self.tail] + self.cost, np.inf)
            offers = np.concatenate([reach, blocked], axis=1)[:, self.incoming]
            best = offers.argmin(axis=2)
            value = np.take_along_axis(offers, best[:, :, None], axis=2)[:, :, 0]
            better = value < dist - self.cost_tol
            if not better.any():
                break
            dist = np.where(better, value, dist)
            pred = np.where(better, self.incoming[np.arange(self.nodes), best], pred)
        return dist, pred

    def max_profit(self, residual: np.ndarray, source: int, sink: int) -> np.ndarray:
        """Push along cheapest paths until none gains; the profit of each row's network."""
        profit = np.zeros(len(residual))
        todo = np.flatnonzero(residual.any(axis=1))
        steps = np.arange(self.nodes - 1)
        for _ in range(100 * (2 * self.arcs + 1)):  # a path search needs the last push's residual
            dist, pred = self._shortest(residual[todo], source)
            gains = dist[:, sink] < -self.cost_tol
            todo, dist, pred = todo[gains], dist[gains], pred[gains]
            if todo.size == 0:
                return profit
            rows = np.arange(len(todo))
            path = np.full((len(todo), self.nodes - 1), 2 * self.arcs)  # arcs, sink first
            node = np.full(len(todo), sink)
            for step in steps:  # walk back along pred: a path visits every node at most once
                going = node != source
                if not going.any():
                    break
                path[going, step] = pred[rows[going], node[going]]
                node[going] = self.tail[path[going, step]]
            if np.any(node != source):  # pragma: no cover - a cycle of predecessors
                raise SolverError("the max-flow surplus met a predecessor cycle (a numerical "
                                  "problem); rescale capacities or costs")
            res = np.concatenate([residual[todo], np.full((len(todo), 1), np.inf)], axis=1)
            amount = np.take_along_axis(res, path, axis=1).min(axis=1)
            on_path = path < 2 * self.arcs
            reverse = np.where(path < self.arcs, path + self.arcs, path - self.arcs)
            push = np.where(on_path, amount[:, None], 0.0)
            np.add.at(res, (rows[:, None], path), -push)
            np.add.at(res, (rows[:, None], np.where(on_path, reverse, 2 * self.arcs)), push)
            residual[todo] = res[:, :-1]
            profit[todo] -= dist[:, sink] * amount
        raise SolverError("the max-flow surplus did not converge")  # pragma: no cover
