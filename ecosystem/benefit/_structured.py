"""Values for structured cooperation: a priori unions (Owen) and a graph (Myerson)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable, Iterable

import networkx as nx
import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from ._bits import grow_within, popcount_table, subset_or
from ._game import Game, GameError, allocation_series
from ._shapley import _exact, shapley, shapley_weights

if TYPE_CHECKING:
    from ..graph import Ecosystem
    from ..taxonomy import Flow

__all__ = ["owen", "myerson", "graph_restricted"]


def _check_partition(game: Game, unions: Iterable[Iterable[Hashable]]) -> list[list[int]]:
    blocks: list[list[int]] = []
    seen: dict[Hashable, int] = {}
    for k, union in enumerate(unions):
        members = [union] if isinstance(union, str) else list(union)
        if not members:
            raise GameError(f"union {k} is empty")
        block = []
        for p in members:
            if p not in game._position:
                raise UnknownMemberError(f"union {k} names {p!r}, which is not a player")
            if p in seen:
                raise GameError(f"player {p!r} is in unions {seen[p]} and {k}; unions must not "
                                "overlap")
            seen[p] = k
            block.append(game._position[p])
        blocks.append(block)
    missing = [p for p in game.players if p not in seen]
    if missing:
        raise GameError(f"player {missing[0]!r} is in no union; the unions must cover every "
                        "player (a union may hold one player)")
    return blocks


def owen(game: Game, unions: Iterable[Iterable[Hashable]]) -> pd.Series:
    """The Owen value (Owen 1977): the Shapley value when players cooperate first
    inside a priori unions (alliances), and the unions then bargain as blocks.

    ``phi_i = sum_H sum_S h!(m-h-1)!/m! * s!(p-s-1)!/p! * (v(Q_H + S + i) - v(Q_H + S))``
    over sets ``H`` of the other ``m - 1`` unions (``Q_H`` their members) and
    subsets ``S`` of player i's own union (size p) without i. For each union
    the outer sum collapses into one weighted table over its subsets, on which
    the exact Shapley kernel runs.

    Parameters
    ----------
    game : Game
        Needs a value table.
    unions : iterable of iterables of players
        A partition of the players.

    Examples
    --------
    With every player in its own union, or all in one, the Owen value is the
    Shapley value; in the glove game the right-glove holders gain by allying:

    >>> glove = Game.from_function(["L", "R1", "R2"],
    ...                            lambda s: float("L" in s and ("R1" in s or "R2" in s)))
    >>> owen(glove, [["L"], ["R1", "R2"]]).tolist()
    [0.5, 0.25, 0.25]
    """
    table = game.table("the Owen value")
    blocks = _check_partition(game, unions)
    m = len(blocks)
    union_masks = [sum(1 << i for i in block) for block in blocks]
    outer = shapley_weights(m)
    phi = np.zeros(game.n)
    for k, block in enumerate(blocks):
        others = [mask for j, mask in enumerate(union_masks) if j != k]
        outside = subset_or(others)
        weight = outer[popcount_table(m - 1)]
        inside = subset_or([1 << i for i in block])
        values = table[outside[:, None] | inside[None, :]]  # (2**(m-1), 2**p)
        collapsed = (values * weight[:, None]).sum(axis=0)
        phi[block] = _exact(collapsed, len(block))
    return allocation_series(game, phi, "owen")


def _neighbour_masks(game: Game, graph: Any, flow: Any) -> np.ndarray:
    from ..graph import Ecosystem
    if isinstance(graph, Ecosystem):
        edges = (graph.links(flow=flow) if flow is not None else graph.links())
        pairs = [(u, v) for u, v, _ in edges]
    elif isinstance(graph, (nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph)):
        if flow is not None:
            raise ParameterError("flow applies to an Ecosystem; pass its layer or the "
                                 "Ecosystem itself")
        pairs = list(graph.edges())
    else:
        raise ParameterError(f"graph must be an Ecosystem or a networkx graph, got "
                             f"{type(graph).__name__}")
    adjacency = np.zeros(game.n, dtype=np.int64)
    for u, v in pairs:  # links touching non-players cannot carry cooperation among players
        if u in game._position and v in game._position and u != v:
            i, j = game._position[u], game._position[v]
            adjacency[i] |= 1 << j
            adjacency[j] |= 1 << i
    return adjacency


def graph_restricted(game: Game, graph: Ecosystem | nx.Graph, flow: Flow | str | None = None
                     ) -> Game:
    """The graph-restricted game ``v^G(S) = sum of v(C)`` over the connected
    components ``C`` of ``S`` in the communication graph (Myerson 1977).

    The graph is an :class:`~ecosystem.Ecosystem` (all flows, or the ``flow``
    layer) or a networkx graph; direction is ignored and links touching
    non-players are dropped. Components are found for all 2**n coalitions at
    once by growing each coalition's lowest member through neighbour bitmasks.
    """
    table = game.table("the graph-restricted game")
    n = game.n
    adjacency = _neighbour_masks(game, graph, flow)
    dtype = np.int32 if n < 31 else np.int64
    coalitions = np.arange(1 << n, dtype=dtype)
    component = grow_within(coalitions & -coalitions, coalitions, adjacency)  # lowest member's
    restricted = table[component].copy()
    rest = coalitions ^ component
    todo = np.flatnonzero(rest)
    while todo.size:  # coalitions have different numbers of components: one peeled per pass
        part = rest[todo]
        first = component[part]
        restricted[todo] += table[first]
        rest[todo] = part ^ first
        todo = todo[rest[todo] != 0]
    return Game(game.players, restricted, name=f"{game.name} restricted to graph".strip())


def myerson(game: Game, graph: Ecosystem | nx.Graph, flow: Flow | str | None = None) -> pd.Series:
    """The Myerson value (Myerson 1977): the Shapley value of the game in which
    only members connected through the ecosystem graph can cooperate.

    Parameters
    ----------
    game : Game
    graph : Ecosystem or networkx graph
        The communication graph; for an Ecosystem, ``flow`` picks one layer.

    Examples
    --------
    Any two of three players earn 1 (the majority game), but a and c can only
    talk through b: the member who connects the others gets the most.

    >>> g = Game.from_function("abc", lambda s: float(len(s) >= 2))
    >>> myerson(g, nx.path_graph(["a", "b", "c"])).round(4).tolist()
    [0.1667, 0.6667, 0.1667]
    """
    out = shapley(graph_restricted(game, graph, flow))
    out.name = "myerson"
    return out
