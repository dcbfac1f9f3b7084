"""Disruption cascades: members fail, and members that lose their required inputs follow.

The shock removes members (``members``) or cuts the capacity of their outgoing
links by a fraction (``cut``). Then, round after round, every surviving member
that breaks one of the rules (:mod:`._rules`) fails; the cascade stops when a
round fails no one. A failed member sends and receives nothing; a member whose
capacity is cut by ``c`` sends ``1 - c`` of each outgoing link's volume (and
still counts as a provider for :class:`~ecosystem.flows.MinProviders`).

Every round is a few sparse matrix products over all members, and the engine
runs many cascades at once as the columns of one n x k matrix (used by
:func:`~ecosystem.flows.critical_members`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from .._compat import renamed
from .._result import RING_ORDER, Result, was_attribute
from ._model import FLOWS, Layers
from ._rules import DEFAULT_RULES, Rule, check_rules

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["CascadeResult", "CascadeEngine", "cascade"]



@dataclass(frozen=True, eq=False)
class CascadeResult(Result):
    """The outcome of a disruption cascade.

    Attributes
    ----------
    shock : dict
        Member -> capacity cut (1.0 for a removed member).
    rounds : int
        Rounds after the shock in which at least one member failed.
    failed : pandas.DataFrame
        One row per failed member (index, by round then member order): ``round``
        (0 for the shock), ``ring``, ``role`` and ``reason`` (the first broken rule).
    per_ring, per_role : pandas.DataFrame
        ``members``, ``failed`` and ``share`` failed per ring (in ring order) /
        role (sorted); also ``by_ring()`` and ``by_role()``.
    lost_volume : pandas.DataFrame
        Per flow: ``before``, ``after`` (volume still moving: link volume times
        the source's remaining capacity, 0 if either end failed), ``lost``,
        ``share`` lost and the flow's ``unit``. There is no total row: volumes
        of different flows are in different units; :attr:`lost_share` is the
        unit-free summary.
    per_round : pandas.DataFrame
        Per round: ``failed`` that round and ``cumulative``.
    survivors : list of str
        Members that did not fail (cut members that survive included), in member order.
    """

    shock: dict[str, float]
    rounds: int
    failed: pd.DataFrame
    per_ring: pd.DataFrame
    per_role: pd.DataFrame
    lost_volume: pd.DataFrame
    per_round: pd.DataFrame
    survivors: list[str]

    @was_attribute
    def by_ring(self) -> pd.DataFrame:
        """``members``, ``failed`` and ``share`` per ring, in ring order."""
        return self.per_ring

    @was_attribute
    def by_role(self) -> pd.DataFrame:
        """``members``, ``failed`` and ``share`` per role, sorted by name."""
        return self.per_role

    def summary(self) -> pd.DataFrame:
        """Volume ``before``, ``after``, ``lost``, ``share`` lost and ``unit`` per flow (no
        total: volumes of different flows are in different units)."""
        return self.lost_volume

    @property
    def lost_share(self) -> float:
        """The share of volume lost, averaged over the flows that move anything (each flow
        counts once, whatever its unit); 0 when nothing moves."""
        moving = self.lost_volume[self.lost_volume["before"] > 0]
        return float(moving["share"].mean()) if len(moving) else 0.0

    def headline(self) -> str:
        moving = self.lost_volume[self.lost_volume["before"] > 0]
        per_flow = "; ".join(f"{flow} {row['lost']:.4g} of {row['before']:.4g} {row['unit']} "
                             f"({row['share']:.1%})" for flow, row in moving.iterrows())
        return (f"cascade from {', '.join(self.shock)}: {len(self.failed)} failed in "
                f"{self.rounds} round(s) after the shock, {len(self.survivors)} survive; "
                f"lost: {per_flow or 'nothing moves'}; mean share lost over the flows "
                f"{self.lost_share:.1%}")


class CascadeEngine:
    """The compiled rules of one ecosystem, ready to run cascades column by column."""

    def __init__(self, layers: Layers, rules: Rule | Sequence[Rule],
                 known_roles: Iterable[str]):
        self.layers = layers
        self.rules = check_rules(rules)
        self.compiled = [rule._compile(layers, known_roles) for rule in self.rules]

    def run(self, capacity: np.ndarray, max_rounds: int | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cascade every column of ``capacity`` (n x k, in [0, 1]; 0 = removed).

        Returns the failure round per member and column (-1 = survived), the
        index of the broken rule (-1 for survivors and the shock), and the final capacity.
        """
        capacity = capacity.copy()
        alive = capacity > 0
        failed_in = np.where(alive, -1, 0)
        reason = np.full(capacity.shape, -1, dtype=np.int16)
        round_number = 0
        while max_rounds is None or round_number < max_rounds:  # rounds depend on each other
            round_number += 1
            newly = np.zeros_like(alive)
            alive_float = alive.astype(float)
            for index, (matrix, threshold, active, by_volume) in enumerate(self.compiled):
                supply = matrix @ (capacity if by_volume else alive_float)
                broken = alive & ~newly & active[:, None] & (supply < threshold[:, None])
                reason[broken] = index
                newly |= broken
            if not newly.any():
                break
            alive &= ~newly
            capacity[newly] = 0.0
            failed_in[newly] = round_number
        return failed_in, reason, capacity

    def volume_after(self, capacity: np.ndarray) -> np.ndarray:
        """Volume still moving per flow (4 x k) given the final capacities."""
        alive = (capacity > 0).astype(float)
        return np.array([(capacity * (volume @ alive)).sum(axis=0)
                         for volume in self.layers.volume])


def _shock_capacity(layers: Layers, fail: Iterable[str] | str | None,
                    cut: Mapping[str, float] | None) -> dict[str, float]:
    shock: dict[str, float] = {}
    fail = (fail,) if isinstance(fail, str) else tuple(fail or ())
    for member, fraction in [*((m, 1.0) for m in fail), *(cut or {}).items()]:
        if member not in layers.members:
            raise UnknownMemberError(f"cascade: no member {member!r} in the ecosystem")
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.number)) \
                or not 0 < fraction <= 1:
            raise ParameterError(f"capacity cut of {member!r} must be in (0, 1] (1 removes "
                                 f"the member), got {fraction!r}")
        shock[member] = max(shock.get(member, 0.0), float(fraction))
    if not shock:
        raise ParameterError("a cascade needs at least one failed or cut member "
                             "(members=[...] or cut={member: fraction})")
    return shock


def _count_table(keys: np.ndarray, failed: np.ndarray, order: list[str] | None,
                 name: str) -> pd.DataFrame:
    frame = pd.DataFrame({name: keys, "failed": failed})
    table = frame.groupby(name, sort=order is None).agg(members=("failed", "size"),
                                                         failed=("failed", "sum"))
    if order is not None:
        table = table.reindex(order, fill_value=0)
    table["share"] = np.divide(table["failed"], table["members"],
                               out=np.zeros(len(table)), where=table["members"] > 0)
    return table


@renamed(fail="members")
def cascade(eco: "Ecosystem", members: Iterable[str] | str | None = None, *,
            cut: Mapping[str, float] | None = None, rules: Sequence[Rule] = DEFAULT_RULES,
            max_rounds: int | None = None, weight: str = "volume") -> CascadeResult:
    """Remove members (or cut their capacity) and let the failure spread.

    Parameters
    ----------
    eco : Ecosystem
    members : str or iterable of str, optional
        Members removed by the shock.
    cut : mapping of str to float, optional
        Members whose outgoing volume is cut by a fraction in (0, 1].
    rules : sequence of Rule
        When a member fails; :data:`DEFAULT_RULES` by default.
    max_rounds : int, optional
        Stop after this many rounds (None: run until no one else fails).
    weight : str
        The link attribute measuring volume (links without it count as 1).

    Returns
    -------
    CascadeResult

    Raises
    ------
    UnknownMemberError
        A failed or cut member does not exist.
    ParameterError
        No shock, a cut outside (0, 1], or a rule naming an unknown role.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["lg", "bank", "m1", "m2"],
    ...     "role": ["logistics", "finance", "manufacturer", "manufacturer"]}))
    >>> for m in ("m1", "m2"):
    ...     eco.link("lg", m, "logistics", volume=10.0)
    ...     eco.link("bank", m, "capital", volume=5.0)
    >>> result = cascade(eco, "lg")
    >>> result.failed[["round", "reason"]]
            round                                   reason
    member
    lg          0                                    shock
    m1          1  fewer than 1 logistics provider(s) (ring core)
    m2          1  fewer than 1 logistics provider(s) (ring core)
    >>> result.survivors
    ['bank']
    """
    layers = Layers.from_ecosystem(eco, weight)
    engine = CascadeEngine(layers, rules, eco.roles)
    shock = _shock_capacity(layers, members, cut)
    if max_rounds is not None and (isinstance(max_rounds, bool)
                                   or not isinstance(max_rounds, (int, np.integer))
                                   or max_rounds < 0):
        raise ParameterError(f"max_rounds must be a whole number >= 0, got {max_rounds!r}")
    capacity = np.ones((layers.n, 1))
    capacity[layers.members.get_indexer(list(shock)), 0] = 1.0 - np.array(list(shock.values()))
    failed_in, reason, final = engine.run(capacity, max_rounds)
    failed_in, reason = failed_in[:, 0], reason[:, 0]
    is_failed = failed_in >= 0
    order = np.lexsort((np.arange(layers.n), failed_in))
    order = order[is_failed[order]]
    labels = np.array(["shock"] + [str(rule) for rule in engine.rules], dtype=object)
    failed = pd.DataFrame({"round": failed_in[order], "ring": layers.rings[order],
                           "role": layers.roles[order], "reason": labels[reason[order] + 1]},
                          index=layers.members[order])
    before = np.array([v.sum() for v in layers.volume])
    after = engine.volume_after(final)[:, 0]
    lost = pd.DataFrame({"before": before, "after": after}, index=pd.Index(FLOWS, name="flow"))
    lost["lost"] = lost["before"] - lost["after"]
    lost["share"] = np.divide(lost["lost"], lost["before"], out=np.zeros(len(lost)),
                              where=lost["before"].to_numpy() > 0)
    lost["unit"] = [eco.flow_unit(f) for f in FLOWS]
    rounds = int(failed_in.max()) if is_failed.any() else 0
    per_round = pd.DataFrame({"failed": np.bincount(failed_in[is_failed],
                                                    minlength=rounds + 1)},
                             index=pd.RangeIndex(rounds + 1, name="round"))
    per_round["cumulative"] = per_round["failed"].cumsum()
    return CascadeResult(
        shock=shock, rounds=rounds, failed=failed,
        per_ring=_count_table(layers.rings, is_failed, list(RING_ORDER), "ring"),
        per_role=_count_table(layers.roles, is_failed, None, "role"),
        lost_volume=lost, per_round=per_round,
        survivors=layers.members[~is_failed].tolist())
