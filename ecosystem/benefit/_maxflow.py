"""The alliance surplus as a profit-maximising logistics flow, for every coalition."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ._game import Game, GameError
from ._lp import SolverError

__all__ = ["max_flow_surplus_table"]


def _closure(start: np.ndarray, allowed: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Grow each bitmask in ``start`` along ``neighbours`` inside ``allowed`` (all at once)."""
    chunks = []
    for first in range(0, len(neighbours), 8):  # OR of neighbour masks, 8 members per lookup
        part = neighbours[first:first + 8]
        table = np.zeros(1, dtype=np.int64)
        for mask in part:
            table = np.concatenate([table, table | np.int64(mask)])
        chunks.append(table)
    reach = start.copy()
    todo = np.flatnonzero(reach)
    while todo.size:  # one breadth-first layer per pass, only on sets still growing
        current = reach[todo]
        grown = np.zeros_like(current)
        for c, lookup in enumerate(chunks):
            grown |= lookup[(current >> (8 * c)) & 255]
        new = current | (grown & allowed[todo])
        changed = new != current
        reach[todo] = new
        todo = todo[changed]
    return reach


def max_flow_surplus_table(eco: Any, players: Sequence[str], *, market_set: set,
                           margins: Mapping[str, float], outsiders: str) -> np.ndarray:
    """v(S) for every coalition of ``players``: see :func:`surplus_game` (``routing="max_flow"``)."""
    layer = eco.layer("logistics")
    origins = {u for u in layer if layer.in_degree(u) == 0 and layer.out_degree(u) > 0
               and u not in market_set}
    nodes = list(players) + ([m for m in layer if m not in set(players)]
                             if outsiders == "free" else [])
    if len(nodes) > 62:
        raise GameError(f"max-flow surplus with {len(nodes)} members in play is too large for "
                        "bitmasks; use outsiders='excluded' or routing='proportional'")
    index = {m: i for i, m in enumerate(nodes)}
    edges = [(index[u], index[v], d) for u, v, d in layer.edges(data=True)
             if u in index and v in index and u not in market_set and v not in origins]
    n_nodes = len(nodes)
    succ = np.zeros(n_nodes, dtype=np.int64)
    pred = np.zeros(n_nodes, dtype=np.int64)
    for u, v, _ in edges:
        succ[u] |= 1 << v
        pred[v] |= 1 << u
    origin_bits = sum(1 << index[m] for m in origins if m in index)
    market_bits = sum(1 << index[m] for m in market_set if m in index)
    n = len(players)
    always = np.int64(sum(1 << i for i in range(n, n_nodes)))
    coalitions = np.arange(1 << n, dtype=np.int64) | always
    forward = _closure(coalitions & origin_bits, coalitions, succ)
    backward = _closure(coalitions & market_bits, coalitions, pred)
    useful = forward & backward  # members on some origin-to-market path inside S
    distinct, inverse = np.unique(useful, return_inverse=True)
    src = np.array([u for u, _, _ in edges], dtype=np.int64)
    dst = np.array([v for _, v, _ in edges], dtype=np.int64)
    capacity = np.array([d.get("capacity", d.get("volume", 1.0)) for _, _, d in edges])
    gain = np.array([(margins[nodes[v]] if nodes[v] in market_set else 0.0)
                     - d.get("unit_cost", 0.0) for _, v, d in edges])
    transit = np.array([(origin_bits | market_bits) >> i & 1 == 0 for i in range(n_nodes)])
    values = np.zeros(len(distinct))
    for k, mask in enumerate(distinct):  # one LP per distinct sub-network, not per coalition
        if mask == 0:
            continue
        keep = np.flatnonzero(((mask >> src) & 1) & ((mask >> dst) & 1))
        inner = [i for i in range(n_nodes) if mask >> i & 1 and transit[i]]
        rows = {node: r for r, node in enumerate(inner)}
        entries = [(rows[dst[e]], j, 1.0) for j, e in enumerate(keep) if dst[e] in rows]
        entries += [(rows[src[e]], j, -1.0) for j, e in enumerate(keep) if src[e] in rows]
        a_eq = None
        if inner:
            r, c, x = zip(*entries) if entries else ((), (), ())
            a_eq = sp.csr_array((x, (r, c)), shape=(len(inner), len(keep)))
        result = linprog(-gain[keep], A_eq=a_eq, b_eq=np.zeros(len(inner)) if inner else None,
                         bounds=np.column_stack([np.zeros(len(keep)), capacity[keep]]),
                         method="highs")
        if result.status != 0:
            raise SolverError(f"the max-flow surplus LP failed ({result.message})")
        values[k] = -result.fun
    table = values[inverse]
    return table - table[0]
