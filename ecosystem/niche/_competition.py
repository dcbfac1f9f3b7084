"""Competing pairs: members whose niches overlap at least a threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._compat import renamed
from .._errors import ParameterError
from ._indices import _ALIASES, OVERLAP_METHODS, _kernel, breadth
from . import _sparse
from ._sparse import UseTable
from ._input import EmptyPolicy, check_method, check_workers
from ._registry import OVERLAP_INDICES

if TYPE_CHECKING:
    import networkx as nx

    from ..graph import Ecosystem

__all__ = ["competition_pairs", "competition_layer"]


@renamed(method="index")
def competition_pairs(U: UseTable, index: str = "pianka", threshold: float = 0.5, *,
                      availability: ArrayLike | None = None, empty: EmptyPolicy = "raise",
                      top: int | None = None, workers: int | None = None,
                      roles: Mapping[Any, str] | None = None,
                      across_roles: bool = False) -> pd.DataFrame:
    """Pairs of members whose niche overlap is at least ``threshold``.

    Niche theory (Wang & Gao, §2.1) speaks of members of the same niche
    competing for the same resources, such as logistics firms for customers:
    when the members' roles (guilds) are known, only members of the same role
    are paired, unless ``across_roles=True``. The roles come from ``roles``
    or, for a matrix built by :func:`resource_matrix`, from its
    ``attrs["roles"]``; without either, every pair is considered. A member
    whose role is not known pairs with nobody.

    The overlap matrix is streamed in row blocks, so 10,000 members never need
    the full 10,000 x 10,000 matrix at once.

    Parameters
    ----------
    U : DataFrame or array_like
        Members x resources utilization; an array's members are named by
        their row number.
    index : str
        Any :func:`overlap` index.
    threshold : float
        Smallest overlap reported (``>=``).
    availability, empty, workers
        As in :func:`overlap`; members without use never pair.
    top : int, optional
        Keep only the ``top`` strongest pairs.
    roles : mapping of member to role, optional
        The guilds; default ``U.attrs["roles"]`` when ``U`` has it.
    across_roles : bool
        Pair members of different roles too.

    Returns
    -------
    DataFrame
        Columns ``member``, ``competitor``, ``overlap``, strongest first (ties
        in member order); with known roles also ``role`` (of the member; the
        competitor's is the same unless ``across_roles``), and for a matrix
        from :func:`resource_matrix` ``resources``, what the overlap is over
        (e.g. ``"logistics outlets"``). For symmetric indices each unordered pair appears
        once, ``member`` before ``competitor`` in row order; for
        ``macarthur_levins`` a row is the ordered pair with
        ``overlap = alpha[member, competitor]``, the pressure the competitor
        puts on the member, so both directions can appear.

    Examples
    --------
    >>> U = pd.DataFrame([[3, 1, 0], [2, 2, 0], [0, 1, 4]], index=["m1", "m2", "m3"])
    >>> competition_pairs(U, threshold=0.5)
      member competitor   overlap
    0     m1         m2  0.894427
    >>> competition_pairs(U, threshold=0.5, roles={"m1": "shop", "m2": "bank", "m3": "shop"})
    Empty DataFrame
    Columns: [member, competitor, overlap, role]
    Index: []
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not np.isfinite(threshold):
        raise ParameterError(f"threshold must be a number, got {threshold!r}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer))
                            or top < 1):
        raise ParameterError(f"top must be a whole number >= 1, got {top!r}")
    workers = check_workers(workers)
    attrs = getattr(U, "attrs", None) or {}
    if roles is None and isinstance(attrs.get("roles"), Mapping):
        roles = attrs["roles"]
    if roles is not None and not isinstance(roles, Mapping):
        raise ParameterError(f"roles must be a mapping of member to role, got "
                             f"{type(roles).__name__}")
    if _sparse.is_sparse(U):
        index = check_method(index, OVERLAP_METHODS, _ALIASES, what="index")
        # at threshold <= 0 members sharing nothing pair too: every pair, no sparsity to keep
        if index in _sparse.PRODUCT_METHODS and threshold > 0:
            table = _sparse.competition_pairs(
                U, index, threshold, availability, empty, top,
                guilds=None if across_roles else roles)
            return _described(table, roles, attrs)
        U = _sparse.densify(U, f"take one of {', '.join(_sparse.PRODUCT_METHODS)} with a "
                               "threshold > 0, which stay sparse")
    util, used, kernel = _kernel(U, index, availability, empty)
    positions = np.flatnonzero(used)
    guild = None
    if roles is not None:
        labels = (list(util.members) if util.members is not None
                  else list(range(util.values.shape[0])))
        names = {role: k for k, role in enumerate(dict.fromkeys(roles.values()))}
        # a member without a known role gets a guild of its own
        guild = np.array([names[roles[m]] if m in roles else -1 - k
                          for k, m in enumerate(labels)], dtype=np.int64)[positions]

    def strong(start: int, first: int, block: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keep = (block >= threshold) & kernel.distinct_pairs(start, first, block.shape)
        if guild is not None and not across_roles:
            keep &= (guild[start:start + block.shape[0], None]
                     == guild[None, first:first + block.shape[1]])
        i, j = np.nonzero(keep)
        return positions[i + start], positions[j + first], block[i, j]

    # no member with any use gives no blocks at all: an empty table, not an unpacking error
    none = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    found_rows, found_cols, found_values = zip(*kernel.map_blocks(strong, workers=workers), none)
    i, j = np.concatenate(found_rows), np.concatenate(found_cols)
    values = np.concatenate(found_values)
    order = np.lexsort((j, i, -values))
    if top is not None:
        order = order[:top]
    ids = (np.asarray(util.members, dtype=object) if util.labelled
           else np.arange(util.values.shape[0]))
    table = pd.DataFrame({"member": ids[i[order]], "competitor": ids[j[order]],
                          "overlap": values[order]})
    return _described(table, roles, attrs)


def _described(table: pd.DataFrame, roles: Mapping[Any, str] | None,
               attrs: Mapping[str, Any]) -> pd.DataFrame:
    """The pairs with the member's role and what the overlap is over, where known."""
    if roles is not None:
        table["role"] = pd.Series([roles.get(m) for m in table["member"].tolist()],
                                  dtype=object)
    if isinstance(attrs.get("resources"), str):
        table["resources"] = attrs["resources"]
    return table


@renamed(method="index")
def competition_layer(U: UseTable, index: str = "pianka", threshold: float = 0.5, *,
                      eco: "Ecosystem | None" = None, availability: ArrayLike | None = None,
                      empty: EmptyPolicy = "raise", workers: int | None = None,
                      across_roles: bool = False) -> nx.Graph:
    """The competition layer: members joined where their niches overlap.

    A graph the HTML export can draw next to the four flow layers. ``index``,
    ``threshold``, ``availability``, ``empty``, ``workers`` and
    ``across_roles`` are as in :func:`competition_pairs`: by default only
    members of the same role are joined (their roles read from ``eco`` when
    given, else from a :func:`resource_matrix` frame's ``attrs``).

    Nodes
        every member of ``U`` (isolated when it competes with nobody), with
        ``breadth`` (Levins' B; NaN for a member without use) and, when ``eco``
        is given and knows the member, its ``role`` and ``ring``.
    Edges
        ``overlap`` (the index value) and ``weight`` (the same number, for
        drawing tools that size edges by ``weight``). For symmetric indices a
        :class:`networkx.Graph`; for ``macarthur_levins`` a
        :class:`networkx.DiGraph` whose edge ``u -> v`` means u presses on v:
        ``overlap = alpha[v, u]``, the competition coefficient of u on v.
    Graph attributes
        ``name`` and ``layer`` ("competition"), ``method``, ``threshold``,
        ``across_roles`` and, for a :func:`resource_matrix` frame,
        ``resources`` (what the overlap is over, e.g. "logistics outlets").

    Examples
    --------
    >>> U = pd.DataFrame([[3, 1, 0], [2, 2, 0], [0, 1, 4]], index=["m1", "m2", "m3"])
    >>> layer = competition_layer(U, threshold=0.5)
    >>> list(layer.edges(data="overlap"))
    [('m1', 'm2', 0.894427190999916)]
    >>> layer.graph["method"], sorted(layer.nodes)
    ('pianka', ['m1', 'm2', 'm3'])
    """
    import networkx as nx

    method = check_method(index, OVERLAP_METHODS, _ALIASES, what="index")
    roles = None
    if eco is not None:
        rows = U.index if isinstance(U, pd.DataFrame) else range(
            U.shape[0] if _sparse.is_sparse(U) else len(np.asarray(U)))
        role_of: dict[Any, Any] = dict(zip(eco.members(), eco._member_values("role").tolist()))
        roles = {m: role_of[m] for m in rows if m in eco}
    pairs = competition_pairs(U, method, threshold, availability=availability, empty=empty,
                              workers=workers, roles=roles, across_roles=across_roles)
    symmetric = OVERLAP_INDICES[method].symmetric
    graph = (nx.Graph if symmetric else nx.DiGraph)(
        name="competition", layer="competition", method=method,
        threshold=threshold, across_roles=across_roles)
    resources = (getattr(U, "attrs", None) or {}).get("resources")
    if isinstance(resources, str):
        graph.graph["resources"] = resources
    widths = breadth(U, "levins", empty=empty)
    labels = (list(widths.index) if isinstance(widths, pd.Series)
              else list(range(len(widths))))
    for label, value in zip(labels, np.asarray(widths)):
        attrs = {"breadth": float(value)}
        if eco is not None and isinstance(label, str) and label in eco:
            member = eco.member(label)
            attrs.update(role=member["role"], ring=member["ring"])
        graph.add_node(label, **attrs)
    for member, competitor, value in pairs[["member", "competitor", "overlap"]].itertuples(
            index=False):
        edge = (member, competitor) if symmetric else (competitor, member)
        graph.add_edge(*edge, overlap=float(value), weight=float(value))
    return graph
