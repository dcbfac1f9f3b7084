"""The most critical members: which single failure loses the most volume."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np
import pandas as pd

from .._compat import renamed
from .._errors import ParameterError, UnknownMemberError
from ._cascade import CascadeEngine
from ._model import FLOWS, Layers
from ._rules import DEFAULT_RULES, Rule

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["critical_members"]


@renamed(candidates="members")
def critical_members(eco: "Ecosystem", members: Iterable[str] | None = None, *,
                     rules: Sequence[Rule] = DEFAULT_RULES, max_candidates: int = 200,
                     top: int | None = None, batch: int = 64, weight: str = "volume"
                     ) -> pd.DataFrame:
    """Rank members by the volume lost when each one alone fails.

    Every tried member's single-failure cascade (under ``rules``) is run; the
    cascades are batched as the columns of one n x ``batch`` matrix.

    Parameters
    ----------
    eco : Ecosystem
    members : iterable of str, optional
        The members to try. By default every member when there are at most
        ``max_candidates``; otherwise the ``max_candidates`` members with the
        largest strength (inbound plus outbound volume over all flows), since a
        failure loses at least the failed member's own links.
    rules : sequence of Rule
    max_candidates : int
        The most members tried when ``members`` is not given.
    top : int, optional
        Keep only the first ``top`` rows.
    batch : int
        Cascades run together (memory grows with n x batch).
    weight : str

    Returns
    -------
    pandas.DataFrame
        Indexed by member, sorted by ``lost_share`` (descending, ties in member
        order), with ``rank``, ``ring``, ``role``, ``failed`` (members failed,
        itself included), ``lost_share`` (the share of each flow's volume lost,
        averaged over the flows that move anything: volumes of different flows
        are in different units and are not added) and the volume lost per flow,
        ``lost_<flow>``, in that flow's unit.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["lg", "bank", "m1", "m2"],
    ...     "role": ["logistics", "finance", "manufacturer", "manufacturer"]}))
    >>> for m in ("m1", "m2"):
    ...     eco.link("lg", m, "logistics", volume=10.0)
    ...     eco.link("bank", m, "capital", volume=5.0)
    >>> critical_members(eco)[["rank", "failed", "lost_share", "lost_logistics"]]
            rank  failed  lost_share  lost_logistics
    member
    lg         1       3         1.0            20.0
    bank       2       3         1.0            20.0
    m1         3       1         0.5            10.0
    m2         4       1         0.5            10.0

    Losing lg stops both manufacturers: all 20 units of goods and all 10 of
    money, a share of 1 of each flow.
    """
    layers = Layers.from_ecosystem(eco, weight)
    engine = CascadeEngine(layers, rules, eco.roles)
    for name, value in (("batch", batch), ("max_candidates", max_candidates), ("top", top)):
        if value is None and name == "top":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"{name} must be a whole number >= 1, got {value!r}")
    if members is None:
        if layers.n <= max_candidates:
            positions = np.arange(layers.n)
        else:
            total = sum(layers.volume)
            strength = np.asarray(total.sum(axis=0)).ravel() + np.asarray(total.sum(axis=1)
                                                                          ).ravel()
            positions = np.sort(np.argsort(-strength, kind="stable")[:max_candidates])
    else:
        tried = [members] if isinstance(members, str) else list(members)
        positions = layers.members.get_indexer(tried)
        if (positions < 0).any():
            raise UnknownMemberError(f"critical_members: no member "
                                     f"{tried[int(np.argmax(positions < 0))]!r}")
    before = np.array([v.sum() for v in layers.volume])
    failed_counts = np.empty(positions.size, dtype=np.int64)
    lost = np.empty((positions.size, len(FLOWS)))
    for start in range(0, positions.size, batch):  # bounded memory: n x batch per pass
        chunk = positions[start:start + batch]
        capacity = np.ones((layers.n, chunk.size))
        capacity[chunk, np.arange(chunk.size)] = 0.0
        failed_in, _, final = engine.run(capacity, None)
        failed_counts[start:start + chunk.size] = (failed_in >= 0).sum(axis=0)
        lost[start:start + chunk.size] = (before[:, None] - engine.volume_after(final)).T
    table = pd.DataFrame(lost, columns=[f"lost_{f}" for f in FLOWS],
                         index=layers.members[positions])
    moving = before > 0  # a share per flow, each flow counted once: units are never mixed
    shares = lost[:, moving] / before[moving] if moving.any() else np.zeros((len(lost), 1))
    table.insert(0, "lost_share", shares.mean(axis=1))
    table.insert(0, "failed", failed_counts)
    table.insert(0, "role", layers.roles[positions])
    table.insert(0, "ring", layers.rings[positions])
    order = np.lexsort((positions, -np.round(table["lost_share"].to_numpy(), 9)))
    table = table.iloc[order]
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table if top is None else table.head(top)
