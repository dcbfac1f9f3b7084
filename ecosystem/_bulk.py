"""Members and links in bulk, read and written straight on networkx's dicts.

A :class:`networkx.MultiDiGraph` keeps its members as ``_node[m] -> attribute
dict`` and its links as ``_succ[u][v][key] -> attribute dict`` (``_pred[v][u]``
is the same inner dict). networkx's public methods cost several times more
per member or link than a dict access, which decides the speed of a
million-link ecosystem, so this is the one module that relies on that layout:

* :func:`insert_members` and :func:`insert_links` add members and links that
  have been checked already.
* :func:`link_structure` lists every link once, as index arrays in member
  order plus the attribute dicts, and keeps the result in the graph's
  ``__networkx_cache__``. networkx clears that cache whenever members or
  links are added or removed through its methods (and so do the functions
  here), so the structure is never stale; attribute *values* are read
  afresh on every call, so changed volumes always show.
* :func:`edge_arrays` and :func:`adjacency` turn the structure into arrays
  and CSR matrices.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np

from ._errors import ParameterError, ValidationError
from .taxonomy import Flow

if TYPE_CHECKING:  # networkx and scipy.sparse load when a graph or a matrix is first made
    import networkx as nx
    import scipy.sparse as sp

__all__ = ["insert_members", "insert_links", "paused_gc", "link_structure", "edge_arrays",
           "adjacency", "layer_graph", "copy_graph", "same_links", "FLOW_CODES"]

#: Position of every flow in ``list(Flow)``: the flow index of :func:`edge_arrays`.
FLOW_CODES = {flow.value: code for code, flow in enumerate(Flow)}
_CACHE_KEY = "ecobelt.links"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk build allocates many dicts.

    Hundreds of thousands of new networkx dicts trigger collections that
    walk the whole heap again and again and find nothing to free (a build
    makes no reference cycles); the previous state is restored on exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _clear_cache(graph: nx.MultiDiGraph) -> None:
    # what networkx >= 3.3's own mutators do (nx._clear_cache); 3.2 has neither it nor the cache
    cache = getattr(graph, "__networkx_cache__", None)
    if cache:
        cache.clear()


def insert_members(graph: nx.MultiDiGraph, members: Iterable[str],
                   attributes: Iterable[dict[str, Any]]) -> None:
    """Add checked members (new, distinct ids); each attribute dict becomes the member's own."""
    import networkx as nx
    if type(graph) is not nx.MultiDiGraph:  # a subclass may have its own dict factories
        graph.add_nodes_from(zip(members, attributes))
        return
    node, succ, pred = graph._node, graph._succ, graph._pred
    try:
        for member, data in zip(members, attributes):  # add_nodes_from's writes without its checks
            node[member] = data
            succ[member] = {}
            pred[member] = {}
    finally:
        _clear_cache(graph)


def insert_links(graph: nx.MultiDiGraph,
                 links: Iterable[tuple[str, str, str, dict[str, Any]]]) -> None:
    """Add checked ``(source, target, flow, attributes)`` links: both ends are members,
    no link is there already or twice. Each attribute dict becomes the link's own."""
    import networkx as nx
    if type(graph) is not nx.MultiDiGraph:  # a subclass may have its own dict factories
        graph.add_edges_from(links)
        return
    succ, pred = graph._succ, graph._pred
    try:
        for u, v, key, data in links:  # one dict write per link, the least Python can do
            keyed = succ[u].get(v)
            if keyed is None:
                keyed = succ[u][v] = pred[v][u] = {}
            keyed[key] = data
    finally:
        _clear_cache(graph)


@dataclass
class LinkStructure:
    """Every link once: ``source``, ``target`` (positions in member order), ``flow``
    (position in ``list(Flow)``) and its attribute dict, in networkx's edge order."""

    members: list
    source: np.ndarray
    target: np.ndarray
    flow: np.ndarray
    data: list
    _by_flow: dict = field(default_factory=dict, repr=False)

    def __reduce__(self):
        # pickled (to another process, say) it comes back as "not worked out yet"
        return _not_cached, ()

    def of_flow(self, code: int) -> tuple[np.ndarray, np.ndarray, list]:
        """``(source, target, data)`` of the links of one flow."""
        if code not in self._by_flow:
            keep = self.flow == code
            self._by_flow[code] = (self.source[keep], self.target[keep],
                                   list(compress(self.data, keep.tolist())))
        return self._by_flow[code]


def _not_cached() -> None:
    return None


def link_structure(graph: nx.MultiDiGraph) -> LinkStructure:
    """The :class:`LinkStructure` of ``graph``, from its cache when the graph is unchanged.

    Raises
    ------
    ValidationError
        A link's key is not a flow (the graph was edited directly).
    """
    cache = getattr(graph, "__networkx_cache__", None)
    cached = None if cache is None else cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    succ = graph._succ
    members = list(succ)
    index = dict(zip(members, range(len(members))))
    inner = list(succ.values())
    # chain/map walk the dicts in C: about four times faster than nested for loops
    keyed = list(chain.from_iterable(map(dict.values, inner)))
    pairs_per_member = np.fromiter(map(len, inner), np.int64, len(inner))
    links_per_pair = np.fromiter(map(len, keyed), np.int64, len(keyed))
    count = int(links_per_pair.sum())
    flow = np.fromiter(map(FLOW_CODES.get, chain.from_iterable(keyed), repeat(-1)), np.int8,
                       count)
    source = np.repeat(np.repeat(np.arange(len(members), dtype=np.int64), pairs_per_member),
                       links_per_pair)
    target = np.repeat(np.fromiter(map(index.__getitem__, chain.from_iterable(inner)),
                                   np.int64, len(keyed)), links_per_pair)
    if count and flow.min() < 0:
        bad = int(np.argmax(flow < 0))
        key = list(chain.from_iterable(keyed))[bad]
        raise ValidationError([f"link {members[source[bad]]!r} -> {members[target[bad]]!r}: "
                               f"key {key!r} is not a flow"])
    structure = LinkStructure(members, source, target, flow,
                              list(chain.from_iterable(map(dict.values, keyed))))
    if cache is not None:
        cache[_CACHE_KEY] = structure
    return structure


def _weights(structure: LinkStructure, data: list, rows: np.ndarray, cols: np.ndarray,
             weight: str | None, default: float) -> np.ndarray:
    if weight is None:
        return np.ones(len(data))
    if not isinstance(weight, str):
        raise ParameterError(f"weight must be the name of a link attribute (a string) or None, "
                             f"got {weight!r}")
    try:
        return np.fromiter(map(dict.get, data, repeat(weight), repeat(default)), float,
                           len(data))
    except (TypeError, ValueError):
        for i, d in enumerate(data):  # only to name the offending link
            try:
                float(d.get(weight, default))
            except (TypeError, ValueError):
                members = structure.members
                raise ParameterError(
                    f"link {members[rows[i]]!r} -> {members[cols[i]]!r}: {weight} "
                    f"{d[weight]!r} is not a number") from None
        raise


def edge_arrays(graph: nx.MultiDiGraph, weight: str | None = "volume", default: float = 1.0
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(source, target, flow, weight)`` arrays of every link (new arrays each call)."""
    structure = link_structure(graph)
    if weight is None:  # no attribute is called None: every link gets the default
        weights = np.full(len(structure.data), float(default))
    else:
        weights = _weights(structure, structure.data, structure.source, structure.target,
                           weight, default)
    return structure.source.copy(), structure.target.copy(), structure.flow.copy(), weights


def adjacency(graph: nx.MultiDiGraph, flow: Flow, weight: str | None = "volume",
              default: float = 1.0) -> sp.csr_array:
    """One flow's links as an n x n CSR array in member order."""
    structure = link_structure(graph)
    rows, cols, data = structure.of_flow(FLOW_CODES[flow.value])
    n = len(structure.members)
    import scipy.sparse as sp
    return sp.csr_array((_weights(structure, data, rows, cols, weight, default), (rows, cols)),
                        shape=(n, n))


def layer_graph(graph: nx.MultiDiGraph, flow: Flow) -> nx.DiGraph:
    """One flow's links as a frozen DiGraph with every member, sharing attribute dicts."""
    import networkx as nx
    view = nx.DiGraph()
    view.graph.update(graph.graph)  # not as keywords: an attribute may be called anything
    view._node.update(graph._node)  # the members' own dicts, not copies
    for member in graph:
        view._succ[member] = {}
        view._pred[member] = {}
    structure = link_structure(graph)
    rows, cols, data = structure.of_flow(FLOW_CODES[flow.value])
    members = structure.members
    for u, v, d in zip(map(members.__getitem__, rows.tolist()),
                       map(members.__getitem__, cols.tolist()), data):  # one write per link
        view._succ[u][v] = d
        view._pred[v][u] = d
    return nx.freeze(view)


def copy_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``graph.copy()``: new attribute dicts (values shared), members and links in order."""
    import networkx as nx
    if type(graph) is not nx.MultiDiGraph:
        return graph.copy()
    other = nx.MultiDiGraph()
    other.graph.update(graph.graph)
    with paused_gc():
        insert_members(other, graph._node, map(dict.copy, graph._node.values()))
        insert_links(other, ((u, v, k, d.copy()) for u, near in graph._succ.items()
                             for v, keyed in near.items() for k, d in keyed.items()))
    return other


def same_links(graph: nx.MultiDiGraph, other: nx.MultiDiGraph) -> bool:
    """Whether both graphs have the same links with equal attributes, in any order."""
    return graph._succ == other._succ
