"""Reach: the step at which a shock from some members first arrives at every other member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph

from .._compat import renamed
from .._errors import ParameterError, UnknownMemberError
from .._result import RING_ORDER, Result
from ..taxonomy import FlowChoice, parse_flows
from ._model import FLOWS, FlowModel, flow_model

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["Reach", "reach"]



@dataclass(frozen=True, eq=False)
class Reach(Result):
    """When a shock first reaches each member, ring and role.

    Step 0 is the shocked member itself; step ``k`` means the shock needs ``k``
    transmissions. Never-reached entries are ``<NA>``.

    Attributes
    ----------
    sources : tuple of str
    members : pandas.Series
        Member (member order) -> first step (nullable Int64).
    rings : pandas.Series
        Ring (ring order) -> first step at which any member of the ring is reached.
    roles : pandas.Series
        Role -> first step.
    """

    sources: tuple[str, ...]
    members: pd.Series
    rings: pd.Series
    roles: pd.Series

    def reached(self) -> list[str]:
        """Members the shock ever reaches, in member order."""
        return self.members.index[self.members.notna()].tolist()

    def by_ring(self) -> pd.DataFrame:
        """First step per ring, in ring order (column ``step``)."""
        return self.rings.to_frame()

    def by_role(self) -> pd.DataFrame:
        """First step per role (column ``step``)."""
        return self.roles.to_frame()

    def summary(self) -> pd.DataFrame:
        """First step per ring: :meth:`by_ring`."""
        return self.by_ring()

    def headline(self) -> str:
        return (f"shock at {', '.join(self.sources)} reaches {int(self.members.notna().sum())} "
                f"of {len(self.members)} members")


@renamed(sources="members", coupling="conversion")
def reach(eco: "Ecosystem | FlowModel", members: str | Iterable[str], *,
          flows: FlowChoice | None = None, conversion: pd.DataFrame | ArrayLike | None = None,
          damping: float | None = None, weight: str = "volume") -> Reach:
    """The step at which a shock at ``members`` first reaches each member and ring.

    The shock enters those members in ``flows`` (all four by default) and moves
    like a pulse of :func:`~ecosystem.flows.propagate`: flow ``f`` goes along
    links of positive weight in layer ``f`` and then drives flow ``g`` where
    ``C[f, g] > 0``. The step counts are breadth-first distances on that
    (member, flow) graph, computed by :func:`scipy.sparse.csgraph.shortest_path`,
    and equal the first step at which a pulse makes the member's level
    non-zero (all entries of the operator are >= 0, so nothing cancels).

    Parameters
    ----------
    eco : Ecosystem or FlowModel
    members : str or iterable of str
        The shocked members (the result keeps them as ``sources``; its
        ``members`` is the per-member table).
    flows : Flow, str or list of them, optional
        The flow or flows the shock enters in (default: all four).
    conversion, damping, weight
        See :func:`~ecosystem.flows.flow_model`; only which entries are
        positive matters.

    Returns
    -------
    Reach

    Raises
    ------
    UnknownMemberError
        A shocked member is not a member.
    ParameterError
        No shocked member, or an unknown flow.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["p", "lg", "m"],
    ...                                    "role": ["platform", "logistics", "manufacturer"]}))
    >>> eco.link("p", "lg", "information")
    >>> eco.link("lg", "m", "logistics")
    >>> r = reach(eco, "p")
    >>> r.members.tolist()
    [0, 1, 2]
    >>> r.rings
    ring
    core           0
    sub_core       1
    outer       <NA>
    Name: step, dtype: Int64
    """
    model = flow_model(eco, conversion, damping, weight)
    sources = (members,) if isinstance(members, str) else tuple(members)
    if not sources:
        raise ParameterError("reach needs at least one member to shock: give members=")
    position = model.members.get_indexer(sources)
    if (position < 0).any():
        raise UnknownMemberError(f"reach: no member {sources[int(np.argmax(position < 0))]!r} "
                                 "in the ecosystem")
    entry = sorted(FLOWS.index(f.value) for f in parse_flows(flows))
    n = model.n
    size = len(FLOWS) * n
    edges = sp.coo_array(model.operator().T)  # (f, i) -> (g, j): flow moves from i to j
    keep = edges.data != 0
    start = (np.array(entry)[:, None] * n + position[None, :]).ravel()
    # a virtual node (index ``size``) joined to every entry point makes one BFS of many sources
    rows = np.concatenate([edges.row[keep], np.full(start.size, size)])
    cols = np.concatenate([edges.col[keep], start])
    graph = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(size + 1, size + 1))
    distance = csgraph.shortest_path(graph, method="D", unweighted=True, indices=size)[:size] - 1
    distance[start] = 0
    steps = distance.reshape(len(FLOWS), n).min(axis=0)
    reached = np.isfinite(steps)
    first = pd.Series(pd.array(np.where(reached, steps, 0).astype(np.int64), dtype="Int64"),
                      index=model.members, name="step")
    first[~reached] = pd.NA
    rings = first.groupby(pd.Index(model.layers.rings, name="ring")).min()
    rings = rings.reindex(list(RING_ORDER))
    roles = first.groupby(pd.Index(model.layers.roles, name="role")).min()
    return Reach(sources, first, rings.astype("Int64"), roles.astype("Int64"))
